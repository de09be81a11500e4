"""The DNS records the host needs (TLSA 3 1 1, DKIM TXT), and their comparison with a zone excerpt.

Pure: certificates and keys come in as `cryptography` objects, zone text as a string. Reading the
files named by site.yaml is the caller's business (`hostgen.commands.dns`).

Facts: tlsa.md (RFC 6698, 7671, 7672) and dkimproxy.md section 7 (RFC 6376).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from hostgen.tls.tlsmaterial import MaterialError, is_rsa, key_description, spki_der

# A DNS <character-string> is one length byte and at most 255 bytes (RFC 1035 section 3.3).
MAX_STRING = 255
DKIM_PREFIX = "v=DKIM1; k=rsa; "
MSG_DKIM_NOT_RSA = "DKIM key is {kind}, not RSA: dkimproxy signs with RSA only"


@dataclass(frozen=True)
class Record:
    """One expected record. `data`: TLSA fields, or the TXT character-strings (unquoted)."""

    owner: str  # absolute, lower case, final dot
    rtype: str  # "TLSA" or "TXT"
    data: tuple[str, ...]
    source: str  # host path of the file it was computed from

    def text(self) -> str:
        """The record in zone-file syntax (no TTL: the zone's $TTL applies)."""
        head = f"{self.owner} IN {self.rtype}"
        if self.rtype != "TXT":
            return f"{head} {' '.join(self.data)}"
        quoted = [quote(piece) for piece in self.data]
        return f"{head} ( " + "\n\t".join(quoted) + " )"


# -- expected records ------------------------------------------------------------------------


def tlsa_311(cert: x509.Certificate) -> str:
    """`3 1 1` association data: SHA-256 of the certificate's DER SubjectPublicKeyInfo, in lower
    case hex (as `openssl dgst -sha256` prints it and tlsa.md section 4 writes it; the
    presentation format is case-insensitive, RFC 6698 section 2.2)."""
    return hashlib.sha256(spki_der(cert.public_key())).hexdigest()


def absolute(name: str) -> str:
    """Lower case, exactly one final dot."""
    return name.strip().rstrip(".").lower() + "."


def canonical(owner: str) -> tuple[str, ...]:
    """The sort key of an owner name in canonical DNS order (RFC 4034 section 6.1): labels
    compared from the root down, case-insensitively; `example.org.` before `a.example.org.`."""
    return tuple(reversed(owner.lower().rstrip(".").split(".")))


def tlsa_record(port: int, host: str, cert: x509.Certificate, source: str) -> Record:
    """DANE-EE SPKI SHA2-256 for `host` on TCP `port`: the usage mail needs (RFC 7672 section
    3.1: usages 0 and 1 are unusable for SMTP) and the one that survives renewals that keep the
    key (tlsa.md section 3)."""
    return Record(f"_{port}._tcp.{absolute(host)}", "TLSA", ("3", "1", "1", tlsa_311(cert)), source)


def dkim_value(key: PrivateKeyTypes) -> str:
    """Base64 of the DER SubjectPublicKeyInfo: the `p=` value (dkimproxy.md section 7.2)."""
    public = key.public_key()
    if not is_rsa(public):
        raise MaterialError(MSG_DKIM_NOT_RSA.format(kind=key_description(public)))
    return base64.b64encode(spki_der(public)).decode("ascii")


def dkim_strings(key: PrivateKeyTypes) -> tuple[str, ...]:
    """`v=DKIM1; k=rsa; ` then `p=...` cut into strings of at most 255 bytes; verifiers join
    the strings of one TXT record without separators (RFC 6376 section 3.6.2.2)."""
    value = "p=" + dkim_value(key)
    pieces = [value[i : i + MAX_STRING] for i in range(0, len(value), MAX_STRING)]
    return (DKIM_PREFIX, *pieces)


def dkim_record(selector: str, domain: str, key: PrivateKeyTypes, source: str) -> Record:
    owner = f"{selector.lower()}._domainkey.{absolute(domain)}"
    return Record(owner, "TXT", dkim_strings(key), source)


def quote(text: str) -> str:
    """A zone-file quoted string (RFC 1035 section 5.1: backslash escapes `"` and itself)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def render(records: Iterable[Record], header: Iterable[str] = ()) -> str:
    """Zone text: header comment lines, then the records, each group of records from one file
    under a `;` comment naming that file."""
    lines = [f"; {line}" if line else ";" for line in header]
    previous: tuple[str, str] | None = None
    for record in records:
        group = (record.rtype, record.source)
        if group != previous:
            lines.append("")
            lines.append(f"; {_describe(record)} of {record.source}")
            previous = group
        lines.append(record.text())
    return "\n".join(lines).lstrip("\n") + "\n"


def _describe(record: Record) -> str:
    if record.rtype == "TLSA":
        return "TLSA 3 1 1 (DANE-EE, SPKI, SHA-256): public key"
    return "DKIM: public key"


# -- zone excerpts ---------------------------------------------------------------------------


class ZoneError(ValueError):
    """A zone excerpt that cannot be read; `line` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"{line}: {message}")
        self.line = line
        self.message = message


@dataclass(frozen=True)
class ZoneRecord:
    owner: str  # absolute, lower case
    rtype: str  # upper case; TYPE52 is given as TLSA, TYPE16 as TXT
    data: tuple[str, ...]  # rdata fields; for TXT the decoded character-strings
    line: int


@dataclass(frozen=True)
class _Token:
    raw: str
    text: str  # escapes decoded
    quoted: bool


@dataclass(frozen=True)
class _Entry:
    line: int
    blank_owner: bool
    tokens: list[_Token]


_CLASSES = {"IN", "CH", "HS", "CS"}
_TTL = re.compile(r"^(\d+[smhdw]?)+$", re.IGNORECASE)
_GENERIC = {"TYPE52": "TLSA", "TYPE16": "TXT", "TYPE5": "CNAME"}


def _entries(text: str) -> Iterator[_Entry]:
    """RFC 1035 section 5.1 lexing: `;` comments, `( )` spanning lines, quoted strings, escapes."""
    line, depth = 1, 0
    tokens: list[_Token] = []
    start, blank = 1, False
    at_line_start = True
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if at_line_start and depth == 0:
            start, blank, at_line_start = line, char in " \t", False
        if char == "\n":
            line += 1
            i += 1
            if depth == 0:
                if tokens:
                    yield _Entry(start, blank, tokens)
                tokens, at_line_start = [], True
            continue
        if char in " \t\r":
            i += 1
        elif char == ";":
            while i < n and text[i] != "\n":
                i += 1
        elif char in "()":
            depth += 1 if char == "(" else -1
            if depth < 0:
                raise ZoneError(line, "unbalanced ')'")
            i += 1
        elif char == '"':
            end = _string_end(text, i + 1, line)
            tokens.append(_Token(text[i : end + 1], _unescape(text[i + 1 : end], line), True))
            line += text.count("\n", i, end)
            i = end + 1
        else:
            end = i
            while end < n and text[end] not in ' \t\r\n;()"':
                end += 2 if text[end] == "\\" else 1
            raw = text[i:end]
            tokens.append(_Token(raw, _unescape(raw, line), False))
            i = end
    if depth:
        raise ZoneError(line, "'(' is never closed")
    if tokens:
        yield _Entry(start, blank, tokens)


def _string_end(text: str, i: int, line: int) -> int:
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] == '"':
            return i
        else:
            i += 1
    raise ZoneError(line, "quoted string is never closed")


def _unescape(raw: str, line: int) -> str:
    """`\\X` is X; `\\DDD` is the byte DDD (RFC 1035 section 5.1)."""
    out, i = [], 0
    while i < len(raw):
        if raw[i] != "\\":
            out.append(raw[i])
            i += 1
        elif raw[i + 1 : i + 4].isdigit() and len(raw[i + 1 : i + 4]) == 3:
            value = int(raw[i + 1 : i + 4])
            if value > 255:
                raise ZoneError(line, f"escape \\{raw[i + 1 : i + 4]} is not a byte")
            out.append(chr(value))
            i += 4
        else:
            out.append(raw[i + 1 : i + 2])
            i += 2
    return "".join(out)


def parse_zone(text: str) -> list[ZoneRecord]:
    """The records of a zone excerpt: owner (or blank: the previous owner), optional TTL and
    class in either order, type, rdata. `$ORIGIN` and `$TTL` are understood; `@` is the origin.
    A relative name needs a `$ORIGIN` before it."""
    records: list[ZoneRecord] = []
    origin: str | None = None
    owner: str | None = None
    for entry in _entries(text):
        first = entry.tokens[0]
        if not entry.blank_owner and first.raw.startswith("$"):
            origin = _directive(entry, origin)
            continue
        tokens = entry.tokens
        if entry.blank_owner:
            if owner is None:
                raise ZoneError(entry.line, "record without an owner name")
        else:
            owner = _name(first.text, origin, entry.line)
            tokens = tokens[1:]
        records.append(_record(owner, tokens, origin, entry.line))
    return records


def _directive(entry: _Entry, origin: str | None) -> str | None:
    word = entry.tokens[0].raw.upper()
    args = entry.tokens[1:]
    if word == "$ORIGIN" and len(args) == 1:
        return _name(args[0].text, origin, entry.line)
    if word == "$TTL" and len(args) == 1:
        return origin
    raise ZoneError(entry.line, f"unsupported directive {entry.tokens[0].raw}")


def _name(name: str, origin: str | None, line: int) -> str:
    if name == "@":
        if origin is None:
            raise ZoneError(line, "'@' used and no $ORIGIN")
        return origin
    if name.endswith("."):
        return name.lower()
    if origin is None:
        raise ZoneError(
            line,
            f"relative name {name!r} and no $ORIGIN: add a $ORIGIN line or end the name with '.'",
        )
    return f"{name.lower()}.{origin}" if origin != "." else f"{name.lower()}."


def _record(owner: str, tokens: list[_Token], origin: str | None, line: int) -> ZoneRecord:
    rest = list(tokens)
    for _ in range(2):
        if rest and not rest[0].quoted and (
            _TTL.match(rest[0].raw) or rest[0].raw.upper() in _CLASSES
        ):
            rest.pop(0)
    if not rest:
        raise ZoneError(line, "record without a type")
    rtype = rest[0].raw.upper()
    rdata = rest[1:]
    if rdata and rdata[0].raw == "\\#":
        return ZoneRecord(owner, _GENERIC.get(rtype, rtype), _generic(rtype, rdata, line), line)
    if rtype == "TXT":
        return ZoneRecord(owner, rtype, tuple(token.text for token in rdata), line)
    if rtype == "CNAME" and len(rdata) == 1:
        return ZoneRecord(owner, rtype, (_name(rdata[0].text, origin, line),), line)
    return ZoneRecord(owner, rtype, tuple(token.text for token in rdata), line)


def _generic(rtype: str, rdata: list[_Token], line: int) -> tuple[str, ...]:
    """RFC 3597 `\\# LENGTH HEX` rdata, decoded for TLSA and TXT (tlsa.md section 3)."""
    try:
        length = int(rdata[1].raw)
        data = bytes.fromhex("".join(token.raw for token in rdata[2:]))
    except (IndexError, ValueError):
        raise ZoneError(line, "malformed generic rdata (\\# LENGTH HEX)") from None
    if len(data) != length:
        raise ZoneError(line, f"generic rdata is {len(data)} bytes, not {length}")
    kind = _GENERIC.get(rtype, rtype)
    if kind == "TLSA" and length >= 3:
        return (str(data[0]), str(data[1]), str(data[2]), data[3:].hex())
    if kind == "TXT":
        strings, i = [], 0
        while i < len(data):
            strings.append(data[i + 1 : i + 1 + data[i]].decode("latin-1"))
            i += 1 + data[i]
        return tuple(strings)
    return (data.hex(),)


# -- comparison ------------------------------------------------------------------------------

# RFC 7218 acronyms, which some tools write in place of the numbers.
_ACRONYMS = {
    "PKIX-TA": "0", "PKIX-EE": "1", "DANE-TA": "2", "DANE-EE": "3", "PRIVCERT": "255",
    "CERT": "0", "SPKI": "1", "PRIVSEL": "255",
    "FULL": "0", "SHA2-256": "1", "SHA2-512": "2", "PRIVMATCH": "255",
}  # fmt: skip


@dataclass(frozen=True)
class Mismatch:
    """An expected record that the excerpt does not publish. `line`: the published record at
    that owner that differs (0 when there is none)."""

    record: Record
    line: int
    message: str


def tlsa_key(data: Iterable[str]) -> tuple[str, ...] | None:
    """Canonical TLSA rdata: numbers as decimal, association data as lower-case hex without
    blanks (RFC 6698 section 2.2 allows blanks inside the hex); None when malformed."""
    fields = list(data)
    if len(fields) < 4:
        return None
    numbers = [_ACRONYMS.get(field.upper(), field) for field in fields[:3]]
    if not all(number.isdigit() for number in numbers):
        return None
    hexdata = re.sub(r"\s+", "", "".join(fields[3:])).lower()
    if not re.fullmatch(r"[0-9a-f]*", hexdata) or len(hexdata) % 2:
        return None
    return (*(str(int(number)) for number in numbers), hexdata)


def dkim_tags(strings: Iterable[str]) -> dict[str, str]:
    """Tag list of a DKIM key record (RFC 6376 section 3.2); whitespace inside values removed,
    which is right for p= (base64 may be folded) and harmless for the short tags."""
    tags: dict[str, str] = {}
    for part in "".join(strings).split(";"):
        name, sep, value = part.partition("=")
        if sep:
            tags[name.strip()] = re.sub(r"\s+", "", value)
    return tags


def compare(expected: Iterable[Record], published: list[ZoneRecord]) -> list[Mismatch]:
    """Every expected record absent from `published`. Extra records at the same owner are fine:
    a TLSA RRset matches when any record does (tlsa.md section 2), which is how the next key
    is pre-published during a roll-over."""
    by_owner: dict[str, list[ZoneRecord]] = {}
    for record in published:
        by_owner.setdefault(record.owner, []).append(record)
    return [m for record in expected if (m := _check(record, by_owner)) is not None]


def _check(record: Record, by_owner: dict[str, list[ZoneRecord]]) -> Mismatch | None:
    owner, hops = record.owner, 0
    rrset = [r for r in by_owner.get(owner, []) if r.rtype == record.rtype]
    while not rrset and hops < 8:
        cname = [r for r in by_owner.get(owner, []) if r.rtype == "CNAME"]
        if not cname:
            break
        owner, hops = cname[0].data[0], hops + 1
        rrset = [r for r in by_owner.get(owner, []) if r.rtype == record.rtype]
    where = record.owner if owner == record.owner else f"{record.owner} (CNAME {owner})"
    if record.rtype == "TLSA":
        return _check_tlsa(record, rrset, where)
    return _check_dkim(record, rrset, where)


def _check_tlsa(record: Record, rrset: list[ZoneRecord], where: str) -> Mismatch | None:
    wanted = tlsa_key(record.data)
    if any(tlsa_key(r.data) == wanted for r in rrset):
        return None
    expected = " ".join(record.data)
    if not rrset:
        return Mismatch(record, 0, f"no TLSA record at {where}; expected {expected}")
    shown = ", ".join(" ".join(r.data) for r in rrset)
    return Mismatch(
        record,
        rrset[0].line,
        f"TLSA at {where} does not match the key of {record.source}: "
        f"published {shown}; expected {expected}",
    )


def _check_dkim(record: Record, rrset: list[ZoneRecord], where: str) -> Mismatch | None:
    wanted = dkim_tags(record.data)["p"]
    keys = [r for r in rrset if "p" in dkim_tags(r.data)]
    if any(dkim_tags(r.data)["p"] == wanted and _rsa(r) for r in keys):
        return None
    if not keys:
        return Mismatch(record, 0, f"no DKIM key record (TXT with p=) at {where}")
    return Mismatch(
        record,
        keys[0].line,
        f"DKIM key at {where} is not the public key of {record.source}",
    )


def _rsa(record: ZoneRecord) -> bool:
    return dkim_tags(record.data).get("k", "rsa").lower() == "rsa"
