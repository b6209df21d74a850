"""On call: schedules (layers, rotations, overrides, iCal) and escalation policies."""
