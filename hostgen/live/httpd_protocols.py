"""What libtls makes of a `tls protocols` value. Apart from the parse tree (httpd_ast), so that
the site rules, which check the value before anything renders, do not import the parser's
node classes (creating their dataclasses is a measurable part of `hostgen render`'s start-up,
benchmarks/bench_startup.py)."""

from __future__ import annotations

import re

#: libtls' protocol names and the versions they stand for (bit 1: TLS 1.0 ... bit 8: TLS 1.3).
_PROTOCOLS = {
    "tlsv1.0": 1, "tlsv1.1": 2, "tlsv1.2": 4, "tlsv1.3": 8,
    "tlsv1": 15, "all": 15, "legacy": 15, "default": 12, "secure": 12,
}


def protocol_bits(text: str | None) -> int | None:
    """The TLS versions a `tls protocols` value enables, as libtls reads it
    (tls_config_parse_protocols: items split at `,` or `:`, leading blanks skipped, `!`
    removes); None when libtls refuses the string. No statement means libtls' default."""
    if text is None:
        return _PROTOCOLS["default"]
    bits = 0
    for item in re.split("[,:]", text):
        item = item.lstrip(" \t")
        negate = item.startswith("!")
        if negate:
            item = item[1:]
            bits = bits or _PROTOCOLS["all"]
        value = _PROTOCOLS.get(item.lower(), 0)
        if not value:
            return None
        bits = bits & ~value if negate else bits | value
    return bits

