"""Extraction: the values of a received form, by field name, whatever program filled it.

Reads the AcroForm field tree itself (not via pypdf's get_fields) so that values stored on the
parent or on a widget kid, any checkbox on-state name and radio groups with /Opt are all read
the same way, and so that a looping or absurdly deep tree cannot hang the reader.

Received files may be damaged or crafted. Every way a file can fail ends in an ExtractError
subclass with a German message that names the problem but never a field value; pypdf's own log
output (which can quote values) is captured, not printed. Nothing in a file is ever executed.
"""

from __future__ import annotations

import io
import logging
import os
import re
import stat
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from vhpdf.form.definition import FieldType, FormDefinition, Value, filled, load_definition
from vhpdf.pdf.drawn import Appearance, read_appearances

INFO_FORM_ID, INFO_FORM_VERSION = "/VhpdfFormId", "/VhpdfFormVersion"
MAX_DEPTH = 32  # field and page tree levels
MAX_FIELDS = 10_000  # terminal fields; the form itself has a few hundred
MAX_NODES = 50_000  # field tree nodes visited
MAX_FILE_SIZE = 100 * 2**20
LONG_VALUE = 65_536  # characters; longer values are read but reported
_RADIO, _PUSHBUTTON = 1 << 15, 1 << 16


class ExtractError(Exception):
    """The file cannot be read as a Vollzugshilfeersuchen; the message is German."""


class NotRegularFileError(ExtractError):
    """Missing, a folder, a FIFO, a device, unreadable, or too large."""


class NotPdfError(ExtractError):
    pass


class EncryptedError(ExtractError):
    pass


class DamagedError(ExtractError):
    pass


class TruncatedError(DamagedError):
    pass


class GluedError(DamagedError):
    pass


class LimitError(DamagedError):
    """A safety limit was reached: decompression bomb, nesting, loops, field count."""


class NoFormError(ExtractError):
    pass


class XfaError(NoFormError):
    pass


class ForeignFormError(ExtractError):
    pass


class ConflictError(ExtractError):
    """The same field name carries different values: which one counts is not decidable."""


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
    warnings: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # values read from another source
    uncertain: tuple[str, ...] = ()  # fields whose value could not be read with confidence
    embedded: tuple[str, ...] = ()  # files embedded in the PDF (/EmbeddedFiles, attachment annotations)
    appearances: dict[str, Appearance] = field(default_factory=dict)


# --- text decoding ---------------------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def _decode_string(value) -> tuple[str, bool]:
    """A PDF string as text, and whether it was odd (UTF-16 without BOM, invalid bytes)."""
    raw = getattr(value, "original_bytes", None)
    if not isinstance(raw, bytes) or len(raw) < 2:
        return str(value), False
    if raw[:2] in (b"\xfe\xff", b"\xff\xfe"):
        codec = "utf-16-be" if raw[:2] == b"\xfe\xff" else "utf-16-le"
        body = raw[2:]
        text = body[: len(body) // 2 * 2].decode(codec, "surrogatepass")
        return text, len(body) % 2 == 1
    if raw[:3] == b"\xef\xbb\xbf":
        text = raw[3:].decode("utf-8", "replace")
        return text, "\ufffd" in text
    if len(raw) % 2 == 0:
        even, odd = raw[0::2], raw[1::2]
        if not even.strip(b"\x00") and odd.strip(b"\x00"):
            return raw.decode("utf-16-be", "surrogatepass"), True
        if not odd.strip(b"\x00") and even.strip(b"\x00"):
            return raw.decode("utf-16-le", "surrogatepass"), True
    if getattr(value, "autodetect_utf16", False):  # pypdf guessed UTF-16 where there is no BOM
        return _pdfdoc(raw), True
    return str(value), False


def _pdfdoc(raw: bytes) -> str:
    """PDFDocEncoding; bytes it leaves undefined are taken as Latin-1 (control bytes get removed)."""
    try:
        from pypdf._codecs.pdfdoc import _pdfdoc_encoding as table
    except ImportError:  # a pypdf without it: Latin-1 is close enough
        return raw.decode("latin-1")
    return "".join(table[b] if table[b] != "\x00" else chr(b) for b in raw)


def clean_text(text: str) -> tuple[str, bool]:
    """NFC text without control or bidi-override characters and without lone surrogates.

    Returns the cleaned text and whether anything had to be removed or replaced.
    """
    fixed = _SURROGATE.sub("\ufffd", text)
    fixed = _CONTROL.sub("", fixed)
    odd = fixed != text or "\ufffd" in fixed
    return unicodedata.normalize("NFC", fixed), odd


def _text(value) -> tuple[str | None, bool]:
    if value is None:
        return None, False
    value = value.get_object()
    odd = False
    if hasattr(value, "get_data"):  # rich text or a stream-valued /V
        value = value.get_data().decode("utf-8", "replace")
    if isinstance(value, list):
        parts = [_decode_string(v) for v in value]
        value, odd = "\n".join(p[0] for p in parts), any(p[1] for p in parts)
    elif hasattr(value, "original_bytes"):  # a PDF string (text or bytes)
        value, odd = _decode_string(value)
    else:
        value = str(value)
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text, odd2 = clean_text(text)
    return (text if text.strip() else None), odd or odd2


def _name(value) -> str | None:
    if value is None:
        return None
    text = str(value.get_object())
    text = text[1:] if text.startswith("/") else text
    return None if text in ("", "Off") else text


# --- the field tree ---------------------------------------------------------------------------

class _Tree:
    """Walks /AcroForm /Fields into terminal fields: name -> [(attrs, field dict, widgets)]."""

    def __init__(self):
        self.fields: dict[str, list[tuple]] = {}
        self.seen: set[int] = set()
        self.launch = False
        self.nodes = 0

    def walk(self, refs, prefix: str, inherited: dict, depth: int, path: frozenset = frozenset()) -> None:
        if depth > MAX_DEPTH:
            raise LimitError("Die Feldstruktur ist unzulässig tief verschachtelt.")
        refs = refs.get_object() if hasattr(refs, "get_object") else (refs or [])
        for ref in refs if isinstance(refs, list) else ():
            node = ref.get_object()
            key = id(node) if ref.indirect_reference is None else ref.indirect_reference.idnum
            if key in path:
                raise LimitError("Die Feldstruktur enthält eine Schleife (ein Feld verweist auf "
                                 "sich selbst oder einen Vorfahren).")
            if key in self.seen or not hasattr(node, "get"):
                continue  # listed twice, or a junk entry
            self.seen.add(key)
            self.nodes += 1
            if self.nodes > MAX_NODES or len(self.fields) > MAX_FIELDS:
                raise LimitError(f"Die Datei enthält über {MAX_FIELDS:,} Formularfelder; so viele "
                                 "hat kein Vollzugshilfeersuchen.".replace(",", "."))
            self.launch = self.launch or _has_launch(node)
            partial = node.get("/T")
            if partial is not None:
                partial = clean_text(_decode_string(partial.get_object())[0])[0]
            name = f"{prefix}.{partial}" if prefix and partial is not None else (
                str(partial) if partial is not None else prefix)
            attrs = dict(inherited)
            for k in ("/FT", "/Ff", "/V", "/Opt"):
                if k in node:
                    attrs[k] = node[k]
            kids_obj = node.get("/Kids")
            kids_obj = kids_obj.get_object() if kids_obj is not None else []
            kids = [k for k in (kids_obj if isinstance(kids_obj, list) else [])
                    if hasattr(k.get_object(), "get")]
            field_kids = [k for k in kids if "/T" in k.get_object()]
            if field_kids:
                self.walk(field_kids, name, attrs, depth + 1, path | {key})
                continue
            widgets = [k.get_object() for k in kids] or [node]
            for w in widgets:
                self.launch = self.launch or _has_launch(w)
            self.fields.setdefault(name, []).append((attrs, node, widgets))


def _has_launch(node) -> bool:
    """Whether a dictionary's /A or /AA holds a /Launch action (never executed, only reported)."""
    for key in ("/A", "/AA", "/OpenAction"):
        action = node.get(key)
        action = action.get_object() if action is not None else None
        if not hasattr(action, "get"):
            continue
        actions = [action] if "/S" in action else [a.get_object() for a in action.values()]
        if any(hasattr(a, "get") and a.get("/S") == "/Launch" for a in actions):
            return True
    return False


def _check_pages(root) -> None:
    """Walks the page tree (only /Kids, no content) so that a loop in it is reported."""
    def walk(node, depth: int, path: frozenset) -> None:
        if depth > MAX_DEPTH:
            raise LimitError("Der Seitenbaum der PDF-Datei ist unzulässig tief verschachtelt.")
        kids = node.get("/Kids")
        kids = kids.get_object() if kids is not None else []
        for ref in kids if isinstance(kids, list) else []:
            key = ref.idnum if hasattr(ref, "idnum") else id(ref)
            if key in path:
                raise LimitError("Der Seitenbaum der PDF-Datei enthält eine Schleife.")
            kid = ref.get_object()
            if hasattr(kid, "get"):
                walk(kid, depth + 1, path | {key})

    pages = root.get("/Pages")
    if pages is not None and hasattr(pages.get_object(), "get"):
        start = pages.idnum if hasattr(pages, "idnum") else id(pages)
        walk(pages.get_object(), 0, frozenset({start}))


def terminal_fields(fields_array) -> dict[str, tuple]:
    """The terminal fields of an /AcroForm /Fields array: name -> (attrs, field dict, widgets).

    For writers that redraw fields (druck, flatten); the last of duplicate names wins, which
    is safe because read_pdf refuses conflicting duplicates before any redraw.
    """
    tree = _Tree()
    tree.walk(fields_array, "", {}, 0)
    return {name: entries[-1] for name, entries in tree.fields.items()}


def field_value(attrs: dict, node, widgets: list) -> Value:
    """The value a terminal field holds (see _value), without the odd-character flag."""
    return _value(attrs, node, widgets)[0]


def _value(attrs: dict, node, widgets: list) -> tuple[Value, bool]:
    ft = str(attrs.get("/FT", ""))
    flags = int(attrs.get("/Ff", 0) or 0)
    v = attrs.get("/V")
    if v is None:  # some fillers put the value on the widget instead of the field
        v = next((w["/V"] for w in widgets if "/V" in w), None)
    if ft == "/Btn":
        if flags & _PUSHBUTTON:
            return None, False
        state = _name(v) if v is not None else next(
            (s for w in widgets if (s := _name(w.get("/AS")))), None)
        if flags & _RADIO:
            opts = attrs.get("/Opt")
            if state is not None and opts is not None and state.isdigit():
                opts = opts.get_object()
                if int(state) < len(opts):
                    return _text(opts[int(state)])
            return state, False
        return state is not None, False
    if ft == "/Sig":
        return v is not None, False
    return _text(v)


SOURCE_LABEL = {"feld": "Formularfelder", "seitentext": "Seitentext (Kopie ohne Formularfelder)",
                "ocr": "Texterkennung (Scan)"}


def _from_pages(data: bytes, form: FormDefinition, meta_id: str | None) -> Extraction | None:
    """Values from the printed pages, for copies whose fields are gone or empty (lazy import)."""
    from vhpdf.read.paper.pages import NotReadableError, read_pages

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
                      source, sources=sources, uncertain=tuple(dict.fromkeys(paper.uncertain)))


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


# --- reading ---------------------------------------------------------------------------------

def sniff(data: bytes) -> str | None:
    """What a non-PDF file is, in German words, by its magic bytes (None: no known magic).

    Checked before looking for the PDF header, because an uncompressed ZIP or a mail may well
    carry a PDF within its first kilobyte.
    """
    head = data[:1024]
    low = head.lstrip().lower()
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "ein ZIP-Archiv (oder ein Office-Dokument)"
    if head.startswith(b"\x1f\x8b"):
        return "eine gzip-komprimierte Datei"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "eine ältere Office- oder Outlook-Datei"
    images = {b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG", b"GIF8": "GIF", b"II*\x00": "TIFF",
              b"MM\x00*": "TIFF", b"BM": "BMP"}
    for magic, kind in images.items():
        if head.startswith(magic):
            return f"ein Bild ({kind})"
    if low.startswith((b"<!doctype html", b"<html")):
        return "eine HTML-Seite"
    if b"%PDF-" in head:
        return None
    if b"<html" in low:
        return "eine HTML-Seite"
    try:
        head.decode("utf-8")
        return "eine Textdatei"
    except UnicodeDecodeError:
        return "ein unbekanntes Format"


_STARTXREF = re.compile(rb"startxref\s+(\d+)")
_OBJ_AT = re.compile(rb"\s*\d+\s+\d+\s+obj")


def _xref_intact(data: bytes) -> bool:
    """Whether the last startxref points at an xref table or an xref stream object."""
    found = list(_STARTXREF.finditer(data, max(0, len(data) - 2048)))
    if not found:
        return False
    offset = int(found[-1].group(1))
    if offset >= len(data):
        return False
    return data[offset:offset + 4] == b"xref" or bool(_OBJ_AT.match(data, offset))


class _LogFlags(logging.Handler):
    """Collects that pypdf complained (and about what), without printing anything."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.xref = False

    def emit(self, record: logging.LogRecord) -> None:
        if "xref" in str(record.msg).lower():  # the template only; args may quote values
            self.xref = True


def _damaged(exc: Exception) -> DamagedError:
    text = str(exc).lower()
    if type(exc).__name__ == "LimitReachedError":
        if "decompress" in text or "output" in text or "length" in text:
            return LimitError("Ein komprimierter Datenstrom der PDF-Datei entpackt sich zu einer "
                              "unzulässigen Größe (Dekompressionsbombe).")
        return LimitError("Die PDF-Datei überschreitet eine Sicherheitsgrenze des Lesers "
                          "(zu viele oder zu tief verschachtelte Objekte).")
    cause, chain = exc, 0
    while cause is not None and chain < 10:
        if isinstance(cause, RecursionError):
            return LimitError("Die PDF-Datei ist unzulässig tief verschachtelt.")
        cause, chain = cause.__cause__ or cause.__context__, chain + 1
    return DamagedError(f"Die PDF-Datei ist beschädigt und nicht lesbar ({type(exc).__name__}).")


def read_pdf(data: bytes, form: FormDefinition | None = None,
             password: str | None = None) -> Extraction:
    """Extract the form values from PDF bytes; raises an ExtractError subclass if impossible."""
    form = form or load_definition()
    if not data:
        raise NotPdfError("Die Datei ist leer.")
    kind = sniff(data)
    if kind is not None or b"%PDF-" not in data[:1024]:
        raise NotPdfError(f"Die Datei ist keine PDF-Datei, sondern {kind or 'ein unbekanntes Format'}.")
    if b"%%EOF" not in data[-1024:]:
        raise TruncatedError("Die PDF-Datei ist abgeschnitten: das Dateiende fehlt. Vermutlich "
                             "wurde sie nicht vollständig übertragen; bitte neu anfordern.")
    if re.search(rb"%%EOF\s*%PDF-", data):
        raise GluedError("Die Datei besteht aus mehreren aneinandergehängten PDF-Dokumenten; "
                         "welches gilt, ist nicht eindeutig.")
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


def _read(data: bytes, form: FormDefinition, password: str | None, flags: _LogFlags) -> Extraction:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            opened = reader.decrypt("")
            if not opened and password:
                opened = reader.decrypt(password)
            if not opened:
                raise EncryptedError(
                    "Das angegebene Kennwort passt nicht zu der verschlüsselten PDF-Datei."
                    if password else "Die PDF-Datei ist mit einem Kennwort verschlüsselt "
                    "(Kennwort mit --passwort angeben).")
        root = reader.trailer["/Root"].get_object()
        _check_pages(root)
        acro = root.get("/AcroForm")
        acro = acro.get_object() if acro is not None else None
        info = reader.metadata or {}
        tree = _Tree()
        if hasattr(acro, "get"):
            tree.walk(acro.get("/Fields"), "", {}, 0)
        xfa = hasattr(acro, "get") and acro.get("/XFA") is not None
        launch = tree.launch or _has_launch(root)
        names = root.get("/Names")
        names = names.get_object() if names is not None else None
        doc_js = (hasattr(names, "get") and "/JavaScript" in names) or _is_js(root.get("/OpenAction"))
        raw = {name: [_value(*entry) for entry in entries] for name, entries in tree.fields.items()}
        embedded = _embedded_files(root) if raw else ()
        dr = acro.get("/DR") if hasattr(acro, "get") else None
        appearances = read_appearances({n: entries[-1] for n, entries in tree.fields.items()}, dr)
        form_id = info.get(INFO_FORM_ID)
        form_version = info.get(INFO_FORM_VERSION)
    except ExtractError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure on bad input is a verdict
        raise _damaged(exc) from None

    form_id = clean_text(str(form_id))[0] if form_id is not None else None
    form_version = clean_text(str(form_version))[0] if form_version is not None else None
    if form_id is not None and form_id != form.id:
        raise ForeignFormError(f"Die Datei ist ein anderes Formular ({form_id[:80]}), "
                               "kein Vollzugshilfeersuchen.")
    if not any(filled(v) for vals in raw.values() for v, _ in vals) and not xfa:
        paper = _from_pages(data, form, form_id)  # a printed, flattened or scanned copy
        if paper is not None and (not raw or any(filled(v) for v in paper.values.values())):
            return paper
    if not raw:
        if xfa or str(root.get("/NeedsRendering", "")) == "True":
            raise XfaError("Die Datei ist ein reines XFA-Formular (Adobe LiveCycle) ohne "
                           "gewöhnliche Formularfelder; bitte als normales PDF-Formular anfordern.")
        raise NoFormError("Die PDF-Datei enthält keine Formularfelder, und auf keiner Seite ist "
                          "der Formularfuß des Vollzugshilfeersuchens zu lesen.")
    values_raw = {name: vals[-1][0] for name, vals in raw.items()}
    persons = form.persons_in(values_raw)
    known = form.field_map(persons)
    matched = [name for name in values_raw if name in known]
    if form_id is None and len(matched) < len(known) / 2:
        raise ForeignFormError("Die Formularfelder gehören nicht zum Vollzugshilfeersuchen.")

    conflicts = sorted(n for n, vals in raw.items() if n in known and len({v for v, _ in vals}) > 1)
    if conflicts:
        listed = ", ".join(f"„{known[n].label}“ ({n})" for n in conflicts[:5])
        more = f" und {len(conflicts) - 5} weitere" if len(conflicts) > 5 else ""
        raise ConflictError(f"Gleichnamige Felder mit unterschiedlichen Werten: {listed}{more}; "
                            "welcher Wert gilt, ist nicht eindeutig.")

    notes, warns = [], []
    if form_id is None:
        notes.append("Formularkennung fehlt in den Metadaten; anhand der Feldnamen erkannt.")
    elif form_version != form.version:
        warns.append(f"Formularversion {(form_version or '?')[:20]}, geprüft nach Version "
                     f"{form.version}; Felder können abweichen.")
    duplicates = sorted(n for n, vals in raw.items() if len(vals) > 1 and n in known)
    if duplicates:
        notes.append("Mehrfach vorhandene Feldnamen (mit gleichem Wert): " + ", ".join(duplicates))
    if flags.xref or not _xref_intact(data):
        warns.append("Die Querverweistabelle (xref) der PDF-Datei war beschädigt; sie wurde beim "
                      "Lesen repariert. Die Werte bitte mit der Datei vergleichen.")
    if xfa:
        warns.append("Die Datei enthält zusätzlich XFA-Formulardaten, die von den Feldwerten "
                     "abweichen können; gelesen wurden die Formularfelder.")
    if launch:
        warns.append("Die Datei enthält eine Aktion zum Starten von Programmen (/Launch); "
                     "sie wurde nicht ausgeführt. Datei mit Vorsicht behandeln.")
    if doc_js:
        notes.append("Die Datei enthält JavaScript, das beim Öffnen laufen würde; "
                     "es wurde nicht ausgeführt.")
    odd = sorted(n for n, vals in raw.items() if n in known and vals[-1][1])
    for n in odd:
        warns.append(f"Das Feld „{known[n].label}“ enthielt Steuerzeichen oder ungültige "
                     "Zeichen; sie wurden entfernt oder ersetzt.")
    for n in matched:
        v = values_raw[n]
        if isinstance(v, str) and len(v) > LONG_VALUE:
            warns.append(f"Das Feld „{known[n].label}“ enthält einen ungewöhnlich langen Wert "
                         f"({len(v):,} Zeichen).".replace(",", "."))
    values: dict[str, Value] = {}
    for name, f in known.items():
        v = values_raw.get(name)
        if f.type in (FieldType.CHECKBOX, FieldType.SIGNATURE):
            v = bool(v)
        elif isinstance(v, bool):
            v = None
        values[name] = v
    unknown = tuple(sorted(n for n in values_raw if n not in known))
    return Extraction(form_id, form_version, persons, values, unknown, notes, warnings=warns,
                      embedded=embedded, appearances=appearances)


def _is_js(action) -> bool:
    action = action.get_object() if action is not None else None
    return hasattr(action, "get") and action.get("/S") == "/JavaScript"


_KIND = {stat.S_ISFIFO: "eine benannte Pipe (FIFO)", stat.S_ISCHR: "ein Gerät",
         stat.S_ISBLK: "ein Blockgerät", stat.S_ISSOCK: "ein Socket"}


def read_file(path: str | os.PathLike, limit: int = MAX_FILE_SIZE) -> bytes:
    """The bytes of a regular file, opened read-only; anything else is an ExtractError."""
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise NotRegularFileError("Der Pfad ist ein Verweis (Link) ins Leere.") from None
        raise NotRegularFileError("Die Datei existiert nicht.") from None
    except PermissionError:
        raise NotRegularFileError("Keine Berechtigung, auf die Datei zuzugreifen.") from None
    except OSError as exc:
        raise NotRegularFileError(f"Die Datei ist nicht lesbar ({exc.strerror}).") from None
    if stat.S_ISDIR(st.st_mode):
        raise NotRegularFileError("Der Pfad ist ein Ordner, keine Datei.")
    if not stat.S_ISREG(st.st_mode):
        kind = next((k for test, k in _KIND.items() if test(st.st_mode)), "keine normale Datei")
        raise NotRegularFileError(f"Der Pfad ist keine normale Datei, sondern {kind}; "
                                  "er wird nicht gelesen.")
    if st.st_size > limit:
        raise NotRegularFileError(f"Die Datei ist mit {st.st_size // 2**20} MB zu groß "
                                  f"(höchstens {limit // 2**20} MB).")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except PermissionError:
        raise NotRegularFileError("Keine Leseberechtigung für die Datei.") from None
    except OSError as exc:
        raise NotRegularFileError(f"Die Datei ist nicht lesbar ({exc.strerror}).") from None
    with open(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # swapped since stat()
            raise NotRegularFileError("Der Pfad ist keine normale Datei; er wird nicht gelesen.")
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise NotRegularFileError(f"Die Datei ist nicht lesbar ({exc.strerror}).") from None
    if len(data) > limit:
        raise NotRegularFileError(f"Die Datei ist zu groß (höchstens {limit // 2**20} MB).")
    return data


def extract(path: str | os.PathLike, password: str | None = None) -> Extraction:
    """Extract the form values from a file (opened read-only, never modified)."""
    return read_pdf(read_file(path), password=password)
