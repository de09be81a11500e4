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

The lines the two files share come in runs (`_equal_runs`: the common start and end, then
difflib's matches in between); a block is left out only if it lies wholly inside a run.

Why the blocks left out are the same on both sides, and the result exactly that of parsing the
whole files (a property test compares the two over generated sites and edits):

* The run at the start of both files is read the same way up to where they differ: same
  text, same state.
* Any other run is read the same way from a top-level statement on if both parses are
  between statements there with the same macros, global errdocs and banner, and the same "a
  server came before" (Parser.cut, at the first block of the run); otherwise, or when the
  parse of what is kept fails, the caller parses both files whole.
* Each server block left out is a whole statement in both files, so the statements kept read
  the same without it, but for the checks httpd makes across blocks (httpd_checks.Sockets),
  the "server came before" flag and the keys of the semantic structure. Hence kept: the first
  server block (the flag; it is also the first with its listener); for each listener as
  written, the first block with it in each run (a block compares its listener with the first
  entry on the same address and port only, and the blocks of the rendered file that share a
  listener agree with each other, or httpd would refuse it); and every block that shares a
  name or alias with a block kept or with the text that differs (a server "defined twice"
  and the order of equal keys). The names of the servers actually parsed are checked
  against those left out afterwards.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from hostgen.errors import LiveFileError
from hostgen.host.diffing import common_lines
from hostgen.live import httpd
from hostgen.live.httpd_ast import HttpdConfig
from hostgen.live.httpd_parser import CutState, Parser

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
    runs = _equal_runs(old, new)
    place = _places(blocks, runs)   # block -> (run, its first line in the live file)
    differing = _outside(old, runs)
    keep = _kept(blocks, place, _names_in(differing))
    skipped = [i for i in range(len(blocks)) if i not in keep]
    if not skipped:
        return None
    # where each run with blocks left out is read from (but the one at the start of both
    # files: the same text from the start is read the same way)
    first_of_run: dict[int, int] = {}
    for i in sorted(place):
        first_of_run.setdefault(place[i][0], i)
    first_in_run = {place[i][0]: first_of_run[place[i][0]] for i in skipped
                    if runs[place[i][0]][:2] != (0, 0)}
    spans_new = [(blocks[i].first, blocks[i].last + 1) for i in skipped]
    spans_old = [(place[i][1], place[i][1] + blocks[i].last + 1 - blocks[i].first)
                 for i in skipped]
    cuts_new = {i: _reduced(blocks[i].first, spans_new) for i in first_in_run.values()}
    cuts_old = {i: _reduced(place[i][1], spans_old) for i in first_in_run.values()}
    try:
        old_config, old_at = _parse(_without(old, spans_old), live_path, read_include,
                                    cuts_old.values())
        new_config, new_at = _parse(_without(new, spans_new), rendered_path, read_include,
                                    cuts_new.values())
    except LiveFileError:
        return None
    for i in first_in_run.values():
        state = old_at.get(cuts_old[i] + 1)
        if state is None or state != new_at.get(cuts_new[i] + 1):
            return None
    left_out = frozenset().union(*(blocks[i].names for i in skipped))
    if not left_out.isdisjoint(_server_names(old_config) | _server_names(new_config)):
        return None
    return httpd.to_semantic(old_config), httpd.to_semantic(new_config)


Run = tuple[int, int, int]   # first line in the live file, in the rendered file, line count


def _equal_runs(old: list[str], new: list[str]) -> list[Run]:
    """Runs of lines the two files share, in order: the common start and end, and between
    them what difflib matches (lines without "\n" after them only at the very end)."""
    most = min(len(old), len(new)) - 1
    prefix = common_lines(old, new, most)
    suffix = common_lines(old, new, most - prefix, from_end=True)
    runs = [(0, 0, prefix)]
    middle = difflib.SequenceMatcher(None, old[prefix:len(old) - suffix],
                                     new[prefix:len(new) - suffix], autojunk=True)
    runs += [(prefix + a, prefix + b, size)
             for a, b, size in middle.get_matching_blocks() if size]
    runs.append((len(old) - suffix, len(new) - suffix, suffix))
    return [run for run in runs if run[2]]


def _places(blocks: list[Block], runs: list[Run]) -> dict[int, tuple[int, int]]:
    """For each block wholly inside a run: that run's index and where the block starts in
    the live file."""
    place: dict[int, tuple[int, int]] = {}
    starts = [run[1] for run in runs]
    for i, block in enumerate(blocks):
        r = bisect.bisect_right(starts, block.first) - 1
        if r >= 0:
            at_old, at_new, size = runs[r]
            if block.last < at_new + size:
                place[i] = (r, block.first - at_new + at_old)
    return place


def _outside(old: list[str], runs: list[Run]) -> str:
    """The lines of the live file in no run: the text that differs."""
    parts: list[str] = []
    position = 0
    for at_old, _, size in runs:
        parts += old[position:at_old]
        position = max(position, at_old + size)
    parts += old[position:]
    return "\n".join(parts)


def _reduced(line: int, spans: list[tuple[int, int]]) -> int:
    """Where `line` is once the lines of `spans` before it are left out."""
    return line - sum(end - first for first, end in spans if end <= line)


def _kept(blocks: list[Block], place: dict[int, tuple[int, int]], names: set[str]) -> set[int]:
    """Indexes of the blocks that are parsed: those in no run of shared lines, the first
    block, the first with each listener in each run (the live file may lack a block with it
    before), those the outline cannot read, and every block sharing a name with one of these
    or with `names` (of the live text that differs)."""
    keep: set[int] = set()
    seen: dict[int, set[str]] = {}
    for i, block in enumerate(blocks):
        where = place.get(i)
        if where is None or i == 0 or not block.readable:
            keep.add(i)
            continue
        in_run = seen.setdefault(where[0], set())
        if not block.sockets <= in_run:
            keep.add(i)
        in_run |= block.sockets
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
           cuts: Iterable[int]) -> tuple[HttpdConfig, dict[int, CutState]]:
    parser = Parser(text, path, read_include, None)
    parser.cut(cut + 1 for cut in cuts)   # Parser lines are 1-based
    config = parser.parse()
    return config, parser.at_cut


def _server_names(config: HttpdConfig) -> set[str]:
    return {name for server in config.servers
            for name in (server.name, *(alias.name for alias in server.aliases))}
