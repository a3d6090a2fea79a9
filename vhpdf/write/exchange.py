"""Form data for Acrobat, pdftk and case systems: XFDF and FDF written from field values.

Field names are hierarchical ('absender.behoerde' is field 'behoerde' under 'absender'), so
both formats nest them as Acrobat does. Checkboxes carry the form's on-state ('Ja') or 'Off',
radio groups their option's export value.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from vhpdf.form.definition import Value
from vhpdf.write.fill import CHECK_ON

XFDF_NS = "http://ns.adobe.com/xfdf/"
_ON = CHECK_ON[1:]


def _tree(values: dict[str, Value]) -> dict:
    """Names split at dots into nested dicts; a leaf holds its value under the key None."""
    root: dict = {}
    for name, value in values.items():
        node = root
        for part in name.split("."):
            node = node.setdefault(part, {})
        node[None] = value
    return root


def _state(value: Value) -> str:
    if value is True:
        return _ON
    if value is False:
        return "Off"
    return "" if value is None else value


def to_xfdf(values: dict[str, Value]) -> str:
    """UTF-8 XFDF with nested <field> elements, as Acrobat exports form data."""
    ET.register_namespace("", XFDF_NS)
    root = ET.Element(f"{{{XFDF_NS}}}xfdf", {"xml:space": "preserve"})
    fields = ET.SubElement(root, f"{{{XFDF_NS}}}fields")

    def add(parent, tree: dict) -> None:
        for part, sub in tree.items():
            if part is None:
                continue
            element = ET.SubElement(parent, f"{{{XFDF_NS}}}field", {"name": part})
            if None in sub:
                ET.SubElement(element, f"{{{XFDF_NS}}}value").text = _state(sub[None])
            add(element, sub)

    add(fields, _tree(values))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _pdf_string(text: str) -> str:
    """A PDF string: literal for ASCII, else UTF-16BE with byte order mark (hex)."""
    if text.isascii():
        escaped = (text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                   .replace("\r", "\\r").replace("\n", "\\n"))
        return f"({escaped})"
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _name(text: str) -> str:
    """A PDF name (export values are plain ASCII words; anything else is #-escaped)."""
    return "/" + "".join(c if c.isascii() and c.isalnum() or c in "_-." else
                         "".join(f"#{b:02X}" for b in c.encode()) for c in text)


def to_fdf(values: dict[str, Value], buttons: set[str]) -> bytes:
    """FDF as pdftk's generate_fdf and Acrobat write it; `buttons` names checkbox/radio fields."""

    def fields(tree: dict, prefix: str) -> str:
        out = []
        for part, sub in tree.items():
            if part is None:
                continue
            name = prefix + part
            entry = f"/T {_pdf_string(part)}"
            if None in sub:
                value = sub[None]
                if name in buttons:
                    entry += f" /V {_name(_state(value) or 'Off')}"
                else:
                    entry += f" /V {_pdf_string(_state(value))}"
            kids = fields(sub, name + ".")
            if kids:
                entry += f" /Kids [{kids}]"
            out.append(f"<< {entry} >>")
        return "\n".join(out)

    body = fields(_tree(values), "")
    return ("%FDF-1.2\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /FDF << /Fields [\n" + body
            + "\n] >> >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n").encode("latin-1")
