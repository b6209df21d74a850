"""What the API accepts and returns for checks: one schema per kind, told apart by `kind`."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from watchkeeper.core.ids import Id
from watchkeeper.core.text import NonBlank
from watchkeeper.monitoring.checks import jsonpath

CheckName = Annotated[NonBlank, Field(max_length=100)]
Host = Annotated[NonBlank, Field(max_length=253, pattern=r"^[A-Za-z0-9.:_\[\]-]+$")]
Port = Annotated[int, Field(ge=1, le=65535)]
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
RECORD_TYPES = ("A", "AAAA", "CNAME", "MX", "NS", "TXT", "SOA", "SRV", "CAA", "PTR")
_STATUS = re.compile(r"^([1-5])xx$|^(\d{3})(?:-(\d{3}))?$")


def _status_pattern(value: str) -> str:
    found = _STATUS.match(value.strip().lower())
    if not found:
        raise ValueError("use a code (200), a class (2xx) or a range (200-299)")
    if found.group(3) and int(found.group(3)) < int(found.group(2)):
        raise ValueError(f"the range {value} ends before it starts")
    return value.strip().lower()


StatusPattern = Annotated[str, AfterValidator(_status_pattern)]


def status_matches(patterns: list[str], code: int) -> bool:
    """Whether `code` is one of `patterns` (200, 2xx, 200-299)."""
    for pattern in patterns:
        found = _STATUS.match(pattern)
        if found is None:
            continue
        if found.group(1):
            if code // 100 == int(found.group(1)):
                return True
        elif int(found.group(2)) <= code <= int(found.group(3) or found.group(2)):
            return True
    return False


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http or https URL with a host")
    return value


def _json_path(value: str) -> str:
    jsonpath.parse(value)  # ValueError says what is wrong
    return value


class Common(BaseModel):
    """Fields every kind has."""

    model_config = ConfigDict(extra="forbid")

    name: CheckName
    service_id: Id = Field(description="The service whose incidents a failure opens.")
    interval_seconds: int = Field(default=60, ge=10, le=86400, description="How often it runs.")
    timeout_seconds: int = Field(default=10, ge=1, le=60, description="How long one try may take.")
    retries: int = Field(
        default=1, ge=0, le=10, description="Failed runs in a row tolerated before it is down."
    )
    severity: Literal["critical", "error", "warning", "info"] = Field(
        default="critical", description="Severity of the alert a failure raises."
    )
    paused: bool = False

    @model_validator(mode="after")
    def _timeout_within_interval(self) -> Common:
        if self.timeout_seconds >= self.interval_seconds:
            raise ValueError("timeout seconds: must be less than the interval")
        return self


class HttpCheck(Common):
    kind: Literal["http"]
    url: Annotated[str, Field(max_length=2048), AfterValidator(_http_url)]
    method: Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] = "GET"
    headers: dict[Annotated[str, Field(min_length=1, max_length=100)], str] = Field(
        default_factory=dict, max_length=50
    )
    body: Annotated[str, Field(max_length=65536)] | None = None
    expected_status: Annotated[list[StatusPattern], Field(min_length=1, max_length=20)] = Field(
        default_factory=lambda: ["2xx"], description="200, 2xx or 200-299."
    )
    keyword: Annotated[str, Field(min_length=1, max_length=1000)] | None = Field(
        default=None, description="Text the response body must contain."
    )
    keyword_absent: bool = Field(default=False, description="The keyword must NOT be there.")
    json_path: Annotated[str, Field(max_length=500), AfterValidator(_json_path)] | None = Field(
        default=None, description="e.g. `$.status` or `$.checks[0].ok`."
    )
    json_expected: Annotated[str, Field(max_length=1000)] | None = Field(
        default=None, description="The value at json_path, as text (true, 3, ok)."
    )
    latency_threshold_ms: int | None = Field(
        default=None, ge=1, le=60000, description="Slower than this counts as a failure."
    )
    follow_redirects: bool = True
    verify_tls: bool = True

    @model_validator(mode="after")
    def _json_pair(self) -> HttpCheck:
        if self.json_expected is not None and self.json_path is None:
            raise ValueError("json expected: needs a json_path")
        return self


class TcpCheck(Common):
    kind: Literal["tcp"]
    host: Host
    port: Port
    send: Annotated[str, Field(max_length=4096)] | None = Field(
        default=None, description="Text sent once connected."
    )
    expect: Annotated[str, Field(min_length=1, max_length=1000)] | None = Field(
        default=None, description="Text the first answer must contain (a banner)."
    )


class PortCheck(Common):
    kind: Literal["port"]
    host: Host
    port: Port
    expect_open: bool = Field(default=True, description="false: the port must be closed.")


class TlsCheck(Common):
    kind: Literal["tls"]
    host: Host
    port: Port = 443
    server_name: Host | None = Field(default=None, description="SNI name; the host by default.")
    min_days_left: int = Field(
        default=0, ge=0, le=365, description="Fewer days left than this is a failure."
    )
    warn_days: Annotated[list[Annotated[int, Field(ge=1, le=365)]], Field(max_length=5)] = Field(
        default_factory=lambda: [21, 7],
        description="Days before expiry at which a low-urgency alert is raised, once each.",
    )
    ca_pem: Annotated[str, Field(max_length=65536)] | None = Field(
        default=None, description="PEM of a private CA to trust instead of the system's."
    )


class DnsCheck(Common):
    kind: Literal["dns"]
    host: Host = Field(description="The name to look up.")
    record_type: Literal["A", "AAAA", "CNAME", "MX", "NS", "TXT", "SOA", "SRV", "CAA", "PTR"] = "A"
    expected: Annotated[list[Annotated[str, Field(max_length=500)]], Field(max_length=20)] = Field(
        default_factory=list, description="Values the answer must hold (any order)."
    )
    nameserver: Host | None = Field(default=None, description="An IP; the system's by default.")
    nameserver_port: Port = 53


CheckIn = Annotated[
    HttpCheck | TcpCheck | PortCheck | TlsCheck | DnsCheck, Field(discriminator="kind")
]

DEFINITION: TypeAdapter[CheckIn] = TypeAdapter(CheckIn)
KIND_NAMES = ("http", "tcp", "port", "tls", "dns")
_KIND_WORDS = {
    "union_tag_not_found": "is required: http, tcp, port, tls or dns",
    "union_tag_invalid": "must be http, tcp, port, tls or dns",
}


def located(exc: ValidationError, *, under: str) -> list[dict[str, Any]]:
    """The errors of validating a definition, each at its field under `under`, without
    the kind pydantic puts first, and with a plain sentence for a missing or odd kind."""
    found: list[dict[str, Any]] = []
    for error in exc.errors():
        if error["type"] in _KIND_WORDS:
            words = _KIND_WORDS[error["type"]]
            loc: tuple[Any, ...] = (under, "kind")
            found.append({"type": "value_error", "loc": loc, "msg": words, "ctx": {"error": words}})
            continue
        loc = tuple(error["loc"])
        if loc and loc[0] in KIND_NAMES:
            loc = loc[1:]
        found.append({**error, "loc": (under, *loc)})
    return found


class CheckPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    paused: bool


SECRET_HEADER = re.compile(r"authorization|cookie|token|secret|password|api[-_]?key", re.I)
HIDDEN = "(hidden)"


def shown_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The definition as shown to readers: values of headers that carry credentials are
    hidden (a viewer may read checks; PUT takes the whole definition, secrets included)."""
    headers = spec.get("headers")
    if not isinstance(headers, dict) or not headers:
        return spec
    masked = {k: HIDDEN if SECRET_HEADER.search(k) else v for k, v in headers.items()}
    return {**spec, "headers": masked}


class CheckOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    service_id: int
    name: str
    kind: str
    target: str
    spec: dict[str, Any]
    interval_seconds: int
    timeout_seconds: int
    retries: int
    severity: str
    paused: bool
    internal: bool
    status: str
    failures: int
    last_run_at: datetime | None
    last_latency_ms: float | None
    last_error: str | None
    down_since: datetime | None
    next_due_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @model_validator(mode="after")
    def _hide_secrets(self) -> CheckOut:
        self.spec = shown_spec(self.spec)
        return self


class ResultOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    started_at: datetime
    ok: bool
    latency_ms: float | None
    error: str | None


class UptimeOut(BaseModel):
    """Share of successful runs over each window, from the hourly rollups."""

    check_id: int
    windows: dict[str, float | None] = Field(
        description="`24h`, `7d`, `30d`, `90d`, `365d`: percent, or null without runs."
    )
