"""Key facts of one request, kept with every check result whether or not values are kept.

They let reports name a request (Aktenzeichen, date of the operation, number of persons) and
let later versions of a request be recognised and compared, without carrying the person's data:
the version key and the per-field fingerprints are hashes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from vhpdf.form.definition import FormDefinition, Value, filled


def _hash(text: str, size: int = 16) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=size // 2).hexdigest()


def _norm(value: Value) -> str:
    return " ".join(value.split()).casefold() if isinstance(value, str) else ""


@dataclass(frozen=True)
class Facts:
    aktenzeichen: str | None
    ersuchen_datum: str | None
    massnahme_datum: str | None
    personen: int
    version_key: str | None  # hash of Aktenzeichen + first person; None if both are empty
    # "name=hash" of every filled field, one per line: a single string keeps a result small
    # (thousands of results are held until versions are grouped)
    fingerprints: str = field(default="", compare=False)

    def fingerprint_map(self) -> dict[str, str]:
        return dict(line.split("=", 1) for line in self.fingerprints.splitlines())


def key_facts(form: FormDefinition, values: dict[str, Value]) -> Facts:
    def text(name: str) -> str | None:
        v = values.get(name)
        return v.strip() if isinstance(v, str) and v.strip() else None

    persons = form.persons_in(values)
    named = {n for n in range(1, persons + 1) if filled(values.get(form.role("person_name", n)))}
    first = [form.role(r) for r in ("person_name", "person_vorname", "person_geburtsdatum")]
    parts = [_norm(values.get(form.role("aktenzeichen")))] + [_norm(values.get(n)) for n in first]
    version_key = _hash("\x1f".join(parts)) if parts[0] or parts[1] else None
    fingerprints = "\n".join(f"{n}={_hash(repr(v), 12)}" for n, v in values.items() if filled(v))
    return Facts(text(form.role("aktenzeichen")), text(form.role("ersuchen_datum")),
                 text(form.role("massnahme_datum")), len(named), version_key, fingerprints)
