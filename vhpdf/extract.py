"""Extraction: the values of a received form, by field name, whatever program filled it.

Reads the AcroForm field tree itself (not via pypdf's get_fields) so that values stored on the
parent or on a widget kid, any checkbox on-state name and radio groups with /Opt are all read
the same way, and so that a looping or absurdly deep tree cannot hang the reader.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from .definition import FieldType, FormDefinition, Value, load_definition
from .drawn import Appearance, read_appearances

INFO_FORM_ID, INFO_FORM_VERSION = "/VhpdfFormId", "/VhpdfFormVersion"
MAX_DEPTH = 32
_RADIO, _PUSHBUTTON = 1 << 15, 1 << 16


class ExtractError(Exception):
    """The file cannot be read as a Vollzugshilfeersuchen; the message is German."""


class NotPdfError(ExtractError):
    pass


class EncryptedError(ExtractError):
    pass


class DamagedError(ExtractError):
    pass


class NoFormError(ExtractError):
    pass


class ForeignFormError(ExtractError):
    pass


@dataclass
class Extraction:
    """What was read from one file."""

    form_id: str | None
    form_version: str | None
    persons: int
    values: dict[str, Value]
    unknown_fields: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)
    source: str = "feld"  # feld | seitentext | ocr: where the values were read
    sources: dict[str, str] = field(default_factory=dict)  # values read from another source
    uncertain: tuple[str, ...] = ()  # fields whose value could not be read with confidence
    embedded: tuple[str, ...] = ()  # files embedded in the PDF (/EmbeddedFiles, attachment annotations)
    appearances: dict[str, Appearance] = field(default_factory=dict)


SOURCE_LABEL = {"feld": "Formularfelder", "seitentext": "Seitentext (Kopie ohne Formularfelder)",
                "ocr": "Texterkennung (Scan)"}


def _filled(v) -> bool:
    return bool(v.strip()) if isinstance(v, str) else bool(v)


def _from_pages(data: bytes, form: FormDefinition, meta_id: str | None) -> Extraction | None:
    """Values from the printed pages, for copies whose fields are gone or empty (lazy import)."""
    from .paper import NotReadableError, read_pages

    try:
        paper = read_pages(data, form)
    except NotReadableError as exc:
        raise NoFormError(f"Die PDF-Datei enthält keine Formularfelder. {exc}") from None
    except Exception as exc:  # the page readers' own errors on broken files
        if not (isinstance(exc, (ValueError, KeyError, IndexError, RecursionError))
                or type(exc).__module__.split(".")[0] in ("pdfminer", "pdfplumber", "pypdfium2")):
            raise
        raise DamagedError("Die Seiten der PDF-Datei sind beschädigt und nicht lesbar "
                           f"({type(exc).__name__}).") from None
    if paper is None:
        return None
    if paper.form_id != form.id and meta_id is None:
        raise ForeignFormError(f"Die Datei ist ein anderes Formular ({paper.form_id}), "
                               "kein Vollzugshilfeersuchen.")
    counts: dict[str, int] = {}
    for src in paper.sources.values():
        counts[src] = counts.get(src, 0) + 1
    source = max(counts, key=counts.get) if counts else "seitentext"
    notes = []
    if paper.form_version != form.version:
        notes.append(f"Formularversion {paper.form_version}, geprüft nach Version {form.version}.")
    notes += paper.notes
    sources = {n: s for n, s in paper.sources.items() if s != source}
    return Extraction(paper.form_id, paper.form_version, paper.persons, paper.values, (), notes,
                      source, sources, tuple(dict.fromkeys(paper.uncertain)))


def _text(value) -> str | None:
    if value is None:
        return None
    value = value.get_object()
    if hasattr(value, "get_data"):  # rich text or a stream-valued /V
        value = value.get_data().decode("utf-8", "replace")
    if isinstance(value, list):
        value = "\n".join(str(v) for v in value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return text if text.strip() else None


def _name(value) -> str | None:
    if value is None:
        return None
    text = str(value.get_object())
    text = text[1:] if text.startswith("/") else text
    return None if text in ("", "Off") else text


class _Tree:
    """Walks /AcroForm /Fields into terminal fields: name -> (FT, Ff, field dict, widgets)."""

    def __init__(self):
        self.fields: dict[str, tuple] = {}
        self.duplicates: set[str] = set()
        self.seen: set[int] = set()

    def walk(self, refs, prefix: str, inherited: dict, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise DamagedError("Die Feldstruktur ist unzulässig tief verschachtelt.")
        for ref in refs or ():
            node = ref.get_object()
            key = id(node) if ref.indirect_reference is None else ref.indirect_reference.idnum
            if key in self.seen or not hasattr(node, "get"):
                continue  # reference loop or junk entry
            self.seen.add(key)
            partial = node.get("/T")
            name = f"{prefix}.{partial}" if prefix and partial is not None else (
                str(partial) if partial is not None else prefix)
            attrs = dict(inherited)
            for k in ("/FT", "/Ff", "/V", "/Opt"):
                if k in node:
                    attrs[k] = node[k]
            kids = [k for k in (node.get("/Kids") or ()) if hasattr(k.get_object(), "get")]
            field_kids = [k for k in kids if "/T" in k.get_object()]
            if field_kids:
                self.walk(field_kids, name, attrs, depth + 1)
                continue
            widgets = [k.get_object() for k in kids] or [node]
            if name in self.fields:
                self.duplicates.add(name)
            self.fields[name] = (attrs, node, widgets)


def _value(attrs: dict, node, widgets: list) -> Value:
    ft = str(attrs.get("/FT", ""))
    flags = int(attrs.get("/Ff", 0) or 0)
    v = attrs.get("/V")
    if v is None:  # some fillers put the value on the widget instead of the field
        v = next((w["/V"] for w in widgets if "/V" in w), None)
    if ft == "/Btn":
        if flags & _PUSHBUTTON:
            return None
        state = _name(v) if v is not None else next(
            (s for w in widgets if (s := _name(w.get("/AS")))), None)
        if flags & _RADIO:
            opts = attrs.get("/Opt")
            if state is not None and opts is not None and state.isdigit():
                opts = opts.get_object()
                if int(state) < len(opts):
                    return _text(opts[int(state)])
            return state
        return state is not None
    if ft == "/Sig":
        return v is not None
    return _text(v)


def _resolved(value) -> list:
    """An array that may be given indirectly, or [] if it is missing or no array."""
    value = value.get_object() if value is not None else None
    return list(value) if isinstance(value, list) else []


def _embedded_files(root) -> tuple[str, ...]:
    """Names of the files embedded in the document: the /EmbeddedFiles name tree and
    /FileAttachment annotations. Only names are read, never the files' contents."""

    def spec_name(spec) -> str:
        spec = spec.get_object() if spec is not None else None
        if hasattr(spec, "get"):
            for key in ("/UF", "/F", "/DOS", "/Unix", "/Mac"):
                if spec.get(key) is not None:
                    return str(spec[key].get_object())
        return str(spec) if isinstance(spec, str) else "Datei ohne Namen"

    names: list[str] = []
    seen: set[int] = set()

    def walk(node, depth: int) -> None:
        node = node.get_object() if node is not None else None
        if depth > MAX_DEPTH or not hasattr(node, "get") or id(node) in seen:
            return
        seen.add(id(node))
        pairs = _resolved(node.get("/Names"))
        for i in range(0, len(pairs) - 1, 2):
            names.append(spec_name(pairs[i + 1]) or str(pairs[i]))
        for kid in _resolved(node.get("/Kids")):
            walk(kid, depth + 1)

    tree = root.get("/Names")
    tree = tree.get_object() if tree is not None else None
    if hasattr(tree, "get"):
        walk(tree.get("/EmbeddedFiles"), 0)

    def pages(node, depth: int):  # the page tree walked directly: cheaper than reader.pages
        node = node.get_object() if node is not None else None
        if depth > MAX_DEPTH or not hasattr(node, "get") or id(node) in seen:
            return
        seen.add(id(node))
        if "/Kids" not in node:
            yield node
        for kid in _resolved(node.get("/Kids")):
            yield from pages(kid, depth + 1)

    for page in pages(root.get("/Pages"), 0):
        for annot in _resolved(page.get("/Annots")):
            annot = annot.get_object()
            if hasattr(annot, "get") and annot.get("/Subtype") == "/FileAttachment":
                names.append(spec_name(annot.get("/FS")))
    return tuple(names)


def read_pdf(data: bytes, form: FormDefinition | None = None) -> Extraction:
    """Extract the form values from PDF bytes; raises an ExtractError subclass if impossible."""
    form = form or load_definition()
    if b"%PDF-" not in data[:1024]:
        raise NotPdfError("Die Datei ist keine PDF-Datei.")
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise EncryptedError("Die PDF-Datei ist mit einem Kennwort verschlüsselt.")
        root = reader.trailer["/Root"].get_object()
        acro = root.get("/AcroForm")
        info = reader.metadata or {}
        tree = _Tree()
        if acro is not None:
            tree.walk(acro.get_object().get("/Fields"), "", {}, 0)
        values_raw = {name: _value(*entry) for name, entry in tree.fields.items()}
        embedded = _embedded_files(root) if values_raw else ()
        dr = acro.get_object().get("/DR") if acro is not None else None
        appearances = read_appearances(tree.fields, dr)
    except ExtractError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError) as exc:
        raise DamagedError(f"Die PDF-Datei ist beschädigt und nicht lesbar ({type(exc).__name__}).") from None

    form_id = info.get(INFO_FORM_ID)
    form_version = info.get(INFO_FORM_VERSION)
    form_id = str(form_id) if form_id is not None else None
    form_version = str(form_version) if form_version is not None else None
    if form_id is not None and form_id != form.id:
        raise ForeignFormError(f"Die Datei ist ein anderes Formular ({form_id}), "
                               "kein Vollzugshilfeersuchen.")
    if not any(_filled(v) for v in values_raw.values()):
        paper = _from_pages(data, form, form_id)
        if paper is not None and (not values_raw or any(_filled(v) for v in paper.values.values())):
            return paper
    if not values_raw:
        raise NoFormError("Die PDF-Datei enthält keine Formularfelder, und auf keiner Seite ist "
                          "der Formularfuß des Vollzugshilfeersuchens zu lesen.")
    persons = form.persons_in(values_raw)
    known = form.field_map(persons)
    matched = [name for name in values_raw if name in known]
    if form_id is None and len(matched) < len(known) / 2:
        raise ForeignFormError("Die Formularfelder gehören nicht zum Vollzugshilfeersuchen.")

    notes = []
    if form_id is None:
        notes.append("Formularkennung fehlt in den Metadaten; anhand der Feldnamen erkannt.")
    elif form_version != form.version:
        notes.append(f"Formularversion {form_version}, geprüft nach Version {form.version}.")
    if tree.duplicates:
        notes.append("Mehrfach vorhandene Feldnamen: " + ", ".join(sorted(tree.duplicates)))
    values: dict[str, Value] = {}
    for name, f in known.items():
        v = values_raw.get(name)
        if f.type in (FieldType.CHECKBOX, FieldType.SIGNATURE):
            v = bool(v)
        elif isinstance(v, bool):
            v = None
        values[name] = v
    unknown = tuple(sorted(n for n in values_raw if n not in known))
    return Extraction(form_id, form_version, persons, values, unknown, notes, embedded=embedded,
                      appearances=appearances)


def extract(path: str | os.PathLike) -> Extraction:
    """Extract the form values from a file (opened read-only, never modified)."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = fh.read()
    except IsADirectoryError:
        raise ExtractError("Der Pfad ist ein Ordner, keine Datei.") from None
    except FileNotFoundError:
        raise ExtractError("Die Datei existiert nicht.") from None
    except PermissionError:
        raise ExtractError("Keine Leseberechtigung für die Datei.") from None
    except OSError as exc:
        raise ExtractError(f"Die Datei ist nicht lesbar ({exc.strerror}).") from None
    if not data:
        raise NotPdfError("Die Datei ist leer.")
    return read_pdf(data)
