"""Test PKI built at run time (nothing secret in the repository) and ways to sign and alter PDFs.

A CA, a signer certificate under it and one under a second, unknown CA; PKCS#12 files for them;
signing via vhpdf (write.sign) or pyHanko directly for what vhpdf does not offer (certification,
a second signature field); changes after signing via pypdf's incremental writer and pdftk.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

PASSWORD = "test-kennwort"


@dataclass(frozen=True)
class Pki:
    ca_pem: Path  # the trust anchor
    signer_p12: Path  # "Amtsrat Test", issued by the CA
    stranger_p12: Path  # "Fremd Signierer", issued by a CA nobody trusts


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(cn: str, key, issuer: x509.Name, issuer_key, ca: bool) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    usage = (x509.KeyUsage(False, False, False, False, False, True, True, False, False) if ca
             else x509.KeyUsage(True, True, False, False, False, False, False, False, False))
    builder = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(issuer)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(usage, critical=True))
    if not ca:  # where a validator could fetch revocation data: vhpdf must never go there
        builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            [x509.UniformResourceIdentifier("http://crl.vhpdf.invalid/ca.crl")], None, None, None)]),
            critical=False).add_extension(x509.AuthorityInformationAccess([x509.AccessDescription(
                AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier("http://ocsp.vhpdf.invalid"))]),
            critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _p12(path: Path, cn: str, ca_cert: x509.Certificate, ca_key) -> Path:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _cert(cn, key, ca_cert.subject, ca_key, False)
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"signer", key, cert, [ca_cert], serialization.BestAvailableEncryption(PASSWORD.encode())))
    return path


def make_pki(folder: Path) -> Pki:
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("vhpdf Test-CA", ca_key, _name("vhpdf Test-CA"), ca_key, True)
    other_key = ec.generate_private_key(ec.SECP256R1())
    other = _cert("Unbekannte CA", other_key, _name("Unbekannte CA"), other_key, True)
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return Pki(folder / "ca.pem", _p12(folder / "signer.p12", "Amtsrat Test", ca, ca_key),
               _p12(folder / "fremd.p12", "Fremd Signierer", other, other_key))


def sign(data: bytes, p12: Path, field: str = "abschluss.signatur", certify_level=None) -> bytes:
    """Sign with pyHanko directly: any field (a new one is created), optionally certifying."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    signer = signers.SimpleSigner.load_pkcs12(str(p12), passphrase=PASSWORD.encode())
    extra = {"certify": True, "docmdp_permissions": certify_level} if certify_level else {}
    meta = signers.PdfSignatureMetadata(field_name=field, subfilter=SigSeedSubFilter.PADES, **extra)
    return signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data), strict=False), meta,
                            signer=signer).getvalue()


def change_field(data: bytes, name: str, value: str) -> bytes:
    """A field value changed in an incremental update appended by pypdf."""
    from pypdf import PdfWriter

    writer = PdfWriter(io.BytesIO(data), incremental=True)
    writer.update_page_form_field_values(None, {name: value}, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def annotate(data: bytes) -> bytes:
    """A note (text annotation) added on page 1 in an incremental update, no field touched."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, TextStringObject

    writer = PdfWriter(io.BytesIO(data), incremental=True)
    writer.add_annotation(0, DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Text"),
        NameObject("/Rect"): ArrayObject([FloatObject(20), FloatObject(20), FloatObject(40), FloatObject(40)]),
        NameObject("/Contents"): TextStringObject("Eingang vermerkt")}))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
