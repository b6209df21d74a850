"""Pure building blocks (stdlib and pydantic only): clock, errors, secrets, pagination."""
