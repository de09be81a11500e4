"""One quoting function per target format, each used as a jinja filter.

Each refuses what it cannot write safely (the model refuses such values earlier, with a
position; reaching UnsafeValue here means a template passed something unchecked).
"""

from __future__ import annotations

import re

from hostgen.errors import HostgenError
from hostgen.live.httpd_keywords import KEYWORD_SINCE

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# Every word that is a keyword in some release (httpd-conf.md 1.7, 5.3), from the one table the
# live parser reads, plus 5.6's `ssl`: such a word written bare is a keyword, never a value.
HTTPD_KEYWORDS = frozenset(KEYWORD_SINCE) | {"ssl"}
_BARE = re.compile(r"[A-Za-z0-9_:*][A-Za-z0-9._:*%@+?^~|&\[\]-]*")


class UnsafeValue(HostgenError):
    """A value that cannot be written into its target format without changing its meaning."""


def httpd_quote(value: object) -> str:
    """A double-quoted httpd.conf string (httpd-conf.md 1.9): control bytes and backslashes
    refused, `"` escaped as `\\"`; `$` and `#` are plain characters inside quotes.

    A 1000-vhost httpd.conf quotes some 20,000 values: `isprintable()` (false for every
    control byte) spares the regular expression for nearly all of them, and most have no `"`
    to escape."""
    text = str(value)
    if "\\" in text or (not text.isprintable() and _CONTROL.search(text)):
        raise UnsafeValue(f"cannot quote {text!r} for httpd.conf")
    return f'"{text}"' if '"' not in text else '"' + text.replace('"', '\\"') + '"'


def httpd_option_list(items: list[str]) -> str:
    """An option list (httpd-conf.md 2.1): one item as it is, several in braces separated by
    commas (`directory { index "x.html", auto index }`). The items are already written (their
    values quoted); an empty list, a syntax error for httpd, is refused."""
    if not items:
        raise UnsafeValue("cannot write an empty option list for httpd.conf")
    return items[0] if len(items) == 1 else "{ " + ", ".join(items) + " }"


def httpd_word(value: object) -> str:
    """A bare word where it is safe and not a keyword in any release, else a quoted string."""
    text = str(value)
    if _BARE.fullmatch(text) and text not in HTTPD_KEYWORDS and not text[0].isdigit():
        return text
    return httpd_quote(text)


def httpd_mime(value: object) -> str:
    """`TYPE/SUBTYPE` of `default type` and `types` lines: two words (httpd-conf.md 2.3)."""
    kind, _, sub = str(value).partition("/")
    if not kind or not sub:
        raise UnsafeValue(f"cannot write {value!r} as a media type")
    return f"{httpd_word(kind)}/{httpd_word(sub)}"


def shell_arg(value: object) -> str:
    """An argument in rc.conf.local's `spamd_flags=` line: cut at `#` by rc.subr, then split by
    /bin/sh (spamd.md 6.2). Words with blanks are double-quoted; metacharacters are refused."""
    text = str(value)
    if _CONTROL.search(text) or set(text) & set("#$`;&|<>\\\"'"):
        raise UnsafeValue(f"cannot pass {text!r} safely in rc.conf.local")
    return f'"{text}"' if (" " in text or not text) else text


def plain_value(value: object) -> str:
    """A value of dkimproxy_out.conf or resolv.conf: one run of non-blank characters, no `#`,
    no `;` (a resolv.conf comment), no `%` (Net::Server decodes %XX)."""
    text = str(value)
    if not text or _CONTROL.search(text) or set(text) & set(" #;%\\"):
        raise UnsafeValue(f"cannot write {text!r} as a single configuration word")
    return text


def resolv_value(value: object) -> str:
    """A word of resolv.conf: asr splits at blanks and cuts at `#` or `;` (resolv-conf.md 1);
    `%` is fine there (a scoped address such as fe80::1%em0)."""
    text = str(value)
    if not text or _CONTROL.search(text) or set(text) & set(" #;\\"):
        raise UnsafeValue(f"cannot write {text!r} as a resolv.conf word")
    return text


def smtpd_quote(value: object) -> str:
    """A double-quoted smtpd.conf string (smtpd-conf.md 1.4.3, 5.1): `"` escaped as `\\"`;
    control bytes (a newline inside quotes is silently dropped) and backslashes (a trailing one
    escapes the closing quote) refused. `#`, `$`, `{`, `<` are plain characters inside quotes.
    The same lexer family reads acme-client.conf (acme-client-conf.md 1.1)."""
    text = str(value)
    if not text or _CONTROL.search(text) or "\\" in text or len(text.encode()) > 8000:
        raise UnsafeValue(f"cannot quote {text!r} for smtpd.conf")
    return '"' + text.replace('"', '\\"') + '"'


FILTERS = {
    "q": httpd_quote,
    "word": httpd_word,
    "mime": httpd_mime,
    "option_list": httpd_option_list,
    "sh": shell_arg,
    "plain": plain_value,
    "resolv": resolv_value,
    "smtpd": smtpd_quote,
}
