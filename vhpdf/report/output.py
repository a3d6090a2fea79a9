"""Writing results: atomically, owner-only, never over an existing file unless asked."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from vhpdf.form.messages import text


class OutputError(Exception):
    """The output cannot be written; the message is German."""


@contextlib.contextmanager
def open_output(path: str | os.PathLike, force: bool = False) -> Iterator[BinaryIO]:
    """A file to write `path` through: a temporary file beside it, renamed when the block ends.

    A half-written file never appears under the final name — not when writing fails, nor when
    the run is interrupted (the temporary file is removed) — and personal data is not left
    readable for other users of a shared machine (0600).
    """
    path = Path(path)
    if path.exists() and not force:
        raise OutputError(text("bericht.datei_existiert", datei=path))
    if path.exists() and not path.is_file():
        raise OutputError(text("bericht.ziel_keine_datei", datei=path))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(text("bericht.ordner_fehlt", datei=path, ordner=folder))
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".vhpdf-", suffix=".tmp")  # mode 0600
    except OSError as exc:
        raise OutputError(text("bericht.schreiben_unmoeglich", datei=path, grund=exc.strerror)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(text("bericht.schreiben_unmoeglich", datei=path, grund=exc.strerror)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_output(path: str | os.PathLike, data: bytes | str, force: bool = False) -> Path:
    """Write `data` to `path` via a temporary file and rename, with permissions 0600."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open_output(path, force) as fh:
        fh.write(data)
    return Path(path)
