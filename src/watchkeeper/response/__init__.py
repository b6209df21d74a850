"""Response practices: knowledge base, status page, postmortems, tasks, automation, stakeholders."""
