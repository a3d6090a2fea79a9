"""The `vhpdf` command line: thin click commands and click's messages in German."""

import gc


def main() -> None:
    """The `vhpdf` program (console script, `python -m vhpdf`): the commands, tuned for start-up.

    The process makes most of the objects it will ever hold while it starts (click, pypdf, the
    form definition), and they live to the end: at the default threshold the collector walked
    them again and again while they were made (~20 ms of a one-file check), and once more while
    the interpreter shut down (~30 ms). Workers inherit the threshold and collect after each file
    themselves (batch.pool).
    """
    gc.set_threshold(50_000, 20, 20)
    from vhpdf.cli.commands import main as run

    try:
        run()
    finally:
        gc.freeze()  # nothing is left to collect: the exit need not walk every object again


__all__ = ["main"]
