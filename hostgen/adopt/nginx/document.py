"""The translated site as a commented YAML document: each server and location says where in
the nginx configuration it came from (`# nginx: sites/example.conf:42`)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from hostgen.adopt.nginx.context import Context
from hostgen.adopt.nginx.plan import Emitted
from hostgen.adopt.nginx.read import Directive

_SERVER_KEYS = ("name", "aliases", "listen", "http", "tls", "root", "index", "auto_index",
                "fastcgi", "redirect", "status", "block", "hsts", "log", "authenticate")
_LOCATION_KEYS = ("path", "match", "found", "redirect", "status", "block", "pass", "rewrite",
                  "root", "strip", "index", "auto_index", "fastcgi", "authenticate", "log",
                  "gzip_static")


@dataclass
class Server:
    fields: dict[str, Any]
    origin: Directive
    locations: list[Emitted]


def document(host: str, release: str | None, ctx: Context, listen: str, acme: str | None,
             servers: list[Server], expect: list[dict[str, Any]], base: Path) -> CommentedMap:
    doc = CommentedMap()
    doc["host"] = CommentedMap(name=host)
    if release is not None:
        doc["host"]["openbsd"] = release
    if ctx.materials:
        doc["tls"] = CommentedMap((name, _plain(value)) for name, value in ctx.materials.items())
    if ctx.responders:
        doc["fastcgi"] = CommentedMap((name, _plain(value))
                                      for name, value in ctx.responders.items())
    if servers:   # none when every server had to be left out (each one a loss)
        httpd = CommentedMap(listen=listen)
        if acme is not None:
            httpd["acme"] = acme
        httpd["servers"] = CommentedSeq(_server(s, base) for s in servers)
        doc["httpd"] = httpd
    if expect:
        doc["expect"] = CommentedSeq(_ordered(e, ("url", "status", "location", "redirect"))
                                     for e in expect)
    return doc


def _server(server: Server, base: Path) -> CommentedMap:
    out = _ordered(server.fields, _SERVER_KEYS)
    out.yaml_add_eol_comment(f"nginx: {_where(server.origin, base)}", "name")
    if server.locations:
        out["locations"] = CommentedSeq(_location(e, base) for e in server.locations)
    return out


def _location(emitted: Emitted, base: Path) -> CommentedMap:
    out = _ordered(emitted.fields, _LOCATION_KEYS)
    first = next(iter(out))
    out.yaml_add_eol_comment(f"nginx: {_where(emitted.origin, base)}", first)
    return out


def _ordered(fields: dict[str, Any], keys: tuple[str, ...]) -> CommentedMap:
    out = CommentedMap()
    for key in (*keys, *sorted(set(fields) - set(keys))):
        if key in fields:
            out[key] = _plain(fields[key])
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return CommentedMap((k, _plain(v)) for k, v in value.items())
    if isinstance(value, list):
        return CommentedSeq(_plain(v) for v in value)
    return value


def _where(d: Directive, base: Path) -> str:
    """The nginx file relative to the configuration's folder when it is inside it."""
    path = os.path.relpath(d.file, base)
    if path.startswith(".."):
        path = d.file
    return f"{path}:{d.line}"
