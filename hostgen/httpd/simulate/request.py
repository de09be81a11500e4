"""The request to simulate, and httpd's pre-processing of it (httpd-conf.md 3.2).

`request_from_url()` turns a URL into what a browser would send: the request target
(path and query, still percent-encoded), the Host header (the port only when it is not the
scheme's default) and the port and TLS flag of the connection. `prepare()` then does what
server_read_http() and server_response() do before any server or location is chosen.
"""

from __future__ import annotations

import re

from hostgen.errors import HostgenError
from hostgen.httpd.simulate.encoding import byte_length, canonicalize_path, strtonum, url_decode
from hostgen.live.records import record

MAX_HEADER = 8192        # SERVER_MAXHEADERLENGTH: request line and headers, CRLF excluded
HOST_NAME_MAX = 255      # hostname[HOST_NAME_MAX+1] of server_response()
DEFAULT_PORTS = {"http": 80, "https": 443}

# http.h HTTP_METHODS: what server_httpmethod_byname() knows; anything else is answered 400.
METHODS = frozenset((
    "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH", "PROPFIND",
    "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "VERSION-CONTROL", "REPORT",
    "CHECKOUT", "CHECKIN", "UNCHECKOUT", "MKWORKSPACE", "UPDATE", "LABEL", "MERGE",
    "BASELINE-CONTROL", "MKACTIVITY", "ORDERPATCH", "ACL", "MKREDIRECTREF", "UPDATEREDIRECTREF",
    "SEARCH", "RESPONSE",
))

_URL = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<authority>[^/?#]*)(?P<rest>.*)",
                  re.DOTALL)
# What a browser percent-encodes before sending a target: blanks, controls, non-ASCII. Written
# as the complement of printable ASCII: the same set as [\x00-\x20\x7f-\U0010ffff], whose
# range up to U+10FFFF took 7 ms to compile at every start.
_UNSENDABLE = re.compile(r"[^\x21-\x7e]")


class BadUrl(HostgenError):
    """The URL to simulate cannot be turned into a request (exit 2)."""


@record(slots=True)
class Request:
    """One HTTP request as it reaches httpd.

    `target` is the request target as sent (origin form, percent-encoded); `host` the Host
    header value as sent, None for no Host header (HTTP/1.0); `address` the local address the
    connection reaches, None when unknown ("this host"). The client's address and port only
    matter for $REMOTE_ADDR / $REMOTE_PORT."""

    target: str
    host: str | None
    port: int
    tls: bool
    method: str = "GET"
    version: str = "HTTP/1.1"
    address: str | None = None
    client: str = "192.0.2.100"
    client_port: int = 49152

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"


@record(eq=False, repr=False, slots=True)
class Prepared:
    """The request after pre-processing: decoded canonical path, raw query, parsed Host."""

    path: str               # decoded and canonical: what locations and %0 see
    raw_path: str           # as sent, before decoding (FastCGI REQUEST_URI)
    query: str | None       # as sent, still encoded; None without "?"
    hostname: str | None    # the Host header without its port; None without Host
    host_port: int | None   # the port the Host header names, None if it names none


def request_from_url(url: str, *, host: str | None = None, port: int | None = None,
                     method: str = "GET", address: str | None = None) -> Request:
    """`https://host[:port]/path?query` (the scheme picks port 443 and TLS, or 80), or a
    path with `host` (then http on port 80 unless `port` says otherwise). `host` always
    replaces the Host header, so odd Host values can be tried with any URL; `port` the port
    connected to. The fragment is dropped, as a browser does."""
    found = _URL.fullmatch(url)
    if found is None:
        if not url.startswith("/"):
            raise BadUrl(f'"{url}" is neither an http(s) URL nor an absolute path')
        if host is None:
            raise BadUrl("a path needs --host to say which Host header to send")
        tls = port == 443
        return _request(url, host, port or 80, tls, method, address)
    scheme = found["scheme"].lower()
    if scheme not in DEFAULT_PORTS:
        raise BadUrl(f'unsupported scheme "{scheme}" (http or https)')
    name, given = _authority(found["authority"])
    target = found["rest"] or "/"
    if target.startswith("?"):
        target = "/" + target
    default = given is None or given == DEFAULT_PORTS[scheme]
    header = name if default else f"{name}:{given}"
    connect = port or given or DEFAULT_PORTS[scheme]
    return _request(target, header if host is None else host, connect, scheme == "https",
                    method, address)


def _authority(authority: str) -> tuple[str, int | None]:
    authority = authority.rpartition("@")[2]
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            raise BadUrl(f'unterminated IPv6 address in "{authority}"')
        name, rest = authority[: close + 1], authority[close + 1 :]
    else:
        name, colon, rest = authority.partition(":")
        rest = colon + rest
    if not name:
        raise BadUrl("the URL has no host")
    if not rest:
        return name, None
    digits = rest[1:]
    if not rest.startswith(":") or not digits.isdigit() or not 0 < int(digits) < 65536:
        raise BadUrl(f'invalid port in "{authority}"')
    return name, int(digits)


def _request(target: str, host: str, port: int, tls: bool, method: str,
             address: str | None) -> Request:
    if not 0 < port < 65536:
        raise BadUrl(f"invalid port {port}")
    target = target.partition("#")[0]
    target = _UNSENDABLE.sub(lambda m: "".join(f"%{b:02X}" for b in m[0].encode()), target)
    return Request(target, host, port, tls, method.upper(), "HTTP/1.1", address)


def prepare(request: Request) -> Prepared | int:
    """Pre-processing (server_read_http, server_response): the prepared request, or the status
    httpd answers with before choosing any location (400, 405, 413)."""
    header = len(request.method) + 1 + byte_length(request.target) + 1 + len(request.version)
    if request.host is not None:
        header += len("Host: ") + byte_length(request.host)
    if header > MAX_HEADER:
        return 413
    if request.method not in METHODS or " " in request.target:
        return 400
    if request.method == "TRACE":
        return 405
    raw_path, mark, query = request.target.partition("?")
    decoded = url_decode(raw_path)
    path = canonicalize_path(decoded) if decoded is not None else None
    if path is None:
        return 400
    if request.host is None:
        if request.version == "HTTP/1.1":
            return 400
        return Prepared(path, raw_path, query if mark else None, None, None)
    parsed = parse_host(request.host.lstrip(" \t\r\n"))  # as the header parser skips them
    if parsed is None:
        return 400
    return Prepared(path, raw_path, query if mark else None, parsed[0], parsed[1])


def parse_host(value: str) -> tuple[str, int | None] | None:
    """server_http_parsehost(): `[v6]`, `[v6]:port`, `name`, `name:port`; None -> 400."""
    value = value.partition("\0")[0]
    if byte_length(value) > HOST_NAME_MAX:
        return None
    port: str | None
    if value.startswith("[") and "]" in value:
        name, _, rest = value[1:].partition("]")
        colon = rest.find(":")
        port = rest[colon + 1 :] if colon >= 0 else None
    else:
        name, colon_mark, rest = value.partition(":")
        port = rest if colon_mark else None
    if port is None:
        return name, None
    number = strtonum(port, 0, 0xFFFF)
    return None if number is None else (name, number)
