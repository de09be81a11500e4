"""YAML text of an imported document, written directly (ruamel's emitter, pure Python, took
seconds for a 1000-vhost site: benchmarks/bench_import.py).

The document is ruamel's round-trip structure (CommentedMap / CommentedSeq) with the comments an
importer attached through ruamel's API (`yaml_set_comment_before_after_key`,
`yaml_add_eol_comment`, `yaml_set_start_comment`) and flow style set per node
(`fa.set_flow_style()`); the text is what `ruamel.yaml` writes with
`indent(mapping=2, sequence=4, offset=2)`: block mappings, `- ` items indented by two, flow
collections on one line. Strings are plain only where YAML 1.1 and 1.2 readers both read them
back as the same string (no number, boolean or null look-alike, no indicator character);
otherwise double-quoted with escapes. `lines` records the line of each key and item, so that a
problem found in the document can be placed in the text.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

Loc = tuple[str | int, ...]


class Flow(dict[str, Any]):
    """A mapping written on one line, `{a: 1, b: 2}` (lighter than a CommentedMap with its
    flow style set, for the many small mappings an import makes: locations)."""

#: a plain scalar in block and flow context alike (no indicator, blank or flow character)
_PLAIN = re.compile(r"[A-Za-z0-9_/^][A-Za-z0-9_./@+~^$=-]*")
#: what YAML 1.1 or 1.2 reads as a number or a date (yaml.org/type: int, float, timestamp)
_NUMBER_LIKE = re.compile(r"[-+]?([0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.[0-9_]+([eE][-+]?"
                          r"[0-9]+)?|0x[0-9a-f_]+|0o?[0-7_]+|0b[01_]+|\.inf|\.nan)"
                          r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*", re.IGNORECASE)
_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"})
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def scalar(value: object) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if type(value) is not str:   # a ruamel ScalarString: quoted as asked
        return _quoted(str(value))
    return _string(value)


@functools.lru_cache(maxsize=8192)   # a large site repeats its paths and names
def _string(text: str) -> str:
    if _PLAIN.fullmatch(text) and not _NUMBER_LIKE.fullmatch(text) and text.lower() not in _WORDS:
        return text
    return _quoted(text)


def _quoted(text: str) -> str:
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 or char in "\u2028\u2029\ufeff":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


class _Writer:
    def __init__(self) -> None:
        self.out: list[str] = []
        self.lines: dict[Loc, int] = {}

    def comment_lines(self, tokens: Any, indent: int) -> None:
        for token in tokens or ():
            for line in token.value.splitlines():
                text = line.strip()
                if text:
                    self.out.append(" " * indent + text + "\n")

    def before(self, node: object, key: object, indent: int) -> None:
        if not isinstance(node, CommentedMap | CommentedSeq):
            return
        items = node.ca.items.get(key)
        if items and items[1]:
            self.comment_lines(items[1], indent)

    def eol(self, node: object, key: object) -> str:
        if not isinstance(node, CommentedMap | CommentedSeq):
            return ""
        items = node.ca.items.get(key)
        slot = 2 if isinstance(node, CommentedMap) else 0
        token = items[slot] if items else None
        return f"  {token.value.strip()}" if token is not None else ""

    def flow(self, value: object) -> str:
        if isinstance(value, dict):
            return "{" + ", ".join(f"{scalar(k)}: {self.flow(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(self.flow(v) for v in value) + "]"
        return scalar(value)

    def inline(self, value: object) -> bool:
        """Whether a value is written on its key's line."""
        if isinstance(value, Flow):
            return True
        if isinstance(value, CommentedMap | CommentedSeq):
            return bool(value.fa.flow_style()) or not value
        return not isinstance(value, dict | list) or not value

    def mapping(self, node: dict[Any, Any], indent: int, loc: Loc,
                first_prefix: str = "") -> None:
        for index, (key, value) in enumerate(node.items()):
            self.before(node, key, indent)
            prefix = first_prefix if index == 0 and first_prefix else " " * indent
            self.lines[(*loc, key)] = len(self.out) + 1
            head = f"{prefix}{scalar(key)}:"
            if self.inline(value):
                self.out.append(f"{head} {self.flow(value)}{self.eol(node, key)}\n")
            else:
                self.out.append(f"{head}{self.eol(node, key)}\n")
                self.block(value, indent + 2, (*loc, key))

    def sequence(self, node: list[Any], indent: int, loc: Loc) -> None:
        for index, value in enumerate(node):
            self.before(node, index, indent + 2)
            self.lines[(*loc, index)] = len(self.out) + 1
            dash = " " * (indent + 2) + "- "
            if self.inline(value):
                self.out.append(f"{dash}{self.flow(value)}{self.eol(node, index)}\n")
            elif isinstance(value, dict):
                self.mapping(value, indent + 4, (*loc, index), first_prefix=dash)
            else:
                self.out.append(f"{dash.rstrip()}\n")
                self.block(value, indent + 4, (*loc, index))

    def block(self, value: object, indent: int, loc: Loc) -> None:
        if isinstance(value, dict):
            self.mapping(value, indent, loc)
        elif isinstance(value, list):
            self.sequence(value, indent - 2, loc)


def emit(document: CommentedMap) -> tuple[str, dict[Loc, int]]:
    """The text of `document` and the line (from 1) of each key and item, by path."""
    writer = _Writer()
    start = document.ca.comment
    if start and len(start) > 1:
        writer.comment_lines(start[1], 0)
    writer.mapping(document, 0, ())
    return "".join(writer.out), writer.lines
