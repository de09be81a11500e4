from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta

import pki
import pytest
from cryptography import x509

from hostgen.tls import tlsmaterial as tm


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> pki.PKI:
    return pki.session(tmp_path_factory)


def leaf(certs: pki.PKI, name: str) -> x509.Certificate:
    return tm.load_chain(certs.read(name))[0]


# -- loading chains --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "count"),
    [("web.crt", 1), ("fullchain.crt", 2), ("fullchain3.crt", 3), ("crlf.crt", 1),
     ("combined.pem", 1)],
)  # fmt: skip
def test_load_chain_counts_every_certificate(certs: pki.PKI, name: str, count: int) -> None:
    assert len(tm.load_chain(certs.read(name))) == count


def test_full_chain_is_leaf_first(certs: pki.PKI) -> None:
    chain = tm.load_chain(certs.read("fullchain3.crt"))
    assert [c.subject.rfc4514_string() for c in chain] == [
        "CN=www.example.net", "CN=Test Intermediate", "CN=Test Root",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("garbage.crt", "no PEM certificate found"),
        ("empty.crt", "no PEM certificate found"),
        ("damaged.crt", "damaged PEM certificate: a CERTIFICATE block does not decode"),
        ("web.der", "certificate is in DER form; httpd and spamd read PEM only"),
        ("ec.key", "no certificate found: the file holds a private key"),
    ],
)
def test_load_chain_errors(certs: pki.PKI, name: str, message: str) -> None:
    with pytest.raises(tm.MaterialError) as caught:
        tm.load_chain(certs.read(name))
    assert str(caught.value) == message


# -- loading keys ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "description"),
    [("ec.key", "EC secp256r1"), ("rsa.key", "RSA-2048"), ("dkim.trad.key", "RSA-2048"),
     ("combined.pem", "EC secp256r1")],
)  # fmt: skip
def test_load_private_key(certs: pki.PKI, name: str, description: str) -> None:
    key = tm.load_private_key(certs.read(name))
    assert tm.key_description(key.public_key()) == description


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("ec.enc.key",
         "encrypted private key: httpd and spamd cannot read it without a passphrase"),
        ("rsa.enc.key",
         "encrypted private key: httpd and spamd cannot read it without a passphrase"),
        ("web.crt", "no private key found: the file holds a certificate"),
        ("garbage.crt", "no PEM private key found"),
        ("empty.crt", "no PEM private key found"),
        ("damaged.key", "damaged or unsupported private key: it does not decode"),
    ],
)  # fmt: skip
def test_load_private_key_errors(certs: pki.PKI, name: str, message: str) -> None:
    with pytest.raises(tm.MaterialError) as caught:
        tm.load_private_key(certs.read(name))
    assert str(caught.value) == message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_key_errors_never_quote_the_key(certs: pki.PKI) -> None:
    data = certs.read("damaged.key")
    body = b"".join(data.splitlines()[1:-1]).decode()
    with pytest.raises(tm.MaterialError) as caught:
        tm.load_private_key(data)
    assert not any(chunk in str(caught.value) for chunk in (body[:8], body[-8:]))


def test_holds_private_key(certs: pki.PKI) -> None:
    assert tm.holds_private_key(certs.read("combined.pem"))
    assert tm.holds_private_key(certs.read("ec.enc.key"))
    assert not tm.holds_private_key(certs.read("fullchain.crt"))


# -- key match -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cert", "key", "matches"),
    [("web.crt", "ec.key", True), ("mx.crt", "rsa.key", True), ("mx2.crt", "rsa.key", True),
     ("leaf.crt", "leaf.key", True), ("web.crt", "ec2.key", False),
     ("mx.crt", "ec.key", False), ("other.crt", "ec.key", False)],
)  # fmt: skip
def test_public_key_matches(certs: pki.PKI, cert: str, key: str, matches: bool) -> None:
    private = tm.load_private_key(certs.read(key))
    assert tm.public_key_matches(leaf(certs, cert), private) is matches


def test_spki_is_the_same_from_certificate_and_key(certs: pki.PKI) -> None:
    private = tm.load_private_key(certs.read("rsa.key"))
    assert tm.spki_der(leaf(certs, "mx.crt").public_key()) == tm.spki_der(private.public_key())
    assert tm.spki_der(private.public_key())[:4] == bytes.fromhex("30820122")


# -- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cert", "expected"),
    [
        ("web.crt", ("www.example.org", "example.org")),
        ("leaf.crt", ("www.example.net", "*.example.net")),
        ("wild.crt", ("*.example.com",)),
        # No subjectAltName: the CN (RFC 6125 section 6.4.4).
        ("cn.crt", ("cn.example.org",)),
        # SAN present: the CN (w.example.com) is not a name.
        ("partial.crt", ("w*.example.com",)),
    ],
)
def test_names(certs: pki.PKI, cert: str, expected: tuple[str, ...]) -> None:
    assert tm.names(leaf(certs, cert)) == expected


def test_has_dns_san(certs: pki.PKI) -> None:
    assert tm.has_dns_san(leaf(certs, "web.crt"))
    assert not tm.has_dns_san(leaf(certs, "cn.crt"))


@pytest.mark.parametrize(
    ("presented", "host", "covered"),
    [
        (["www.example.org"], "www.example.org", True),
        (["www.example.org"], "WWW.Example.ORG", True),
        (["WWW.EXAMPLE.ORG"], "www.example.org.", True),
        (["www.example.org"], "example.org", False),
        (["*.example.com"], "www.example.com", True),
        (["*.example.com"], "Photos.EXAMPLE.com", True),
        (["*.example.com"], "example.com", False),  # not the bare parent
        (["*.example.com"], "a.b.example.com", False),  # exactly one label
        (["*.example.com"], ".example.com", False),  # not an empty label
        (["*.example.com"], "www.example.org", False),
        (["w*.example.com"], "www.example.com", False),  # partial-label wildcard
        (["*w.example.com"], "www.example.com", False),
        (["www.*.com"], "www.example.com", False),  # wildcard not left-most
        (["*.*.example.com"], "a.b.example.com", False),
        (["*.com"], "example.com", False),  # wildcard over a single label
        (["*"], "localhost", False),
        (["*.example.com", "example.com"], "example.com", True),
        (["xn--bcher-kva.example"], "bücher.example", True),  # IDN as A-label
        (["*.example.com"], "xn--bcher-kva.example.com", True),
        ([], "www.example.org", False),
    ],
)
def test_covers(presented: list[str], host: str, covered: bool) -> None:
    assert tm.covers(presented, host) is covered


def test_covers_with_certificate_names(certs: pki.PKI) -> None:
    names = tm.names(leaf(certs, "leaf.crt"))
    assert tm.covers(names, "www.example.net")
    assert tm.covers(names, "photos.example.net")
    assert not tm.covers(names, "example.net")
    assert not tm.covers(tm.names(leaf(certs, "partial.crt")), "www.example.com")


# -- dates -----------------------------------------------------------------------------------

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_expired(certs: pki.PKI) -> None:
    finding = tm.validity(leaf(certs, "expired.crt"), NOW, 21)
    assert finding == tm.Finding("error", "certificate expired on 2020-02-01 00:00:00 UTC")


def test_not_yet_valid(certs: pki.PKI) -> None:
    finding = tm.validity(leaf(certs, "future.crt"), NOW, 21)
    assert finding == tm.Finding(
        "error", "certificate is not valid before 2040-01-01 00:00:00 UTC"
    )


def test_expiring_soon(certs: pki.PKI) -> None:
    cert = leaf(certs, "soon.crt")
    end = cert.not_valid_after_utc
    stamp = end.strftime("%Y-%m-%d %H:%M:%S UTC")
    assert tm.validity(cert, end - timedelta(days=5), 21) == tm.Finding(
        "warning", f"certificate expires in 5 days, on {stamp}"
    )
    assert tm.validity(cert, end - timedelta(days=1, hours=2), 21) == tm.Finding(
        "warning", f"certificate expires in 1 day, on {stamp}"
    )
    assert tm.validity(cert, end - timedelta(hours=2), 21) == tm.Finding(
        "warning", f"certificate expires within a day, on {stamp}"
    )
    # notAfter itself is still valid (RFC 5280 section 4.1.2.5); one second later it is not.
    assert tm.validity(cert, end, 0) is None
    assert tm.validity(cert, end + timedelta(seconds=1), 0) is not None


def test_expiry_warning_threshold(certs: pki.PKI) -> None:
    cert = leaf(certs, "soon.crt")
    now = cert.not_valid_before_utc
    assert tm.validity(cert, now, 5) is None
    assert tm.validity(cert, now, 6) is not None
    assert tm.validity(cert, now, 0) is None


def test_valid_now(certs: pki.PKI) -> None:
    assert tm.validity(leaf(certs, "web.crt"), datetime.now(UTC), 21) is None


# -- chains ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["web.crt", "fullchain.crt", "fullchain3.crt"])
def test_good_chains(certs: pki.PKI, name: str) -> None:
    assert tm.chain_problems(tm.load_chain(certs.read(name))) == []


def test_reversed_chain(certs: pki.PKI) -> None:
    assert tm.chain_problems(tm.load_chain(certs.read("reversed.crt"))) == [
        "certificate 1 of the file (CN=Test Intermediate) is issued by CN=Test Root, but "
        "certificate 2 is CN=www.example.net: the file must hold the server certificate "
        "first, then each issuer in turn"
    ]


def test_chain_with_a_gap(certs: pki.PKI) -> None:
    assert tm.chain_problems(tm.load_chain(certs.read("gap.crt"))) == [
        "certificate 1 of the file (CN=www.example.net) is issued by CN=Test Intermediate, but "
        "certificate 2 is CN=Test Root: the file must hold the server certificate first, "
        "then each issuer in turn"
    ]


def test_chain_with_a_wrong_signature(certs: pki.PKI) -> None:
    # Same issuer name, other key: a Test Intermediate made with another key.
    fake = pki.openssl(
        "req", "-x509", "-new", "-key", str(certs.path("ec2.key")), "-subj",
        "/CN=Test Intermediate", "-days", "30",
    )  # fmt: skip
    chain = tm.load_chain(certs.read("leaf.crt") + fake)
    assert tm.chain_problems(chain) == [
        "certificate 1 of the file (CN=www.example.net) is not signed by the key of "
        "certificate 2 (CN=Test Intermediate)"
    ]


# -- modes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "forbidden", "who"),
    [
        (0o600, tm.GROUP_OR_OTHERS, None),
        (0o400, tm.GROUP_OR_OTHERS, None),
        (0o640, tm.GROUP_OR_OTHERS, "group"),
        (0o604, tm.GROUP_OR_OTHERS, "others"),
        (0o644, tm.GROUP_OR_OTHERS, "group and others"),
        (0o620, tm.GROUP_OR_OTHERS, None),  # writable is another matter
        (0o640, tm.OTHERS, None),  # dkimproxy: root:_dkimproxy 0640 is the advice
        (0o644, tm.OTHERS, "others"),
    ],
)
def test_readable_by(mode: int, forbidden: int, who: str | None) -> None:
    assert tm.readable_by(stat.S_IFREG | mode, forbidden) == who


def test_mode_text() -> None:
    assert tm.mode_text(stat.S_IFREG | 0o640) == "0640"
