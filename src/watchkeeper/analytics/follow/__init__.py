"""The follow-through report: postmortems owed and published, action items and their age."""
