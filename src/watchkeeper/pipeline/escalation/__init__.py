"""Pipeline stage 3: escalation state per incident from a policy snapshot; pages due now."""
