"""Suggestions, told as stories: the team resolved a few incidents; a new one like an old
one lists it first among similar incidents once the engine has run, with how it was
fixed, and its category is suggested; a person accepts or corrects it, or above the
admin's threshold the engine applies it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.alertmanager import firing
from tests.factories import bearer, browser_login, make_person
from tests.scenarios.harness import Harness
from tests.scenarios.paging import Paging
from watchkeeper.catalog.users.roles import Role
from watchkeeper.incidents.models import TimelineEntry
from watchkeeper.response.suggestions import data
from watchkeeper.response.suggestions.models import SuggestionModel

PAST = [
    ("Disk full on db-1", "Postgres stopped writing: /var/lib/postgresql at 100%", "storage",
     "Deleted old WAL segments and grew the volume"),
    ("Checkout returns 500 after the deploy", "Release 4.2 broke the cart", "deploys",
     "Rolled back release 4.2"),
    ("TLS certificate for api expired", "Clients refuse the certificate", "certificates",
     "Renewed the certificate by hand"),
    ("Disk almost full on the log volume", "Log rotation stuck", "storage",
     "Restarted logrotate and removed old logs"),
    ("Login page errors after release 4.3", "500s on /login", "deploys", "Rolled back"),
    ("Certificate expiry warning for www", "30 days left", "certificates", "Renewed it"),
]  # fmt: skip


def _api(h: Harness, method: str, path: str, body: Any = None, status: int = 200) -> Any:
    response = h.client.request(method, path, json=body, headers=bearer(h.admin))
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def _history(h: Harness) -> dict[str, int]:
    """The team's past: six resolved and closed incidents in three categories."""
    service = h.service("db")
    categories = {
        name: _api(h, "POST", "/api/v1/categories", {"name": name}, 201)["id"]
        for name in ("storage", "deploys", "certificates")
    }
    for title, description, category, notes in PAST:
        incident = _api(
            h,
            "POST",
            "/api/v1/incidents",
            {
                "title": title,
                "description": description,
                "service_id": service,
                "category_id": categories[category],
                "impact": 2 if category == "storage" else 3,
            },
            201,
        )
        h.clock.advance(minutes=45)
        _api(h, "POST", f"/api/v1/incidents/{incident['id']}/resolve")
        _api(
            h,
            "POST",
            f"/api/v1/incidents/{incident['id']}/close",
            {"resolution_code": "fixed", "resolution_notes": notes},
        )
    _api(h, "POST", "/api/v1/incidents/1/postmortem", None, 201)
    h.run_engine()  # learns from them
    return {"service": service, **categories}


def _new(h: Harness, title: str, service: int, **fields: Any) -> int:
    body = {"title": title, "service_id": service, **fields}
    return int(_api(h, "POST", "/api/v1/incidents", body, 201)["id"])


def test_a_new_incident_like_an_old_one_lists_it_first_among_similar_incidents(
    h: Harness,
) -> None:
    ids = _history(h)
    new = _new(h, "Disk full on db-2", ids["service"], description="postgresql volume at 100%")
    assert _api(h, "GET", f"/api/v1/incidents/{new}/similar")["state"] == "pending"

    h.run_engine()

    similar = _api(h, "GET", f"/api/v1/incidents/{new}/similar")
    assert similar["state"] == "ready"
    first = similar["items"][0]
    assert (first["id"], first["title"]) == (1, "Disk full on db-1")
    assert first["resolution_code"] == "fixed"
    assert first["resolution_notes"] == "Deleted old WAL segments and grew the volume"
    assert first["resolved_in_seconds"] == 45 * 60
    assert first["postmortem_url"] == f"/postmortems/{first['postmortem_id']}"
    assert 4 in [item["id"] for item in similar["items"][:3]]  # the other disk incident
    assert len(similar["items"]) <= 5
    assert new not in [item["id"] for item in similar["items"]]
    browser_login(h.client, h.admin.login)
    page = h.client.get(f"/incidents/{new}").text
    assert 'data-testid="similar-incidents"' in page
    assert '<a href="/incidents/1">#1 Disk full on db-1</a>' in page
    assert f'<a href="{first["postmortem_url"]}">postmortem</a>' in page


def test_the_suggested_category_appears_after_the_engine_step_and_accepting_records_it(
    h: Harness,
) -> None:
    ids = _history(h)
    new = _new(h, "Disk full on db-7", ids["service"])
    assert _api(h, "GET", f"/api/v1/incidents/{new}/suggestion")["state"] == "pending"

    h.run_engine()

    suggestion = _api(h, "GET", f"/api/v1/incidents/{new}/suggestion")
    assert suggestion["state"] == "ready"
    assert suggestion["category"]["value"] == ids["storage"]
    assert suggestion["category"]["label"] == "storage"
    assert 0 < suggestion["category"]["confidence"] <= 1
    assert suggestion["decision"] is None

    accepted = _api(
        h, "POST", f"/api/v1/incidents/{new}/suggestion/accept", {"fields": ["category_id"]}
    )

    assert accepted["decision"] == "accepted"
    assert accepted["chosen"] == {"category_id": ids["storage"]}
    assert (accepted["decided_by_id"], accepted["decided_by"]) == (h.admin.id, h.admin.login)
    assert _api(h, "GET", f"/api/v1/incidents/{new}")["category_id"] == ids["storage"]
    assert _timeline(h, new, "suggestion") == [
        f"{h.admin.login} accepted the suggestion: category storage"
    ]
    # The next training learns from it, weighing the confirmed label more.
    _api(h, "POST", f"/api/v1/incidents/{new}/resolve")
    h.clock.advance(minutes=h.settings.suggest_retrain_minutes)
    h.run_engine()
    with h.db.transaction(write=False) as session:
        [latest] = session.scalars(
            select(SuggestionModel).order_by(SuggestionModel.id.desc()).limit(1)
        )
        assert latest.examples == len(PAST) + 1
        weights = {e.id: e.weight for e in data.examples(session, limit=100)[0]}
    assert weights[new] == data.CONFIRMED_WEIGHT
    assert weights[1] == 1.0


def test_a_correction_sets_the_right_values_and_is_recorded(h: Harness) -> None:
    ids = _history(h)
    new = _new(h, "Disk full on db-8", ids["service"])
    _api(h, "POST", f"/api/v1/incidents/{new}/suggestion/accept", None, 404)
    h.run_engine()
    _api(h, "POST", f"/api/v1/incidents/{new}/suggestion/correct", {}, 422)
    _api(h, "POST", f"/api/v1/incidents/{new}/suggestion/correct", {"impact": 7}, 422)
    assert _api(h, "GET", f"/api/v1/incidents/{new}/suggestion")["decision"] is None

    body = {"category_id": ids["deploys"], "impact": 1}
    corrected = _api(h, "POST", f"/api/v1/incidents/{new}/suggestion/correct", body)

    assert corrected["decision"] == "corrected"
    assert corrected["chosen"] == body
    incident = _api(h, "GET", f"/api/v1/incidents/{new}")
    assert (incident["category_id"], incident["impact"]) == (ids["deploys"], 1)


def test_above_the_admins_threshold_the_engine_applies_the_suggestion(h: Harness) -> None:
    ids = _history(h)
    h.reconfigure(suggest_auto_apply_confidence=0.3)
    new = _new(h, "Disk full on db-9", ids["service"], description="postgresql at 100%")

    h.run_engine()

    suggestion = _api(h, "GET", f"/api/v1/incidents/{new}/suggestion")
    assert suggestion["category"]["confidence"] >= 0.3
    assert suggestion["decision"] == "auto"
    assert suggestion["chosen"]["category_id"] == ids["storage"]
    assert _api(h, "GET", f"/api/v1/incidents/{new}")["category_id"] == ids["storage"]
    [entry] = _timeline(h, new, "suggestion")
    assert entry.startswith("engine applied the suggestion: category storage")


def test_below_the_threshold_nothing_changes_without_a_person(h: Harness) -> None:
    ids = _history(h)
    h.reconfigure(suggest_auto_apply_confidence=1.0)
    new = _new(h, "Disk full on db-10", ids["service"])

    h.run_engine()

    assert _api(h, "GET", f"/api/v1/incidents/{new}/suggestion")["decision"] is None
    assert _api(h, "GET", f"/api/v1/incidents/{new}")["category_id"] is None
    assert _timeline(h, new, "suggestion") == []


def _timeline(h: Harness, incident_id: int, kind: str) -> list[str]:
    with h.db.transaction(write=False) as session:
        return list(
            session.scalars(
                select(TimelineEntry.summary)
                .where(TimelineEntry.incident_id == incident_id, TimelineEntry.kind == kind)
                .order_by(TimelineEntry.id)
            )
        )


def test_on_the_page_a_responder_accepts_or_corrects_and_a_viewer_sees_no_buttons(
    h: Harness,
) -> None:
    ids = _history(h)
    first = _new(h, "Disk full on db-11", ids["service"])
    second = _new(h, "Disk full on db-12", ids["service"])
    h.run_engine()
    csrf = browser_login(h.client, h.admin.login)
    page = h.client.get(f"/incidents/{first}").text
    assert 'data-testid="suggestion"' in page
    assert f'action="/incidents/{first}/suggestion/accept"' in page

    accepted = h.client.post(
        f"/incidents/{first}/suggestion/accept", data={"csrf_token": csrf}, follow_redirects=False
    )
    corrected = h.client.post(
        f"/incidents/{second}/suggestion/correct",
        data={"csrf_token": csrf, "category_id": str(ids["certificates"]), "impact": ""},
        follow_redirects=False,
    )

    assert (accepted.status_code, corrected.status_code) == (303, 303)
    assert _api(h, "GET", f"/api/v1/incidents/{first}")["category_id"] == ids["storage"]
    assert _api(h, "GET", f"/api/v1/incidents/{second}")["category_id"] == ids["certificates"]
    assert (
        f'data-testid="suggestion-decision">accepted by {h.admin.login}'
        in h.client.get(f"/incidents/{first}").text
    )
    third = _new(h, "Disk full on db-13", ids["service"])
    h.run_engine()
    make_person(h.db, now=h.clock.now(), role=Role.VIEWER, login="vic")
    h.client.cookies.clear()
    browser_login(h.client, "vic")
    page = h.client.get(f"/incidents/{third}").text
    assert 'data-testid="suggestion"' in page
    assert "/suggestion/accept" not in page


def test_an_alert_pages_first_and_its_incident_gets_its_similar_incidents_in_the_same_turn(
    h: Harness,
) -> None:
    p = Paging(h)
    alice = p.person("alice")
    p.policy(([("user", alice.id)], 5))
    p.alert("DiskFull")
    assert p.now() == [("alice", [1])]
    resolved = firing("DiskFull", at=h.clock.now())
    resolved["status"] = resolved["alerts"][0]["status"] = "resolved"
    resolved["alerts"][0]["endsAt"] = h.clock.now().isoformat()
    h.post("alertmanager", resolved)
    _api(h, "POST", "/api/v1/incidents/1/resolve", {"note": "grew the volume"})
    closing = {"resolution_code": "fixed", "resolution_notes": "Grew the volume"}
    _api(h, "POST", "/api/v1/incidents/1/close", closing)
    h.clock.advance(days=3)
    h.run_engine()  # learns from it

    p.alert("DiskFull")
    turn = h.run_engine_once()

    assert [a for a, _ in _sent(p)] == ["alice"]  # paged in the very turn
    assert turn["suggestions"] >= 1
    similar = _api(h, "GET", "/api/v1/incidents/2/similar")
    assert [item["id"] for item in similar["items"]] == [1]
    assert similar["items"][0]["resolution_notes"] == "Grew the volume"


def _sent(p: Paging) -> list[tuple[str, list[int]]]:
    return [
        (p.addresses.get(s.address, s.address), [c["id"] for c in s.message.payload["incidents"]])
        for s in p.h.channel.take()
        if s.message.payload.get("type") == "page"
    ]
