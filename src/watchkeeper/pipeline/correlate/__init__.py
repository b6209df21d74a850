"""Pipeline stage 2: events become deduplicated alerts, alerts become incidents."""
