"""Fill a vhpdf form the way other programs do: pdftk (XFDF) and PyMuPDF.

These are the test's stand-ins for caseworkers' viewers; they must be installed (see
tests/setup.sh) — a missing tool fails the test rather than skipping it.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path
from xml.sax.saxutils import escape


def _checkbox_on_states(pdf: Path) -> dict[str, str]:
    """Each button field's non-Off state as pdftk reports it."""
    stat = pdf.stat()
    return dict(_on_states(str(pdf.resolve()), stat.st_size, stat.st_mtime_ns))


@functools.cache
def _on_states(pdf: str, size: int, mtime_ns: int) -> tuple[tuple[str, str], ...]:
    """Cached per file version: most tests fill the one session-wide blank form, and each pdftk
    start is a JVM start (about a second of CPU)."""
    out = subprocess.run(["pdftk", pdf, "dump_data_fields_utf8"], check=True,
                         capture_output=True, text=True).stdout
    states: dict[str, str] = {}
    name = None
    for line in out.splitlines():
        if line.startswith("FieldName: "):
            name = line[len("FieldName: "):]
        elif line.startswith("FieldStateOption: ") and name:
            option = line[len("FieldStateOption: "):]
            if option != "Off":
                states.setdefault(name, option)
    return tuple(states.items())


def fill_pdftk(blank: Path, values: dict, out: Path) -> Path:
    """pdftk fill_form from an XFDF file, as shell scripts and many case systems do."""
    assert shutil.which("pdftk"), "pdftk fehlt: bash tests/setup.sh ausführen"
    on = _checkbox_on_states(blank)
    fields = []
    for name, value in values.items():
        if value is True:
            value = on[name]
        elif value is False:
            value = "Off"
        elif value is None:
            continue
        fields.append(f'<field name="{escape(name)}"><value>{escape(value)}</value></field>')
    xfdf = out.with_suffix(".xfdf")
    xfdf.write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                    '<xfdf xmlns="http://ns.adobe.com/xfdf/" xml:space="preserve"><fields>'
                    + "".join(fields) + "</fields></xfdf>", encoding="utf-8")
    subprocess.run(["pdftk", str(blank), "fill_form", str(xfdf), "output", str(out)],
                   check=True, capture_output=True)
    xfdf.unlink()  # pdftk's input only: a folder check would list it as a skipped file
    return out


def fill_pymupdf(blank: Path, values: dict, out: Path) -> Path:
    """PyMuPDF widgets, as Python scripts in case offices do."""
    import pymupdf

    doc = pymupdf.open(blank)
    for page in doc:
        for widget in page.widgets():
            name = widget.field_name
            if name not in values or values[name] is None:
                continue
            value = values[name]
            if widget.field_type == pymupdf.PDF_WIDGET_TYPE_CHECKBOX:
                widget.field_value = widget.on_state() if value else "Off"
            elif widget.field_type == pymupdf.PDF_WIDGET_TYPE_RADIOBUTTON:
                if widget.on_state() != value:
                    continue
                widget.field_value = value
            else:
                widget.field_value = value
            widget.update()
    doc.save(out)
    return out
