"""Teams: groups of users that own services, schedules and escalation policies."""
