"""Results kept on disk as they arrive, so a run's memory stays flat at any number of files.

Each result is pickled into an anonymous temporary file (unlinked at once: owner-only and never
left behind, not even when the run is killed); memory holds only a light copy of each — status,
facts, mail, file — which is all that version grouping (check.versions) and the summary need.
After the run the grouping is computed on the light copies, and iterating the spool reads the
results back one at a time with the grouping applied: the same results, in the same order, as
`organize` on the full list.
"""

from __future__ import annotations

import dataclasses
import pickle
import tempfile
from collections import Counter
from collections.abc import Iterator

from vhpdf.check.result import Result, Status
from vhpdf.check.versions import add_finding, organize


def _light(r: Result) -> Result:
    """What grouping and summary read, without findings, values, sources and the fields'
    fingerprints (the bulk; the few results that turn out to be versions get them back)."""
    facts = dataclasses.replace(r.facts, fingerprints="") if r.facts else None
    return dataclasses.replace(r, findings=[], values=None, sources={}, signature=None, changes=None,
                               facts=facts)


class Spool:
    """Results on disk in input order; `organize()` once all are in, then iterate (repeatably)."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="vhpdf-")  # noqa: SIM115 - closed by close(); 0600, no name
        self._where: list[tuple[int, int]] = []  # offset and length of each result's record
        self._lights: list[Result] = []
        self._kept: list[int] | None = None  # after organize: the indexes of the rows, in order

    def append(self, r: Result) -> None:
        self._where.append(self._dump(r))
        self._lights.append(_light(r))

    def replace(self, index: int, r: Result) -> None:
        """A later answer for the same input (a second password): the old record is left unread."""
        self._where[index] = self._dump(r)
        self._lights[index] = _light(r)

    def _dump(self, r: Result) -> tuple[int, int]:
        data = pickle.dumps(r, pickle.HIGHEST_PROTOCOL)
        self._file.seek(0, 2)
        offset = self._file.tell()
        self._file.write(data)
        return offset, len(data)

    def load(self, index: int) -> Result:
        """The result as it arrived (before grouping)."""
        offset, size = self._where[index]
        self._file.seek(offset)
        return pickle.loads(self._file.read(size))

    def raw(self) -> list[Result]:
        """The light copies of all results as they arrived (status and error kind are exact)."""
        return self._lights

    def organize(self) -> None:
        """Fold annexes and mark versions (check.versions.organize) on the light copies."""
        lights = self._lights
        keys = [r.facts.version_key if r.status is not Status.UNLESBAR and r.facts else None
                for r in lights]
        count = Counter(keys)
        for i, key in enumerate(keys):  # versions: their changes compare fingerprints (and values)
            if key and count[key] > 1:
                full = self.load(i)
                lights[i].facts, lights[i].values = full.facts, full.values
        position = {id(r): i for i, r in enumerate(lights)}
        kept = organize(lights)
        self._kept = [position[id(r)] for r in kept]
        for r in kept:
            r.values = None
            if r.facts and r.facts.fingerprints:
                r.facts = dataclasses.replace(r.facts, fingerprints="")

    @property
    def rows(self) -> list[Result]:
        """The light copies of the organized results: for counts, summary and exit status."""
        if self._kept is None:
            raise RuntimeError("spool not organized")
        return [self._lights[i] for i in self._kept]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Result]:
        """The organized results, each read back from disk with its grouping applied."""
        if self._kept is None:
            raise RuntimeError("spool not organized")
        for i in self._kept:
            light, full = self._lights[i], self.load(i)
            full.superseded_by, full.changes = light.superseded_by, light.changes
            for finding in light.findings:  # a damaged annex's warning, as organize adds it
                add_finding(full, finding)
            yield full

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
