"""Readiness: coverage checks of the paging set-up, and the escalation simulator."""
