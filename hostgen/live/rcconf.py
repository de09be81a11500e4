"""Reading and editing /etc/rc.conf.local the way OpenBSD's rc.subr reads it.

rc.conf.local is parsed, not sourced: rc.subr `_rc_parse_conf` looks at each line on its own
(/work/shared/reference/spamd.md 6.2; model and test vectors in 6.4). hostgen owns the lines of
the daemons site.yaml configures (`httpd_flags=`, `smtpd_flags=`, `spamd_flags=`) and its own
entries of `pkg_scripts` (`dkimproxy_out`), and keeps every other byte where it is.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

#: Keys rc.subr accepts: any key with one of these suffixes, or one of the special names.
#: (`_execdir` / `_logger` are newer; the model of spamd.md 6.4 accepts them.)
ACCEPTED_SUFFIXES = ("_flags", "_rtable", "_user", "_timeout", "_execdir", "_logger")
SPECIAL_KEYS = frozenset({
    "accounting", "amd_master", "check_quotas", "ipsec", "library_aslr", "multicast",
    "nfs_server", "pexp", "pf", "pkg_scripts", "shlib_dirs", "spamd_black",
})
_BLANKS = " \t"


@dataclass(frozen=True)
class RcLine:
    """One physical line: `raw` without its line end; key/value None when rc.subr ignores it."""

    line_no: int
    raw: str
    key: str | None
    value: str | None


def parse_line(text: str) -> tuple[str, str] | None:
    """(key, value) as rc.subr reads one line, or None when the line is ignored."""
    line = text.strip(_BLANKS)
    if not line or line[0] in "#=" or "=" not in line:
        return None
    key, _, value = line.partition("=")
    key = key.rstrip(_BLANKS).lower()
    if not (key.endswith(ACCEPTED_SUFFIXES) or key in SPECIAL_KEYS):
        return None
    value = value.lstrip(_BLANKS).split("#", 1)[0].rstrip(_BLANKS)
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return key, value


def _split_lf(text: str) -> list[str]:
    """Lines with their line end; only LF ends a line for the shell's `read` (a CR stays part
    of the line, and of the value: rc.subr does not strip it)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    return lines + ([parts[-1]] if parts[-1] else [])


def parse(text: str, path: str = "rc.conf.local") -> list[RcLine]:
    """Every line of the file (numbered from 1) with what rc.subr makes of it. Any text is
    accepted: rc.subr ignores what it cannot read, so this never raises; `path` is kept for
    the common signature of the live-file parsers."""
    del path
    result: list[RcLine] = []
    for number, physical in enumerate(_split_lf(text), start=1):
        raw = physical.removesuffix("\n")
        parsed = parse_line(raw)
        key, value = parsed if parsed is not None else (None, None)
        result.append(RcLine(number, raw, key, value))
    return result


def spamd_flags(text: str, path: str = "rc.conf.local") -> str | None:
    """The effective `spamd_flags` value of the file (the last line wins), None if absent."""
    return value_of(text, "spamd_flags", path)


def value_of(text: str, key: str, path: str = "rc.conf.local") -> str | None:
    """The effective value of `key` in the file (the last line wins), None if absent."""
    values = [line.value for line in parse(text, path) if line.key == key]
    return values[-1] if values else None


def replace_line(live_text: str | None, key: str, new_line: str) -> str:
    """The file with `key` set by `new_line` (a line without its line end), every other line
    kept byte for byte and in place (spamd.md 6.4): the last line whose parsed key is `key` is
    replaced in place, the others with that key are deleted, and without one `new_line` is
    appended (after adding a line end to a last line that lacks one). A file that is missing
    (None) becomes `new_line` and a newline."""
    if live_text is None:
        return new_line + "\n"
    physical = _split_lf(live_text)
    hits = [i for i, line in enumerate(physical) if _key(line) == key]
    if not hits:
        if physical and not physical[-1].endswith("\n"):
            physical[-1] += "\n"
        return "".join(physical) + new_line + "\n"
    keep = hits[-1]
    out: list[str] = []
    for i, line in enumerate(physical):
        if i == keep:
            out.append(new_line + "\n")  # hostgen's line ends in LF even in a CRLF file
        elif i not in hits:
            out.append(line)
    return "".join(out)


PKG_SCRIPTS = "pkg_scripts"
# Daemons /etc/rc.conf enables by default: no line in rc.conf.local means the value there
# (`smtpd_flags=`; smtpd-conf.md 7.1 - 7.3, rcctl enable smtpd writes no line).
DEFAULT_ON = {"smtpd_flags": ""}


def wanted_lines(rendered: str) -> list[tuple[str, str]]:
    """(key, value) of each line of hostgen's rendered rc.conf.local, in order."""
    return [parsed for line in rendered.splitlines() if (parsed := parse_line(line))]


def merge(live_text: str | None, rendered: str) -> str:
    """The live file with hostgen's lines in place (rcctl's way, spamd.md 6.3, 6.4): a
    `KEY=VALUE` line replaces the file's line for KEY (replace_line); `pkg_scripts=NAMES`
    adds each NAME missing from the file's `pkg_scripts` at its end, keeping the other
    entries and their order (the start order at boot)."""
    text = live_text
    for key, value in wanted_lines(rendered):
        if key == PKG_SCRIPTS:
            have = (value_of(text, key) or "").split() if text is not None else []
            missing = [name for name in value.split() if name not in have]
            if not missing:
                continue
            value = " ".join([*have, *missing])
        text = replace_line(text, key, f"{key}={value}")
    return text if text is not None else ""


def owned(text: str, rendered: str) -> str:
    """The part of `text` hostgen owns, as lines: the value of each of its keys (none: no
    line), and for `pkg_scripts` only whether each of its own entries is there."""
    lines = []
    for key, value in wanted_lines(rendered):
        found = value_of(text, key)
        if found is None:
            found = DEFAULT_ON.get(key)
        if key == PKG_SCRIPTS:
            have = (found or "").split()
            lines += [f"{key} has {name}\n" for name in value.split() if name in have]
        elif found is not None:
            lines.append(f"{key}={found}\n")
    return "".join(lines)


def _key(line: str) -> str | None:
    parsed = parse_line(line.removesuffix("\n"))
    return parsed[0] if parsed is not None else None


def split_flags(value: str) -> list[str]:
    """The arguments /bin/sh makes of a flags value (rc.subr runs `daemon flags` through
    `sh -c`): words split at blanks, double and single quotes group, a backslash escapes.
    For a value sh would refuse (an unfinished quote) the words split at blanks are returned."""
    try:
        return shlex.split(value, comments=False, posix=True)
    except ValueError:
        return value.split()
