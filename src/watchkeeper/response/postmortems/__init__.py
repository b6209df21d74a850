"""Postmortems: drafted from an incident's record, reviewed, published, exported."""
