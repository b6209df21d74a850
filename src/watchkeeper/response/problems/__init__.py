"""Problem records (ITIL problem management): the cause behind several incidents."""
