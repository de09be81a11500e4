"""Read an nginx configuration with crossplane, keeping each directive's file and line.

A whole configuration (nginx.conf) is parsed with its includes expanded in place, so servers
keep nginx's definition order, which decides default servers (nginx-to-httpd.md 3.1, "Order
caveat"). The expansion is done here from the `includes` indexes rather than with
crossplane's `combine=True`, whose per-directive "file" goes wrong after an include (its
parser reuses the file-name variable for the included names). A lone `sites-enabled` snippet
(servers at the top level) is parsed on its own without context checks and without
following includes, since they are relative to a directory crossplane does not know (3.1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import crossplane  # type: ignore[import-untyped]

from hostgen.errors import LiveFileError

_SUFFIX = re.compile(r" in \S+:\d+$")   # crossplane repeats "in FILE:LINE" in its messages


@dataclass
class Directive:
    name: str
    args: list[str]
    file: str
    line: int
    block: list[Directive] | None = None
    comment: str = ""

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def children(self, name: str) -> list[Directive]:
        return [d for d in self.block or [] if d.name == name]


@dataclass
class Config:
    path: str
    servers: list[Directive] = field(default_factory=list)
    http: list[Directive] = field(default_factory=list)   # http-level simple directives
    snippet: bool = False
    missing: list[Directive] = field(default_factory=list)   # includes that name no file
    blocks: list[Directive] = field(default_factory=list)    # http-level map, upstream, ...


def read(conf: Path) -> Config:
    """The servers of CONF, or LiveFileError at crossplane's file:line."""
    if not conf.is_file():
        raise LiveFileError(str(conf), 0, "not a file" if conf.exists() else "no such file")
    single = _parse(conf, single=True, check_ctx=False)
    top = single["config"][0]["parsed"] if single["config"] else []
    snippet = any(d["directive"] in ("server", "location") for d in top)
    payload = single if snippet else _parse(conf)
    config = Config(str(conf), snippet=snippet)
    _raise_first(payload, config)
    entries = payload["config"]
    work = _expand(entries[0]["parsed"], entries[0]["file"], entries) if entries else []
    if snippet:
        _check_arguments(work, ("http",))
    _collect(work, config, inside=snippet)
    return config


def _check_arguments(directives: list[Directive], context: tuple[str, ...]) -> None:
    """What crossplane checks of a whole configuration, for a snippet read on its own: the
    number of arguments and whether a block is opened, as nginx -t would refuse them (its
    analyzer knows no context of a server at the top, so it checked nothing). Context is not
    checked: a snippet's directives are read as if inside http {}."""
    for d in directives:
        statement = {"directive": d.name, "line": d.line, "args": d.args}
        try:
            crossplane.analyzer.analyze(d.file, statement, "{" if d.block is not None else ";",
                                        context, check_ctx=False)
        except crossplane.errors.NgxParserBaseException as error:
            raise LiveFileError(d.file, d.line, _SUFFIX.sub("", str(error))) from None
        if d.block is not None:
            _check_arguments(d.block, crossplane.analyzer.enter_block_ctx(statement, context))


def _parse(conf: Path, **options: Any) -> dict[str, Any]:
    result: dict[str, Any] = crossplane.parse(str(conf), comments=True, **options)
    return result


def _raise_first(payload: dict[str, Any], config: Config) -> None:
    """A syntax error is fatal; an include that names no file (a configuration copied without
    its fastcgi_params or snippets) is noted, and the rest is translated."""
    for error in payload["errors"]:
        message = _SUFFIX.sub("", str(error["error"]))
        where = (str(error["file"]), int(error.get("line") or 0))
        if message.startswith("[Errno"):
            name = message.rpartition(": ")[2].strip("'")
            config.missing.append(Directive("include", [name], *where))
            continue
        raise LiveFileError(*where, message)


def _expand(parsed: list[dict[str, Any]], file: str,
            entries: list[dict[str, Any]]) -> list[Directive]:
    """Directives of one file, each `include` replaced by the directives it names."""
    out: list[Directive] = []
    for raw in parsed:
        if "includes" in raw:
            for index in raw["includes"]:
                entry = entries[index]
                out += _expand(entry["parsed"], entry["file"], entries)
            continue
        block = raw.get("block")
        out.append(Directive(
            str(raw["directive"]), [str(a) for a in raw.get("args", [])], file,
            int(raw["line"]), None if block is None else _expand(block, file, entries),
            str(raw.get("comment", "")),
        ))
    return out


def _collect(work: list[Directive], config: Config, *, inside: bool) -> None:
    """The walk of nginx-to-httpd.md 3.1: servers at the top or inside `http`, in order;
    `inside`: the directives are http-level ones (kept, servers inherit some of them)."""
    for directive in work:
        if directive.name == "server" and directive.block is not None:
            config.servers.append(directive)
        elif directive.name == "http" and directive.block is not None:
            _collect(directive.block, config, inside=True)
        elif inside and directive.name != "#":
            (config.http if directive.block is None else config.blocks).append(directive)
        elif directive.name in ("stream", "mail"):
            config.blocks.append(directive)
