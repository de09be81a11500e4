"""Load site.yaml into plain data, keeping the position of every key and value.

The YAML is composed into nodes (ruamel.yaml's libyaml-based parser when ruamel.yaml.clib is
installed: about eight times faster than the pure-Python round-trip loader on a 1000-vhost site),
then walked once to build dicts, lists and scalars plus a `Positions` table. Problems found here
(syntax errors, duplicate keys, non-string keys) are collected, never raised one by one.

The walk also notes each mapping that says `include:` (`Loaded.includes`); hostgen.site.fleet
merges the named files into it: the files in the order written, then the mapping's own keys on
top (the host's own value wins), mappings merged key by key, lists and scalars replaced whole
(never concatenated: order is meaning in httpd). Positions then know each value's file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import BaseResolver, implicit_resolvers
from ruamel.yaml.tag import Tag

from hostgen.site.problems import Loc, Mark, Positions, Problem, from_parser

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
INCLUDE = "include"   # the key that pulls other files into a mapping (hostgen.site.fleet)


class _Yaml12Resolver(BaseResolver):
    """The YAML 1.2 core schema's implicit tags, looked up by first character.

    ruamel's VersionedResolver works the version out again for every scalar, which was most
    of the loading time of a large site; a site.yaml has no %YAML directive to honour. The
    tags it gives are shared objects (`_TAGS`), so that the walk below knows them by identity
    rather than by rebuilding each tag's string."""

    def __init__(self, version: Any = None, loadumper: Any = None, loader: Any = None) -> None:
        # ruamel passes the version (1.2 is the only one read here) and names the loader
        # `loadumper` or `loader` depending on the caller
        super().__init__(loadumper if loadumper is not None else loader)
        self._plain: dict[str, Tag] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        # BaseResolver.resolve without path resolvers (hostgen adds none) and a new Tag for
        # every node. A plain scalar's tag depends on its text alone: keys and common values
        # repeat all through a site, so each text is resolved once per document.
        if kind is ScalarNode:
            if not implicit[0]:
                return _STR_TAG
            known = self._plain.get(value)
            if known is None:
                known = self._plain[value] = self._resolve_plain(value)
            return known
        return _TAGS[_SEQ] if kind is SequenceNode else _TAGS[_MAP]

    def _resolve_plain(self, value: str) -> Tag:
        for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
            if regexp.match(value):
                return _TAGS[tag]
        return _STR_TAG

    # The C composer calls these two around every node, for path resolvers, which hostgen
    # does not use: two calls of a Python function per node were a tenth of the loading
    # time of a large site. C callables that take the same arguments and do nothing useful
    # stand in (class attributes that are not functions are not bound to the instance).
    descend_resolver = slice  # type: ignore[assignment]  # slice(parent, index), dropped
    ascend_resolver = tuple  # type: ignore[assignment]  # tuple(): ()


for _versions, _tag, _regexp, _first in implicit_resolvers:
    if (1, 2) in _versions:
        _Yaml12Resolver.add_implicit_resolver_base(_tag, _regexp, _first)
assert None not in _Yaml12Resolver.yaml_implicit_resolvers  # resolve() does not look there
_TAGS = {tag: Tag(suffix=tag) for tag in {_STR, _SEQ, _MAP}.union(
    tag for resolvers in _Yaml12Resolver.yaml_implicit_resolvers.values()
    for tag, _ in resolvers)}
_STR_TAG = _TAGS[_STR]


def _tag_of(node: Node) -> str:
    """The tag of a node: one of _TAGS, or an explicit one (`!!int "5"`)."""
    ctag = node.ctag
    return _STR if ctag is _STR_TAG else str(ctag)


@dataclass
class Loaded:
    """The plain data of a YAML document, its positions, and the problems met loading it."""

    data: Any
    positions: Positions
    problems: list[Problem]
    includes: list[Loc] = field(default_factory=list)  # mappings with an `include:` key



def _mark(node: Node) -> Mark:
    return from_parser(node.start_mark)


class _Walker:
    """Turns composed nodes into plain Python values, recording positions on the way."""

    def __init__(self, yaml: YAML) -> None:
        self._constructor = yaml.constructor
        self.positions = Positions()
        self._values = self.positions.values
        self.problems: list[Problem] = []
        self.includes: list[Loc] = []

    def walk(self, node: Node, loc: Loc) -> Any:
        self._values[loc] = node.start_mark
        if type(node) is ScalarNode:
            # most scalars are plain strings: their tag is the shared _STR_TAG (resolve)
            return node.value if node.ctag is _STR_TAG else self._scalar(node, loc)
        if type(node) is MappingNode:
            return self._mapping(node, loc)
        if type(node) is SequenceNode:
            return [self.walk(item, (*loc, i)) for i, item in enumerate(node.value)]
        raise AssertionError(f"unexpected YAML node {type(node).__name__}")

    def _mapping(self, node: MappingNode, loc: Loc) -> dict[str, Any]:
        result: dict[str, Any] = {}
        keys = self.positions.keys
        for key_node, value_node in node.value:
            if key_node.ctag is _STR_TAG and type(key_node) is ScalarNode:
                key = key_node.value   # a plain string key: the common case, checked below
                child = (*loc, key)
                if key not in result:
                    keys[child] = key_node.start_mark
                    result[key] = self.walk(value_node, child)
                    continue
            key_tag = _tag_of(key_node)
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
                first = from_parser(self.positions.keys[child])
                self.problems.append(Problem(
                    child, f'duplicate key "{key}" (first defined at line {first.line})',
                    mark=_mark(key_node)))
                continue
            self.positions.keys[child] = key_node.start_mark
            result[key] = self.walk(value_node, child)
        if INCLUDE in result:
            self.includes.append(loc)   # post-order: a mapping after those inside it
        return result

    def _scalar(self, node: ScalarNode, loc: Loc) -> Any:
        tag, text = _tag_of(node), node.value
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
    return Loaded(data, walker.positions, walker.problems, walker.includes)

