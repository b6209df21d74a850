"""The scenario harness: post what monitoring tools post, run the engine, look at results.

A scenario reads like the story it checks (ARCHITECTURE.md, "Tests"):

    h.post("alertmanager", "alertmanager_firing.json")
    h.run_engine()
    assert h.incidents() == [...]
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry
from sqlalchemy import select
from starlette.testclient import TestClient

from tests.factories import Person, bearer
from tests.scenarios.recording import RecordingChannel
from watchkeeper.core.clock import FrozenClock
from watchkeeper.db.sealing import Sealer
from watchkeeper.db.session import Database
from watchkeeper.engine.metrics import EngineMetrics
from watchkeeper.engine.modules import build
from watchkeeper.engine.runner import Runner
from watchkeeper.incidents.models import Incident
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.pipeline.notify.channels.base import Channel
from watchkeeper.pipeline.notify.links import Linker
from watchkeeper.settings import Settings
from watchkeeper.wiring import check_prober, notify_channels, secret_key

PAYLOADS = Path(__file__).parent.parent / "payloads"


def payload(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text())


@dataclass
class Harness:
    client: TestClient
    db: Database
    clock: FrozenClock
    settings: Settings
    admin: Person
    keys: dict[str, str] = field(default_factory=dict)
    service_ids: dict[str, int] = field(default_factory=dict)

    channel: RecordingChannel = field(default_factory=RecordingChannel)

    def __post_init__(self) -> None:
        channel: Channel = self.channel
        self.runner = self._runner({"email": channel, "apprise": channel, "webhook": channel})

    def deliver_for_real(self) -> None:
        """From now on the engine sends through the real channels, with the guard the
        settings give, instead of recording."""
        self.runner = self._runner(notify_channels(self.settings))

    def reconfigure(self, **settings: Any) -> None:
        """The engine from now on runs with these settings changed."""
        self.settings = self.settings.model_copy(update=settings)
        self.__post_init__()

    def another_engine(self) -> Runner:
        """A second engine on the same database and channels, as a second host runs."""
        channel: Channel = self.channel
        channels = {"email": channel, "apprise": channel, "webhook": channel}
        return self._runner(channels, holder="another-host:1:engine")

    def _runner(self, channels: dict[str, Channel], holder: str = "scenario:1:engine") -> Runner:
        return Runner(
            database=self.db,
            modules=build(
                CollectorRegistry(),
                self.settings,
                channels=channels,
                linker=Linker("http://testserver", "scenario secret"),
                sealer=Sealer(secret_key(self.settings)),  # as the web app seals
                notify_workers=0,
                comms_workers=0,
                prober=check_prober(self.settings).run,
                clock=self.clock,
                check_workers=0,
                train_in_background=False,
            ),
            clock=self.clock,
            metrics=EngineMetrics(CollectorRegistry()),
            holder=holder,
        )

    def service(self, name: str = "web", **fields: Any) -> int:
        response = self.client.post(
            "/api/v1/services", json={"name": name, **fields}, headers=bearer(self.admin)
        )
        assert response.status_code == 201, response.text
        self.service_ids[name] = int(response.json()["id"])
        return self.service_ids[name]

    def integration(self, type_: str, *, service: str = "web", **fields: Any) -> str:
        if service not in self.service_ids:
            self.service(service)
        response = self.client.post(
            f"/api/v1/services/{self.service_ids[service]}/integrations",
            json={"type": type_, "name": f"{type_} for {service}", **fields},
            headers=bearer(self.admin),
        )
        assert response.status_code == 201, response.text
        self.keys[f"{service}/{type_}"] = response.json()["key"]
        return str(response.json()["key"])

    def key(self, type_: str, service: str = "web") -> str:
        return self.keys.get(f"{service}/{type_}") or self.integration(type_, service=service)

    def post(self, kind: str, body: Any, *, service: str = "web") -> Any:
        """Post a payload (a file name under tests/payloads, or a value) as `kind` sends it."""
        data = payload(body) if isinstance(body, str) else body
        if kind == "pagerduty":
            return self.client.post(
                "/v2/enqueue", json={**data, "routing_key": self.key(kind, service)}
            )
        type_ = "generic" if kind == "events" else kind
        return self.client.post(
            f"/api/v1/integrations/{self.key(type_, service)}/{kind}", json=data
        )

    def run_engine(self) -> dict[str, int]:
        return self.runner.run_pending()

    def run_engine_once(self) -> dict[str, int]:
        """One turn of the engine: every module runs once, whatever is left behind."""
        return self.runner.run_round()

    def incidents(self) -> list[Incident]:
        with self.db.transaction(write=False) as session:
            return list(session.scalars(select(Incident).order_by(Incident.id)))

    def alerts(self) -> list[Alert]:
        with self.db.transaction(write=False) as session:
            return list(session.scalars(select(Alert).order_by(Alert.id)))
