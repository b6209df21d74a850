"""What an Opsgenie request can run into; the wire routes answer each in Opsgenie's shape."""

from __future__ import annotations


class OpsgenieError(Exception):
    """A refusal with Opsgenie's HTTP status and message."""

    status = 400

    def __init__(self, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class BadQuery(OpsgenieError):
    """A search query we cannot read (Opsgenie answers these with 422 too)."""

    status = 422


class Unprocessable(OpsgenieError):
    """A body or parameter that does not fit: 422 with one message per field."""

    status = 422


class AlertNotFound(OpsgenieError):
    status = 404

    def __init__(self) -> None:
        super().__init__("Alert does not exist")


class RequestNotFound(OpsgenieError):
    status = 404

    def __init__(self) -> None:
        super().__init__("Request not found. It might not be processed, yet.")
