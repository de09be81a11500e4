"""check_live against a fake host root holding openssl-made certificates and keys."""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pki
import pytest

from hostgen.site.load import load_site
from hostgen.tls import tlsmaterial as tm
from hostgen.tls.livecheck import check_live, read_live

NOW = datetime.now(UTC) + timedelta(minutes=5)  # after the test certificates were made

SITE = """\
host: {name: host.example.org}
tls:
  web:
    certificate: /etc/ssl/web.crt
    key: /etc/ssl/private/web.key
  wild:
    certificate: /etc/ssl/wild.crt
    key: /etc/ssl/private/wild.key
  net:
    certificate: /etc/ssl/net.fullchain.pem
    key: /etc/ssl/private/net.key
  mail:
    certificate: /etc/ssl/mx.crt
    key: /etc/ssl/private/mx.key
  unused:
    certificate: /etc/ssl/unused.crt
    key: /etc/ssl/private/unused.key
fastcgi:
  php: {socket: /run/php.sock}
httpd:
  tls: web
  servers:
    - name: www.example.org
      aliases: [example.org]
      root: /htdocs/www
      locations:
        - {path: "*.php", fastcgi: php}
        - {path: /static/*, root: /htdocs/static}
    - name: photos.example.com
      aliases: [cdn.example.com]
      tls: wild
      root: /htdocs/photos
    - name: www.example.net
      tls: net
      root: /htdocs/net
    - name: plain.example.org
      tls: false
      root: /htdocs/plain
spamd:
  tls: mail
dkimproxy:
  listen: 127.0.0.1:10027
  relay: 127.0.0.1:10028
  domains: [example.org]
  selector: sel
  keyfile: /etc/mail/dkim/private.key
mta:
  tls: mail
"""

# host path -> (file of the PKI, mode)
FILES = {
    "/etc/ssl/web.crt": ("web.crt", 0o644),
    "/etc/ssl/private/web.key": ("ec.key", 0o600),
    "/etc/ssl/wild.crt": ("wild.crt", 0o644),
    "/etc/ssl/private/wild.key": ("ec.key", 0o400),
    "/etc/ssl/net.fullchain.pem": ("fullchain.crt", 0o644),
    "/etc/ssl/private/net.key": ("leaf.key", 0o600),
    "/etc/ssl/mx.crt": ("mx.crt", 0o644),
    "/etc/ssl/private/mx.key": ("rsa.key", 0o600),
    "/etc/mail/dkim/private.key": ("dkim.key", 0o640),
}
DIRS = ["/var/www/htdocs/www", "/var/www/htdocs/static", "/var/www/htdocs/photos",
        "/var/www/htdocs/net", "/var/www/htdocs/plain", "/var/www/run"]


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> pki.PKI:
    return pki.session(tmp_path_factory)


def place(root: Path, host_path: str, data: bytes, mode: int) -> None:
    path = root / host_path.lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(mode)


def make_socket(path: Path) -> None:
    """A listening-less UNIX socket file; bound by relative name (sun_path is short)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return
    here = os.getcwd()
    os.chdir(path.parent)
    try:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(path.name)
        sock.close()
    finally:
        os.chdir(here)


Host = Callable[..., list[str]]


@pytest.fixture
def host(tmp_path: Path, certs: pki.PKI, monkeypatch: pytest.MonkeyPatch) -> Host:
    """Build the site and its root, with `changes` (host path -> PKI file, mode, or None to
    leave the file out), and return the formatted problems of check_live."""
    monkeypatch.chdir(tmp_path)

    def run(changes: dict[str, tuple[str, int] | None] | None = None, site: str = SITE,
            sockets: bool = True, dirs: list[str] = DIRS, **options: object) -> list[str]:
        Path("site.yaml").write_text(site)
        root = tmp_path / "root"
        for directory in dirs:
            (root / directory.lstrip("/")).mkdir(parents=True, exist_ok=True)
        if sockets:
            make_socket(root / "var/www/run/php.sock")
        files: dict[str, tuple[str, int] | None] = {**FILES, **(changes or {})}
        for host_path, entry in files.items():
            if entry is not None:
                place(root, host_path, certs.read(entry[0]), entry[1])
        loaded = load_site(Path("site.yaml"))
        problems = check_live(loaded.site, root, **{"now": NOW, **options})  # type: ignore[arg-type]
        return loaded.format(problems)

    return run


def at(needle: str, value: str, site: str = SITE, after: str = "") -> str:
    """`site.yaml:LINE:COL` of `value` on the first line containing `needle` (after the first
    line containing `after`)."""
    lines = site.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line)
    for number, line in enumerate(lines[start:], start=start + 1):
        if needle in line:
            return f"site.yaml:{number}:{line.index(value, line.index(needle)) + 1}"
    raise AssertionError(needle)


WEB_CERT = at("certificate: /etc/ssl/web.crt", "/etc")
WEB_KEY = at("key: /etc/ssl/private/web.key", "/etc")
NET_CERT = at("certificate: /etc/ssl/net.fullchain.pem", "/etc")
NET_KEY = at("key: /etc/ssl/private/net.key", "/etc")
MX_KEY = at("key: /etc/ssl/private/mx.key", "/etc")
WWW = at("name: www.example.org", "www")
ALIAS = at("aliases: [example.org]", "example.org")
PHOTOS = at("name: photos.example.com", "photos")
CDN = at("aliases: [cdn.example.com]", "cdn")
DKIM = at("keyfile:", "/etc")
PHP = at("php: {socket:", "/run")


def test_healthy_host(host: Host) -> None:
    assert host() == []


def test_healthy_host_at_the_real_clock(host: Host) -> None:
    assert host(now=None) == []


# -- certificates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pki_file", "message"),
    [
        ("garbage.crt", "no PEM certificate found"),
        ("empty.crt", "no PEM certificate found"),
        ("damaged.crt", "damaged PEM certificate: a CERTIFICATE block does not decode"),
        ("web.der", "certificate is in DER form; httpd and spamd read PEM only"),
        ("ec.key", "no certificate found: the file holds a private key"),
    ],
)
def test_unusable_certificate(host: Host, pki_file: str, message: str) -> None:
    # Nothing else can be checked without the certificate: no coverage, no key match.
    assert host({"/etc/ssl/web.crt": (pki_file, 0o600)}) == [
        f"{WEB_CERT}: error: /etc/ssl/web.crt: {message}"
    ]


def test_key_in_place_of_the_certificate_readable_by_all(host: Host) -> None:
    assert host({"/etc/ssl/web.crt": ("ec.key", 0o644)}) == [
        f"{WEB_CERT}: error: /etc/ssl/web.crt: holds a private key and is readable by group "
        "and others (mode 0644)",
        f"{WEB_CERT}: error: /etc/ssl/web.crt: no certificate found: the file holds a private key",
    ]


def test_missing_certificate_and_key(host: Host) -> None:
    assert host({"/etc/ssl/web.crt": None, "/etc/ssl/private/web.key": None}) == [
        f"{WEB_CERT}: error: /etc/ssl/web.crt: no such file",
        f"{WEB_KEY}: error: /etc/ssl/private/web.key: no such file",
    ]


def test_certificate_path_is_a_directory(host: Host, tmp_path: Path) -> None:
    (tmp_path / "root/etc/ssl/web.crt").mkdir(parents=True)
    assert host({"/etc/ssl/web.crt": None}) == [
        f"{WEB_CERT}: error: /etc/ssl/web.crt: is a directory, not a file"
    ]


def test_expired(host: Host) -> None:
    assert host({"/etc/ssl/web.crt": ("expired.crt", 0o644)}) == [
        f"{WEB_CERT}: error: /etc/ssl/web.crt: certificate expired on 2020-02-01 00:00:00 UTC",
        f'{ALIAS}: error: /etc/ssl/web.crt: certificate does not cover "example.org" '
        "(its names: www.example.org)",
    ]


def test_not_yet_valid(host: Host) -> None:
    assert host({"/etc/ssl/web.crt": ("future.crt", 0o644)})[0] == (
        f"{WEB_CERT}: error: /etc/ssl/web.crt: certificate is not valid before "
        "2040-01-01 00:00:00 UTC"
    )


def test_expiring_soon_is_a_warning(host: Host, certs: pki.PKI) -> None:
    cert = tm.load_chain(certs.read("soon.crt"))[0]
    end = cert.not_valid_after_utc
    stamp = end.strftime("%Y-%m-%d %H:%M:%S UTC")
    now = end - timedelta(days=3, hours=1)
    changes = {"/etc/ssl/web.crt": ("soon.crt", 0o644)}
    assert host(changes, now=now) == [
        f"{WEB_CERT}: warning: /etc/ssl/web.crt: certificate expires in 3 days, on {stamp}",
        f'{ALIAS}: error: /etc/ssl/web.crt: certificate does not cover "example.org" '
        "(its names: www.example.org)",
    ]
    assert len(host(changes, now=now, expiry_days=3)) == 1  # the warning is gone


def test_expiry_at_the_real_clock(host: Host) -> None:
    # soon.crt was made to last 5 days: within the default 21, not within 2.
    changes = {"/etc/ssl/web.crt": ("soon.crt", 0o644)}
    warnings = [line for line in host(changes, now=None) if ": warning: " in line]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{WEB_CERT}: warning: /etc/ssl/web.crt: certificate expires in")
    assert [line for line in host(changes, now=None, expiry_days=2) if "warning" in line] == []


def test_chain_out_of_order(host: Host) -> None:
    # intermediate first: not issued by the leaf, and the key is the leaf's, not its own.
    assert host({"/etc/ssl/net.fullchain.pem": ("reversed.crt", 0o644)}) == [
        f"{NET_CERT}: error: /etc/ssl/net.fullchain.pem: certificate 1 of the file "
        "(CN=Test Intermediate) is issued by CN=Test Root, but certificate 2 is "
        "CN=www.example.net: the file must hold the server certificate first, then each "
        "issuer in turn",
        f"{NET_KEY}: error: /etc/ssl/private/net.key: private key does not match the "
        "certificate /etc/ssl/net.fullchain.pem",
        f"{at('name: www.example.net', 'www')}: error: /etc/ssl/net.fullchain.pem: "
        'certificate does not cover "www.example.net" (its names: test intermediate)',
    ]


def test_chain_with_a_gap(host: Host) -> None:
    assert host({"/etc/ssl/net.fullchain.pem": ("gap.crt", 0o644)}) == [
        f"{NET_CERT}: error: /etc/ssl/net.fullchain.pem: certificate 1 of the file "
        "(CN=www.example.net) is issued by CN=Test Intermediate, but certificate 2 is "
        "CN=Test Root: the file must hold the server certificate first, then each issuer in turn"
    ]


def test_full_chain_with_root_is_fine(host: Host) -> None:
    assert host({"/etc/ssl/net.fullchain.pem": ("fullchain3.crt", 0o644)}) == []


def test_certificate_file_holding_a_readable_key(host: Host) -> None:
    assert host({"/etc/ssl/web.crt": ("combined.pem", 0o644)}) == [
        f"{WEB_CERT}: error: /etc/ssl/web.crt: holds a private key and is readable by group "
        "and others (mode 0644)"
    ]
    assert host({"/etc/ssl/web.crt": ("combined.pem", 0o600)}) == []


# -- keys ------------------------------------------------------------------------------------


def test_mismatched_key(host: Host) -> None:
    assert host({"/etc/ssl/private/web.key": ("ec2.key", 0o600)}) == [
        f"{WEB_KEY}: error: /etc/ssl/private/web.key: private key does not match the "
        "certificate /etc/ssl/web.crt"
    ]


def test_rsa_certificate_with_ecdsa_key(host: Host) -> None:
    assert host({"/etc/ssl/private/mx.key": ("ec.key", 0o600)}) == [
        f"{MX_KEY}: error: /etc/ssl/private/mx.key: private key does not match the "
        "certificate /etc/ssl/mx.crt"
    ]


@pytest.mark.parametrize("pki_file", ["ec.enc.key", "rsa.enc.key"])
def test_encrypted_key(host: Host, pki_file: str) -> None:
    assert host({"/etc/ssl/private/web.key": (pki_file, 0o600)}) == [
        f"{WEB_KEY}: error: /etc/ssl/private/web.key: encrypted private key: httpd and spamd "
        "cannot read it without a passphrase"
    ]


@pytest.mark.parametrize(
    ("pki_file", "message"),
    [("web.crt", "no private key found: the file holds a certificate"),
     ("garbage.crt", "no PEM private key found"),
     ("damaged.key", "damaged or unsupported private key: it does not decode")],
)  # fmt: skip
def test_not_a_key(host: Host, certs: pki.PKI, pki_file: str, message: str) -> None:
    lines = host({"/etc/ssl/private/web.key": (pki_file, 0o600)})
    assert lines == [f"{WEB_KEY}: error: /etc/ssl/private/web.key: {message}"]
    body = certs.read("ec.key").splitlines()[1].decode()
    assert not any(body[:12] in line for line in lines)


@pytest.mark.parametrize(
    ("mode", "who"), [(0o640, "group"), (0o604, "others"), (0o644, "group and others")]
)
def test_key_readable_by_group_or_others(host: Host, mode: int, who: str) -> None:
    assert host({"/etc/ssl/private/web.key": ("ec.key", mode)}) == [
        f"{WEB_KEY}: error: /etc/ssl/private/web.key: private key is readable by {who} "
        f"(mode {mode:04o}); chmod 600 it"
    ]


def test_unused_material_is_not_checked(host: Host) -> None:
    assert "/etc/ssl/unused.crt" not in "".join(host())


# -- names -----------------------------------------------------------------------------------


def test_partial_wildcard_covers_nothing(host: Host) -> None:
    assert host({"/etc/ssl/wild.crt": ("partial.crt", 0o644)}) == [
        f'{PHOTOS}: error: /etc/ssl/wild.crt: certificate does not cover "photos.example.com" '
        "(its names: w*.example.com)",
        f'{CDN}: error: /etc/ssl/wild.crt: certificate does not cover "cdn.example.com" '
        "(its names: w*.example.com)",
    ]


def test_wildcard_does_not_cover_the_parent_or_two_labels(host: Host) -> None:
    site = SITE.replace("aliases: [cdn.example.com]", "aliases: [example.com, a.b.example.com]")
    assert host(site=site) == [
        f'{at("aliases: [example.com", "example.com", site)}: error: /etc/ssl/wild.crt: '
        'certificate does not cover "example.com" (its names: *.example.com)',
        f'{at("aliases: [example.com", "a.b", site)}: error: /etc/ssl/wild.crt: '
        'certificate does not cover "a.b.example.com" (its names: *.example.com)',
    ]


def test_names_are_compared_without_case(host: Host) -> None:
    site = SITE.replace("name: photos.example.com", "name: Photos.EXAMPLE.com")
    assert host(site=site) == []


def test_common_name_counts_only_without_san(host: Host) -> None:
    site = SITE.replace("name: photos.example.com", "name: cn.example.org").replace(
        "aliases: [cdn.example.com]", "aliases: []")
    assert host({"/etc/ssl/wild.crt": ("cn.crt", 0o644)}, site=site) == []


def test_plain_http_server_is_not_checked(host: Host) -> None:
    site = SITE.replace("name: plain.example.org", "name: plain.example.net")
    assert host(site=site) == []


def test_server_pattern_is_a_warning(host: Host) -> None:
    site = SITE.replace("aliases: [cdn.example.com]", 'aliases: ["*.example.com", "img*.x.com"]')
    img = at("aliases: [", '"img', site, after="photos")
    assert host(site=site) == [
        f"{img}: warning: "
        '/etc/ssl/wild.crt: cannot tell whether the certificate covers the pattern "img*.x.com"'
    ]


# -- spamd = MTA -----------------------------------------------------------------------------


def test_spamd_with_another_key(host: Host) -> None:
    site = SITE.replace("spamd:\n  tls: mail", "spamd:\n  tls: web")
    assert host(site=site) == [
        f"{at('tls: web', 'web', site, after='spamd:')}: error: /etc/ssl/web.crt: spamd's "
        "certificate has another public key than the MTA's (/etc/ssl/mx.crt, tls \"mail\"): "
        "DANE senders that reach spamd will not match the TLSA record and never deliver "
        "(spamd.md 4.1)"
    ]


def test_spamd_with_another_certificate_for_the_same_key(host: Host) -> None:
    site = SITE.replace("spamd:\n  tls: mail", "spamd:\n  tls: spamd").replace(
        "fastcgi:\n", "  spamd:\n    certificate: /etc/ssl/spamd.crt\n"
        "    key: /etc/ssl/private/spamd.key\nfastcgi:\n")
    changes = {"/etc/ssl/spamd.crt": ("mx2.crt", 0o644),
               "/etc/ssl/private/spamd.key": ("rsa.key", 0o600)}
    assert host(changes, site=site) == []


# -- DKIM ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (None, "no such file"),
        (("dkim.key", 0o644), "DKIM key is readable by others (mode 0644); use 0640, group "
                              "_dkimproxy"),
        (("dkim.trad.key", 0o600), None),
        (("rsa.enc.key", 0o600), "encrypted private key: httpd and spamd cannot read it "
                                 "without a passphrase"),
        (("ec.key", 0o640), "DKIM key is EC secp256r1, not RSA: dkimproxy signs with RSA only"),
        (("mx.crt", 0o640), "no private key found: the file holds a certificate"),
        (("garbage.crt", 0o640), "no PEM private key found"),
    ],
)
def test_dkim_key(host: Host, entry: tuple[str, int] | None, message: str | None) -> None:
    expected = [f"{DKIM}: error: /etc/mail/dkim/private.key: {message}"] if message else []
    assert host({"/etc/mail/dkim/private.key": entry}) == expected


# -- chroot ----------------------------------------------------------------------------------


def test_fastcgi_socket_missing(host: Host) -> None:
    assert host(sockets=False) == [
        f"{PHP}: error: /var/www/run/php.sock: FastCGI socket does not exist "
        "(is the responder running?)"
    ]


def test_fastcgi_socket_not_a_socket(host: Host, tmp_path: Path) -> None:
    place(tmp_path / "root", "/var/www/run/php.sock", b"", 0o644)
    assert host(sockets=False) == [f"{PHP}: error: /var/www/run/php.sock: is not a socket"]


def test_default_and_inline_sockets(host: Host, tmp_path: Path) -> None:
    site = SITE.replace('{path: "*.php", fastcgi: php}',
                        '{path: "*.php", fastcgi: true}\n'
                        '        - {path: "*.cgi", fastcgi: {socket: /run/cgi.sock}}')
    line = at("fastcgi: true", "true", site)
    inline = at("*.cgi", "/run/cgi.sock", site)
    assert host(site=site) == [
        f"{line}: error: /var/www/run/slowcgi.sock: FastCGI socket does not exist "
        "(is the responder running?)",
        f"{inline}: error: /var/www/run/cgi.sock: FastCGI socket does not exist "
        "(is the responder running?)",
    ]
    make_socket(tmp_path / "root/var/www/run/slowcgi.sock")
    make_socket(tmp_path / "root/var/www/run/cgi.sock")
    assert host(site=site) == []


def test_document_roots(host: Host, tmp_path: Path) -> None:
    place(tmp_path / "root", "/var/www/htdocs/photos", b"", 0o644)
    site = SITE.replace("tls: web\n  servers:", "tls: web\n  acme: /acme\n  servers:")
    dirs = [d for d in DIRS if not d.endswith("/photos")]
    assert host(site=site, dirs=dirs) == [
        f"{at('acme: /acme', '/acme', site)}: error: /var/www/acme: document root does not exist",
        f"{at('root: /htdocs/photos', '/htdocs', site)}: error: /var/www/htdocs/photos: "
        "is not a directory",
    ]


def test_a_chroot_of_its_own_moves_sockets_and_roots(host: Host, tmp_path: Path) -> None:
    site = SITE.replace("tls: web\n  servers:", "tls: web\n  chroot: /srv/www\n  servers:")
    problems = host(site=site)
    assert f"{PHP}: error: /srv/www/run/php.sock: FastCGI socket does not exist " \
           "(is the responder running?)" in problems
    make_socket(tmp_path / "root/srv/www/run/php.sock")
    assert not any("php.sock" in line for line in host(site=site))
    assert any("/srv/www/htdocs" in line for line in host(site=site))   # roots moved too
    assert not any("/var/www" in line for line in host(site=site))


# -- reading ---------------------------------------------------------------------------------


def test_read_live_unreadable(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    place(tmp_path, "/k", b"x", 0o000)
    assert read_live(tmp_path, "/k").problem == "cannot read it: permission denied"


def test_read_live_not_regular(tmp_path: Path) -> None:
    make_socket(tmp_path / "s")
    found = read_live(tmp_path, "/s")
    assert (found.problem, stat.S_ISSOCK(found.mode)) == ("is not a regular file", True)


def test_check_command_with_live_root(host: Host, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    from hostgen.cli import main

    host()  # builds site.yaml and a healthy root under tmp_path
    capsys.readouterr()
    assert main(["check", "site.yaml", "--live", str(tmp_path / "root")]) == 0
    assert capsys.readouterr().out == "site.yaml: valid\n"
    (tmp_path / "root/etc/ssl/private/web.key").chmod(0o644)
    assert main(["check", "site.yaml", "--live", str(tmp_path / "root")]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{WEB_KEY}: error: /etc/ssl/private/web.key: ")
    assert out[-1] == "site.yaml: invalid: 1 error(s), 0 warning(s)"


def test_check_command_with_missing_live_root(host: Host, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from hostgen.cli import main

    host()
    capsys.readouterr()
    assert main(["check", "site.yaml", "--live", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err == (
        f"hostgen: {tmp_path / 'nope'}: not a directory (--live names the root the site's "
        "files are read under, / on the host)\n")
