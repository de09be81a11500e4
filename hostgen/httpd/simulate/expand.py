"""server_expand_http(): `%N` captures, then the `$` macros, in httpd's fixed order
(httpd-conf.md 3.8).

Every step is a plain substring replacement over the whole string built so far, so text
produced by one step can be rewritten by a later one, and `%1` also rewrites the start of a
later `%12`. Expansion fails (None) for a capture index beyond the captures, a result that
does not fit httpd's buffer, or `$HTTP_HOST` with no host; the caller turns that into a closed
connection (block return) or a 400 (rewrite).
"""

from __future__ import annotations

from hostgen.httpd.simulate.encoding import byte_length, url_encode
from hostgen.live.records import record

BLOCK_SIZE = 65535    # IBUF_READ_SIZE: the Location header buffer of server_abort_http()
REWRITE_SIZE = 1024   # PATH_MAX: the rewrite buffer of server_response()
_IBUF = 128           # "%" + digits must fit ibuf[128]
_DIGITS = frozenset("0123456789")


@record(eq=False, repr=False, slots=True)
class Context:
    """What the macros expand to for one request."""

    captures: tuple[str, ...] | None   # of the last `match` attempt, None if it failed
    path: str                          # decoded canonical request path (not the rewritten one)
    query: str | None                  # as received
    http_host: str | None
    server_name: str
    server_addr: str
    server_port: int
    tls: bool
    remote_addr: str
    remote_port: int


def expand(template: str, ctx: Context, size: int) -> str | None:
    """The expanded string, or None where httpd's expansion fails."""
    if byte_length(template) >= size:
        return None
    text: str | None = template
    if ctx.captures:
        text = _captures(template, ctx.captures, size)
    for name, value in _macros(template, ctx):
        if text is None:
            return None
        if value is None:
            return None
        replaced = _replace(text, name, value, size)
        if replaced is None and name == "$HTTP_HOST":
            continue  # server_expand_http() ignores this one failure and goes on
        text = replaced
    return text


def _captures(template: str, captures: tuple[str, ...], size: int) -> str | None:
    text: str | None = template
    position = template.find("%")
    while position >= 0 and text is not None:
        end = position + 1
        while end < len(template) and template[end] in _DIGITS:
            end += 1
        if end > position + 1:
            digits = template[position + 1 : end]
            if len(digits) + 2 >= _IBUF or int(digits) >= len(captures):
                return None
            text = _replace(text, "%" + digits, url_encode(captures[int(digits)]), size)
        position = template.find("%", position + 1)
    return text


def _replace(text: str, name: str, value: str, size: int) -> str | None:
    result = text.replace(name, value)
    return result if byte_length(result) < size else None


def _macros(template: str, ctx: Context) -> list[tuple[str, str | None]]:
    """(macro, value) in server_expand_http()'s order, for the macros `template` names.
    A value of None makes the expansion fail."""
    if "$" not in template:
        return []
    query = ctx.query
    path = url_encode(ctx.path)
    table: list[tuple[str, str | None]] = [
        ("$DOCUMENT_URI", path),
        ("$QUERY_STRING_ENC", "" if query is None else url_encode(query)),
        ("$QUERY_STRING", "" if query is None else query),
        ("$HTTP_HOST", None if ctx.http_host is None else url_encode(ctx.http_host)),
        ("$REMOTE_ADDR", ctx.remote_addr),
        ("$REMOTE_PORT", str(ctx.remote_port)),
        ("$REMOTE_USER", ""),   # authentication runs later: always empty (3.6)
        ("$REQUEST_URI", path if query is None else f"{path}?{query}"),
        ("$REQUEST_SCHEME", "https" if ctx.tls else "http"),
        ("$SERVER_ADDR", ctx.server_addr),
        ("$SERVER_PORT", str(ctx.server_port)),
        ("$SERVER_NAME", url_encode(ctx.server_name)),
    ]
    return [(name, value) for name, value in table if name in template]
