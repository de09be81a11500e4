from __future__ import annotations

import base64

import pki
import pytest
from cryptography import x509

from hostgen.tls import dnsrecords as dr
from hostgen.tls import tlsmaterial as tm


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> pki.PKI:
    return pki.session(tmp_path_factory)


def leaf(certs: pki.PKI, name: str) -> x509.Certificate:
    return tm.load_chain(certs.read(name))[0]


# tlsa.md section 4, worked example: a self-signed EC P-256 certificate and its 3 1 1 value.
WORKED_EXAMPLE = b"""\
-----BEGIN CERTIFICATE-----
MIIBdDCCARmgAwIBAgIBATAKBggqhkjOPQQDAjAZMRcwFQYDVQQDDA5teC5leGFt
cGxlLm9yZzAgFw0yNjExMjQyMDM4MDZaGA8yMTI2MTAzMTIwMzgwNlowGTEXMBUG
A1UEAwwObXguZXhhbXBsZS5vcmcwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASk
hGQDGAfl3qDqh76g1cGGWGoATU1HOt3eQ8fL5z7nAiRFWUPKnxAyW9em/AfkXiEi
UJz3F4X/p5V4FjvkgPVHo1AwTjAdBgNVHQ4EFgQUD5npYlHwZ0cdp8Kzx7C9J4yW
7E0wHwYDVR0jBBgwFoAUD5npYlHwZ0cdp8Kzx7C9J4yW7E0wDAYDVR0TAQH/BAIw
ADAKBggqhkjOPQQDAgNJADBGAiEA9MXamv5zo/9BiIFgWdMzl/9ksJZuYG0zaYEp
fajf8s8CIQDar5Mxn5JMwWFNrdvTF6bidCWUIj3fjMzSZk006P7j5Q==
-----END CERTIFICATE-----
"""
WORKED_311 = "80411da29bd70ef0fad0ab280729b248e137b7e94e226ea9d6cc2afd030d9828"


def test_tlsa_worked_example() -> None:
    cert = tm.load_chain(WORKED_EXAMPLE)[0]
    assert dr.tlsa_311(cert) == WORKED_311
    record = dr.tlsa_record(25, "mx.example.org", cert, "/etc/ssl/mx.crt")
    assert record.text() == f"_25._tcp.mx.example.org. IN TLSA 3 1 1 {WORKED_311}"


@pytest.mark.parametrize(
    "name", ["web.crt", "mx.crt", "mx2.crt", "wild.crt", "fullchain3.crt", "crlf.crt"]
)
def test_tlsa_equals_openssl(certs: pki.PKI, name: str) -> None:
    assert dr.tlsa_311(leaf(certs, name)) == pki.tlsa_by_openssl(certs.path(name))


def test_tlsa_same_key_same_value(certs: pki.PKI) -> None:
    # A renewal that keeps the key keeps the 3 1 1 value (tlsa.md section 5).
    assert dr.tlsa_311(leaf(certs, "mx.crt")) == dr.tlsa_311(leaf(certs, "mx2.crt"))
    assert dr.tlsa_311(leaf(certs, "mx.crt")) != dr.tlsa_311(leaf(certs, "web.crt"))


def test_tlsa_owner_names(certs: pki.PKI) -> None:
    cert = leaf(certs, "web.crt")
    assert dr.tlsa_record(443, "WWW.Example.org.", cert, "x").owner == "_443._tcp.www.example.org."
    assert dr.tlsa_record(25, "mx.example.org", cert, "x").owner == "_25._tcp.mx.example.org."


# -- DKIM ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dkim.key", "dkim.trad.key", "rsa.key"])
def test_dkim_p_equals_openssl(certs: pki.PKI, name: str) -> None:
    key = tm.load_private_key(certs.read(name))
    assert dr.dkim_value(key) == pki.dkim_p_by_openssl(certs.path(name))


def test_dkim_strings_split_at_255_bytes(certs: pki.PKI) -> None:
    key = tm.load_private_key(certs.read("dkim.key"))
    strings = dr.dkim_strings(key)
    p = pki.dkim_p_by_openssl(certs.path("dkim.key"))
    assert len(p) == 392  # RSA-2048: 294-byte SPKI (dkimproxy.md section 7.2)
    assert strings[0] == "v=DKIM1; k=rsa; "
    assert [len(s) for s in strings[1:]] == [255, 139]
    assert "".join(strings) == "v=DKIM1; k=rsa; p=" + p
    assert base64.b64decode(p)[:4] == bytes.fromhex("30820122")


def test_dkim_record_text(certs: pki.PKI) -> None:
    key = tm.load_private_key(certs.read("dkim.key"))
    p = pki.dkim_p_by_openssl(certs.path("dkim.key"))
    record = dr.dkim_record("Blackblock", "Example.ORG", key, "/etc/mail/dkim/private.key")
    value = "p=" + p
    assert record.text() == (
        'blackblock._domainkey.example.org. IN TXT ( "v=DKIM1; k=rsa; "\n'
        f'\t"{value[:255]}"\n'
        f'\t"{value[255:]}" )'
    )


def test_dkim_refuses_ec_keys(certs: pki.PKI) -> None:
    key = tm.load_private_key(certs.read("ec.key"))
    with pytest.raises(tm.MaterialError) as caught:
        dr.dkim_value(key)
    assert str(caught.value) == "DKIM key is EC secp256r1, not RSA: dkimproxy signs with RSA only"


def test_render_groups_records_by_source(certs: pki.PKI) -> None:
    web, mx = leaf(certs, "web.crt"), leaf(certs, "mx.crt")
    records = [
        dr.tlsa_record(443, "www.example.org", web, "/etc/ssl/web.crt"),
        dr.tlsa_record(443, "example.org", web, "/etc/ssl/web.crt"),
        dr.tlsa_record(25, "mx.example.org", mx, "/etc/ssl/mx.crt"),
    ]
    text = dr.render(records, ["DNS records for host.example.org", ""])
    w, m = dr.tlsa_311(web), dr.tlsa_311(mx)
    assert text == (
        "; DNS records for host.example.org\n"
        ";\n"
        "\n"
        "; TLSA 3 1 1 (DANE-EE, SPKI, SHA-256): public key of /etc/ssl/web.crt\n"
        f"_443._tcp.www.example.org. IN TLSA 3 1 1 {w}\n"
        f"_443._tcp.example.org. IN TLSA 3 1 1 {w}\n"
        "\n"
        "; TLSA 3 1 1 (DANE-EE, SPKI, SHA-256): public key of /etc/ssl/mx.crt\n"
        f"_25._tcp.mx.example.org. IN TLSA 3 1 1 {m}\n"
    )


def test_quote() -> None:
    assert dr.quote('a "b" \\c') == '"a \\"b\\" \\\\c"'


# -- zone excerpts ---------------------------------------------------------------------------

ZONE = """\
$ORIGIN example.org.
$TTL 3600
; the web site
_443._tcp.www   IN TLSA 3 1 1 ( 8cb0fc6c527506a053f4f14c8464bebb
                                d6dede2738d11468dd953d7d6a3021f1 )
                300 TLSA 2 1 1 AABB   ; second record, same owner
_443._tcp       3600 IN CNAME _tlsa
_tlsa           IN 60 TLSA DANE-EE SPKI SHA2-256 00ff
@               MX 10 mx
sel._domainkey  TXT ( "v=DKIM1; k=rsa; "
                      "p=AB\\"C" "D;E" ) ; comment (with parens)
abs.example.net. TYPE52 \\# 5 0301010aff
t2 IN TYPE16 \\# 7 02686903616263
"""


def test_parse_zone() -> None:
    records = dr.parse_zone(ZONE)
    assert [(r.owner, r.rtype, r.data, r.line) for r in records] == [
        ("_443._tcp.www.example.org.", "TLSA",
         ("3", "1", "1", "8cb0fc6c527506a053f4f14c8464bebb", "d6dede2738d11468dd953d7d6a3021f1"),
         4),
        ("_443._tcp.www.example.org.", "TLSA", ("2", "1", "1", "AABB"), 6),
        ("_443._tcp.example.org.", "CNAME", ("_tlsa.example.org.",), 7),
        ("_tlsa.example.org.", "TLSA", ("DANE-EE", "SPKI", "SHA2-256", "00ff"), 8),
        ("example.org.", "MX", ("10", "mx"), 9),
        ("sel._domainkey.example.org.", "TXT", ("v=DKIM1; k=rsa; ", 'p=AB"C', "D;E"), 10),
        ("abs.example.net.", "TLSA", ("3", "1", "1", "0aff"), 12),
        ("t2.example.org.", "TXT", ("hi", "abc"), 13),
    ]  # fmt: skip


def test_parse_zone_escapes_and_origin_changes() -> None:
    text = '$ORIGIN a.example.\nx TXT "\\065\\\\b"\n$ORIGIN sub\ny TXT plain\n'
    records = dr.parse_zone(text)
    assert [(r.owner, r.data) for r in records] == [
        ("x.a.example.", ("A\\b",)),
        ("y.sub.a.example.", ("plain",)),
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("www TXT x\n", 1,
         "relative name 'www' and no $ORIGIN: add a $ORIGIN line or end the name with '.'"),
        ("@ TXT x\n", 1, "'@' used and no $ORIGIN"),
        ("  TXT x\n", 1, "record without an owner name"),
        ("a. TXT ( x\n", 2, "'(' is never closed"),
        ("a. TXT x )\n", 1, "unbalanced ')'"),
        ('a. TXT "x\n\n', 1, "quoted string is never closed"),
        ("a. 3600 IN\n", 1, "record without a type"),
        ("$INCLUDE other.zone\n", 1, "unsupported directive $INCLUDE"),
        ("a. TYPE52 \\# 4 030101\n", 1, "generic rdata is 3 bytes, not 4"),
        ("a. TYPE52 \\# x\n", 1, "malformed generic rdata (\\# LENGTH HEX)"),
        ('a. TXT "\\300"\n', 1, "escape \\300 is not a byte"),
    ],
)  # fmt: skip
def test_parse_zone_errors(text: str, line: int, message: str) -> None:
    with pytest.raises(dr.ZoneError) as caught:
        dr.parse_zone(text)
    assert (caught.value.line, caught.value.message) == (line, message)


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (("3", "1", "1", "AB CD"), ("3", "1", "1", "abcd")),
        (("DANE-EE", "SPKI", "SHA2-256", "ab"), ("3", "1", "1", "ab")),
        (("03", "1", "1", "ab"), ("3", "1", "1", "ab")),
        (("3", "1", "1"), None),
        (("3", "1", "1", "xyz"), None),
        (("3", "1", "1", "abc"), None),
        (("x", "1", "1", "ab"), None),
    ],
)
def test_tlsa_key(data: tuple[str, ...], key: tuple[str, ...] | None) -> None:
    assert dr.tlsa_key(data) == key


def test_dkim_tags() -> None:
    assert dr.dkim_tags(["v=DKIM1; k=rsa; ", "p=AB CD", "\tEF; t=y"]) == {
        "v": "DKIM1", "k": "rsa", "p": "ABCDEF", "t": "y",
    }  # fmt: skip


# -- comparison ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def expected(certs: pki.PKI) -> list[dr.Record]:
    web, mx = leaf(certs, "web.crt"), leaf(certs, "mx.crt")
    key = tm.load_private_key(certs.read("dkim.key"))
    return [
        dr.tlsa_record(443, "www.example.org", web, "/etc/ssl/web.crt"),
        dr.tlsa_record(443, "example.org", web, "/etc/ssl/web.crt"),
        dr.tlsa_record(25, "mx.example.org", mx, "/etc/ssl/mx.crt"),
        dr.dkim_record("sel", "example.org", key, "/etc/mail/dkim.key"),
    ]


def published(expected: list[dr.Record]) -> str:
    """The expected records as an administrator would paste them, TTLs and case changed."""
    lines = ["$ORIGIN example.org.", "$TTL 3600"]
    for record in expected:
        text = record.text().replace(" IN ", " 300 IN ", 1)
        lines.append(text.upper() if record.rtype == "TLSA" else text)
    return "\n".join(lines) + "\n"


def test_compare_all_published(expected: list[dr.Record]) -> None:
    assert dr.compare(expected, dr.parse_zone(published(expected))) == []


def test_compare_with_rollover_record_and_cname(expected: list[dr.Record]) -> None:
    web = expected[0].data[3]
    zone = published(expected[2:]) + (
        "_443._tcp.www IN TLSA 3 1 1 " + "00" * 32 + "\n"  # the next key, pre-published
        f"_443._tcp.www IN TLSA 3 1 1 {web}\n"
        "_443._tcp IN CNAME _443._tcp.www\n"
    )
    assert dr.compare(expected, dr.parse_zone(zone)) == []


def test_compare_reports_new_key_missing_and_other_dkim(
    certs: pki.PKI, expected: list[dr.Record]
) -> None:
    old = dr.tlsa_311(leaf(certs, "other.crt"))
    other_p = dr.dkim_value(tm.load_private_key(certs.read("rsa.key")))
    zone = (
        "$ORIGIN example.org.\n"
        f"_443._tcp.www IN TLSA 3 1 1 {old}\n"
        f'sel._domainkey IN TXT "v=DKIM1; k=rsa; p={other_p}"\n'
        "_443._tcp IN CNAME gone\n"
    )
    web, mx = expected[0].data[3], expected[2].data[3]
    assert [(m.line, m.message) for m in dr.compare(expected, dr.parse_zone(zone))] == [
        (2, "TLSA at _443._tcp.www.example.org. does not match the key of /etc/ssl/web.crt: "
            f"published 3 1 1 {old}; expected 3 1 1 {web}"),
        (0, "no TLSA record at _443._tcp.example.org. (CNAME gone.example.org.); "
            f"expected 3 1 1 {web}"),
        (0, f"no TLSA record at _25._tcp.mx.example.org.; expected 3 1 1 {mx}"),
        (3, "DKIM key at sel._domainkey.example.org. is not the public key of "
            "/etc/mail/dkim.key"),
    ]  # fmt: skip


def test_compare_dkim_without_key_tag(expected: list[dr.Record]) -> None:
    zone = 'sel._domainkey.example.org. TXT "v=spf1 -all"\n'
    mismatches = dr.compare(expected[3:], dr.parse_zone(zone))
    assert [m.message for m in mismatches] == [
        "no DKIM key record (TXT with p=) at sel._domainkey.example.org."
    ]
