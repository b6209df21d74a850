"""The `watchkeeper` command line (typer + rich)."""
