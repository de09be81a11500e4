"""Reading dkimproxy_out.conf as Net::Server reads a `--conf_file`.

dkimproxy.out hands the file to Net::Server (/work/shared/reference/dkimproxy.md 2): each line
that matches `blanks, KEY (\\w+, may start with --), then =, : or blanks, then a value` gives one
option. Up to Net::Server 2.013 the value is the first run of non-blank characters
(Net/Server.pm `_read_conf`); from 2.014 a `#` not preceded by a backslash starts a comment and
the value is the rest of the line, trailing blanks included. Values are read the old way here;
lines the two versions read differently are reported as warnings. `signature` may be repeated
(a list); for every other key the last line wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SEPARATOR = r"(?:\s*[=:]\s*|\s+)"
_OLD_LINE = re.compile(r"^\s*((?:--)?\w+)" + _SEPARATOR + r"(\S+)", re.ASCII)
_NEW_LINE = re.compile(r"^\s*((?:--)?\w+)" + _SEPARATOR + r"(.+)", re.ASCII)
_COMMENT = re.compile(r"(?<!\\)#")
_PERCENT_HEX = re.compile(r"%[0-9A-Fa-f]")
LIST_KEYS = frozenset({"signature"})


@dataclass(frozen=True)
class DkimLine:
    """One line (`raw` without its LF): the key and value Net::Server <= 2.013 reads (None when
    the line is ignored) and the value 2.014+ reads."""

    line_no: int
    raw: str
    key: str | None
    value: str | None
    new_value: str | None


@dataclass(frozen=True)
class DkimproxyConf:
    """The options of the file: `options` last wins per key (a leading `--` removed),
    `signatures` every `signature` line in order; `warnings` are (line, message)."""

    lines: tuple[DkimLine, ...]
    options: dict[str, str]
    signatures: tuple[str, ...]
    warnings: tuple[tuple[int, str], ...]
    path: str

    def get(self, key: str) -> str | None:
        """The effective value of `key`, None when the file does not set it."""
        return self.options.get(key)


def _old_reading(raw: str) -> tuple[str, str] | None:
    match = _OLD_LINE.match(raw)
    return (match.group(1), match.group(2)) if match else None


def _new_reading(raw: str) -> tuple[str, str] | None:
    comment = _COMMENT.search(raw)
    text = raw[: comment.start()] if comment else raw
    match = _NEW_LINE.match(text.replace("\\#", "#"))
    return (match.group(1), match.group(2)) if match else None


def _warning(old: tuple[str, str] | None, new: tuple[str, str] | None) -> str | None:
    if old == new:
        return None
    if new is None:
        return "ignored by Net::Server 2.014 and later"
    if old is None:
        return f"ignored by Net::Server up to 2.013, read as {new[0]} {new[1]!r} by 2.014+"
    return (
        f"{old[0]}: Net::Server up to 2.013 reads {old[1]!r}, 2.014 and later {new[1]!r}"
    )


def parse(text: str, path: str = "dkimproxy_out.conf") -> DkimproxyConf:
    """Read the file. Net::Server silently skips what it does not match, so any text is
    accepted and this never raises."""
    lines: list[DkimLine] = []
    warnings: list[tuple[int, str]] = []
    options: dict[str, str] = {}
    signatures: list[str] = []
    raws = text.split("\n")
    if raws[-1] == "":
        raws.pop()
    for number, raw in enumerate(raws, start=1):
        old, new = _old_reading(raw), _new_reading(raw)
        lines.append(
            DkimLine(number, raw, old[0] if old else None, old[1] if old else None,
                     new[1] if new else None)
        )
        message = _warning(old, new)
        if message is not None:
            warnings.append((number, message))
        if old is None:
            continue
        key, value = old[0].removeprefix("--"), old[1]
        if _PERCENT_HEX.search(value):
            warnings.append((number, f"{key}: '%' before a hex digit is decoded by Net::Server"))
        if key in LIST_KEYS:
            signatures.append(value)
        else:
            options[key] = value
    return DkimproxyConf(tuple(lines), options, tuple(signatures), tuple(warnings), path)
