"""Persistence plumbing: base model, UTC datetimes, connections, units of work, migrations."""
