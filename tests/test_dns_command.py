"""`hostgen dns` through hostgen.cli.main, against a fake root holding openssl-made files."""

from __future__ import annotations

from pathlib import Path

import pki
import pytest

from hostgen.cli import main

SITE = """\
host: {name: host.example.org}
tls:
  web:
    certificate: /etc/ssl/web.crt
    key: /etc/ssl/private/web.key
  mail:
    certificate: /etc/ssl/mx.crt
    key: /etc/ssl/private/mx.key
httpd:
  tls: web
  servers:
    - name: www.example.org
      aliases: [example.org, WWW.example.org]
      root: /htdocs
    - name: plain.example.org
      tls: false
      root: /htdocs
spamd:
  tls: mail
mta:
  tls: mail
dkimproxy:
  listen: 127.0.0.1:10027
  relay: 127.0.0.1:10028
  domains: [example.org, example.net]
  selector: sel
  keyfile: /etc/mail/dkim/private.key
"""

FILES = {
    "/etc/ssl/web.crt": "web.crt",
    "/etc/ssl/private/web.key": "ec.key",
    "/etc/ssl/mx.crt": "mx.crt",
    "/etc/ssl/private/mx.key": "rsa.key",
    "/etc/mail/dkim/private.key": "dkim.key",
}


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> pki.PKI:
    return pki.session(tmp_path_factory)


@pytest.fixture
def root(tmp_path: Path, certs: pki.PKI, monkeypatch: pytest.MonkeyPatch) -> Path:
    """site.yaml in the current folder, the files under ./root."""
    monkeypatch.chdir(tmp_path)
    Path("site.yaml").write_text(SITE)
    for host_path, name in FILES.items():
        place(tmp_path / "root", host_path, certs.read(name))
    return tmp_path / "root"


def place(root: Path, host_path: str, data: bytes) -> None:
    path = root / host_path.lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def dns(*args: str) -> list[str]:
    return ["dns", "--site", "site.yaml", *args]


def expected_output(certs: pki.PKI) -> str:
    web = pki.tlsa_by_openssl(certs.path("web.crt"))
    mx = pki.tlsa_by_openssl(certs.path("mx.crt"))
    value = "p=" + pki.dkim_p_by_openssl(certs.path("dkim.key"))
    txt = f'( "v=DKIM1; k=rsa; "\n\t"{value[:255]}"\n\t"{value[255:]}" )'
    return (
        "; DNS records for host.example.org, from site.yaml (hostgen dns)\n"
        "; TLSA records take effect only in a DNSSEC-signed zone (RFC 6698)\n"
        "\n"
        "; TLSA 3 1 1 (DANE-EE, SPKI, SHA-256): public key of /etc/ssl/web.crt\n"
        f"_443._tcp.www.example.org. IN TLSA 3 1 1 {web}\n"
        f"_443._tcp.example.org. IN TLSA 3 1 1 {web}\n"
        "\n"
        "; TLSA 3 1 1 (DANE-EE, SPKI, SHA-256): public key of /etc/ssl/mx.crt\n"
        f"_25._tcp.mx.example.org. IN TLSA 3 1 1 {mx}\n"
        "\n"
        "; DKIM: public key of /etc/mail/dkim/private.key\n"
        f"sel._domainkey.example.org. IN TXT {txt}\n"
        f"sel._domainkey.example.net. IN TXT {txt}\n"
    )


def test_records(root: Path, certs: pki.PKI, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(dns("--live", str(root))) == 0
    out, err = capsys.readouterr()
    assert out == expected_output(certs)
    assert err == ""


def test_records_from_a_full_chain_are_the_leaf_s(
    root: Path, certs: pki.PKI, capsys: pytest.CaptureFixture[str]
) -> None:
    place(root, "/etc/ssl/mx.crt", certs.read("mx.crt") + certs.read("root.crt"))
    assert main(dns("--live", str(root))) == 0
    assert capsys.readouterr().out == expected_output(certs)


def test_check_all_published(
    root: Path, certs: pki.PKI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zone = tmp_path / "zone.txt"
    # Names and hex are case-insensitive; the p= value is not: upper-case the TLSA lines only.
    lines = [line for line in expected_output(certs).splitlines() if "TLSA" not in line]
    zone.write_text("\n".join(lines) + "\n" + "\n".join(
        line.upper() for line in expected_output(certs).splitlines() if "TLSA" in line) + "\n")
    assert main(dns("--live", str(root), "--check", str(zone))) == 0
    assert capsys.readouterr().out == f"{zone}: all 5 record(s) published\n"


def test_check_catches_a_new_key(
    root: Path, certs: pki.PKI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zone = tmp_path / "zone.txt"
    zone.write_text(expected_output(certs))
    # The MX certificate was renewed with a new key (certbot's default): DANE would break.
    place(root, "/etc/ssl/mx.crt", certs.read("other.crt"))
    old = pki.tlsa_by_openssl(certs.path("mx.crt"))
    new = pki.tlsa_by_openssl(certs.path("other.crt"))
    assert main(dns("--live", str(root), "--check", str(zone))) == 1
    assert capsys.readouterr().out == (
        f"{zone}: no TLSA record at _25._tcp.other.example.org.; expected 3 1 1 {new}\n"
        f"{zone}: 1 of 5 record(s) not published\n"
    )
    # Same MX name, new key: the published record is named with its line.
    place(root, "/etc/ssl/mx.crt", certs.read("mx.crt"))
    place(root, "/etc/ssl/mx.crt", pki.openssl(
        "req", "-x509", "-new", "-key", str(certs.path("ec2.key")), "-subj",
        "/CN=mx.example.org", "-days", "30"))  # fmt: skip
    new = pki.tlsa_by_openssl(root / "etc/ssl/mx.crt")
    assert main(dns("--live", str(root), "--check", str(zone))) == 1
    assert capsys.readouterr().out == (
        f"{zone}:9: TLSA at _25._tcp.mx.example.org. does not match the key of /etc/ssl/mx.crt: "
        f"published 3 1 1 {old}; expected 3 1 1 {new}\n"
        f"{zone}: 1 of 5 record(s) not published\n"
    )


def test_check_other_dkim_key(
    root: Path, certs: pki.PKI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zone = tmp_path / "zone.txt"
    zone.write_text(expected_output(certs))
    place(root, "/etc/mail/dkim/private.key", certs.read("rsa.key"))
    assert main(dns("--live", str(root), "--check", str(zone))) == 1
    assert capsys.readouterr().out == (
        f"{zone}:12: DKIM key at sel._domainkey.example.org. is not the public key of "
        "/etc/mail/dkim/private.key\n"
        f"{zone}:15: DKIM key at sel._domainkey.example.net. is not the public key of "
        "/etc/mail/dkim/private.key\n"
        f"{zone}: 2 of 5 record(s) not published\n"
    )


# -- errors: positioned, exit 2, no traceback ------------------------------------------------


@pytest.mark.parametrize(
    ("host_path", "data", "line"),
    [
        ("/etc/ssl/web.crt", None,
         "site.yaml:4:18: error: /etc/ssl/web.crt: no such file"),
        ("/etc/ssl/web.crt", b"garbage",
         "site.yaml:4:18: error: /etc/ssl/web.crt: no PEM certificate found"),
        ("/etc/ssl/mx.crt", b"-----BEGIN CERTIFICATE-----\nMII*\n-----END CERTIFICATE-----\n",
         "site.yaml:7:18: error: /etc/ssl/mx.crt: damaged PEM certificate: a CERTIFICATE block "
         "does not decode"),
        ("/etc/mail/dkim/private.key", None,
         "site.yaml:27:12: error: /etc/mail/dkim/private.key: no such file"),
        ("/etc/mail/dkim/private.key", b"",
         "site.yaml:27:12: error: /etc/mail/dkim/private.key: no PEM private key found"),
    ],
)  # fmt: skip
def test_unusable_files(
    root: Path, host_path: str, data: bytes | None, line: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = root / host_path.lstrip("/")
    if data is None:
        path.unlink()
    else:
        path.write_bytes(data)
    assert main(dns("--live", str(root))) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", line + "\n")


@pytest.mark.parametrize(
    ("name", "message"),
    [("rsa.enc.key", "encrypted private key: httpd and spamd cannot read it without a passphrase"),
     ("ec.key", "DKIM key is EC secp256r1, not RSA: dkimproxy signs with RSA only")],
)  # fmt: skip
def test_unusable_dkim_key(
    root: Path, certs: pki.PKI, name: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    place(root, "/etc/mail/dkim/private.key", certs.read(name))
    assert main(dns("--live", str(root))) == 2
    assert capsys.readouterr().err == (
        f"site.yaml:27:12: error: /etc/mail/dkim/private.key: {message}\n"
    )


def test_missing_zone_file(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(dns("--live", str(root), "--check", "nowhere.zone")) == 2
    assert capsys.readouterr().err == (
        "hostgen: cannot read nowhere.zone: No such file or directory\n"
    )


def test_malformed_zone_file(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zone = tmp_path / "zone.txt"
    zone.write_text("; excerpt\n_25._tcp.mx IN TLSA 3 1 1 00\n")
    assert main(dns("--live", str(root), "--check", str(zone))) == 2
    assert capsys.readouterr().err == (
        f"{zone}:2: error: relative name '_25._tcp.mx' and no $ORIGIN: add a $ORIGIN line or "
        "end the name with '.'\n"
    )


def test_invalid_site(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("site.yaml").write_text(SITE.replace("selector: sel", "selectr: sel"))
    assert main(dns("--live", str(root))) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0].startswith("site.yaml:")
    assert "Traceback" not in err


def test_site_without_tls_or_dkim(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("site.yaml").write_text("host: {name: host.example.org}\n")
    assert main(dns("--live", str(tmp_path))) == 0
    assert capsys.readouterr().out == "; no records to publish\n"


def test_mx_names_from_site_yaml(root: Path, certs: pki.PKI,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    with_mx = "mta:\n  tls: mail\n  mx: [mx1.example.org, mx2.example.org.]\n"
    Path("site.yaml").write_text(SITE.replace("mta:\n  tls: mail\n", with_mx))
    assert main(dns("--live", str(root))) == 0
    out = capsys.readouterr().out
    expected = expected_output(certs)
    mx_line = next(line for line in expected.splitlines() if line.startswith("_25."))
    both = (mx_line.replace("mx.example.org", "mx1.example.org") + "\n"
            + mx_line.replace("mx.example.org", "mx2.example.org"))
    assert out == expected.replace(mx_line, both)


def test_mx_name_from_the_mta_hostname(root: Path, certs: pki.PKI,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Without `mta.mx`, the MX host is the name smtpd greets with, `mta.hostname`."""
    named = "mta:\n  tls: mail\n  hostname: Smtp.Example.org\n"
    Path("site.yaml").write_text(SITE.replace("mta:\n  tls: mail\n", named))
    assert main(dns("--live", str(root))) == 0
    expected = expected_output(certs)
    mx_line = next(line for line in expected.splitlines() if line.startswith("_25."))
    assert capsys.readouterr().out == expected.replace(
        mx_line, mx_line.replace("mx.example.org", "smtp.example.org"))
