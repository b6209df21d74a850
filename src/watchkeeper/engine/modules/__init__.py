"""One file per engine module; `ALL` lists the modules a runner starts with."""

from __future__ import annotations

from watchkeeper.engine.modules import session_cleanup
from watchkeeper.engine.protocol import EngineModule

ALL: tuple[EngineModule, ...] = (session_cleanup.MODULE,)
