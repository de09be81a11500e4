"""Many hosts: a fleet folder, and `include:` of shared files, with every position kept.

A fleet is a folder: each `*.yaml` directly in it is one host (`host_files`). A host file, or
any file it includes, may pull shared files into any of its mappings:

    include: [../common/tls.yaml, ../common/mail.yaml]   # or one path as a string

The merge rule, applied to each mapping that says `include:`:

* the included files are merged in the order written, then the mapping's own keys on top:
  a later file wins over an earlier one, and the mapping's own value wins over every file;
* two mappings at the same key merge key by key, by the same rule, all the way down;
* anything else (a list, a string, a number) is replaced whole: lists are never concatenated,
  because order is meaning in httpd (the first matching location wins);
* an included file may include others; paths are relative to the file that writes them.

So a server written once is used by several hosts by including its file into an item of
`httpd.servers` (`- include: ../common/www.yaml`, plus any key the host wants different),
while the list itself, and so the order of the servers, is the host's own.

Every value keeps the position of the text it was read from: `Positions.parts` records which
subtrees come from which file, and problems are reported there, "via" the host. An include
that loops, that names a file outside the repository (the git work tree holding the host file,
or else the folder above the host's folder), or that cannot be read is an error at its own
position. Nothing here raises for bad input: every problem is returned.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hostgen.site.loader import INCLUDE, Loaded, load_text
from hostgen.site.problems import Loc, Positions, Problem, value_at, where


def host_files(folder: Path) -> list[Path]:
    """The hosts of a fleet folder: its `*.yaml` files (not those of its sub-folders), sorted."""
    return sorted(p for p in folder.glob("*.yaml") if p.is_file())


def repository_of(path: Path) -> Path:
    """What includes must stay inside: the git work tree holding `path`, or else the folder
    holding the folder of `path` (for a fleet, the folder that holds the fleet folder)."""
    folder = path.resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder.parent


def load_document(path: Path, shown: str, text: str, includes: Includes | None = None
                  ) -> Loaded:
    """The file `path` (named `shown` in messages, its content `text`) with every include
    resolved: the merged data, positions that know each value's file, and every problem.
    Hosts of one fleet share `includes`, so that a shared file is read once."""
    loaded = load_text(text)
    if not loaded.includes:
        return loaded   # a plain file: nothing more to pay
    real = path.resolve()
    includes = includes or Includes(repository_of(path))
    includes.names.setdefault(real, shown)
    return includes.resolve(loaded, real, shown, (real,))


@dataclass
class Includes:
    """The included files read so far (by real path), and where includes must stay."""

    repository: Path
    cache: dict[Path, Loaded] = field(default_factory=dict)
    names: dict[Path, str] = field(default_factory=dict)   # each file as first named

    def resolve(self, loaded: Loaded, path: Path, shown: str, chain: tuple[Path, ...]) -> Loaded:
        """`loaded` (the text of `path`) with its include mappings merged, children first."""
        problems = list(loaded.problems)
        positions = loaded.positions
        data = loaded.data
        for at in loaded.includes:
            mapping = value_at(data, at)
            layers: list[tuple[Any, tuple[int, Positions]]] = []
            for loc, target in self._targets(mapping[INCLUDE], at, path, shown, problems):
                included = self._load(target, loc, path, shown, chain, problems)
                if included is not None:
                    layers.append((included.data, (len(at), included.positions)))
            own = {key: value for key, value in mapping.items() if key != INCLUDE}
            layers.append((own, (0, positions)))
            merged: dict[str, Any] = {}
            parts: dict[Loc, tuple[int, Positions]] = {(): (0, positions)}
            for layer, source in layers:
                _merge(merged, at, layer, source, parts)
            data = _put(data, at, merged)
            positions = Positions(file=positions.file, parts=parts)
        return Loaded(data, positions, problems)

    def _targets(self, value: Any, at: Loc, path: Path, shown: str,
                 problems: list[Problem]) -> list[tuple[Loc, tuple[Path, str]]]:
        """The files an `include:` names, each with the position of its name."""
        base: Loc = (*at, INCLUDE)
        items = [(base, value)] if isinstance(value, str) else \
            [((*base, i), item) for i, item in enumerate(value)] if isinstance(value, list) \
            else None
        if not items:
            problems.append(Problem(base, "include takes a file or a list of files (paths "
                                          "relative to this file)"))
            return []
        found = []
        for loc, item in items:
            if not isinstance(item, str) or not item:
                problems.append(Problem(loc, "expected the path of a file, relative to this "
                                             "file"))
            elif os.path.isabs(item):
                problems.append(Problem(loc, f'include "{item}": write the path relative to '
                                             "this file, so the repository works wherever it "
                                             "is checked out"))
            else:
                target = (path.parent / item).resolve()
                if not target.is_relative_to(self.repository):
                    problems.append(Problem(loc, f'include "{item}" is outside the repository '
                                                 f"({self.repository})"))
                else:
                    found.append((loc, (target, os.path.normpath(
                        os.path.join(os.path.dirname(shown), item)))))
        return found

    def _load(self, target: tuple[Path, str], loc: Loc, path: Path, shown: str,
              chain: tuple[Path, ...], problems: list[Problem]) -> Loaded | None:
        """An included file, resolved (cached: a shared file is read once per fleet), or None
        with the problem at the include's position."""
        real, name = target
        if real in chain:
            names = [*(self.names.get(p, str(p)) for p in chain), name]
            problems.append(Problem(loc, f"include loop: {' -> '.join(names)}"))
            return None
        if real not in self.cache:
            try:
                text = real.read_bytes().decode("utf-8")
            except OSError as exc:
                problems.append(Problem(loc, f"cannot read {name}: {exc.strerror or exc}"))
                return None
            except UnicodeDecodeError as exc:
                problems.append(Problem(loc, f"{name}: not UTF-8 text (byte {exc.start})"))
                return None
            loaded = load_text(text)
            loaded.positions.file = name
            self.names[real] = name
            resolved = self.resolve(loaded, real, name, (*chain, real))
            if resolved.data is not None and not isinstance(resolved.data, dict):
                resolved.problems.append(Problem((), "an included file holds a mapping of keys "
                                                     f"to merge, not a {_kind(resolved.data)}"))
                resolved = Loaded(None, resolved.positions, resolved.problems)
            # pinned now: the included file's positions are not those of the includer
            pinned = [_pin(p, resolved.positions, name) for p in resolved.problems]
            self.cache[real] = Loaded(resolved.data, resolved.positions, pinned)
        included = self.cache[real]
        problems += included.problems
        return included if included.data is not None else None


def _pin(problem: Problem, positions: Positions, name: str) -> Problem:
    if problem.mark is not None and problem.file is not None:
        return problem
    file, mark = where(problem, positions)
    return Problem((), problem.message, problem.level, problem.rule, mark=mark,
                   file=file or name)


def _kind(value: Any) -> str:
    return "list" if isinstance(value, list) else "single value"


def _merge(into: dict[str, Any], at: Loc, layer: dict[str, Any], source: tuple[int, Positions],
           parts: dict[Loc, tuple[int, Positions]]) -> None:
    """Merge `layer` (read from `source`) into `into`, the mapping at `at`: maps key by key,
    anything else replaced. `into` is this merge's own; values taken from a layer are shared
    with the cache and never changed in place."""
    for key, value in layer.items():
        loc = (*at, key)
        old = into.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            # the keys already there keep the file they came from
            came = _source(parts, loc)
            for child in old:
                parts.setdefault((*loc, child), came)
            merged = dict(old)
            _merge(merged, loc, value, source, parts)
            into[key] = merged
        else:
            for stale in [p for p in parts if p[:len(loc)] == loc]:
                del parts[stale]
            into[key] = value
        parts[loc] = source


def _source(parts: dict[Loc, tuple[int, Positions]], loc: Loc) -> tuple[int, Positions]:
    for end in range(len(loc), -1, -1):
        found = parts.get(loc[:end])
        if found is not None:
            return found
    raise AssertionError("parts always has an entry for ()")


def _put(data: Any, loc: Loc, value: Any) -> Any:
    """`data` with the value at `loc` replaced (the root itself when `loc` is empty)."""
    if not loc:
        return value
    value_at(data, loc[:-1])[loc[-1]] = value
    return data
