"""Data files for prefilling: JSON, XFDF, FDF and CSV, parsed into field name -> value.

Received data files are untrusted: XML is parsed by defusedxml (no entities, no DTD, no network),
FDF by pypdf's object parser without a document (indirect objects are refused). Errors are
German and say where (line and column), never quoting the file's content.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, read_object

from vhpdf.form.definition import FormDefinition
from vhpdf.form.messages import text as message

RawValue = str | bool | int | float | None | list | dict

# Checkbox states as Acrobat, pdftk and spreadsheets write them (compared case-insensitively).
_ON = {"ja", "yes", "on", "true", "1", "x", "wahr"}
_OFF = {"off", "nein", "no", "false", "0", "falsch", ""}


class DataFileError(Exception):
    """A data file cannot be read; the message is German and names no value."""


def _decode(data: bytes, windows_ok: bool) -> str:
    """Text of a file: UTF-8 (with or without BOM); Windows-1252 only where `windows_ok`."""
    if not data.strip():
        raise DataFileError(message("lesen.daten_leer"))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        if windows_ok:
            return data.decode("cp1252", errors="replace")
        raise DataFileError(message("lesen.daten_nicht_utf8", zeile=line)) from None


# json's messages, in German (the rest of its message is a position we give as line/column).
_JSON_MESSAGES = {
    "Expecting ',' delimiter": "lesen.json_komma",
    "Expecting ':' delimiter": "lesen.json_doppelpunkt",
    "Expecting value": "lesen.json_wert",
    "Expecting property name enclosed in double quotes": "lesen.json_feldname",
    "Unterminated string starting at": "lesen.json_zeichenkette_offen",
    "Invalid control character at": "lesen.json_steuerzeichen",
    "Invalid \\escape": "lesen.json_escape",
    "Invalid \\uXXXX escape": "lesen.json_u_escape",
    "Extra data": "lesen.json_weiterer_text",
    "Illegal trailing comma before end of object": "lesen.json_komma_objekt",
    "Illegal trailing comma before end of array": "lesen.json_komma_liste",
}


def parse_json(data: bytes) -> object:
    """A JSON data file; `vhpdf extract`'s own output (with "values") is accepted too."""
    text = _decode(data, windows_ok=False)
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        reason = message(_JSON_MESSAGES.get(exc.msg, "lesen.json_ungueltig"))
        raise DataFileError(message("lesen.json_fehler", zeile=exc.lineno, spalte=exc.colno,
                                    grund=reason)) from None
    except RecursionError:
        raise DataFileError(message("lesen.json_zu_tief")) from None
    if isinstance(parsed, dict) and isinstance(parsed.get("values"), dict) and "form" in parsed:
        return parsed["values"]
    return parsed


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_xfdf(data: bytes) -> dict[str, RawValue]:
    """XFDF as Acrobat and pdftk write it: nested <field name=…> elements, <value> text."""
    if not data.strip():
        raise DataFileError(message("lesen.daten_leer"))
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except SafeET.ParseError as exc:
        line, column = exc.position
        raise DataFileError(message("lesen.xml_ungueltig", zeile=line, spalte=column + 1)) from None
    except DefusedXmlException:
        raise DataFileError(message("lesen.xfdf_dtd")) from None
    if _local(root.tag) != "xfdf":
        raise DataFileError(message("lesen.xfdf_keine"))
    out: dict[str, RawValue] = {}

    def walk(element, prefix: str) -> None:
        for child in element:
            if _local(child.tag) != "field":
                continue
            name = prefix + (child.get("name") or "")
            values = [v for v in child if _local(v.tag) in ("value", "value-richtext")]
            if values:
                out[name] = "".join(values[0].itertext()).replace("\r\n", "\n").replace("\r", "\n")
            walk(child, name + ".")

    try:
        for fields in (e for e in root if _local(e.tag) == "fields"):
            walk(fields, "")
    except RecursionError:
        raise DataFileError(message("lesen.xfdf_zu_tief")) from None
    return out


def _fdf_value(value) -> RawValue:
    if isinstance(value, NameObject):
        return str(value)[1:]
    if isinstance(value, ArrayObject):
        return [_fdf_value(v) for v in value]
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def parse_fdf(data: bytes) -> dict[str, RawValue]:
    """FDF (Acrobat, pdftk generate_fdf): /Fields with /T, /V and nested /Kids."""
    if not data.strip():
        raise DataFileError(message("lesen.daten_leer"))
    start = data.find(b"<<")
    if not data.lstrip().startswith(b"%FDF") or start < 0:
        raise DataFileError(message("lesen.fdf_keine"))
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.CRITICAL)  # its warnings may quote the file's content
    try:
        root = read_object(io.BytesIO(data[start:]), None)
        fields = root["/FDF"]["/Fields"]
    except (PyPdfError, KeyError, TypeError, ValueError, AssertionError, RecursionError):
        raise DataFileError(message("lesen.fdf_beschaedigt")) from None
    finally:
        pypdf_log.setLevel(level)
    out: dict[str, RawValue] = {}

    def walk(items, prefix: str) -> None:
        for item in items if isinstance(items, ArrayObject) else ():
            if not isinstance(item, DictionaryObject):
                continue
            name = prefix + str(item.get("/T", ""))
            if "/V" in item:
                out[name] = _fdf_value(item["/V"])
            walk(item.get("/Kids"), name + ".")

    walk(fields, "")
    return out


@dataclass(frozen=True)
class Row:
    line: int  # row number as a spreadsheet shows it (the header is row 1)
    values: dict[str, RawValue]
    problem: str = ""  # the row cannot be read as a request


def parse_csv(data: bytes) -> list[Row]:
    """A table with one request per row and field names in the header; `;`, `,` or tab."""
    text = _decode(data, windows_ok=True)
    header = text.splitlines()[0] if text else ""
    delimiter = max(";,\t", key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        names = [n.strip().lstrip("\ufeff") for n in next(reader)]
        twice = sorted({n for n in names if n and names.count(n) > 1})
        if twice:
            raise DataFileError(message("lesen.csv_spalte_doppelt", spalte=twice[0]))
        rows = []
        for number, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            extra = len(record) > len(names)
            rows.append(Row(number, {n: c for n, c in zip(names, record, strict=False)
                                     if n and c.strip()},
                            message("lesen.csv_mehr_spalten", spalten=len(record),
                                    ueberschriften=len(names)) if extra else ""))
    except csv.Error:
        raise DataFileError(message("lesen.csv_zeile_ungueltig", zeile=reader.line_num)) from None
    if not rows:
        raise DataFileError(message("lesen.csv_keine_zeilen"))
    return rows


def sniff(path: Path, data: bytes) -> str:
    """The kind of a data file: 'json', 'xfdf', 'fdf' or 'csv', by content, else by name."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:200]
    if head.startswith(b"%FDF"):
        return "fdf"
    if head.startswith(b"<") and b"xfdf" in data[:2000]:
        return "xfdf"
    if head.startswith((b"{", b"[")):
        return "json"
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in ("json", "xfdf", "fdf", "csv") else "json"


def typed(form: FormDefinition, raw: dict[str, RawValue]) -> dict[str, RawValue]:
    """Text values of XFDF/FDF/CSV as the data contract wants them: checkboxes as true/false.

    An unknown checkbox state stays text, so the validation names the field.
    """
    kinds = {f.name: f.type.value for f in form.fields(form.repeat.max)}
    # pdftk and Acrobat export push buttons (the check button) with an empty value: nothing to fill
    out = {k: v for k, v in raw.items() if k in kinds or v}
    for name, value in out.items():
        if not isinstance(value, str):
            continue
        state = value.strip().casefold()
        if kinds.get(name) == "checkbox" and state in _ON | _OFF:
            out[name] = state in _ON
        elif (kinds.get(name), state) in (("radio", "off"), ("signature", "")):
            out[name] = None
    return out


def read_data(form: FormDefinition, path: Path, data: bytes) -> dict[str, RawValue] | object:
    """One data file (JSON, XFDF or FDF) as field name -> value; JSON as it is (it has types)."""
    kind = sniff(path, data)
    if kind == "xfdf":
        return typed(form, parse_xfdf(data))
    if kind == "fdf":
        return typed(form, parse_fdf(data))
    if kind == "csv":
        raise DataFileError(message("lesen.csv_ohne_option"))
    return parse_json(data)

