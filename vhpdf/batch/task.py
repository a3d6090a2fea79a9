"""One item checked: read (file or mail attachment), extract, judge; never raises for bad input.

This is the task the worker pool runs for every item; an unreadable input becomes an unlesbar
Result with its ErrorKind and German reason.
"""

from __future__ import annotations

import os
from pathlib import Path

from vhpdf.batch.sources import Item
from vhpdf.check.result import Result, Status
from vhpdf.check.rules import check_extraction
from vhpdf.form.definition import FieldType, FormDefinition, load_definition
from vhpdf.form.messages import text
from vhpdf.read.errors import ErrorKind, ExtractError
from vhpdf.read.extract import read_pdf
from vhpdf.read.files import read_file
from vhpdf.read.signature import verify


def check_item(item: Item, form: FormDefinition | None = None, keep_values: bool = False,
               password: str | None = None, anchors: bytes | None = None) -> Result:
    """Check one item; never raises for a bad file, it is reported as unlesbar.

    `anchors` are PEM certificates the signer's chain is judged against (read.signature).
    """
    form = form or load_definition()
    if item.skipped:
        return Result(item.name, Status.UNLESBAR, error=text("quellen.uebersprungen"),
                      error_kind=ErrorKind.SKIPPED)
    if item.error:
        return Result(item.name, Status.UNLESBAR, error=item.error, mail=item.mail,
                      annexes=item.annexes, error_kind=ErrorKind.SOURCE)
    try:
        data = item.data if item.data is not None else read_file(item.path or item.name)
        ex = read_pdf(data, form, password)
        claimed = any(ex.values.get(n) is True for n, f in form.field_map(ex.persons).items()
                      if f.type is FieldType.SIGNATURE)
        ex.signature = verify(data, anchors, password, claimed)
        del data
        result = check_extraction(item.name, ex, form, keep_values, tuple(item.annexes))
    except ExtractError as exc:
        result = Result(item.name, Status.UNLESBAR, error=str(exc), annexes=item.annexes,
                        error_kind=exc.kind)
    except MemoryError:
        result = Result(item.name, Status.UNLESBAR, error=text("stapel.speichergrenze"), annexes=item.annexes,
                        error_kind=ErrorKind.MEMORY)
    except Exception:  # a reader bug must not stop a bulk run
        result = Result(item.name, Status.UNLESBAR, error=text("stapel.interner_fehler"),
                        annexes=item.annexes,
                        error_kind=ErrorKind.INTERNAL)
    result.mail = item.mail
    return result


def check_file(path: str | os.PathLike, form: FormDefinition | None = None,
               keep_values: bool = False) -> Result:
    """Check one file on disk."""
    return check_item(Item(str(path), path=Path(path)), form, keep_values)
