"""Response plans: when they apply, their checklist, and which incidents got them."""
