"""Electronic signatures of a received PDF: who signed, whether it holds, what changed after.

Validation uses pyHanko (the optional extra `vhpdf[signatur]`), imported only when the file
carries a signature at all. Integrity and the signer are always reported; the chain is judged
only against trust anchors the user gives. Nothing is fetched: no CRL, no OCSP, no AIA.

What changed after signing is found by comparing the field values of the signed revision with
the current ones (vhpdf's own field reader): pyHanko's difference analysis rejects many harmless
updates without naming fields, and it has no rule for annotations.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import logging
from dataclasses import dataclass

from vhpdf.form.definition import Value
from vhpdf.form.messages import text


class SignatureState(enum.Enum):
    UNSIGNED = "unsigniert"
    VALID = "gueltig"
    VALID_EARLIER_REVISION = "gueltig_fruehere_fassung"  # later additions changed no field value
    CHANGED_AFTER_SIGNING = "nach_signatur_geaendert"
    BROKEN = "ungueltig"
    NOT_VERIFIED = "nicht_geprueft"

    @property
    def label(self) -> str:
        """German words for tables and replies."""
        return text(_LABELS[self])


_LABELS = {
    SignatureState.UNSIGNED: "lesen.signatur_keine",
    SignatureState.VALID: "lesen.signatur_gueltig",
    SignatureState.VALID_EARLIER_REVISION: "lesen.signatur_gueltig_frueher",
    SignatureState.CHANGED_AFTER_SIGNING: "lesen.signatur_geaendert",
    SignatureState.BROKEN: "lesen.signatur_ungueltig",
    SignatureState.NOT_VERIFIED: "lesen.signatur_ungeprueft",
}


@dataclass(frozen=True)
class Signature:
    """One signature in the document."""

    field: str  # the signature field's name
    state: SignatureState
    signer: str = ""  # the certificate's common name
    signed_at: str = ""  # ISO 8601 (UTC), as the signer's software claims it
    whole_document: bool = False  # covers the file as it is now, not only an earlier revision
    changed_fields: tuple[str, ...] = ()  # field values that differ from the signed revision
    trusted: bool | None = None  # chain to a given trust anchor; None: no anchors given
    reason: str = ""  # German: why broken or not verified


@dataclass(frozen=True)
class SignatureInfo:
    """The document's signatures and the state that counts for it."""

    state: SignatureState
    signatures: tuple[Signature, ...] = ()
    reason: str = ""  # German: why not verified at all

    @property
    def changed_fields(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n for s in self.signatures for n in s.changed_fields))

    @property
    def trusted(self) -> bool | None:
        """False if any signature lacks a chain to the anchors, None if none were given."""
        flags = [s.trusted for s in self.signatures if s.trusted is not None]
        return None if not flags else all(flags)

    @property
    def reasons(self) -> str:
        return "; ".join(dict.fromkeys(r for r in [self.reason, *(s.reason for s in self.signatures)] if r))


UNSIGNED = SignatureInfo(SignatureState.UNSIGNED)


def _no_signature_data() -> SignatureInfo:
    """A signature field holds a value, but the file has no signature to check."""
    return SignatureInfo(SignatureState.BROKEN, reason=text("lesen.signatur_ohne_daten"))


class AnchorError(Exception):
    """The trust anchor file cannot be used; the message is German."""


def load_anchors(data: bytes, name: str) -> bytes:
    """Check that `data` holds PEM (or DER) certificates; returns them as DER, concatenated PEM."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    try:
        certs = x509.load_pem_x509_certificates(data) if b"-----BEGIN" in data else [
            x509.load_der_x509_certificate(data)]
    except ValueError:
        raise AnchorError(text("lesen.vertrauensanker_unlesbar", datei=name)) from None
    return b"".join(c.public_bytes(Encoding.PEM) for c in certs)


def _rank(state: SignatureState) -> int:
    return [SignatureState.BROKEN, SignatureState.CHANGED_AFTER_SIGNING, SignatureState.NOT_VERIFIED,
            SignatureState.VALID_EARLIER_REVISION, SignatureState.VALID,
            SignatureState.UNSIGNED].index(state)


def verify(data: bytes, anchors: bytes | None = None, password: str | None = None,
           claimed: bool = False) -> SignatureInfo:
    """The signatures of PDF `data`; `anchors` are PEM certificates to judge the chain against.

    `claimed`: a signature field holds a value, so the file claims to be signed. Cheap for
    unsigned files: without a /ByteRange (a signature's dictionary is never compressed, its byte
    offsets must be readable) pyHanko is not even imported.
    """
    if b"/ByteRange" not in data:
        return _no_signature_data() if claimed else UNSIGNED
    try:
        import pyhanko.sign.validation  # noqa: F401
    except ImportError:
        return SignatureInfo(SignatureState.NOT_VERIFIED, reason=text("lesen.signatur_nicht_installiert"))
    logs = [logging.getLogger(n) for n in ("pyhanko", "pyhanko_certvalidator")]
    saved = [(log.propagate, log.level) for log in logs]
    for log in logs:  # pyHanko logs tracebacks for every untrusted chain; never print them
        log.propagate, log.level = False, logging.CRITICAL + 1
    try:
        return _verify(data, anchors, password, claimed)
    finally:
        for log, (prop, level) in zip(logs, saved):
            log.propagate, log.level = prop, level


def _verify(data: bytes, anchors: bytes | None, password: str | None, claimed: bool) -> SignatureInfo:
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            return SignatureInfo(SignatureState.NOT_VERIFIED, reason=text("lesen.signatur_verschluesselt"))
        embedded = reader.embedded_signatures
    except Exception:  # noqa: BLE001 - a file pyHanko cannot parse has no checkable signature
        return SignatureInfo(SignatureState.BROKEN, reason=text("lesen.signatur_struktur"))
    if not embedded:
        return _no_signature_data() if claimed else UNSIGNED
    try:
        return _judge(embedded, data, anchors, password)
    except Exception:  # noqa: BLE001 - odd byte ranges or field trees: nothing to rely on
        return SignatureInfo(SignatureState.BROKEN, reason=text("lesen.signatur_struktur"))


def _judge(embedded, data: bytes, anchors: bytes | None, password: str | None) -> SignatureInfo:
    current: dict[str, Value] | None = None
    sig_fields = {e.field_name for e in embedded}
    out = []
    for emb in embedded:
        sig = _one(emb, data, anchors)
        if sig.state is SignatureState.VALID_EARLIER_REVISION:
            if current is None:
                current = _values(data, password) or {}
            before = _values(data[:_signed_end(emb)], password)
            changed = _changed(before, current, sig_fields) if before is not None else ()
            reason = (text("lesen.signatur_fassung_unlesbar") if before is None
                      else text("lesen.signatur_zertifizierung") if _locked(emb) else "")
            if changed or reason:
                sig = Signature(sig.field, SignatureState.CHANGED_AFTER_SIGNING, sig.signer, sig.signed_at,
                                False, changed, sig.trusted, reason)
        out.append(sig)
    worst = min((s.state for s in out), key=_rank)
    if worst is SignatureState.VALID_EARLIER_REVISION and any(s.whole_document for s in out):
        worst = SignatureState.VALID  # a later signature covers the whole document
    return SignatureInfo(worst, tuple(out))


def _one(emb, data: bytes, anchors: bytes | None) -> Signature:
    """Integrity, signer, time, coverage and trust of one embedded signature (no diff analysis)."""
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    name = emb.field_name or "?"
    roots = _certificates(anchors) if anchors else []
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(emb, context, skip_diff=True)
    except Exception:  # noqa: BLE001 - malformed signature data is a broken signature
        return Signature(name, SignatureState.BROKEN, reason=text("lesen.signatur_daten_beschaedigt"))
    signer = _common_name(status.signing_cert)
    when = status.signer_reported_dt
    signed_at = when.astimezone(dt.UTC).isoformat(timespec="seconds") if when else ""
    trusted = bool(status.trusted) if anchors else None
    if not (status.intact and status.valid):
        reason = text("lesen.signatur_pruefsumme" if not status.intact else "lesen.signatur_kryptografisch")
        return Signature(name, SignatureState.BROKEN, signer, signed_at, False, (), trusted, reason)
    if status.coverage is SignatureCoverageLevel.ENTIRE_FILE:
        return Signature(name, SignatureState.VALID, signer, signed_at, True, (), trusted)
    if status.coverage is SignatureCoverageLevel.ENTIRE_REVISION:
        return Signature(name, SignatureState.VALID_EARLIER_REVISION, signer, signed_at, False, (), trusted)
    return Signature(name, SignatureState.BROKEN, signer, signed_at, False, (), trusted,
                     text("lesen.signatur_luecke"))


def _certificates(anchors: bytes) -> list:
    from asn1crypto import pem, x509

    return [x509.Certificate.load(der) for _, _, der in pem.unarmor(anchors, multiple=True)]


def _common_name(cert) -> str:
    try:
        return str(cert.subject.native.get("common_name") or cert.subject.human_friendly)
    except Exception:  # noqa: BLE001 - an odd subject is not worth failing over
        return "?"


def _signed_end(emb) -> int:
    byte_range = emb.sig_object["/ByteRange"]
    return int(byte_range[2]) + int(byte_range[3])


def _locked(emb) -> bool:
    """A certification signature that allows no change at all (DocMDP P=1)."""
    from pyhanko.sign.fields import MDPPerm

    return emb.docmdp_level is MDPPerm.NO_CHANGES


def _values(data: bytes, password: str | None) -> dict[str, Value] | None:
    from vhpdf.read.errors import ExtractError
    from vhpdf.read.extract import field_values  # lazily: extract imports this module

    try:
        return field_values(data, password)
    except ExtractError:
        return None


def _changed(before: dict[str, Value], after: dict[str, Value], signature_fields: set[str]) -> tuple[str, ...]:
    names = dict.fromkeys([*before, *after])
    return tuple(sorted(n for n in names if n not in signature_fields and before.get(n) != after.get(n)))
