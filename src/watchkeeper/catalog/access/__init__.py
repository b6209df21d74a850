"""Access: passwords, web sessions, API tokens, login throttling, the request principal."""
