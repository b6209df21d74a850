"""The JSON API, versioned by path."""
