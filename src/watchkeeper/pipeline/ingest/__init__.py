"""Pipeline stage 1: accept events from monitoring tools, commit them, answer 202."""
