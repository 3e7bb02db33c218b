"""`python -m pia` runs the CLI (handy inside a checkout)."""

from .cli import main

main()
