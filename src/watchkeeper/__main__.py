"""Entry point for `python -m watchkeeper`."""

from watchkeeper.cli.main import main

main()
