"""The verdict on one input: status, findings and the key facts, the contract every report reads."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from vhpdf.check.facts import Facts
from vhpdf.form.definition import Kpb, Severity, Value
from vhpdf.read.errors import ErrorKind
from vhpdf.read.signature import SignatureInfo
from vhpdf.read.source import ValueSource


@dataclass(frozen=True)
class Mail:
    """The mail an input came from: its file (and message), sender, date (ISO) and subject."""

    id: str  # the mail's own identity: its file, or "mbox › message n"
    file: str
    sender: str = ""
    date: str = ""
    subject: str = ""
    message_id: str = ""


class Status(enum.Enum):
    VOLLSTAENDIG = "vollständig"
    UNVOLLSTAENDIG = "unvollständig"
    UNLESBAR = "unlesbar"


MISPRINT_RULE = "darstellung-abweichend"  # the one finding per file whose fields print wrong


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    fields: tuple[str, ...]
    message: str
    basis: str = ""
    short: str = ""  # a few words for tables (the rule's `short`)
    # the message quoting printed and stored text; set only when values are kept, shown only
    # where values were asked for (report/privacy.py)
    quoted: str = ""


@dataclass
class Result:
    """The verdict on one file."""

    file: str
    status: Status
    form_id: str | None = None
    form_version: str | None = None
    findings: list[Finding] = field(default_factory=list)
    values: dict[str, Value] | None = None
    kpb: Kpb | None = None
    error: str | None = None
    mail: Mail | None = None
    annexes: tuple[str, ...] = ()
    error_kind: ErrorKind | None = None  # why unlesbar
    facts: Facts | None = None
    superseded_by: str | None = None  # set by versions.organize
    changes: dict | None = None  # versions.organize: what changed against the previous version
    source: ValueSource | None = None  # None if unreadable
    sources: dict[str, ValueSource] = field(default_factory=dict)
    signature: SignatureInfo | None = None  # None if unreadable

    @property
    def misprints(self) -> tuple[str, ...]:
        """The fields whose printout differs from what they store (a printout is unusable)."""
        return next((f.fields for f in self.findings if f.rule == MISPRINT_RULE), ())

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)
