"""The `vhpdf` command line: thin click commands and click's messages in German."""

from vhpdf.cli.commands import cli, main

__all__ = ["cli", "main"]
