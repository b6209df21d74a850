"""Status pages: components driven by incidents, public incidents, maintenance, uptime."""
