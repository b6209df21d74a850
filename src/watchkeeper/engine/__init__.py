"""The worker: runs each engine module in its own short transaction, on a timer or when woken."""
