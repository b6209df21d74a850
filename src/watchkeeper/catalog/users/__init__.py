"""Users: people with a role, a password and (later) contact methods."""
