"""SLA compliance: the share of incidents that met their acknowledge and resolve targets."""
