"""Knowledge base: runbooks and notes in Markdown, versioned, searchable, linked to services."""
