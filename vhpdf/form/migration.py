"""Carrying a request's values from an older form version to the current one.

The maps are data (forms/migration-<from>-<to>.toml); this module only applies them: constant
values for new fields, renamed choice values, and blocks routed to one of several new blocks by
what a field says. Nothing is dropped silently: what cannot be placed is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vhpdf.form.definition import (
    DefinitionError,
    FormDefinition,
    Value,
    filled,
    forms_dir,
    kept_versions,
    load_definition,
    read_toml,
)
from vhpdf.form.messages import text


@dataclass(frozen=True)
class Migrated:
    """The values in the current version's names, and what the reader must be told (German)."""

    values: dict[str, Value]
    version: str  # the version the values came from
    unclear: tuple[str, ...] = ()  # values that could not be placed for certain

    @property
    def note(self) -> str:
        current = load_definition().version
        return text("formular.migriert", version=self.version, aktuell=current)


def _map(version: str, folder: Path) -> dict[str, Any] | None:
    paths = sorted(folder.glob(f"migration-{version}-*.toml"))
    if not paths:
        return None
    return read_toml(paths[0])


def migrate(values: dict[str, Value], version: str, folder: Path | None = None) -> Migrated:
    """Values of a request in `version`, carried step by step to the current version."""
    folder = folder or forms_dir()
    current = load_definition().version
    out, unclear, step = dict(values), [], version
    while step != current:
        data = _map(step, folder)
        if data is None:
            raise DefinitionError(text("formular.migration_fehlt", version=step))
        out, found = _apply(data, out)
        unclear += found
        step = str(data["migration"]["to"])
    return Migrated(out, version, tuple(unclear))


def _apply(data: dict[str, Any], values: dict[str, Value]) -> tuple[dict[str, Value], list[str]]:
    out = dict(values)
    unclear = []
    for name, value in data.get("set", {}).items():
        out.setdefault(name, value)
    for name, renamed in data.get("values", {}).items():
        if isinstance(out.get(name), str) and out[name] in renamed:
            out[name] = renamed[out[name]]
    for route in data.get("route", []):
        source, by = route["source"], route["by"]
        block = {f: out.pop(f"{source}.{f}", None) for f in route["fields"]}
        said = out.pop(by, None)
        if not any(filled(v) for v in [said, *block.values()]):
            continue
        said_text = said if isinstance(said, str) else ""
        targets = [t for t in route["target"] if re.search(t["pattern"], said_text, re.IGNORECASE)]
        if not targets:
            targets = [t for t in route["target"] if out.get(t["checked"]) is True]
            where = text("formular.migration_und").join(t["label"] for t in targets) or text(
                "formular.migration_kein_block")
            unclear.append(route["unclear"].replace("{ziel}", where))
        for t in targets:
            for f, v in block.items():
                out[f"{t['prefix']}.{f}"] = v
    return out, unclear


def older_version_keys(form: FormDefinition, data: dict[str, Any]) -> str | None:
    """The older version whose field names `data` uses (keys unknown to `form`), if any."""
    known = form.field_map(form.repeat.max)
    unknown = [k for k in data if k not in known]
    if not unknown:
        return None
    for version in kept_versions():
        older = load_definition(version=version)
        old_known = older.field_map(older.repeat.max)
        if all(k in old_known for k in unknown):
            return older.version
    return None


def carry_over(data: Any) -> tuple[Any, list[str]]:
    """Fill data (field name -> value) in an older version's names, carried to the current one.

    Returns the data (unchanged if it is not older) and what to tell the user (German).
    """
    if not isinstance(data, dict):
        return data, []
    form = load_definition()
    version = older_version_keys(form, data)
    if version is None:
        return data, []
    m = migrate(data, version)
    said = [text("formular.migration_daten", version=version, aktuell=form.version)]
    return m.values, said + list(m.unclear)
