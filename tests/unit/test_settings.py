from __future__ import annotations

from pathlib import Path

import pytest

from watchkeeper.settings import Settings


def _settings(**kwargs: object) -> Settings:
    return Settings(_env_file=None, **kwargs)  # type: ignore[arg-type]


def test_defaults_give_an_embedded_database_in_the_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("DATA_DIR", "DATABASE_URL", "HOST", "PORT", "BASE_URL"):
        monkeypatch.delenv(f"WATCHKEEPER_{name}", raising=False)
    settings = _settings(data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{tmp_path.resolve()}/watchkeeper.db"
    assert settings.resolved_base_url == "http://127.0.0.1:8080"
    assert settings.sqlite_synchronous == "FULL"


def test_environment_variables_with_the_prefix_configure_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WATCHKEEPER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WATCHKEEPER_PORT", "9999")
    monkeypatch.setenv("WATCHKEEPER_BASE_URL", "https://oncall.example.com/")
    settings = _settings()
    assert settings.data_dir == tmp_path
    assert settings.port == 9999
    assert settings.resolved_base_url == "https://oncall.example.com"
    assert settings.resolved_cookie_secure is True


def test_cookies_are_not_secure_only_on_plain_http_by_default() -> None:
    assert _settings(base_url="http://localhost:8080").resolved_cookie_secure is False
    assert _settings(base_url="http://x", cookie_secure=True).resolved_cookie_secure is True


def test_invalid_values_are_refused() -> None:
    with pytest.raises(ValueError, match="port"):
        _settings(port=70000)
    with pytest.raises(ValueError, match="sqlite_synchronous"):
        _settings(sqlite_synchronous="OFF")


def test_no_proxy_is_believed_unless_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WATCHKEEPER_FORWARDED_ALLOW_IPS", raising=False)
    assert _settings().forwarded_allow == []
    configured = _settings(forwarded_allow_ips="127.0.0.1, 10.0.0.0/8,*")
    assert configured.forwarded_allow == ["127.0.0.1", "10.0.0.0/8", "*"]


@pytest.mark.parametrize("value", ["10.0.0.1/8", "proxy.local", "127.0.0.1,nope"])
def test_a_proxy_list_uvicorn_would_misread_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match=r"does not appear to be|has host bits set"):
        _settings(forwarded_allow_ips=value)
