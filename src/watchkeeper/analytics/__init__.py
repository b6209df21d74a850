"""Read-only queries for improvement: MTTA, MTTR, SLA compliance, noise, on-call load."""
