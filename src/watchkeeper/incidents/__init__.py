"""Incidents: the central record, its state machine, priority, SLA clocks and timeline."""
