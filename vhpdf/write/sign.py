"""Signing the form's signature field (PAdES baseline B) with a soft certificate, via pyHanko.

The signature is appended as an incremental update, so everything before it stays byte for byte
as it was; the caller writes the result to a new file and never touches the input.
"""

from __future__ import annotations

import io
import logging

from vhpdf.form.definition import FieldType, FormDefinition, load_definition
from vhpdf.form.messages import text


class SigningError(Exception):
    """The file cannot be signed; the message is German."""


def signature_field(form: FormDefinition | None = None) -> str:
    """The name of the form's signature field (the first field of type signature)."""
    form = form or load_definition()
    return next(f.name for f in form.fields(1) if f.type is FieldType.SIGNATURE)


def sign_pdf(data: bytes, key: bytes, password: bytes, field: str | None = None) -> bytes:
    """`data` with the signature of the PKCS#12 `key` in `field` (default: the form's)."""
    try:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import signers
        from pyhanko.sign.fields import SigSeedSubFilter
    except ImportError:
        raise SigningError(text("schreiben.signieren_ohne_pyhanko")) from None
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        private, cert, chain = pkcs12.load_key_and_certificates(key, password)
    except ValueError:
        raise SigningError(text("schreiben.schluessel_unlesbar")) from None
    if cert is None or private is None:
        raise SigningError(text("schreiben.schluessel_ohne_zertifikat"))
    field = field or signature_field()
    log = logging.getLogger("pyhanko")
    saved = log.propagate, log.level
    log.propagate, log.level = False, logging.CRITICAL + 1  # its messages could quote the file
    try:
        signer = _signer(private, cert, chain)
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        if writer.security_handler is not None:
            raise SigningError(text("schreiben.signieren_verschluesselt"))
        _check_field(writer, field)
        meta = signers.PdfSignatureMetadata(field_name=field, subfilter=SigSeedSubFilter.PADES,
                                            md_algorithm="sha256")
        return signers.sign_pdf(writer, meta, signer=signer).getvalue()
    except SigningError:
        raise
    except Exception:  # noqa: BLE001 - pyHanko's errors on odd files, in German
        raise SigningError(text("schreiben.signieren_unlesbar")) from None
    finally:
        log.propagate, log.level = saved


def _signer(private, cert, chain):
    """pyHanko's signer from what cryptography read (its own PKCS#12 loader differs by version)."""
    from asn1crypto import keys, x509
    from cryptography.hazmat.primitives import serialization as ser
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    def asn1(c):
        return x509.Certificate.load(c.public_bytes(ser.Encoding.DER))

    key_info = keys.PrivateKeyInfo.load(private.private_bytes(
        ser.Encoding.DER, ser.PrivateFormat.PKCS8, ser.NoEncryption()))
    return signers.SimpleSigner(asn1(cert), key_info, SimpleCertificateStore.from_certs(
        [asn1(c) for c in chain]))


def _check_field(writer, field: str) -> None:
    """The form's signature field must exist and be empty: vhpdf signs its own form only."""
    from pyhanko.sign.fields import enumerate_sig_fields

    found = {name: value for name, value, _ in enumerate_sig_fields(writer, filled_status=None)}
    if field not in found:
        raise SigningError(text("schreiben.signaturfeld_fehlt", feld=field))
    if found[field] is not None:
        raise SigningError(text("schreiben.signaturfeld_signiert", feld=field))
