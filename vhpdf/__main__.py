"""`python -m vhpdf` runs the CLI."""

from .cli import main

main()
