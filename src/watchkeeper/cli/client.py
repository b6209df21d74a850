"""A small client of a running server's REST API: where it is, requests, problems as errors."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx2

from watchkeeper import __version__
from watchkeeper.core.errors import FieldError, WatchkeeperError
from watchkeeper.settings import ClientSettings

TIMEOUT_SECONDS = 10.0
_WHAT = {"url": "server URL", "token": "API token"}


class ClientError(WatchkeeperError):
    """The server could not be reached or refused the request; `detail` says why."""

    slug = "client"
    title = "Client error"


@dataclass(frozen=True)
class Target:
    """The server to talk to and the token to show it."""

    url: str
    token: str = field(repr=False)


def resolve_target(*, url: str | None, token: str | None, config: Path | None) -> Target:
    """Flags first, then `WATCHKEEPER_URL`/`WATCHKEEPER_TOKEN`, then the config file."""
    settings = ClientSettings()
    url = url or settings.url
    token = token or (settings.token.get_secret_value() if settings.token else None)
    path = config.expanduser() if config else settings.client_config
    explicit = config is not None or "client_config" in settings.model_fields_set
    if explicit or not (url and token):
        stored = read_config(path, required=explicit)
        url, token = url or stored.get("url"), token or stored.get("token")
    return _checked(url=url, token=token, path=path)


def _checked(*, url: str | None, token: str | None, path: Path) -> Target:
    if not (url and token):
        raise _missing(url=url, token=token, path=path)
    if not url.startswith(("http://", "https://")):
        raise ClientError(f"the server URL {url!r} must start with http:// or https://")
    token = token.strip()
    if not (token.isascii() and token.isprintable()):
        raise ClientError("the API token holds characters no token has; copy it again")
    return Target(url.rstrip("/"), token)


def read_config(path: Path, *, required: bool) -> dict[str, str]:
    """`url` and `token` from a TOML file; a missing file is empty unless `required`."""
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except FileNotFoundError:
        if required:
            raise ClientError(f"no client config file at {path}") from None
        return {}
    except OSError as exc:
        raise ClientError(f"cannot read {path}: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ClientError(f"{path} is not valid TOML: {exc}") from exc
    found: dict[str, str] = {}
    for key in _WHAT:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise ClientError(f"{path}: `{key}` must be a string")
        if value:
            found[key] = value
    return found


def _missing(*, url: str | None, token: str | None, path: Path) -> ClientError:
    names = [name for name, value in (("url", url), ("token", token)) if not value]
    what = " and ".join(_WHAT[name] for name in names)
    flags = " and ".join(f"--{name}" for name in names)
    variables = " and ".join(f"WATCHKEEPER_{name.upper()}" for name in names)
    keys = " and ".join(f"`{name}`" for name in names)
    return ClientError(f"no {what}: pass {flags}, set {variables}, or put {keys} in {path}")


class Api:
    """JSON over HTTP with the token; every failure becomes a one-line `ClientError`."""

    def __init__(self, target: Target, transport: httpx2.BaseTransport | None = None) -> None:
        self.url = target.url
        headers = {
            "Authorization": f"Bearer {target.token}",
            "Accept": "application/json",
            "User-Agent": f"watchkeeper-cli/{__version__}",
        }
        self._http = httpx2.Client(
            base_url=target.url, headers=headers, timeout=TIMEOUT_SECONDS, transport=transport
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._http.close()

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self._send("GET", path, params=params)

    def post(self, path: str, body: Mapping[str, Any] | None = None) -> Any:
        return self._send("POST", path, json=body)

    def patch(self, path: str, body: Mapping[str, Any]) -> Any:
        return self._send("PATCH", path, json=body)

    def delete(self, path: str) -> Any:
        return self._send("DELETE", path)

    def get_text(self, path: str, params: Mapping[str, Any] | None = None) -> str:
        """A document the server answers with as text (an export), not JSON."""
        try:
            response = self._http.request("GET", path, params=params, headers={"Accept": "*/*"})
        except httpx2.RequestError as exc:
            raise ClientError(f"cannot reach {self.url}: {_reason(exc)}") from exc
        if response.is_success:
            return response.text
        raise problem_error(response, self.url)

    def pages(self, path: str, params: Mapping[str, Any]) -> Iterator[Any]:
        """Every item of a paged list, following `next_cursor`."""
        cursor: str | None = None
        while True:
            page = self.get(path, {**params, **({"cursor": cursor} if cursor else {})})
            yield from page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                return

    def _send(self, method: str, path: str, **options: Any) -> Any:
        try:
            response = self._http.request(method, path, **options)
        except httpx2.RequestError as exc:
            raise ClientError(f"cannot reach {self.url}: {_reason(exc)}") from exc
        if response.is_success:
            return self._payload(response)
        raise problem_error(response, self.url)

    def _payload(self, response: httpx2.Response) -> Any:
        if response.status_code == 204:
            return None
        try:
            return response.json()
        except ValueError:
            raise ClientError(
                f"{self.url} did not answer with JSON; is it a Watchkeeper server?"
            ) from None


def _reason(exc: httpx2.RequestError) -> str:
    text = str(exc).strip()
    return text or type(exc).__name__


def problem_error(response: httpx2.Response, url: str) -> ClientError:
    """The problem+json document of a failed response as one error for people."""
    problem = _problem(response)
    if problem is None:
        if response.is_redirect and "location" in response.headers:
            return ClientError(f"{url} redirects to {response.headers['location']}; use that URL")
        phrase = f"{response.status_code} {response.reason_phrase}".strip()
        return ClientError(f"{url} answered {phrase}; is it a Watchkeeper server?")
    detail = str(problem.get("detail") or problem.get("title") or response.reason_phrase)
    if response.status_code == 401:
        detail += "; give a valid API token with --token, WATCHKEEPER_TOKEN or the config file"
    # The detail may already name some fields; say each only once.
    errors = [e for e in _field_errors(problem.get("errors")) if _unsaid(e, detail)]
    return ClientError(detail, errors=errors)


def _unsaid(error: FieldError, detail: str) -> bool:
    return f"{error.location}: {error.message}" not in detail


def _problem(response: httpx2.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) and ("detail" in body or "title" in body) else None


def _field_errors(raw: Any) -> list[FieldError]:
    if not isinstance(raw, list):
        return []
    return [
        FieldError(str(item.get("location", "")), str(item.get("detail", "")))
        for item in raw
        if isinstance(item, dict)
    ]
