"""The options of one server or location block -> the keys of site.yaml (DESIGN.md's server
and location keys), and a loss for each option that has no key (yet) in that context.

Values httpd would use anyway are left out at server level (`root "/htdocs"`,
`directory index "index.html"`, `log style common`, ...: httpd-conf.md 2.4.3-2.4.5); in a
location the same words override the server, so they stay.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from ruamel.yaml.comments import CommentedMap

from hostgen.adopt.httpd_lines import Outline
from hostgen.adopt.result import Loss
from hostgen.live.httpd import (
    Authenticate,
    BlockAction,
    FastcgiOptions,
    FastcgiTcp,
    LogOptions,
    Options,
)

#: httpd's own values for a server that says nothing (httpd-conf.md 2.4.3-2.4.5).
SERVER_DEFAULTS: dict[str, object] = {"root": "/htdocs", "index": "index.html",
                                      "auto_index": False}
LOG_DEFAULTS: dict[str, object] = {"style": "common", "access": "access.log",
                                   "error": "error.log"}
#: block return codes that carry their URI as a Location header, as site.yaml's `status`
REDIRECT_CODES = (301, 302, 303, 307, 308)
#: The first words of each option's statement, to name its line.
WORDS: dict[str, tuple[str, ...]] = {
    "root": ("root",), "index": ("directory",), "auto_index": ("directory",),
    "log": ("log", "no log"), "fastcgi": ("fastcgi", "no fastcgi"),
    "authenticate": ("authenticate", "no authenticate"),
    "block": ("block", "pass"), "rewrite": ("request",), "strip": ("request",),
    "default_type": ("default type",), "gzip_static": ("gzip-static", "no gzip-static"),
    "static_cache_control": ("static-cache-control", "no static-cache-control"),
}
#: Keys a server of site.yaml does not have yet (the model covers them in locations only).
LOCATION_ONLY = frozenset({"rewrite", "strip", "default_type", "gzip_static"})


@dataclass
class Responders:
    """The FastCGI responders met so far: one name per (socket, params, strip), named after
    the socket's file (`/run/php-fpm.sock` -> php-fpm), in order of first use."""

    by_setting: dict[tuple[object, ...], str] = field(default_factory=dict)
    entries: dict[str, CommentedMap] = field(default_factory=dict)

    def name_for(self, socket: str, params: tuple[tuple[str, str], ...], strip: int | None) -> str:
        key = (socket, params, strip)
        if key not in self.by_setting:
            name = unique(slug(PurePosixPath(socket).stem) or "fastcgi", self.entries)
            entry = CommentedMap(socket=socket)
            if params:
                entry["param"] = CommentedMap(params)
            if strip is not None:
                entry["strip"] = strip
            self.entries[name] = entry
            self.by_setting[key] = name
        return self.by_setting[key]


def slug(text: str) -> str:
    """A material or responder name from a file name: lower case, other characters '-'."""
    out = "".join(c if c.isalnum() or c in "_-" else "-" for c in text.lower())
    return out.strip("-_")


def unique(name: str, taken: dict[str, Any]) -> str:
    if name not in taken:
        return name
    number = 2
    while f"{name}-{number}" in taken:
        number += 1
    return f"{name}-{number}"


@dataclass
class OptionsReader:
    outline: Outline
    responders: Responders
    losses: list[Loss] = field(default_factory=list)

    def lose(self, block: int, key: str, message: str) -> None:
        line = self.outline.find(block, *WORDS.get(key, (key,)))
        self.losses.append(Loss(self.outline.path, line, message))

    def keys(self, options: Options, block: int, *, server: bool) -> CommentedMap:
        """The site.yaml keys of one block's options (redirect/status/block/pass included)."""
        out = CommentedMap()
        where = "a server" if server else "a location"
        for key in ("root", "index", "auto_index"):
            value = getattr(options, key)
            if value is None or (server and SERVER_DEFAULTS.get(key) == value):
                continue
            out[key] = value
        self._block(options.block, block, out, server=server)
        self._fastcgi(options.fastcgi, block, out)
        if options.rewrite is not None:
            if options.rewrite is False or server:
                what = "request no rewrite" if options.rewrite is False else "request rewrite"
                self.lose(block, "rewrite", f"{what} in {where} has no site.yaml key yet; "
                          "left out")
            else:
                out["rewrite"] = options.rewrite
        for key, value in (("strip", options.strip),
                           ("default_type", options.default_type and str(options.default_type)),
                           ("gzip_static", options.gzip_static)):
            if value is None:
                continue
            if server:
                self.lose(block, key, f"{WORDS[key][0]} in a server has no site.yaml key yet; "
                          "left out")
            else:
                out[key] = value
        auth = self._authenticate(options.authenticate, options.no_authenticate, block)
        if auth is not None:
            out["authenticate"] = auth
        log = self._log(options.log, block, server=server)
        if log is not None:
            out["log"] = log
        if options.static_cache_control is not None:
            self.lose(block, "static_cache_control", "static-cache-control has no site.yaml "
                      "key yet; left out")
        return out

    def _block(self, action: BlockAction | None, block: int, out: CommentedMap, *,
               server: bool) -> None:
        if action is None:
            return
        if action.kind == "return" and action.uri is not None and action.code in REDIRECT_CODES:
            out["redirect"] = action.uri
            if action.code != 301:
                out["status"] = action.code
        elif server:
            self.lose(block, "block", f"{_block_words(action)} for a whole server has no "
                      "site.yaml key yet; left out")
        elif action.kind == "pass":
            out["pass"] = True
        elif action.kind == "drop":
            out["block"] = "drop"
        elif action.kind == "block" or action.code == 403:
            out["block"] = True
        else:   # another status: httpd ignores a URI there (httpd-conf.md 2.4.8)
            out["block"] = action.code

    def _fastcgi(self, fastcgi: FastcgiOptions, block: int, out: CommentedMap) -> None:
        if fastcgi.enabled is None:
            return
        if fastcgi.enabled is False:
            out["fastcgi"] = False
            return
        if fastcgi.pass_chunked:
            self.lose(block, "fastcgi", "fastcgi pass chunked has no site.yaml key yet; left out")
        socket = fastcgi.socket
        if isinstance(socket, FastcgiTcp):
            self.lose(block, "fastcgi", "fastcgi socket tcp has no site.yaml key yet; the "
                      "default socket is written instead")
            socket = None
        if socket is not None:
            out["fastcgi"] = self.responders.name_for(socket.path, fastcgi.params,
                                                      fastcgi.strip)
        elif fastcgi.params or fastcgi.strip is not None:
            inline = CommentedMap()
            if fastcgi.params:
                inline["param"] = CommentedMap(fastcgi.params)
            if fastcgi.strip is not None:
                inline["strip"] = fastcgi.strip
            out["fastcgi"] = inline
        else:
            out["fastcgi"] = True

    def _authenticate(self, auth: Authenticate | None, no_auth: bool | None,
                      block: int) -> object:
        if auth is not None and no_auth:
            self.lose(block, "authenticate", "authenticate and no authenticate in one block: "
                      "only authenticate is carried over (httpd asks for credentials there)")
        if auth is not None:
            entry = CommentedMap()
            if auth.realm is not None:
                entry["realm"] = auth.realm
            entry["htpasswd"] = auth.htpasswd
            return entry
        return False if no_auth else None

    def _log(self, log: LogOptions, block: int, *, server: bool) -> object:
        if log.enabled is False and (log.access, log.error, log.syslog) == (None, None, None):
            return False
        if log.enabled is False:
            self.lose(block, "log", "no log together with log file names: only the file names "
                      "are carried over")
        entry = CommentedMap()
        for key in ("access", "error", "style", "syslog"):
            value = getattr(log, key)
            if value is None or (server and LOG_DEFAULTS.get(key) == value):
                continue
            entry[key] = value
        return entry or None


def _block_words(action: BlockAction) -> str:
    if action.kind == "return":
        return f"block return {action.code}"
    return "pass" if action.kind == "pass" else f"block{' drop' if action.kind == 'drop' else ''}"
