"""HTTP: the app factory, the JSON API, the wire endpoints and the server-rendered UI."""
