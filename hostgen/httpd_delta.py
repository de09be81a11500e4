"""The semantic diff of a large httpd.conf, reading only what differs.

A live httpd.conf compared with the rendered one is mostly the same text: a 1000-vhost site is
2000 server blocks, and a hand edit touches one or two. Parsing both files whole takes most of a
second; `structures(live, rendered, ...)` parses the blocks that differ and the few that decide
how they read, and leaves out of both sides the server blocks that are the same text in the
same place, which mean the same on both sides.

The rendered file must come from hostgen's own templates, whose layout gives its outline
without a parse (`outline`): a line `server "NAME" {` at the start of a line opens a top-level
server block, the next line `}` closes it, and its names (`alias`) and listeners (`listen on`,
or the `include` of a TLS fragment) are lines of their own, one tab in. That holds because no
string hostgen writes can hold a newline or end its quotes (quoting.py); tests keep it true.

Why the blocks left out are the same on both sides, and the result exactly that of parsing the
whole files (a property test compares the two over generated sites and edits):

* Text the files share from their start (the common prefix) is read the same way up to where
  they differ: same text, same state.
* Text they share at their end (the common suffix) is read the same way from a top-level
  statement on if both parses are between statements there with the same macros, global
  errdocs and banner, and the same "a server came before" (Parser.cut); otherwise, or when the
  parse of what is kept fails, the caller parses both files whole.
* Each server block left out is a whole statement in both files, so the statements kept read
  the same without it, but for the checks httpd makes across blocks (httpd_checks.Sockets),
  the "server came before" flag and the keys of the semantic structure. Hence kept: the first
  server block (the flag); for each listener as written, the first block with it in the
  common prefix and again in the common suffix (a block compares its listener with the first
  entry on the same address and port only, and the blocks of the rendered file that share a
  listener agree with each other, or httpd would refuse it); and every
  block that shares a name or alias with a block kept or with the text that differs (a
  server "defined twice" and the order of equal keys). The names of the servers actually
  parsed are checked against those left out afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from hostgen.diffing import common_lines
from hostgen.errors import LiveFileError
from hostgen.live import httpd
from hostgen.live.httpd_ast import HttpdConfig
from hostgen.live.httpd_parser import Parser

Reader = Callable[[str], str]
Data = dict[str, httpd.JSON]

#: The lines of the outline, at the start of a line: a server block's first and last line, and
#: its names and listeners one tab in (deeper lines belong to its locations).
_OUTLINE = re.compile(
    r'^(?:server (?:match )?"(?P<server>[^"\\\n]*)" \{'
    r'|\talias (?:match )?"(?P<alias>[^"\\\n]*)"'
    r'|\t(?P<socket>listen on .*|include "(?P<include>[^"\\\n]*)")'
    r"|\t(?P<odd>alias|include)\b.*"   # a name or file the patterns above cannot read
    r"|(?P<end>\}))$",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Block:
    """One top-level server block of the rendered file: lines first..last (0-based)."""

    first: int
    last: int
    names: frozenset[str]      # the server's name and aliases
    sockets: frozenset[str]    # its `listen on` and `include` lines as written
    readable: bool             # whether the outline knows all its names and listeners


def outline(text: str, read_include: Reader | None) -> list[Block] | None:
    """The server blocks of a file rendered by hostgen's templates, or None when the text does
    not have their layout. A block whose included files could name servers or listeners of
    their own is not `readable`: it is always parsed."""
    blocks: list[Block] = []
    line, position = 0, 0
    start: int | None = None
    names: set[str] = set()
    sockets: set[str] = set()
    readable = True
    fragments: dict[str, bool] = {}
    for match in _OUTLINE.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        server, end = match["server"], match["end"]
        if server is not None:
            if start is not None:
                return None
            start, names, sockets, readable = line, {server}, set(), True
        elif start is None:
            if end is not None:
                return None
        elif end is not None:
            blocks.append(Block(start, line, frozenset(names), frozenset(sockets), readable))
            start = None
        elif match["alias"] is not None:
            names.add(match["alias"])
        elif match["odd"] is not None:
            readable = False
        else:
            sockets.add(match["socket"])
            include = match["include"]
            if include is not None:
                if include not in fragments:
                    fragments[include] = _plain_fragment(include, read_include)
                readable = readable and fragments[include]
    return None if start is not None else blocks


def _plain_fragment(path: str, read_include: Reader | None) -> bool:
    """Whether an included file holds no statement that names a server or includes more."""
    if read_include is None:
        return False
    try:
        text = read_include(path)
    except OSError:
        return False
    return not any(word in text for word in ("alias", "server", "include", "$"))


def _names_in(text: str) -> set[str]:
    """The server names and aliases that lines of the rendered layout in `text` give (for the
    live text that differs: which blocks of the rendered file to keep with it)."""
    found = set()
    for match in _OUTLINE.finditer(text):
        name = match["server"] if match["server"] is not None else match["alias"]
        if name is not None:
            found.add(name)
    return found


def structures(live: str, rendered: str, live_path: str, rendered_path: str,
               read_include: Reader | None) -> tuple[Data, Data] | None:
    """The semantic structures (httpd.to_semantic) of the live and the rendered httpd.conf,
    both without the server blocks they share; None when that cannot be shown to be exact,
    or when the parse of what is kept fails (the caller then parses both files whole, which
    gives httpd's message for the error)."""
    blocks = outline(rendered, read_include)
    if blocks is None:
        return None
    # lines without their "\n" (httpd counts no other line end); the last one has none
    old, new = live.split("\n"), rendered.split("\n")
    most = min(len(old), len(new)) - 1
    prefix = common_lines(old, new, most)
    suffix = common_lines(old, new, most - prefix, from_end=True)
    tail = len(new) - suffix   # the rendered file's common suffix starts at this line
    shift = len(old) - len(new)

    keep = _kept(blocks, prefix, tail, _names_in("\n".join(old[prefix:len(old) - suffix])))
    skipped = [b for i, b in enumerate(blocks) if i not in keep]
    if not skipped:
        return None
    # where the common suffix is read from: checked only when blocks are left out there
    cut = next((b.first for b in blocks if b.first >= tail), None)
    if not any(b.first >= tail for b in skipped):
        cut = None
    # lines of the blocks left out: in the prefix at the same place, in the suffix shifted
    ranges_new = [(b.first, b.last + 1) for b in skipped]
    ranges_old = [(b.first + (shift if b.first >= tail else 0),
                   b.last + 1 + (shift if b.first >= tail else 0)) for b in skipped]
    skipped_before_cut = sum(b.last + 1 - b.first for b in skipped if b.first < tail)
    try:
        old_config, old_cut = _parse(_without(old, ranges_old), live_path, read_include,
                                     None if cut is None else cut + shift - skipped_before_cut)
        new_config, new_cut = _parse(_without(new, ranges_new), rendered_path, read_include,
                                     None if cut is None else cut - skipped_before_cut)
    except LiveFileError:
        return None
    if cut is not None and (old_cut is None or old_cut != new_cut):
        return None
    left_out = frozenset().union(*(b.names for b in skipped))
    if not left_out.isdisjoint(_server_names(old_config) | _server_names(new_config)):
        return None
    return httpd.to_semantic(old_config), httpd.to_semantic(new_config)


def _kept(blocks: list[Block], prefix: int, tail: int, names: set[str]) -> set[int]:
    """Indexes of the blocks that are parsed: those in or across the text that differs, the
    first block, the first with each listener in the common prefix and again in the common
    suffix (the live file may lack the rendered one's first), those the outline cannot read,
    and every block sharing a name with one of these or with `names` (of the live text that
    differs)."""
    keep: set[int] = set()
    seen: set[str] = set()
    in_suffix = False
    for i, block in enumerate(blocks):
        if block.first >= tail and not in_suffix:
            in_suffix, seen = True, set()
        crosses = not (block.last < prefix or block.first >= tail)
        if i == 0 or crosses or not block.readable or not block.sockets <= seen:
            keep.add(i)
        seen |= block.sockets
    by_name: dict[str, list[int]] = {}
    for i, block in enumerate(blocks):
        for name in block.names:
            by_name.setdefault(name, []).append(i)
    todo = set(names).union(*(blocks[i].names for i in keep))
    done: set[str] = set()
    while todo:
        name = todo.pop()
        done.add(name)
        for i in by_name.get(name, ()):
            if i not in keep:
                keep.add(i)
                todo |= blocks[i].names - done
    return keep


def _without(lines: list[str], ranges: list[tuple[int, int]]) -> str:
    kept: list[str] = []
    position = 0
    for first, end in sorted(ranges):
        kept += lines[position:first]
        position = end
    kept += lines[position:]
    return "\n".join(kept)


def _parse(text: str, path: str, read_include: Reader | None,
           cut: int | None) -> tuple[HttpdConfig, object]:
    parser = Parser(text, path, read_include, None)
    if cut is not None:
        parser.cut(cut + 1)   # Parser lines are 1-based
    config = parser.parse()
    return config, parser.at_cut


def _server_names(config: HttpdConfig) -> set[str]:
    return {name for server in config.servers
            for name in (server.name, *(alias.name for alias in server.aliases))}
