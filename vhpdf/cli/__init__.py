"""The `vhpdf` command line: thin click commands and click's messages in German."""

import gc
import sys

# The commands that read received requests in a worker and need nothing heavier themselves (with
# their former English names): the worker is started before the command line is read
# (batch.pool.prestart).
WORKER_COMMANDS = frozenset({"pruefen", "check", "rueckmeldung", "auslesen", "extract"})


def main() -> None:
    """The `vhpdf` program (console script, `python -m vhpdf`): the commands, tuned for start-up.

    The process makes most of the objects it will ever hold while it starts (click, pypdf, the
    form definition), and they live to the end: at the default threshold the collector walked
    them again and again while they were made (~20 ms of a one-file check), and once more while
    the interpreter shut down (~30 ms). Workers inherit the threshold and collect after each file
    themselves (batch.pool).
    """
    gc.set_threshold(50_000, 20, 20)
    if _reads_files(sys.argv[1:]):
        from vhpdf.batch.pool import prestart

        prestart()
    from vhpdf.cli.commands import main as run

    try:
        run()
    finally:
        gc.freeze()  # nothing is left to collect: the exit need not walk every object again


def _reads_files(args: list[str]) -> bool:
    """Whether the command line names one of WORKER_COMMANDS (and does not only ask for its help)."""
    command = next((a for a in args if not a.startswith("-")), None)
    return command in WORKER_COMMANDS and not {"-h", "--help"} & set(args)


__all__ = ["main"]
