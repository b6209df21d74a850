"""Who and what: teams, users, their access (sessions, API tokens) and, later, services."""
