"""The meaning of smtpd.conf and acme-client.conf for `diff --semantic`, in the files' words.

smtpd.conf: `match` rules are a list (the first match wins, smtpd-conf.md 3.4); every other
statement is a set (order does not matter once declared). acme-client.conf: one entry per
`domain` block, its `alternative names` a set, each other option by keyword
(acme-client-conf.md 1.4); authorities the same way. Both files end a statement at a newline
(a `\\` continuation joins lines), `#` outside quotes starts a comment.
"""

from __future__ import annotations

import re
from typing import Any

Data = Any
_BLOCK = re.compile(r'^(authority|domain)\s+("(?:[^"\\]|\\.)*"|\S+)\s*\{$')
_NAMES = re.compile(r"^alternative\s+names\s*\{(.*)\}$")
_OPTION = re.compile(r"^(api url|account key|contact|domain name|domain key|domain certificate|"
                     r"domain chain certificate|domain full chain certificate|sign with|"
                     r"challengedir|profile|insecure)\b\s*(.*)$")


def statements(text: str) -> list[str]:
    """Each statement on one line, blanks collapsed, comments and blank lines gone."""
    out: list[str] = []
    pending = ""
    for raw in text.split("\n"):
        if raw.endswith("\\"):
            pending += raw[:-1]
            continue
        line, pending = _uncomment(pending + raw), ""
        if line:
            out.append(" ".join(line.split()))
    return out


def _uncomment(line: str) -> str:
    quote = ""
    for i, char in enumerate(line):
        if quote:
            if char == "\\":
                continue
            if char == quote and line[i - 1] != "\\":
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            return line[:i].strip()
    return line.strip()


def smtpd(text: str) -> Data:
    lines = statements(text)
    return {"statements": sorted({s for s in lines if not s.startswith("match ")}),
            "match": [s for s in lines if s.startswith("match ")]}


def acme_client(text: str) -> Data:
    blocks: dict[str, dict[str, Data]] = {}
    current: dict[str, Data] | None = None
    for line in statements(text):
        opening = _BLOCK.match(line)
        if opening:
            current = blocks.setdefault(f"{opening[1]} {_unquote(opening[2])}", {})
            continue
        if line == "}":
            current = None
            continue
        if current is None:
            blocks.setdefault("", {})[line] = True
            continue
        names = _NAMES.match(line)
        if names:
            current["alternative names"] = sorted(
                _unquote(n) for n in names[1].replace(",", " ").split())
            continue
        option = _OPTION.match(line)
        key, value = (option[1], _unquote(option[2])) if option else (line, True)
        current[key] = value
    return blocks


def _unquote(word: str) -> str:
    if len(word) >= 2 and word[0] == word[-1] and word[0] in "\"'":
        return word[1:-1].replace('\\"', '"')
    return word
