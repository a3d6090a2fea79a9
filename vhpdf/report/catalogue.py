"""The form's documentation as Markdown: the rules catalogue and the field list (data interface)."""

from __future__ import annotations

from vhpdf.form.definition import FormDefinition
from vhpdf.form.messages import text


def rules_markdown(form: FormDefinition) -> str:
    """The rules catalogue as a German Markdown table."""
    labels = form.field_map(1)

    def field_label(name: str) -> str:
        f = labels.get(name.replace("{n}", "1").replace("*", "1"))
        return f"{f.label} (`{name}`)" if f and "*" not in name else f"`{name}`"

    lines = [text("bericht.katalog_regeln_titel", titel=form.title, kennung=form.id, version=form.version), "",
             text("bericht.katalog_regeln_kopf"), "|---|---|---|---|---|"]
    for r in form.rules:
        fields = ", ".join(field_label(n) for n in r.named_fields)
        message = r.message.replace("|", "\\|").replace("{zustaendig}", text("bericht.katalog_zustaendig"))
        lines.append(f"| {r.id} | {r.severity.value} | {r.basis} | {fields} | {message} |")
    return "\n".join(lines) + "\n"


def fields_markdown(form: FormDefinition) -> str:
    """The data contract: every field with type, requirement, format and label, as Markdown."""
    lines = [text("bericht.katalog_felder_titel", titel=form.title, kennung=form.id, version=form.version), "",
             text("bericht.katalog_personen", standard=form.repeat.default, hoechstens=form.repeat.max), ""]
    for section in form.sections:
        lines += [f"## {section.heading}", "", text("bericht.katalog_felder_kopf"),
                  "|---|---|---|---|---|"]
        for f in section.fields:
            detail = f.format.description if f.format else ""
            if f.options:
                shown = [o.value for o in f.options]
                detail = ", ".join(shown[:6]) + (f" … ({len(shown)})" if len(shown) > 6 else "")
            need = f.requirement.value
            if f.personal:
                need = text("bericht.feld_personenbezogen", angabe=need)
            lines.append(f"| `{f.name}` | {f.type.value} | {need} | {detail} | {f.label} |")
        lines.append("")
    return "\n".join(lines)
