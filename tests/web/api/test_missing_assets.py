"""A checkout where `make assets` never ran says so: on /readyz, without failing readiness."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from watchkeeper.web.ui import assets


def test_every_vendored_file_is_missing_from_an_empty_folder(tmp_path: Path) -> None:
    assert assets.missing_assets(tmp_path) == list(assets.VENDORED)
    for name in assets.VENDORED:
        (tmp_path / "vendor" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "vendor" / name).write_text("/* vendored */")
    assert assets.assets_warning(tmp_path) is None


def test_readyz_warns_with_the_command_that_installs_them(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "warnings" not in client.get("/readyz").json()  # this checkout has them
    monkeypatch.setattr(assets, "STATIC", tmp_path)
    [warning] = client.get("/readyz").json()["warnings"]
    assert "htmx/htmx.min.js" in warning
    assert "make assets" in warning
