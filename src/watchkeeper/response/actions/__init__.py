"""Action items: follow-ups from incidents and postmortems, tracked until done."""
