"""A corpus of broken and hostile files, generated here (no binary blobs from elsewhere).

Each builder returns the bytes of one file; `build_corpus` writes them all, plus the paths that
are no regular files, into a folder. `EXPECTED` says what `vhpdf check` must answer for each.
Hand-made PDFs are written by `tiny_pdf`, which computes a correct cross-reference table, so
each file is broken in exactly the one way it is meant to be.
"""

from __future__ import annotations

import gzip
import io
import os
import struct
import zipfile
import zlib
from pathlib import Path

from vhpdf.form.definition import load_definition

FORM = load_definition()
INFO = b"<< /VhpdfFormId (%s) /VhpdfFormVersion (%s) >>" % (FORM.id.encode(), FORM.version.encode())


def tiny_pdf(objects: dict[int, bytes], info: bytes | None = INFO, trailer: bytes = b"") -> bytes:
    """A PDF from numbered object bodies (1 = catalog), with a correct xref table."""
    info_num = max(objects) + 1
    if info is not None:
        objects = {**objects, info_num: info}
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objects):
        offsets[num] = out.tell()
        out.write(b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n")
    xref = out.tell()
    size = max(objects) + 1
    out.write(b"xref\n0 %d\n" % size)
    out.write(b"0000000000 65535 f \n")
    for num in range(1, size):
        if num in offsets:
            out.write(b"%010d 00000 n \n" % offsets[num])
        else:
            out.write(b"0000000000 65535 f \n")
    extra = (b" /Info %d 0 R" % info_num if info is not None else b"") + trailer
    out.write(b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (size, extra, xref))
    return out.getvalue()


def packed_pdf(objects: dict[int, bytes]) -> bytes:
    """A PDF whose numbered object bodies (1 = catalog) all sit in one object stream, found
    through a cross-reference stream (as in pdf.js's bug1978317.pdf: 65,000 objects in one)."""
    body, index = io.BytesIO(), []
    for num in sorted(objects):
        index.append(b"%d %d" % (num, body.tell()))
        body.write(objects[num] + b"\n")
    header = b" ".join(index) + b"\n"
    stm, xref_num = max(objects) + 1, max(objects) + 2
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    stm_offset = out.tell()
    data = zlib.compress(header + body.getvalue())
    out.write(b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
              % (stm, len(objects), len(header), len(data)) + data + b"\nendstream\nendobj\n")
    xref_offset = out.tell()
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 2, stm, i) for i in range(len(objects))]  # objects 1..N, in order
    rows += [struct.pack(">BIH", 1, stm_offset, 0), struct.pack(">BIH", 1, xref_offset, 0)]
    table = b"".join(rows)
    assert sorted(objects) == list(range(1, len(objects) + 1))
    out.write(b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
              % (xref_num, xref_num + 1, len(table)) + table + b"\nendstream\nendobj\n")
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref_offset)
    return out.getvalue()


def many_links(count: int = 30_000) -> bytes:
    """One page holding `count` link annotations, all objects in one object stream."""
    link = b"<< /Type /Annot /Subtype /Link /Rect [%d 0 %d 1] /A << /S /URI /URI (https://example.com/%d) >> >>"
    links = {4 + i: link % (i % 500, i % 500 + 1, i) for i in range(count)}
    annots = b" ".join(b"%d 0 R" % n for n in links)
    return packed_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: PAGE[2],
                       3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [%s] >>" % annots,
                       **links})


def pdf_string(text: str) -> bytes:
    """A PDF hex string in UTF-16BE with BOM."""
    return b"<FEFF" + text.encode("utf-16-be", "surrogatepass").hex().upper().encode() + b">"


PAGE = {2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"}


def form_pdf(fields: list[bytes], acro_extra: bytes = b"", root_extra: bytes = b"",
             info: bytes | None = INFO, pages: dict | None = None) -> bytes:
    """A one-page PDF whose AcroForm has the given field dictionaries (objects 10, 11, …)."""
    objects = dict(pages or PAGE)
    refs = []
    for i, body in enumerate(fields):
        objects[10 + i] = body
        refs.append(b"%d 0 R" % (10 + i))
    objects[4] = b"<< /Fields [" + b" ".join(refs) + b"]" + acro_extra + b" >>"
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R /AcroForm 4 0 R" + root_extra + b" >>"
    return tiny_pdf(objects, info)


def text_field(name: str, value: bytes | None) -> bytes:
    v = b"" if value is None else b" /V " + value
    return b"<< /FT /Tx /T (" + name.encode() + b")" + v + b" >>"


# --- not a PDF ---------------------------------------------------------------------------------

def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = zlib.compress(b"\x00\xff\xff\xff")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def zip_of(pdf: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("ersuchen.pdf", pdf)
    return buf.getvalue()


# --- damaged PDFs --------------------------------------------------------------------------------

def wrong_startxref(pdf: bytes) -> bytes:
    """The startxref offset points into the middle of the file; the reader must rebuild."""
    head, sep, tail = pdf.rpartition(b"startxref")
    number = tail.split()[0]
    return head + sep + tail.replace(number, str(int(number) // 2).encode(), 1)


def shifted_offsets(pdf: bytes) -> bytes:
    """Bytes inserted after the header: every xref offset is wrong by the same amount."""
    first_line = pdf.index(b"\n") + 1
    return pdf[:first_line] + b"%" + b" eingefuegt " * 20 + b"\n" + pdf[first_line:]


def bomb() -> bytes:
    """A field value that inflates from ~100 kB to 100 MB."""
    packed = zlib.compress(b"\x00" * (100 * 2**20), 9)
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    return _with_stream(stream)


def _with_stream(stream: bytes) -> bytes:
    objects = dict(PAGE)
    objects[10] = text_field("massnahme.grund", b"20 0 R")
    objects[20] = stream
    objects[4] = b"<< /Fields [10 0 R] >>"
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R /AcroForm 4 0 R >>"
    return tiny_pdf(objects)


def deep_fields(depth: int = 200) -> bytes:
    """A field tree 200 levels deep."""
    objects = dict(PAGE)
    for i in range(depth):
        kid = b" /Kids [%d 0 R]" % (11 + i) if i < depth - 1 else b" /FT /Tx /V (x)"
        objects[10 + i] = b"<< /T (a%d)%s >>" % (i, kid)
    objects[4] = b"<< /Fields [10 0 R] >>"
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R /AcroForm 4 0 R >>"
    return tiny_pdf(objects)


def deep_arrays(depth: int = 5000) -> bytes:
    """A value nested 5000 arrays deep."""
    return form_pdf([text_field("massnahme.grund", b"[" * depth + b"(x)" + b"]" * depth)])


def field_loop() -> bytes:
    objects = dict(PAGE)
    objects[10] = b"<< /T (person) /Kids [11 0 R] >>"
    objects[11] = b"<< /T (1) /Kids [10 0 R] /Parent 10 0 R >>"
    objects[4] = b"<< /Fields [10 0 R] >>"
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R /AcroForm 4 0 R >>"
    return tiny_pdf(objects)


def page_loop() -> bytes:
    pages = {2: b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
             3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"}
    return form_pdf([text_field("massnahme.grund", b"(x)")], pages=pages)


def many_fields(count: int = 30_000) -> bytes:
    return form_pdf([text_field(f"feld{i}", b"(x)") for i in range(count)])


def megabyte_value() -> bytes:
    return form_pdf([text_field("massnahme.grund", b"(" + b"Begruendung " * 90_000 + b")")])


ODD_VALUES = {
    "person1.name": pdf_string("Mu\u0308ller"),  # combining diaeresis: NFC gives Müller
    "person1.vorname": pdf_string("Al\u0000i"),  # NUL
    "unterkunft.ort": pdf_string("\u202eadnawhC"),  # right-to-left override
    "person1.staatsangehoerigkeit": pdf_string("x\ud800y"),  # lone surrogate
    "massnahme.grund": b"<" + "Abschiebung".encode("utf-16-be").hex().encode() + b">",  # no BOM
    "absender.behoerde": pdf_string("\u0627\u0644\u0639\u0631\u0628\u064a\u0629"),  # plain RTL text
}


def odd_unicode() -> bytes:
    fields = [text_field(name, value) for name, value in ODD_VALUES.items()]
    fields.append(b"<< /FT /Tx /T " + pdf_string("\u0000feld\u202e") + b" /V (y) >>")
    return form_pdf(fields)


def duplicate_names(same: bool = False) -> bytes:
    other = b"(Schmidt)" if same else b"(Meier)"
    return form_pdf([text_field("person1.name", b"(Schmidt)"),
                     text_field("person1.name", other)])


def xfa_only() -> bytes:
    xml = b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'><template/></xdp:xdp>"
    objects = dict(PAGE)
    objects[20] = b"<< /Length %d >>\nstream\n" % len(xml) + xml + b"\nendstream"
    objects[4] = b"<< /Fields [] /XFA 20 0 R >>"
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R /AcroForm 4 0 R /NeedsRendering true >>"
    return tiny_pdf(objects, info=None)


def foreign_form() -> bytes:
    return form_pdf([text_field("Name", b"(x)"), text_field("Vorname", b"(y)"),
                     text_field("Steuernummer", b"(z)")], info=None)


def foreign_form_id() -> bytes:
    return form_pdf([text_field("massnahme.grund", b"(x)")],
                    info=b"<< /VhpdfFormId (reisekostenantrag) /VhpdfFormVersion (1.0) >>")


def no_form() -> bytes:
    objects = dict(PAGE)
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    return tiny_pdf(objects, info=None)


def launch_and_js(marker: Path) -> bytes:
    """/OpenAction starts a program that would create `marker`; document JavaScript too."""
    cmd = f"touch {marker}".encode()
    root = (b" /OpenAction << /S /Launch /F (/bin/sh) /Win << /F (cmd.exe) /P (" + cmd + b") >>"
            b" /Unix << /F (/bin/sh) /P (-c '" + cmd + b"') >> >>"
            b" /Names << /JavaScript << /Names [(a) << /S /JavaScript /JS (app.alert\\(1\\)) >>] >> >>")
    return form_pdf([text_field("massnahme.grund", b"(x)")], root_extra=root)


def encrypt(pdf: bytes, algorithm: str, user: str = "geheim", owner: str = "besitzer") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user, owner_password=owner, algorithm=algorithm)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def other_version(pdf: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({"/VhpdfFormVersion": "0.9"})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


# --- the whole corpus --------------------------------------------------------------------------

def build_corpus(folder: Path, complete: bytes, incomplete: bytes) -> dict[str, str]:
    """Writes every bad-input class into `folder`; returns file name -> expected status."""
    files = {
        "leer.pdf": b"",
        "text.pdf": b"Dies ist ein Brief, kein PDF.\n",
        "seite.pdf": b"<!DOCTYPE html><html><body>Ersuchen</body></html>",
        "bild.pdf": png(),
        "archiv.pdf": zip_of(complete),
        "gepackt.pdf": gzip.compress(complete),
        "abgeschnitten.pdf": complete[: len(complete) // 2],
        "xref-falsch.pdf": wrong_startxref(complete),
        "xref-verschoben.pdf": shifted_offsets(complete),
        "zusammengeklebt.pdf": complete + incomplete,
        "aes256.pdf": encrypt(complete, "AES-256"),
        "aes128.pdf": encrypt(complete, "AES-128"),
        "rc4-128.pdf": encrypt(complete, "RC4-128"),
        "rc4-40.pdf": encrypt(complete, "RC4-40"),
        "leeres-kennwort.pdf": encrypt(complete, "AES-128", user=""),
        "bombe.pdf": bomb(),
        "tief.pdf": deep_fields(),
        "tiefe-arrays.pdf": deep_arrays(),
        "feldschleife.pdf": field_loop(),
        "seitenschleife.pdf": page_loop(),
        "viele-felder.pdf": many_fields(),
        "langer-wert.pdf": megabyte_value(),
        "unicode.pdf": odd_unicode(),
        "doppelt.pdf": duplicate_names(),
        "xfa.pdf": xfa_only(),
        "fremdformular.pdf": foreign_form(),
        "fremde-kennung.pdf": foreign_form_id(),
        "ohne-formular.pdf": no_form(),
        "alte-version.pdf": other_version(complete),
        "launch.pdf": launch_and_js(folder / "AUSGEFUEHRT"),
        "mit leerzeichen äöü.pdf": complete,
        "-strich.pdf": complete,
        "$(touch GESCHEITERT);`id`&.pdf": complete,
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    os.mkfifo(folder / "fifo.pdf")
    (folder / "geraet.pdf").symlink_to("/dev/zero")
    (folder / "weg.pdf").symlink_to(folder / "gibt-es-nicht.pdf")
    expected = {name: "unlesbar" for name in files}
    expected.update({n: "vollständig" for n in (
        "xref-falsch.pdf", "xref-verschoben.pdf", "leeres-kennwort.pdf", "alte-version.pdf",
        "mit leerzeichen äöü.pdf", "-strich.pdf", "$(touch GESCHEITERT);`id`&.pdf")})
    expected.update({n: "unvollständig" for n in ("langer-wert.pdf", "unicode.pdf", "launch.pdf")})
    expected.update({"fifo.pdf": "unlesbar", "geraet.pdf": "unlesbar", "weg.pdf": "unlesbar"})
    return expected
