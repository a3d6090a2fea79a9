"""`python -m vhpdf` runs the CLI."""

from vhpdf.cli.commands import main

main()
