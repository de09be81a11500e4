"""Load site.yaml into plain data, keeping the position of every key and value.

The YAML is composed into nodes (ruamel.yaml's libyaml-based parser when ruamel.yaml.clib is
installed: about eight times faster than the pure-Python round-trip loader on a 1000-vhost site),
then walked once to build dicts, lists and scalars plus a `Positions` table. Problems found here
(syntax errors, duplicate keys, non-string keys) are collected, never raised one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import BaseResolver, implicit_resolvers

from hostgen.problems import Loc, Problem

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"


class Mark(NamedTuple):
    """A 1-based line and column in the loaded file."""

    line: int
    col: int


class _Yaml12Resolver(BaseResolver):
    """The YAML 1.2 core schema's implicit tags, looked up by first character.

    ruamel's VersionedResolver works the version out again for every scalar, which was most
    of the loading time of a large site; a site.yaml has no %YAML directive to honour."""

    def __init__(self, version: Any = None, loadumper: Any = None, loader: Any = None) -> None:
        # ruamel passes the version (1.2 is the only one read here) and names the loader
        # `loadumper` or `loader` depending on the caller
        super().__init__(loadumper if loadumper is not None else loader)


for _versions, _tag, _regexp, _first in implicit_resolvers:
    if (1, 2) in _versions:
        _Yaml12Resolver.add_implicit_resolver_base(_tag, _regexp, _first)


@dataclass
class Positions:
    """Where each key and value of the document stands, by its path in the data.

    `value(loc)` is where the value at `loc` starts; `key(loc)` where its key starts (the
    value's position for list items). Both fall back to the nearest enclosing path that is
    known, so a problem about something missing points at its parent."""

    values: dict[Loc, Mark] = field(default_factory=dict)
    keys: dict[Loc, Mark] = field(default_factory=dict)

    def value(self, loc: Loc) -> Mark:
        return self._nearest(self.values, loc)

    def key(self, loc: Loc) -> Mark:
        if loc in self.keys:
            return self.keys[loc]
        return self._nearest(self.values, loc)

    @staticmethod
    def _nearest(table: dict[Loc, Mark], loc: Loc) -> Mark:
        for end in range(len(loc), -1, -1):
            mark = table.get(loc[:end])
            if mark is not None:
                return mark
        return Mark(1, 1)


@dataclass
class Loaded:
    """The plain data of a YAML document, its positions, and the problems met loading it."""

    data: Any
    positions: Positions
    problems: list[Problem]


def _mark(node: Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


class _Walker:
    """Turns composed nodes into plain Python values, recording positions on the way."""

    def __init__(self, yaml: YAML) -> None:
        self._constructor = yaml.constructor
        self.positions = Positions()
        self.problems: list[Problem] = []

    def walk(self, node: Node, loc: Loc) -> Any:
        self.positions.values[loc] = _mark(node)
        if isinstance(node, MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, SequenceNode):
            return [self.walk(item, (*loc, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return self._scalar(node, loc)

    def _mapping(self, node: MappingNode, loc: Loc) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_tag = key_node.tag
            if key_tag == _MERGE:
                self.problems.append(Problem(loc, "YAML merge keys (<<) are not supported; "
                                             "write the keys out", mark=_mark(key_node)))
                continue
            if not isinstance(key_node, ScalarNode) or key_tag != _STR:
                self.problems.append(Problem(loc, "keys must be plain strings",
                                             mark=_mark(key_node)))
                continue
            key = key_node.value
            child = (*loc, key)
            if key in result:
                first = self.positions.keys[child]
                self.problems.append(Problem(
                    child, f'duplicate key "{key}" (first defined at line {first.line})',
                    mark=_mark(key_node)))
                continue
            self.positions.keys[child] = _mark(key_node)
            result[key] = self.walk(value_node, child)
        return result

    def _scalar(self, node: ScalarNode, loc: Loc) -> Any:
        tag, text = node.tag, node.value
        if tag == _STR:
            return text
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return text.lower() == "true"
        if tag == _INT:
            try:
                return int(text.replace("_", ""), 0)
            except ValueError:
                pass
        try:
            return self._constructor.construct_object(node, deep=True)
        except Exception:  # noqa: BLE001 - any unreadable scalar is a positioned problem
            self.problems.append(Problem(loc, f"cannot read the value {text!r} ({tag})"))
            return text


def _yaml() -> YAML:
    yaml = YAML(typ="safe")  # the libyaml parser when ruamel.yaml.clib is present
    yaml.Resolver = _Yaml12Resolver
    return yaml


def _syntax_problem(exc: MarkedYAMLError, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    where = Mark(mark.line + 1, mark.column + 1) if mark else Mark(1, 1)
    message = exc.problem or str(exc)
    lines = text.splitlines()
    if "cannot start any token" in message and where.line <= len(lines):
        found = lines[where.line - 1][where.col - 1:where.col]
        message = ("a tab cannot start a token: YAML indents with spaces only" if found == "\t"
                   else f"{found!r} cannot start a token")
    elif exc.context and exc.context_mark is not None and exc.context_mark.line != mark.line:
        message = f"{message} ({exc.context} at line {exc.context_mark.line + 1})"
    return Problem((), f"YAML syntax: {message}", mark=where)


def load_text(text: str) -> Loaded:
    """Load one YAML document; every problem is returned, none is raised."""
    yaml = _yaml()
    try:
        node = yaml.compose(text)
    except MarkedYAMLError as exc:
        return Loaded(None, Positions(), [_syntax_problem(exc, text)])
    except Exception as exc:  # noqa: BLE001 - e.g. a second document, reported not raised
        return Loaded(None, Positions(), [Problem((), f"YAML: {exc}")])
    if node is None:
        return Loaded({}, Positions(), [])
    walker = _Walker(yaml)
    data = walker.walk(node, ())
    return Loaded(data, walker.positions, walker.problems)

