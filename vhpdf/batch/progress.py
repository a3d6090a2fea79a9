"""A one-line progress display for long runs on a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from vhpdf.check.result import Result, Status
from vhpdf.form.messages import text


class Progress:
    """A one-line progress display on a terminal stream (stderr), shown for more than a few files."""

    def __init__(self, total: int | None, stream: TextIO = sys.stderr, threshold: int = 5):
        self.total, self.stream, self.threshold = total, stream, threshold
        self.done = 0
        self.counts = {s: 0 for s in Status}
        self.shown = False
        self.start = time.monotonic()

    @staticmethod
    def wanted(stream: TextIO = sys.stderr) -> bool:
        try:
            return stream.isatty()
        except (AttributeError, ValueError):
            return False

    def __call__(self, result: Result) -> None:
        self.done += 1
        self.counts[result.status] += 1
        if self.total is not None and self.total <= self.threshold:
            return
        if self.total is None and self.done <= self.threshold:
            return
        self.shown = True
        if self.total:
            width = 30
            filled = width * self.done // self.total
            bar = "█" * filled + "·" * (width - filled)
            head = text("stapel.fortschritt", balken=bar, fertig=self.done, gesamt=self.total)
        else:
            head = text("stapel.fortschritt_offen", fertig=self.done)
        rate = self.done / max(time.monotonic() - self.start, 1e-6)
        tail = (f"  ✔ {self.counts[Status.VOLLSTAENDIG]}  ✘ {self.counts[Status.UNVOLLSTAENDIG]}"
                f"  ? {self.counts[Status.UNLESBAR]}  {rate:.0f}/s")
        self.stream.write("\r" + head + tail + "\033[K")
        self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
