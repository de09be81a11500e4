"""httpd's string helpers: url_decode, url_encode, canonicalize_path (httpd.c) and
server_root_strip (server_http.c), plus strtonum(3) as httpd uses it.

Strings are Python `str` holding the request's bytes as UTF-8 with `surrogateescape`, the
convention of hostgen.httpd.patterns and hostgen.httpd.globs, so any byte sequence survives a
round trip and lengths are counted in bytes where httpd counts them.
"""

from __future__ import annotations

import re

PATH_MAX = 1024  # the path[PATH_MAX] buffers of server_response() and server_file()

_HEX = frozenset(b"0123456789abcdefABCDEF")
# url_encode() escapes space " # % & < ? and bytes <= 0x1f or >= 0x7f, nothing else (httpd.c)
_UNSAFE = re.compile(r'[^\x21\x24\x27-\x3b\x3d\x3e\x40-\x7e]')
_NUMBER = re.compile(r"[ \t\n\v\f\r]*[+-]?[0-9]+")


def to_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def from_bytes(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def byte_length(text: str) -> int:
    return len(text) if text.isascii() else len(to_bytes(text))


def url_encode(text: str) -> str:
    """`%XX` (upper-case hex) for space, `"`, `#`, `%`, `&`, `<`, `?` and control or non-ASCII
    bytes; everything else, `/` `:` `=` `+` `$` `'` `>` included, is copied."""
    if not _UNSAFE.search(text):
        return text
    out = []
    for byte in to_bytes(text):
        char = chr(byte)
        out.append(char if byte < 0x80 and not _UNSAFE.match(char) else f"%{byte:02X}")
    return "".join(out)


def url_decode(text: str) -> str | None:
    """Decode `%XX`; None when a `%` is not followed by two hex digits (httpd answers 400).

    `+` stays a plus. A decoded NUL ends the C string, so the path is cut there."""
    if "%" not in text:
        return text
    data = to_bytes(text)
    out = bytearray()
    i, end = 0, len(data)
    while i < end:
        byte = data[i]
        if byte == 0x25:  # '%'
            if i + 2 >= end or data[i + 1] not in _HEX or data[i + 2] not in _HEX:
                return None
            byte = int(data[i + 1 : i + 3], 16)
            i += 2
        out.append(byte)
        i += 1
    nul = out.find(0)
    return from_bytes(bytes(out if nul < 0 else out[:nul]))


def canonicalize_path(path: str, size: int = PATH_MAX) -> str | None:
    """canonicalize_path(): runs of `/` collapse, `/./` goes, `/../` removes the previous
    segment (never above `/`). None when the path does not start with `/` or the result does
    not fit a buffer of `size` bytes (httpd answers 400)."""
    if not path.startswith("/"):
        return None
    data = to_bytes(path)
    if len(data) < size and b"//" not in data and b"/." not in data:
        return path  # already canonical: the common case
    out = bytearray()
    i, n, last = 0, len(data), size - 1
    while i < n:
        if len(out) >= last:
            return None
        if data[i] == 0x2F:  # '/'
            nxt = data[i + 1 : i + 4]
            if nxt[:1] == b"/":
                i += 1
                continue
            if nxt[:2] == b".." and nxt[2:3] in (b"/", b""):
                i += 3
                cut = out.rfind(b"/")
                del out[max(cut, 0):]
                continue
            if nxt[:1] == b"." and nxt[1:2] in (b"/", b""):
                i += 2
                continue
        out.append(data[i])
        i += 1
    return from_bytes(bytes(out)) if out else "/"


def root_strip(path: str, count: int) -> str:
    """server_root_strip(): drop `count` leading components; the leading `/` of what remains is
    kept, and stripping more components than there are leaves ""."""
    for _ in range(count):
        if not path:
            break
        cut = path.find("/", 1)
        path = "" if cut < 0 else path[cut:]
    return path


def strtonum(text: str, low: int, high: int) -> int | None:
    """strtonum(3): an optionally signed decimal after optional white space, nothing after it,
    within [low, high]; None otherwise."""
    if not _NUMBER.fullmatch(text):
        return None
    value = int(text.strip())
    return value if low <= value <= high else None
