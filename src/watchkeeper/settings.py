"""The settings objects, server and command-line client; the only module that reads the
environment.

Every field is documented in docs/configuration.md (a test keeps the two in step).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from watchkeeper.core.priority import parse_label

RoleName = Literal["viewer", "responder", "admin"]

LogFormat = Literal["console", "json"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]
SqliteSynchronous = Literal["NORMAL", "FULL", "EXTRA"]


class Settings(BaseSettings):
    """Configuration from `WATCHKEEPER_*` environment variables (and `.env` if present)."""

    model_config = SettingsConfigDict(
        env_prefix="WATCHKEEPER_", env_file=".env", extra="ignore", frozen=True
    )

    data_dir: Path = Field(
        default=Path("var"),
        description="Directory for the embedded database and the generated secret key.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL. Default: SQLite file `watchkeeper.db` in the data dir. "
        "PostgreSQL: `postgresql+psycopg://user:pass@host:5432/db`.",
    )
    host: str = Field(default="127.0.0.1", description="Address the web server listens on.")
    port: int = Field(default=8080, ge=0, le=65535, description="Port the web server listens on.")
    base_url: str | None = Field(
        default=None,
        description="Public URL of this server, used in links sent out (notifications, "
        "integration URLs). Default: `http://<host>:<port>`.",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Key that signs links which act without a login (the acknowledge and "
        "resolve links in notifications) and seals contact-method addresses and secrets in "
        "the database. Default: generated on first start and kept in "
        "`<data_dir>/secret_key`. Set it explicitly when several hosts serve.",
    )
    log_level: LogLevel = Field(default="INFO", description="Minimum level of log records.")
    log_format: LogFormat = Field(
        default="console", description="`console` for people, `json` for log shippers."
    )
    sqlite_synchronous: SqliteSynchronous = Field(
        default="FULL",
        description="SQLite `synchronous` pragma. FULL (default) fsyncs the WAL at every "
        "commit, so an accepted event survives power loss; NORMAL survives a process "
        "crash but may lose the last commits on power loss.",
    )
    max_body_bytes: int = Field(
        default=1_048_576,
        ge=1024,
        description="Largest request body accepted, in bytes; larger ones get 413.",
    )
    ingest_max_body_bytes: int = Field(
        default=524_288,
        ge=1024,
        description="Largest body the alert endpoints accept (512 KiB); larger ones get 413.",
    )
    ingest_rate_limit: str = Field(
        default="100 per second",
        description="Requests each integration may send, in `limits` notation; over it "
        "the sender gets 429 with Retry-After.",
    )
    raw_payload_retention_days: int = Field(
        default=30, ge=1, description="Days the raw body of every accepted request is kept."
    )
    audit_retention_days: int = Field(
        default=365, ge=1, description="Days audit log rows are kept."
    )
    # Suggestions from the local model (docs/suggestions.md).
    suggest_auto_apply_confidence: float | None = Field(
        default=None,
        gt=0,
        le=1,
        description="Apply a suggested category, impact or urgency without asking when the "
        "model is at least this sure (0..1); unset: only when a person accepts.",
    )
    suggest_retrain_minutes: int = Field(
        default=60, ge=1, description="Least minutes between two trainings of the model."
    )
    flap_changes: int = Field(
        default=6,
        ge=2,
        description="An alert that changes state more than this many times within "
        "`flap_window_minutes` is flapping: its new alerts are kept but do not page.",
    )
    flap_window_minutes: int = Field(
        default=30, ge=1, description="The window in which flapping is counted (minutes)."
    )
    db_pool_size: int = Field(
        default=10, ge=1, description="Connections kept open per process (PostgreSQL)."
    )
    engine_interval: float = Field(
        default=1.0,
        gt=0,
        description="Seconds between engine polls; ingest also wakes the engine at once.",
    )
    reopen_window_days: int = Field(
        default=7,
        ge=0,
        le=365,
        description="How many days after resolution an incident can still be reopened.",
    )
    run_engine: bool = Field(
        default=True,
        description="Run the engine inside `watchkeeper serve`. Turn off when separate "
        "`watchkeeper engine` processes do the work (`serve --no-engine` does this).",
    )
    session_idle_hours: int = Field(
        default=72, ge=1, description="A web session ends after this many hours without use."
    )
    session_max_days: int = Field(
        default=30, ge=1, description="A web session ends this many days after login, used or not."
    )
    cookie_secure: bool | None = Field(
        default=None,
        description="Send cookies only over HTTPS. Default: on when `base_url` is https.",
    )
    login_rate_limit: str = Field(
        default="10 per 15 minutes",
        description="Failed logins allowed per account (and 5x that per client address) "
        "before login is refused with 429, in `limits` notation.",
    )
    forwarded_allow_ips: str = Field(
        default="",
        description="Comma-separated addresses or networks of the reverse proxies whose "
        "`X-Forwarded-For` and `X-Forwarded-Proto` headers are believed (e.g. `127.0.0.1` "
        "for a proxy on this host); `*` believes anyone. Default: nobody's, so the "
        "connecting address is the client's and a forged header changes nothing.",
    )
    contact_code_rate_limit: str = Field(
        default="10 per hour",
        description="Verification codes each person may have sent to their contact methods "
        "(adding one sends a code), and codes they may try, each in `limits` notation; over "
        "it they get 429 with Retry-After. A code also locks after five wrong tries.",
    )
    rate_limit_storage_uri: str = Field(
        default="memory://",
        description="Where rate-limit counters live, as a `limits` storage URI. The default "
        "`memory://` counts per process; a shared store such as `redis://host:6379` "
        "needs its driver package installed.",
    )

    smtp_host: str | None = Field(
        default=None,
        description="SMTP server that sends email notifications. Without it, email "
        "contact methods cannot be reached (their messages fail with a clear reason).",
    )
    smtp_port: int = Field(
        default=25,
        ge=1,
        le=65535,
        description="Port of the SMTP server (587 with STARTTLS, 465 with SSL).",
    )
    smtp_from: str = Field(
        default="watchkeeper@localhost", description="Sender address of notification emails."
    )
    smtp_username: str | None = Field(
        default=None, description="User name for SMTP authentication, if the server wants one."
    )
    smtp_password: SecretStr | None = Field(
        default=None, description="Password for SMTP authentication."
    )
    smtp_starttls: bool = Field(
        default=False, description="Upgrade the SMTP connection with STARTTLS before sending."
    )
    smtp_ssl: bool = Field(
        default=False, description="Connect to the SMTP server over TLS from the start (port 465)."
    )
    smtp_listen: bool = Field(
        default=False,
        description="Run the SMTP intake: mail to `<integration key>@<domain>` (or a plus "
        "address ending in the key) of a generic integration becomes an alert.",
    )
    smtp_listen_host: str = Field(
        default="127.0.0.1", description="Address the SMTP intake listens on."
    )
    smtp_listen_port: int = Field(
        default=2525, ge=1, le=65535, description="Port the SMTP intake listens on."
    )
    smtp_listen_domain: str | None = Field(
        default=None,
        description="The only domain the SMTP intake accepts mail for; none: any domain.",
    )
    smtp_listen_max_bytes: int = Field(
        default=1_048_576,
        ge=1024,
        description="Largest message the SMTP intake accepts, attachments included.",
    )
    smtp_listen_tls_cert: Path | None = Field(
        default=None,
        description="PEM certificate the SMTP intake offers with STARTTLS (with the key).",
    )
    smtp_listen_tls_key: Path | None = Field(
        default=None, description="PEM private key of `smtp_listen_tls_cert`."
    )
    smtp_dedup_header: str = Field(
        default="X-Alert-Key",
        description="A mail header whose value is the alert's dedup key, when present.",
    )
    smtp_dedup_subject_pattern: str | None = Field(
        default=None,
        description="A regular expression on the subject; its first group (or the whole "
        "match) is the dedup key when the header is absent. Default: the subject itself.",
    )
    outbound_allow_cidrs: str = Field(
        default="",
        description="Comma-separated networks (e.g. `10.0.0.0/8,127.0.0.1/32`) that webhooks "
        "and self-hosted Apprise services may reach although they are loopback, private "
        "or link-local; by default such addresses are refused (SSRF protection).",
    )
    checks_allow_cidrs: str = Field(
        default="",
        description="Comma-separated networks (e.g. `10.0.0.0/8,127.0.0.1/32`) that synthetic "
        "checks may reach although they are loopback, private or link-local; only an admin "
        "can create a check that reaches them. Separate from the webhooks' allow-list.",
    )
    check_workers: int = Field(
        default=32,
        ge=1,
        le=512,
        description="Threads the engine runs checks in at once; a check waiting on the "
        "network holds one until its timeout.",
    )
    check_result_retention_days: int = Field(
        default=7, ge=1, le=90, description="Days each check result is kept."
    )
    check_rollup_retention_days: int = Field(
        default=365,
        ge=7,
        le=3650,
        description="Days the hourly rollups of check results (uptime %) are kept.",
    )
    notify_throttle_seconds: int = Field(
        default=60,
        ge=0,
        le=3600,
        description="A person gets at most one page message per contact method in this "
        "many seconds; pages in between are bundled into the next message. 0 turns "
        "bundling off (each page is its own message).",
    )

    oidc_discovery_url: str | None = Field(
        default=None,
        description="Single sign-on: the OpenID Connect provider's discovery document, e.g. "
        "`https://idp.example.com/.well-known/openid-configuration`. Unset: local login only.",
    )
    oidc_client_id: str | None = Field(
        default=None, description="Single sign-on: this installation's client id at the provider."
    )
    oidc_client_secret: SecretStr | None = Field(
        default=None, description="Single sign-on: the client secret."
    )
    oidc_scopes: str = Field(
        default="openid email profile",
        description="Single sign-on: scopes asked for (add the one that releases groups).",
    )
    oidc_groups_claim: str = Field(
        default="groups", description="Single sign-on: the claim that lists a person's groups."
    )
    oidc_group_roles: dict[str, RoleName] = Field(
        default_factory=dict,
        description='Single sign-on: JSON, group -> role, e.g. `{"sre-leads": "admin", '
        '"sre": "responder"}`. When set, each sign-in sets the role from the groups (the '
        "highest wins) and a person in none of them cannot sign in.",
    )
    oidc_group_teams: dict[str, str] = Field(
        default_factory=dict,
        description='Single sign-on: JSON, group -> team name, e.g. `{"sre": "SRE"}`; a '
        "sign-in adds the person to those teams.",
    )
    oidc_create_users: bool = Field(
        default=False,
        description="Single sign-on: create an account at first sign-in for a person the "
        "provider knows but Watchkeeper does not (viewer unless a group gives a role).",
    )
    oidc_button_label: str = Field(
        default="Sign in with single sign-on", description="Single sign-on: the login button."
    )

    stakeholder_update_minutes: dict[int, int] = Field(
        default_factory=lambda: {1: 30, 2: 60},
        description="JSON, priority -> minutes between stakeholder updates of an open "
        'incident, e.g. `{"1": 30, "2": 60, "3": 240}`; when one is due, the communications '
        "lead (or the commander) is reminded. A priority left out has no cadence.",
    )

    postmortem_required_priorities: str = Field(
        default="P1,P2",
        description="Comma-separated priorities whose incidents need a published postmortem "
        "(e.g. `P1,P2,P3`; empty: none). They show in the postmortems-due list and remind "
        "their owner.",
    )
    postmortem_due_business_days: int = Field(
        default=5,
        ge=0,
        le=60,
        description="Business days (Monday to Friday) after closing by which a required "
        "postmortem is due; then its owner is reminded once.",
    )
    action_item_reminder_days: int = Field(
        default=2,
        ge=0,
        le=30,
        description="Days before an action item's due date that its owner is reminded "
        "(0: only when it is overdue).",
    )

    @field_validator("postmortem_required_priorities")
    @classmethod
    def _check_priorities(cls, value: str) -> str:
        for part in _split(value):
            parse_label(part)  # ValueError names the bad one
        return value

    @field_validator("outbound_allow_cidrs", "checks_allow_cidrs")
    @classmethod
    def _check_cidrs(cls, value: str) -> str:
        for cidr in _split(value):
            ipaddress.ip_network(cidr, strict=False)  # ValueError names the bad one
        return value

    @field_validator("stakeholder_update_minutes")
    @classmethod
    def _check_cadence(cls, value: dict[int, int]) -> dict[int, int]:
        for priority, minutes in value.items():
            if not 1 <= priority <= 5 or not 1 <= minutes <= 1440:
                raise ValueError("priorities 1 to 5, each 1 to 1440 minutes")
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _check_proxies(cls, value: str) -> str:
        for entry in _split(value):
            if entry != "*":
                # strict, as uvicorn parses it: `10.0.0.1/8` would silently match nothing
                ipaddress.ip_network(entry)
        return value

    @field_validator("base_url")
    @classmethod
    def _strip_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir.resolve() / 'watchkeeper.db'}"

    @property
    def engine_metrics_path(self) -> Path:
        """Where an engine on this host leaves its metrics for `/metrics` to serve."""
        return self.data_dir / "engine-metrics.prom"

    @property
    def resolved_base_url(self) -> str:
        if self.base_url:
            return self.base_url
        return f"http://{self.host}:{self.port}"

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_discovery_url and self.oidc_client_id and self.oidc_client_secret)

    @property
    def outbound_allow(self) -> list[str]:
        return _split(self.outbound_allow_cidrs)

    @property
    def checks_allow(self) -> list[str]:
        return _split(self.checks_allow_cidrs)

    @property
    def required_postmortem_priorities(self) -> frozenset[int]:
        return frozenset(parse_label(part) for part in _split(self.postmortem_required_priorities))

    @property
    def forwarded_allow(self) -> list[str]:
        return _split(self.forwarded_allow_ips)

    @property
    def resolved_cookie_secure(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.resolved_base_url.startswith("https://")


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class ClientSettings(BaseSettings):
    """Where `watchkeeper incident ...` finds the server: `WATCHKEEPER_*` variables only.

    Command-line flags override these; the client config file fills in what is still
    missing (the CLI reads it, from `client_config`).
    """

    model_config = SettingsConfigDict(
        env_prefix="WATCHKEEPER_", env_file=None, env_ignore_empty=True, extra="ignore", frozen=True
    )

    url: str | None = Field(
        default=None,
        description="URL of the Watchkeeper server the command-line client talks to, "
        "e.g. `https://watchkeeper.example.com`.",
    )
    token: SecretStr | None = Field(
        default=None, description="API token the command-line client sends to the server."
    )
    client_config: Path = Field(
        default=Path("~/.config/watchkeeper/client.toml"),
        validate_default=True,
        description="TOML file with `url` and `token` for the command-line client, read "
        "for whichever of the two no flag or variable gives.",
    )

    @field_validator("client_config")
    @classmethod
    def _expand_home(cls, value: Path) -> Path:
        return value.expanduser()
