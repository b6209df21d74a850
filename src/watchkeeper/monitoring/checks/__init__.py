"""Synthetic checks: HTTP(S), TCP, TLS certificate, DNS and port probes run by the engine,
whose failures become events in the same pipeline as any alert."""
