"""Extraction: the values of a received form, by field name, whatever program filled it.

Ties the readers together: file checks (files), the field tree (fields), what each widget prints
(pdf.drawn), and for copies without field values the page readers (read.paper, imported lazily).
Every failure is an ExtractError (read.errors) with a German message; pypdf's own log output
(which can quote values) is captured, not printed. Nothing in a file is ever executed.
"""

from __future__ import annotations

import io
import logging
import os
import warnings
from dataclasses import dataclass, field
from typing import Any

from vhpdf.form.definition import (
    FieldType,
    FormDefinition,
    Value,
    definition_for,
    filled,
    kept_versions,
    load_definition,
)
from vhpdf.form.identity import INFO_FORM_ID, INFO_FORM_VERSION
from vhpdf.form.messages import text
from vhpdf.pdf.drawn import Appearance, read_appearances
from vhpdf.pdf.pypdf_compat import pdf_reader
from vhpdf.read.errors import (
    ConflictError,
    DamagedError,
    EncryptedError,
    ExtractError,
    ForeignFormError,
    GluedError,
    LimitError,
    NoFormError,
    NotPdfError,
    TruncatedError,
    XfaError,
)
from vhpdf.read.fields import (
    FieldTree,
    check_pages,
    clean_text,
    embedded_files,
    has_launch,
    is_js,
    raw_value,
)
from vhpdf.read.files import ends_with_eof, glued, header_offset, read_file, sniff, xref_intact
from vhpdf.read.signature import SignatureInfo
from vhpdf.read.source import ValueSource

LONG_VALUE = 65_536  # characters; longer values are read but reported


@dataclass(eq=False)  # never compared: no generated __eq__ (import time)
class Extraction:
    """What was read from one file."""

    form_id: str | None
    form_version: str | None
    persons: int
    values: dict[str, Value]
    unknown_fields: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)
    source: ValueSource = ValueSource.FELD  # where the values were read
    warnings: list[str] = field(default_factory=list)
    sources: dict[str, ValueSource] = field(default_factory=dict)  # values read from another source
    uncertain: tuple[str, ...] = ()  # fields whose value could not be read with confidence
    embedded: tuple[str, ...] = ()  # files embedded in the PDF (/EmbeddedFiles, attachment annotations)
    appearances: dict[str, Appearance] = field(default_factory=dict)
    signature: SignatureInfo | None = None  # set by the checker (read.signature), not by read_pdf


def _from_pages(data: bytes, form: FormDefinition, meta_id: str | None) -> Extraction | None:
    """Values from the printed pages, for copies whose fields are gone or empty (lazy import)."""
    from vhpdf.read.paper.pages import NotReadableError, read_pages

    try:
        paper = read_pages(data, form)  # its failures are ExtractErrors with a German cause
    except NotReadableError as exc:
        raise NoFormError(text("lesen.seiten_keine_felder", grund=exc)) from None
    if paper is None:
        return None
    if paper.form_id != form.id and meta_id is None:
        raise ForeignFormError(text("lesen.fremdes_formular", kennung=paper.form_id))
    older = _older(paper.form_version, form)
    if older is not None:  # printed from an older version: read with its layout, then migrate
        ex = _from_pages(data, older, meta_id)
        if ex is not None and ex.form_version == older.version:
            return _migrated(ex, form, older.version)
        return ex
    counts: dict[ValueSource, int] = {}
    for src in paper.sources.values():
        counts[src] = counts.get(src, 0) + 1
    source = max(counts, key=counts.__getitem__) if counts else ValueSource.SEITENTEXT
    notes = []
    if paper.form_version != form.version:
        notes.append(text("lesen.version_seiten", version=paper.form_version, geprueft=form.version))
    notes += paper.notes
    sources = {n: s for n, s in paper.sources.items() if s != source}
    return Extraction(paper.form_id, paper.form_version, paper.persons, paper.values, (), notes,
                      source, sources=sources, uncertain=tuple(dict.fromkeys(paper.uncertain)))


class _LogFlags(logging.Handler):
    """Collects that pypdf complained (and about what), without printing anything."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.xref = False
        self.complaints = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.complaints += 1
        if "xref" in str(record.msg).lower():  # the template only; args may quote values
            self.xref = True


def _damaged(exc: Exception) -> DamagedError:
    detail = str(exc).lower()
    from pypdf.errors import LimitReachedError, PdfStreamError  # pypdf is imported lazily, see _read

    if isinstance(exc, LimitReachedError):
        if "decompress" in detail or "output" in detail or "length" in detail:
            return LimitError(text("lesen.dekompressionsbombe"))
        return LimitError(text("lesen.sicherheitsgrenze"))
    cause: BaseException | None = exc
    chain = 0
    while cause is not None and chain < 10:
        if isinstance(cause, RecursionError):
            return LimitError(text("lesen.zu_tief"))
        cause, chain = cause.__cause__ or cause.__context__, chain + 1
    if isinstance(exc, PdfStreamError):
        reason = "lesen.ursache_datenstrom"
    elif isinstance(exc, KeyError):
        reason = "lesen.ursache_eintrag_fehlt"
    elif "xref" in detail or "trailer" in detail or "startxref" in detail:
        reason = "lesen.ursache_querverweise"
    elif isinstance(exc, EOFError) or "eof" in detail:
        reason = "lesen.ursache_ende"
    else:
        reason = "lesen.ursache_aufbau"
    return DamagedError(text("lesen.beschaedigt", fehler=text(reason)))


def read_pdf(data: bytes, form: FormDefinition | None = None,
             password: str | None = None) -> Extraction:
    """Extract the form values from PDF bytes; raises an ExtractError subclass if impossible."""
    form = form or load_definition()
    if not data:
        raise NotPdfError(text("lesen.leer"))
    kind = sniff(data)
    if kind is not None or header_offset(data) is None:
        raise NotPdfError(text("lesen.keine_pdf", art=kind or text("lesen.art_unbekannt")))
    if not ends_with_eof(data):
        raise TruncatedError(text("lesen.abgeschnitten"))
    if glued(data):
        raise GluedError(text("lesen.aneinandergehaengt"))
    log = logging.getLogger("pypdf")
    flags = _LogFlags()
    log.addHandler(flags)
    saved = log.propagate, log.level
    log.propagate = False
    log.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _read(data, form, password, flags)
    finally:
        log.removeHandler(flags)
        log.propagate, _ = saved
        log.setLevel(saved[1])


@dataclass(eq=False)  # never compared: no generated __eq__ (import time)
class _Parsed:
    """What the PDF layer yields: every terminal field's raw values, and the document's traits."""

    raw: dict[str, list[tuple[Value, bool]]]  # name -> (value, odd characters) per duplicate
    appearances: dict[str, Appearance]
    embedded: tuple[str, ...]
    form_id: str | None
    form_version: str | None
    xfa: bool
    launch: bool
    doc_js: bool
    needs_rendering: bool
    doubtful: frozenset[str] = frozenset()  # fields whose dictionaries the parser complained about
    pages: bytes | None = None  # what the page reader gets where it is not the file: a decrypted copy


def open_reader(data: bytes, password: str | None = None):
    """A pypdf reader of `data`, decrypted (empty password first, then `password`).

    Raises EncryptedError if it cannot be opened; parser errors are the caller's to judge.
    """
    reader = pdf_reader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        opened = reader.decrypt("")
        if not opened and password:
            opened = reader.decrypt(password)
        if not opened:
            raise EncryptedError(text("lesen.kennwort_falsch" if password else "lesen.verschluesselt"))
    return reader


def _parse(data: bytes, password: str | None, flags: _LogFlags) -> _Parsed:
    """Parse with pypdf; any failure of the parser on bad input becomes an ExtractError."""
    try:
        reader = open_reader(data, password)
        root = reader.trailer["/Root"].get_object()
        check_pages(root)
        acro: Any = root.get("/AcroForm")
        acro = acro.get_object() if acro is not None else None
        info = reader.metadata or {}
        tree = FieldTree(lambda: flags.complaints)
        if hasattr(acro, "get"):
            tree.walk(acro.get("/Fields"), "", {}, 0)
        names: Any = root.get("/Names")
        names = names.get_object() if names is not None else None
        raw = {name: [raw_value(*entry) for entry in entries] for name, entries in tree.fields.items()}
        dr = acro.get("/DR") if hasattr(acro, "get") else None
        form_id, form_version = info.get(INFO_FORM_ID), info.get(INFO_FORM_VERSION)
        return _Parsed(
            raw=raw,
            appearances=read_appearances({n: entries[-1] for n, entries in tree.fields.items()}, dr),
            embedded=embedded_files(root) if raw else (),
            form_id=clean_text(str(form_id))[0] if form_id is not None else None,
            form_version=clean_text(str(form_version))[0] if form_version is not None else None,
            xfa=hasattr(acro, "get") and acro.get("/XFA") is not None,
            launch=tree.launch or has_launch(root),
            doc_js=(hasattr(names, "get") and "/JavaScript" in names) or is_js(root.get("/OpenAction")),
            needs_rendering=str(root.get("/NeedsRendering", "")) == "True",
            doubtful=frozenset(tree.doubtful),
            pages=_decrypted(reader) if reader.is_encrypted and not _any_filled(raw) else None)
    except ExtractError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure on bad input is a verdict
        raise _damaged(exc) from None


def _any_filled(raw: dict[str, list[tuple[Value, bool]]]) -> bool:
    return any(filled(v) for vals in raw.values() for v, _ in vals)


def _decrypted(reader) -> bytes | None:
    """An unencrypted copy (in memory) of the opened file, for the page reader: PDFium is given
    no password and would not try an empty owner password anyway, as pypdf does. None where
    pypdf cannot write it (the page reader then gets the file as it is)."""
    from pypdf import PdfWriter

    out = io.BytesIO()
    try:
        PdfWriter(clone_from=reader).write(out)
    except (MemoryError, RecursionError):
        raise
    except Exception:  # noqa: BLE001 - a second chance for the page reader, not a verdict
        return None
    return out.getvalue()


def _older(version: str | None, form: FormDefinition) -> FormDefinition | None:
    """The definition of an older version forms/ keeps, for a request that names it."""
    if version is None or version == form.version:
        return None
    older = definition_for(version)
    return older if older.version == version else None


def _older_by_names(raw: dict, form: FormDefinition) -> FormDefinition | None:
    """For a request without form metadata: the older version whose own field names it uses."""
    known = form.field_map(form.repeat.max)
    for version in kept_versions():
        older = definition_for(version)
        own = set(older.field_map(older.repeat.max)) - set(known)
        if older is not form and any(name in own for name in raw):
            return older
    return None


def _migrated(ex: Extraction, form: FormDefinition, version: str) -> Extraction:
    """An extraction read with an older definition, its values carried to the current `form`."""
    from vhpdf.form.migration import migrate  # lazily: only requests in an older version need it

    ex.form_version = ex.form_version or version
    m = migrate(ex.values, version)
    values: dict[str, Value] = {}
    known = form.field_map(max(ex.persons, 1))
    for name, f in known.items():
        v = m.values.get(name)
        values[name] = bool(v) if f.type in (FieldType.CHECKBOX, FieldType.SIGNATURE) else v
    ex.values = values
    ex.notes.insert(0, m.note)
    ex.warnings.extend(m.unclear)
    ex.sources = {n: s for n, s in ex.sources.items() if n in known}
    ex.uncertain = tuple(n for n in ex.uncertain if n in known)
    return ex


def _read(data: bytes, form: FormDefinition, password: str | None, flags: _LogFlags) -> Extraction:
    current = form
    parsed = _parse(data, password, flags)
    older = _older(parsed.form_version, form) if parsed.form_id == form.id else None
    if older is None and parsed.form_id is None:
        older = _older_by_names(parsed.raw, form)
    if older is not None:
        ex = _read_with(data, parsed, older, flags)
        if ex.form_version in (older.version, None):
            return _migrated(ex, current, older.version)
        return ex
    return _read_with(data, parsed, form, flags)


def _read_with(data: bytes, parsed: _Parsed, form: FormDefinition, flags: _LogFlags) -> Extraction:
    form_id, raw = parsed.form_id, parsed.raw
    if form_id is not None and form_id != form.id:
        raise ForeignFormError(text("lesen.fremdes_formular", kennung=form_id[:80]))
    values_raw = {name: vals[-1][0] for name, vals in raw.items()}
    persons = form.persons_in(values_raw)
    known = form.field_map(persons)
    matched = [name for name in values_raw if name in known]
    if raw and form_id is None and len(matched) < len(known) / 2:
        # the fields say whose form it is, whatever its pages look like: no page reading
        raise ForeignFormError(text("lesen.fremde_felder"))
    if not _any_filled(raw) and not parsed.xfa:
        try:  # a printed, flattened or scanned copy
            paper = _from_pages(parsed.pages or data, form, form_id)
        except (NoFormError, DamagedError):
            if not raw:
                raise
            paper = None  # this form's fields, empty: read them as they are
        if paper is not None and (not raw or any(filled(v) for v in paper.values.values())):
            return paper
    if not raw:
        if parsed.xfa or parsed.needs_rendering:
            raise XfaError(text("lesen.xfa"))
        raise NoFormError(text("lesen.kein_formular"))
    conflicts = sorted(n for n, vals in raw.items() if n in known and len({v for v, _ in vals}) > 1)
    if conflicts:
        listed = ", ".join(text("lesen.widerspruch_feld", label=known[n].label, name=n)
                           for n in conflicts[:5])
        if len(conflicts) > 5:
            listed = text("lesen.widerspruch_weitere", felder=listed, anzahl=len(conflicts) - 5)
        raise ConflictError(text("lesen.widerspruch", felder=listed))
    unread = _unread(parsed.doubtful, known, values_raw)
    if unread:  # a value in the file that could not be read is never taken for an empty field
        raise DamagedError(text("lesen.feld_nicht_lesbar", felder=", ".join(
            text("lesen.widerspruch_feld", label=known[n].label, name=n) for n in unread[:5])))
    notes, warns = _observations(parsed, form, known, data, flags)
    values: dict[str, Value] = {}
    for name, f in known.items():
        v = values_raw.get(name)
        if f.type in (FieldType.CHECKBOX, FieldType.SIGNATURE):
            v = bool(v)
        elif isinstance(v, bool):
            v = None
        values[name] = v
    unknown = tuple(sorted(n for n in values_raw if n not in known))
    return Extraction(form_id, parsed.form_version, persons, values, unknown, notes, warnings=warns,
                      embedded=parsed.embedded, appearances=parsed.appearances)


def _unread(doubtful: frozenset[str], known: dict, values_raw: dict) -> list[str]:
    """Known fields left empty whose dictionaries the parser could not read cleanly."""
    def under(name: str) -> bool:
        return any(name == d or name.startswith(d + ".") for d in doubtful)

    return sorted(n for n in known if not filled(values_raw.get(n)) and under(n)) if doubtful else []


def _observations(parsed: _Parsed, form: FormDefinition, known: dict, data: bytes,
                  flags: _LogFlags) -> tuple[list[str], list[str]]:
    """Notes and warnings about a readable request: its version, repairs, scripts, odd values."""
    notes, warns = [], []
    raw = parsed.raw
    if parsed.form_id is None:
        notes.append(text("lesen.kennung_fehlt"))
    elif parsed.form_version != form.version:
        warns.append(text("lesen.version_abweichend", version=(parsed.form_version or "?")[:20],
                          geprueft=form.version))
    duplicates = sorted(n for n, vals in raw.items() if len(vals) > 1 and n in known)
    if duplicates:
        notes.append(text("lesen.mehrfache_namen", namen=", ".join(duplicates)))
    if flags.xref or not xref_intact(data):
        warns.append(text("lesen.xref_repariert"))
    if parsed.xfa:
        warns.append(text("lesen.xfa_zusaetzlich"))
    if parsed.launch:
        warns.append(text("lesen.launch"))
    if parsed.doc_js:
        notes.append(text("lesen.javascript"))
    for n in sorted(n for n, vals in raw.items() if n in known and vals[-1][1]):
        warns.append(text("lesen.steuerzeichen", label=known[n].label))
    for n, vals in raw.items():
        v = vals[-1][0]
        if n in known and isinstance(v, str) and len(v) > LONG_VALUE:
            warns.append(text("lesen.langer_wert", label=known[n].label,
                              zeichen=f"{len(v):,}".replace(",", ".")))
    return notes, warns


def field_values(data: bytes, password: str | None = None) -> dict[str, Value]:
    """Every terminal field's raw value by name, without form knowledge or page reading.

    For comparing two revisions of one document (read.signature); raises ExtractError.
    """
    log = logging.getLogger("pypdf")
    saved = log.propagate, log.level
    log.propagate, log.level = False, logging.CRITICAL + 1  # its messages can quote values
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return {name: vals[-1][0] for name, vals in _parse(data, password, _LogFlags()).raw.items()}
    finally:
        log.propagate, log.level = saved


def extract(path: str | os.PathLike, password: str | None = None) -> Extraction:
    """Extract the form values from a file (opened read-only, never modified)."""
    return read_pdf(read_file(path), password=password)
