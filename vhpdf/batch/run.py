"""Orchestration: every input found in the given paths checked, retried with a password, grouped.

The one library function the `check` and `rueckmeldung` commands call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TextIO

from vhpdf.batch.pool import Limits, run
from vhpdf.batch.progress import Progress
from vhpdf.batch.sources import Item, iter_items
from vhpdf.batch.spool import Spool
from vhpdf.check.addressee import mark_other_kpb
from vhpdf.check.result import Result
from vhpdf.check.versions import organize
from vhpdf.form.definition import Kpb, load_definition
from vhpdf.form.messages import text
from vhpdf.read.errors import ErrorKind


def check_paths(paths: Iterable, keep_values: bool = False) -> list[Result]:
    """Check every request found in `paths` in this process, one after another, grouped into
    versions (for library use and tests; the CLI uses check_all's isolated workers)."""
    from vhpdf.batch.task import check_item  # the reading code: check_all leaves it to the workers

    form = load_definition()
    return organize([check_item(item, form, keep_values) for item in iter_items(paths)])


def check_all(paths: Iterable, *, jobs: int | None = None, limits: Limits = Limits(),
              keep_values: bool = False, passwords: Sequence[str] = (),
              ask_password: Callable[[int], str | None] | None = None,
              progress_stream: TextIO | None = None, own_kpb: Kpb | None = None,
              anchors: bytes | None = None) -> Spool:
    """Check every request found in `paths` in isolated workers, grouped into versions.

    The results are kept on disk as they arrive (batch.spool): iterate the returned spool for
    them, read its `rows` for counts; close it when done.

    `passwords` are tried in turn on the files still encrypted; `ask_password(count)` is asked
    once for a password when none was given and encrypted files could not be opened;
    `anchors` (PEM) are the trust anchors for signatures; `progress_stream` gets a progress bar
    when it is a terminal and the run is long. Requests addressed to a KPB other than `own_kpb`
    get a warning.
    Raises NothingFound when the paths hold no PDF or mail at all.
    """
    items: Iterable[Item] = iter_items(paths)
    progress = None
    if progress_stream is not None and Progress.wanted(progress_stream):
        items = list(items)  # the bar needs the total; only paths and mail parts are held
        progress = Progress(len(items), progress_stream)
    options = {"keep_values": keep_values, "password": passwords[0] if passwords else None,
               "anchors": anchors}
    pending: dict[int, Item] = {}  # in flight; only encrypted ones are kept for a second try
    form = load_definition() if own_kpb is not None else None

    def remember(source: Iterable[Item]) -> Iterator[Item]:
        for index, item in enumerate(source):
            pending[index] = item
            yield item

    def marked(result: Result) -> Result:
        if form is not None and own_kpb is not None:
            mark_other_kpb([result], form, own_kpb)
        return result

    spool = Spool()
    try:
        retry: list[tuple[int, Item]] = []
        try:
            for index, result in enumerate(run(remember(items), jobs=jobs, limits=limits,
                                               options=options, progress=progress)):
                item = pending.pop(index)  # results come in input order
                if result.error_kind is ErrorKind.ENCRYPTED:
                    retry.append((index, item))
                spool.append(marked(result))
        finally:
            if progress is not None:
                progress.close()
        if all(r.error_kind is ErrorKind.SKIPPED for r in spool.raw()):
            raise NothingFound(text("stapel.nichts_gefunden"))
        later = list(passwords[1:])
        if retry and not passwords and ask_password is not None:
            asked = ask_password(len(retry))
            later = [asked] if asked else []
        for password in later:  # each password only on the files no earlier one opened
            if not retry:
                break
            again = run([it for _, it in retry], jobs=jobs, limits=limits,
                        options={**options, "password": password})
            still = []
            for (i, item), result in zip(retry, again):
                spool.replace(i, marked(result))  # the latest answer: "passt nicht" once a password was tried
                if result.error_kind is ErrorKind.ENCRYPTED:
                    still.append((i, item))
            retry = still
        spool.organize()
    except BaseException:
        spool.close()
        raise
    return spool


class NothingFound(Exception):
    """The paths given hold no PDF file or mail."""
