"""Every table of the application, in one metadata (for Alembic and schema tests)."""

from __future__ import annotations

from sqlalchemy import MetaData

from watchkeeper.analytics.digest import models as _digest  # noqa: F401
from watchkeeper.analytics.readiness import models as _readiness  # noqa: F401
from watchkeeper.catalog.access import models as _access  # noqa: F401
from watchkeeper.catalog.categories import models as _categories  # noqa: F401
from watchkeeper.catalog.services import models as _services  # noqa: F401
from watchkeeper.catalog.teams import models as _teams  # noqa: F401
from watchkeeper.catalog.users import models as _users  # noqa: F401
from watchkeeper.config.importers import models as _imports  # noqa: F401
from watchkeeper.db import engine_state as _engine_state  # noqa: F401
from watchkeeper.db.audit import models as _audit  # noqa: F401
from watchkeeper.db.base import Base
from watchkeeper.incidents import models as _incidents  # noqa: F401
from watchkeeper.incidents.policy import models as _policy  # noqa: F401
from watchkeeper.monitoring.anomaly import models as _anomaly  # noqa: F401
from watchkeeper.monitoring.checks import models as _checks  # noqa: F401
from watchkeeper.oncall.schedules import models as _schedules  # noqa: F401
from watchkeeper.pipeline.correlate import models as _alerts  # noqa: F401
from watchkeeper.pipeline.correlate.noise import models as _noise  # noqa: F401
from watchkeeper.pipeline.escalation import models as _escalation  # noqa: F401
from watchkeeper.pipeline.ingest import models as _ingest  # noqa: F401
from watchkeeper.pipeline.ingest.opsgenie import models as _opsgenie  # noqa: F401
from watchkeeper.pipeline.notify import models as _notify  # noqa: F401
from watchkeeper.response.actions import models as _actions  # noqa: F401
from watchkeeper.response.drills import models as _drills  # noqa: F401
from watchkeeper.response.kb import models as _kb  # noqa: F401
from watchkeeper.response.outbox import models as _outbox  # noqa: F401
from watchkeeper.response.plans import models as _plans  # noqa: F401
from watchkeeper.response.postmortems import models as _postmortems  # noqa: F401
from watchkeeper.response.problems import models as _problems  # noqa: F401
from watchkeeper.response.recurrence import models as _recurrence  # noqa: F401
from watchkeeper.response.stakeholders import models as _stakeholders  # noqa: F401
from watchkeeper.response.statuspage import models as _statuspage  # noqa: F401
from watchkeeper.response.subscriptions import models as _subscriptions  # noqa: F401
from watchkeeper.response.suggestions import models as _suggestions  # noqa: F401
from watchkeeper.response.workflows import models as _workflows  # noqa: F401

metadata: MetaData = Base.metadata
