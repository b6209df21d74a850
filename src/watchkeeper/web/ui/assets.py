"""Whether the vendored front-end files are there: a checkout where `make assets` never ran
serves an unstyled UI and a blank /docs, so start-up and /readyz say so."""

from __future__ import annotations

from pathlib import Path

# What the Makefile's `assets` target copies from npm into static/vendor.
VENDORED = (
    "htmx/htmx.min.js",
    "pico/pico.min.css",
    "chartjs/chart.umd.min.js",
    "swagger-ui/swagger-ui-bundle.js",
    "swagger-ui/swagger-ui.css",
)
HOW_TO_INSTALL = "run `make assets` (npm ci, then a copy into the static folder)"


STATIC = Path(__file__).parent / "static"


def missing_assets(static_dir: Path | None = None) -> list[str]:
    vendor = (static_dir or STATIC) / "vendor"
    return [name for name in VENDORED if not (vendor / name).is_file()]


def assets_warning(static_dir: Path | None = None) -> str | None:
    """One line for people, or None when every file is there."""
    missing = missing_assets(static_dir)
    if not missing:
        return None
    return f"front-end files missing ({', '.join(missing)}): the UI is unstyled; {HOW_TO_INSTALL}"
