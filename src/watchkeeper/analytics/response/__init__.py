"""The response report: MTTA, MTTR, MTBF and incident counts per group, with a trend."""
