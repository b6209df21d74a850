"""Status page subscribers: email (double opt-in) and webhooks, and their messages."""
