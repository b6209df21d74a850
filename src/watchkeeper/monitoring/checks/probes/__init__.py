"""The probes: one module per kind, each `probe(job) -> Outcome`, run in the engine's
check threads with the outbound guard watching every connection they make."""
