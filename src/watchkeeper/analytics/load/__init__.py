"""On-call load: who gets paged, how often at night and at weekends, and how fairly."""
