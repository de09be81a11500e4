"""Test certificates and keys made with the openssl CLI, as an administrator would make them.

Built once per test session into a temporary folder (`build(folder)`), then shared by the TLS,
DNS and live-check tests. ECDSA P-256 where the key type does not matter (fast), RSA-2048 where
RSA is the point (DKIM, RSA certificates).
"""

from __future__ import annotations

import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

OPENSSL = "/usr/bin/openssl"

# Fixed validity windows for openssl ca (YYMMDDHHMMSSZ, UTCTime): exact dates in messages.
EXPIRED = ("200101000000Z", "200201000000Z")
FUTURE = ("400101000000Z", "410101000000Z")

_CA_CONFIG = """\
[ca]
default_ca = test
[test]
dir = {dir}
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
default_md = sha256
policy = anything
copy_extensions = copy
unique_subject = no
email_in_dn = no
[anything]
commonName = supplied
"""


def openssl(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> bytes:
    done = subprocess.run(
        [OPENSSL, *args], input=stdin, cwd=cwd, capture_output=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)}: {done.stderr.decode(errors='replace')}")
    return done.stdout


def tlsa_by_openssl(cert: Path) -> str:
    """tlsa.md section 4: x509 -pubkey | pkey -pubin -outform DER | dgst -sha256."""
    pubkey = openssl("x509", "-in", str(cert), "-noout", "-pubkey")
    der = openssl("pkey", "-pubin", "-outform", "DER", stdin=pubkey)
    out = openssl("dgst", "-sha256", "-r", stdin=der).decode()
    return out.split()[0]


def dkim_p_by_openssl(key: Path) -> str:
    """dkimproxy.md section 7.2: the DER public key in base64, on one line."""
    der = openssl("pkey", "-in", str(key), "-pubout", "-outform", "DER")
    return openssl("base64", "-A", stdin=der).decode().strip()


@dataclass(frozen=True)
class PKI:
    dir: Path

    def path(self, name: str) -> Path:
        return self.dir / name

    def read(self, name: str) -> bytes:
        return (self.dir / name).read_bytes()


def _ec_key(out: Path) -> None:
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", str(out))


def _rsa_key(out: Path) -> None:
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", str(out))


def _san(*names: str) -> list[str]:
    return ["-addext", "subjectAltName=" + ",".join(f"DNS:{n}" for n in names)] if names else []


def _self_signed(d: Path, name: str, key: str, cn: str, sans: tuple[str, ...], days: int) -> None:
    openssl(
        "req", "-x509", "-new", "-key", str(d / key), "-subj", f"/CN={cn}", "-days", str(days),
        "-sha256", *_san(*sans), "-out", str(d / name),
    )  # fmt: skip


def _csr(d: Path, key: str, cn: str, sans: tuple[str, ...], *extra: str) -> Path:
    csr = d / f"{key}.{cn}.csr"
    openssl(
        "req", "-new", "-key", str(d / key), "-subj", f"/CN={cn}", *_san(*sans), *extra,
        "-out", str(csr),
    )  # fmt: skip
    return csr


def _issue(d: Path, name: str, csr: Path, ca: str, *, ca_ext: bool = False) -> None:
    ext = d / f"{name}.ext"
    ext.write_text(
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
        if ca_ext
        else "basicConstraints=critical,CA:FALSE\n"
    )
    openssl(
        "x509", "-req", "-in", str(csr), "-CA", str(d / f"{ca}.crt"), "-CAkey",
        str(d / f"{ca}.key"), "-set_serial", str(zlib.crc32(name.encode())), "-days", "365",
        "-sha256", "-copy_extensions", "copy", "-extfile", str(ext), "-out", str(d / name),
    )  # fmt: skip


def _ca_dated(d: Path, name: str, key: str, cn: str, sans: tuple[str, ...], dates: tuple[str, str]
              ) -> None:
    """Self-signed with fixed notBefore/notAfter: `openssl ca -selfsign -startdate -enddate`
    (openssl 3.0's req and x509 have no -not_before/-not_after)."""
    cadir = d / "ca"
    (cadir / "newcerts").mkdir(parents=True, exist_ok=True)
    (cadir / "index.txt").write_text("")
    (cadir / "serial").write_text("1000\n")
    config = cadir / "ca.cnf"
    config.write_text(_CA_CONFIG.format(dir=cadir))
    csr = _csr(d, key, cn, sans)
    openssl(
        "ca", "-batch", "-config", str(config), "-selfsign", "-keyfile", str(d / key),
        "-in", str(csr), "-startdate", dates[0], "-enddate", dates[1], "-notext",
        "-out", str(d / name),
    )  # fmt: skip


def build(d: Path) -> PKI:
    """Every certificate and key the tests use, by file name."""
    for key in ("ec.key", "ec2.key", "root.key", "inter.key", "leaf.key"):
        _ec_key(d / key)
    _rsa_key(d / "rsa.key")
    _rsa_key(d / "dkim.key")
    # Traditional (BEGIN RSA PRIVATE KEY) form, as LibreSSL's genrsa writes it.
    openssl("rsa", "-in", str(d / "dkim.key"), "-traditional", "-out", str(d / "dkim.trad.key"))
    openssl("pkey", "-in", str(d / "ec.key"), "-aes256", "-passout", "pass:secret",
            "-out", str(d / "ec.enc.key"))  # fmt: skip
    openssl("rsa", "-in", str(d / "rsa.key"), "-traditional", "-aes128", "-passout",
            "pass:secret", "-out", str(d / "rsa.enc.key"))  # fmt: skip

    _self_signed(d, "web.crt", "ec.key", "www.example.org", ("www.example.org", "example.org"), 365)
    _self_signed(d, "mx.crt", "rsa.key", "mx.example.org", ("mx.example.org",), 365)
    # Same key as mx.crt, other certificate: what spamd may present (TLSA 3 1 1 still matches).
    _self_signed(d, "mx2.crt", "rsa.key", "mail.example.org", ("mail.example.org",), 90)
    _self_signed(d, "other.crt", "ec2.key", "other.example.org", ("other.example.org",), 365)
    _self_signed(d, "wild.crt", "ec.key", "*.example.com", ("*.example.com",), 365)
    _self_signed(d, "partial.crt", "ec.key", "w.example.com", ("w*.example.com",), 365)
    _self_signed(d, "cn.crt", "ec.key", "cn.example.org", (), 365)
    _self_signed(d, "soon.crt", "ec.key", "www.example.org", ("www.example.org",), 5)
    _ca_dated(d, "expired.crt", "ec.key", "www.example.org", ("www.example.org",), EXPIRED)
    _ca_dated(d, "future.crt", "ec.key", "www.example.org", ("www.example.org",), FUTURE)

    _self_signed(d, "root.crt", "root.key", "Test Root", (), 3650)
    _issue(d, "inter.crt", _csr(d, "inter.key", "Test Intermediate", ()), "root", ca_ext=True)
    leaf = _csr(d, "leaf.key", "www.example.net", ("www.example.net", "*.example.net"))
    _issue(d, "leaf.crt", leaf, "inter")
    chain = [(d / n).read_bytes() for n in ("leaf.crt", "inter.crt", "root.crt")]
    (d / "fullchain.crt").write_bytes(chain[0] + chain[1])
    (d / "fullchain3.crt").write_bytes(b"".join(chain))
    (d / "reversed.crt").write_bytes(chain[1] + chain[0])
    (d / "gap.crt").write_bytes(chain[0] + chain[2])

    web = (d / "web.crt").read_bytes()
    (d / "web.der").write_bytes(openssl("x509", "-in", str(d / "web.crt"), "-outform", "DER"))
    (d / "garbage.crt").write_bytes(b"this is not a certificate\n")
    (d / "empty.crt").write_bytes(b"")
    lines = web.splitlines(keepends=True)
    (d / "damaged.crt").write_bytes(b"".join(lines[:3] + lines[5:]))
    (d / "crlf.crt").write_bytes(b"some text before\r\n" + web.replace(b"\n", b"\r\n"))
    (d / "combined.pem").write_bytes(web + (d / "ec.key").read_bytes())
    key = (d / "ec.key").read_bytes().splitlines(keepends=True)
    (d / "damaged.key").write_bytes(b"".join(key[:2] + key[3:]))
    return PKI(d)


_SESSION: list[PKI] = []


def session(factory: pytest.TempPathFactory) -> PKI:
    """One PKI for the whole test session, whichever test module asks first."""
    if not _SESSION:
        _SESSION.append(build(factory.mktemp("pki")))
    return _SESSION[0]
