"""Installation-wide incident policy: the priority matrix and the SLA targets."""
