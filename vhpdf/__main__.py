"""`python -m vhpdf` runs the CLI."""

from vhpdf.cli import main

main()
