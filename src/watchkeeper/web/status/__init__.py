"""The public side of status pages: the page, its Statuspage v2 JSON and its feeds."""
