"""TLS material as the host's daemons see it: certificate chains, private keys, names, dates.

Pure functions over bytes, certificates and mode bits; nothing here reads a file or knows site.yaml
(`hostgen.tls.livecheck` does). Certificates and keys are parsed by the `cryptography` package only.

Private key contents never leave this module: `MaterialError` messages are written here, never
copied from an underlying exception (whose text could quote the input).
"""

from __future__ import annotations

import contextlib
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes
from cryptography.x509.oid import NameOID

from hostgen.site.problems import Level

_PEM_CERT_BEGIN = b"-----BEGIN CERTIFICATE-----"

MSG_NO_CERTIFICATE = "no PEM certificate found"
MSG_BAD_CERTIFICATE = "damaged PEM certificate: a CERTIFICATE block does not decode"
MSG_KEY_NOT_CERT = "no certificate found: the file holds a private key"
MSG_DER_CERTIFICATE = "certificate is in DER form; httpd and spamd read PEM only"
MSG_ENCRYPTED_KEY = "encrypted private key: httpd and spamd cannot read it without a passphrase"
MSG_CERT_NOT_KEY = "no private key found: the file holds a certificate"
MSG_NO_KEY = "no PEM private key found"
MSG_BAD_KEY = "damaged or unsupported private key: it does not decode"


class MaterialError(ValueError):
    """Certificate or key bytes that cannot be used. The message is safe to print."""


# -- loading ---------------------------------------------------------------------------------


def load_chain(data: bytes) -> list[x509.Certificate]:
    """Every certificate of a PEM file, in file order (leaf first, as libtls expects).

    Text around the blocks and blocks of other kinds are ignored, as OpenSSL's PEM reader does.
    """
    try:
        chain = x509.load_pem_x509_certificates(data)
    except ValueError:
        raise MaterialError(_why_no_chain(data)) from None
    return chain


def _why_no_chain(data: bytes) -> str:
    if _PEM_CERT_BEGIN in data:
        return MSG_BAD_CERTIFICATE
    if holds_private_key(data):
        return MSG_KEY_NOT_CERT
    try:
        x509.load_der_x509_certificate(data)
    except ValueError:
        return MSG_NO_CERTIFICATE
    return MSG_DER_CERTIFICATE


def load_private_key(data: bytes) -> PrivateKeyTypes:
    """The first PEM private key of `data` (PKCS#8 or traditional; other blocks are skipped).

    An encrypted key is refused: httpd and spamd load keys without a passphrase prompt
    (spamd.md section 4: "unable to set TLS key file")."""
    try:
        return serialization.load_pem_private_key(data, password=None)
    except TypeError:
        # cryptography raises TypeError exactly when a password is needed and not given.
        raise MaterialError(MSG_ENCRYPTED_KEY) from None
    except (ValueError, UnsupportedAlgorithm):
        raise MaterialError(_why_no_key(data)) from None


def _why_no_key(data: bytes) -> str:
    if b"PRIVATE KEY-----" in data:
        return MSG_BAD_KEY
    try:
        x509.load_pem_x509_certificates(data)
    except ValueError:
        return MSG_NO_KEY
    return MSG_CERT_NOT_KEY


def holds_private_key(data: bytes) -> bool:
    """Whether a file (typically a certificate file) also holds a usable or encrypted key."""
    try:
        serialization.load_pem_private_key(data, password=None)
    except TypeError:
        return True
    except (ValueError, UnsupportedAlgorithm):
        return False
    return True


# -- keys ------------------------------------------------------------------------------------


def spki_der(public: PublicKeyTypes) -> bytes:
    """DER SubjectPublicKeyInfo: the bytes TLSA selector 1 and DKIM p= are made of (RFC 6698
    section 2.1.2; tlsa.md section 4: identical whether taken from the certificate or the key)."""
    return public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_key_matches(cert: x509.Certificate, key: PrivateKeyTypes) -> bool:
    """Whether `key` is the private half of the certificate's public key."""
    return spki_der(cert.public_key()) == spki_der(key.public_key())


def is_rsa(public: PublicKeyTypes) -> bool:
    return isinstance(public, rsa.RSAPublicKey)


def key_description(public: PublicKeyTypes) -> str:
    """`RSA-2048`, `EC secp256r1`, `Ed25519`: for messages (never key material)."""
    if isinstance(public, rsa.RSAPublicKey):
        return f"RSA-{public.key_size}"
    if isinstance(public, ec.EllipticCurvePublicKey):
        return f"EC {public.curve.name}"
    return type(public).__name__.removeprefix("_").removesuffix("PublicKey")


# -- names -----------------------------------------------------------------------------------


def names(cert: x509.Certificate) -> tuple[str, ...]:
    """The DNS names a TLS client checks, lower-cased, in certificate order.

    The subjectAltName dNSName entries; only when there are none, the subject's Common Names.
    RFC 6125 section 6.4.4: a client MUST NOT look at the CN when DNS-IDs are present, and MAY
    fall back to it only when they are absent. (RFC 9525, which obsoletes 6125, drops the
    fallback and current browsers ignore the CN; `has_dns_san` lets callers warn about that.)
    """
    found = _san_dns_names(cert)
    if not found:
        found = [
            str(attr.value)
            for attr in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        ]
    return tuple(_normalize(name) for name in found)


def has_dns_san(cert: x509.Certificate) -> bool:
    return bool(_san_dns_names(cert))


def _san_dns_names(cert: x509.Certificate) -> list[str]:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return list(san.value.get_values_for_type(x509.DNSName))


def _normalize(name: str) -> str:
    """Compare names as ASCII (A-labels), case-insensitively, without the root's trailing dot."""
    name = name.strip().rstrip(".")
    if not name.isascii():
        with contextlib.suppress(UnicodeError):  # left as is: it then matches nothing
            name = name.encode("idna").decode("ascii")
    return name.lower()


def covers(cert_names: Iterable[str], hostname: str) -> bool:
    """Whether a TLS client connecting to `hostname` accepts a certificate with `cert_names`.

    Rules (RFC 6125 section 6.4.3 items 1-2, made firm by RFC 9525 section 6.3):
    * case-insensitive comparison; a trailing dot is ignored;
    * `*` only as the whole left-most label, and it stands for exactly one non-empty label:
      `*.example.com` covers `www.example.com`, not `example.com`, not `a.b.example.com`;
    * partial-label wildcards (`w*.example.com`, `*w.example.com`) match nothing: RFC 6125
      item 3 only said MAY, RFC 9525 forbids them, and Chrome and Go refuse them;
    * a wildcard needs at least two labels after it (`*.com` matches nothing), as browsers and
      OpenSSL's X509_check_host require.
    """
    host = _normalize(hostname)
    return any(_matches(_normalize(name), host) for name in cert_names)


def _matches(presented: str, host: str) -> bool:
    if "*" not in presented:
        return presented == host
    first, _, rest = presented.partition(".")
    if first != "*" or "*" in rest or rest.count(".") < 1:
        return False
    label, dot, host_rest = host.partition(".")
    return bool(label and dot) and host_rest == rest


# -- dates -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """A problem with the material itself: `level` is "error" or "warning"."""

    level: Level
    message: str


def validity(cert: x509.Certificate, now: datetime, warn_days: int) -> Finding | None:
    """Expired, not yet valid, or expiring within `warn_days` days of `now` (an aware datetime).

    notBefore and notAfter are both inclusive (RFC 5280 section 4.1.2.5)."""
    not_before = cert.not_valid_before_utc
    not_after = cert.not_valid_after_utc
    if now > not_after:
        return Finding("error", f"certificate expired on {_stamp(not_after)}")
    if now < not_before:
        return Finding("error", f"certificate is not valid before {_stamp(not_before)}")
    left = not_after - now
    if left < timedelta(days=warn_days):
        days = left.days
        when = "within a day" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        return Finding("warning", f"certificate expires {when}, on {_stamp(not_after)}")
    return None


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


# -- chains ----------------------------------------------------------------------------------


def chain_problems(chain: list[x509.Certificate]) -> list[str]:
    """Each certificate must be issued (name and signature) by the one after it: libtls sends the
    file as it is, leaf first, and clients do not reorder a broken chain reliably."""
    problems = []
    for index, (cert, issuer) in enumerate(zip(chain, chain[1:], strict=False), start=1):
        if cert.issuer != issuer.subject:
            problems.append(
                f"certificate {index} of the file ({_dn(cert.subject)}) is issued by "
                f"{_dn(cert.issuer)}, but certificate {index + 1} is {_dn(issuer.subject)}: "
                "the file must hold the server certificate first, then each issuer in turn"
            )
            continue
        try:
            cert.verify_directly_issued_by(issuer)
        except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
            problems.append(
                f"certificate {index} of the file ({_dn(cert.subject)}) is not signed by the key "
                f"of certificate {index + 1} ({_dn(issuer.subject)})"
            )
    return problems


def _dn(name: x509.Name) -> str:
    return name.rfc4514_string() or "empty name"


# -- file modes ------------------------------------------------------------------------------

GROUP_OR_OTHERS = stat.S_IRGRP | stat.S_IROTH
OTHERS = stat.S_IROTH


def readable_by(mode: int, forbidden: int = GROUP_OR_OTHERS) -> str | None:
    """`group`, `others` or `group and others` when `mode` (an st_mode) grants the `forbidden`
    read bits; None when it does not. Pure, so a test needs no chmod."""
    who = [
        label
        for bit, label in ((stat.S_IRGRP, "group"), (stat.S_IROTH, "others"))
        if mode & forbidden & bit
    ]
    return " and ".join(who) or None


def mode_text(mode: int) -> str:
    return f"{stat.S_IMODE(mode):04o}"
