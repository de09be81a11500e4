"""Constrained value types shared by the whole model (after copier's `_types.py`).

Every string that reaches a configuration file passes through one of these, so that a value
that could break out of its quoting is refused here, with a position, before anything renders.
The renderers' quoting filters check again (hostgen.render.quoting) and never see such a value.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_CHARACTERS = "control characters (newline, tab, ...) are not allowed here"
HTTPD_BACKSLASH = "a backslash cannot be written safely in httpd.conf (httpd-conf.md 1.9)"
SMTPD_BACKSLASH = "a backslash cannot be written safely in smtpd.conf (smtpd-conf.md 5.1)"
# Values no quoting carries through (an importer leaves them out rather than write them).
UNWRITABLE = frozenset({CONTROL_CHARACTERS, HTTPD_BACKSLASH, SMTPD_BACKSLASH})


def fail(message: str) -> PydanticCustomError:
    """A validation error whose text is exactly `message` (no pydantic prefix)."""
    return PydanticCustomError("hostgen", message)


def _httpd_text(value: str) -> str:
    # reference/httpd-conf.md 1.9: control bytes and backslashes cannot be quoted safely.
    if _CONTROL.search(value):
        raise fail(CONTROL_CHARACTERS)
    if "\\" in value:
        raise fail(HTTPD_BACKSLASH)
    return value


def _smtpd_text(value: str) -> str:
    # smtpd-conf.md 1.4.3 and 5.1: a newline inside quotes is dropped, a backslash before the
    # closing quote escapes it; acme-client.conf has the same lexer (acme-client-conf.md 1.1).
    if _CONTROL.search(value):
        raise fail(CONTROL_CHARACTERS)
    if "\\" in value:
        raise fail(SMTPD_BACKSLASH)
    if not value:
        raise fail("must not be empty")
    return value


def _nonempty(value: str) -> str:
    if not value:
        raise fail("must not be empty")
    return value


def _abs_path(value: str) -> str:
    if not value.startswith("/"):
        raise fail(f'expected an absolute path starting with "/", got "{value}"')
    if any(part in (".", "..") for part in value.split("/")):
        raise fail(f'"." and ".." are not allowed in paths, got "{value}"')
    return value


def _shell_word(value: str) -> str:
    # rc.conf.local values are cut at "#" and then run through /bin/sh (spamd.md 6.2);
    # dkimproxy values end at the first blank and turn "%XX" into bytes (dkimproxy.md 2).
    bad = sorted(set(value) & set(" \t#$`;&|<>\"'\\()*?[]{}~!%=,"))
    if bad:
        shown = " ".join(repr(c) for c in bad)
        raise fail(f"character(s) {shown} cannot be passed safely on a daemon command line")
    return value


def _host_name(value: str) -> str:
    if len(value.encode()) > 255:
        raise fail("a server name is at most 255 bytes (httpd: server name truncated)")
    if re.search(r"\s", value):
        raise fail("a server name cannot contain blanks")
    return value


def _material_name(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", value):
        raise fail("a name of lower-case letters, digits, '-' and '_' is expected "
                   "(it becomes part of a file name)")
    return value


def _domain(value: str) -> str:
    label = r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)"
    if not re.fullmatch(rf"{label}(\.{label})*\.?", value) or len(value) > 253:
        raise fail(f'expected a domain name such as "example.org", got "{value}"')
    return value


def _ip(value: str) -> str:
    try:
        address = ipaddress.ip_address(value.split("%", 1)[0])
    except ValueError:
        raise fail(f'expected an IP address such as "9.9.9.9" or "::1", got "{value}"') from None
    if address.is_unspecified:
        raise fail(f'"{value}" is the unspecified address; name a real server')
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        raise fail(f'"{value}" is an IPv4-mapped IPv6 address; write {address.ipv4_mapped}')
    return value


def _mail_user(value: str) -> str:
    # a system user smtpd delivers as (smtpd.conf(5) `user`): a login name
    if not re.fullmatch(r"[a-z_][a-z0-9_-]{0,31}", value):
        raise fail(f'expected a user name such as "vmail", got "{value}"')
    return value


def _ipv4(value: str) -> str:
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        raise fail(f'expected an IPv4 address such as "127.0.0.1", got "{value}"') from None
    return value


def _listen(value: str) -> str:
    # httpd-conf.md 2.4.1: "*", an IP literal (with a %scope), or an interface, interface group
    # or host name resolved when httpd loads its configuration.
    if value == "*":
        return value
    try:
        ipaddress.ip_address(value.split("%", 1)[0])
        return value
    except ValueError:
        pass
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]*", value):
        raise fail(f'expected "*", an IP address, or an interface, group or host name such as '
                   f'"egress", got "{value}"')
    return value


def _fastcgi_host(value: str) -> str:
    # httpd-conf.md 2.4.6: `socket tcp HOST`, resolved with getaddrinfo when httpd loads.
    try:
        ipaddress.ip_address(value)
        return value
    except ValueError:
        pass
    label = r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)"
    if not re.fullmatch(rf"{label}(\.{label})*\.?", value) or len(value) > 253:
        raise fail(f'expected a host name or IP address such as "127.0.0.1", got "{value}"')
    return value


Text = Annotated[str, AfterValidator(_httpd_text)]
NonEmpty = Annotated[str, AfterValidator(_nonempty), AfterValidator(_httpd_text)]
AbsPath = Annotated[str, AfterValidator(_httpd_text), AfterValidator(_abs_path)]
ShellPath = Annotated[str, AfterValidator(_abs_path), AfterValidator(_shell_word)]
ShellWord = Annotated[str, AfterValidator(_nonempty), AfterValidator(_shell_word)]
HostName = Annotated[str, AfterValidator(_nonempty), AfterValidator(_httpd_text),
                     AfterValidator(_host_name)]
MaterialName = Annotated[str, AfterValidator(_material_name)]
Domain = Annotated[str, AfterValidator(_domain)]
IPAddress = Annotated[str, AfterValidator(_ip)]
IPv4Address = Annotated[str, AfterValidator(_ipv4)]
MailUser = Annotated[str, AfterValidator(_mail_user)]
MailText = Annotated[str, AfterValidator(_smtpd_text)]
MailPath = Annotated[str, AfterValidator(_smtpd_text), AfterValidator(_abs_path)]
ListenAddress = Annotated[str, AfterValidator(_listen)]
Port = Annotated[int, Field(ge=1, le=65535)]
FastcgiHost = Annotated[str, AfterValidator(_fastcgi_host)]
# httpd-conf.md 2.3: TYPE and SUBTYPE at most 63 bytes, a NAME at most 127; written as words
MimeType = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.+_-]{0,62}/"
                                        r"[A-Za-z0-9][A-Za-z0-9.+_-]{0,62}$")]
Extension = Annotated[str, Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9.+_~-]{0,126}$")]
Count = Annotated[int, Field(ge=0, le=2147483647)]
PositiveInt = Annotated[int, Field(ge=1)]
