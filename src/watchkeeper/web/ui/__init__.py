"""Server-rendered pages (Jinja2 + htmx + Pico.css)."""
