"""Adopt a live host: the files hostgen owns under ROOT (an /etc) -> one site.yaml document.

Reads ROOT/httpd.conf (includes resolved under ROOT as the host resolves them), the
`spamd_flags` line of ROOT/rc.conf.local, ROOT/dkimproxy_out.conf and ROOT/resolv.conf, each
with hostgen's live parser, plus ROOT/myname (the host's name) and ROOT/motd (its release).
A file that is missing gives no section. httpd.conf is read as the target release's httpd reads
it: a statement that release does not know is httpd's error at its line (exit 2).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from hostgen.adopt.comments import Comment, Homes, scan
from hostgen.adopt.emit import emit
from hostgen.adopt.httpd import Materials, adopt_httpd
from hostgen.adopt.httpd_lines import Outline, outline
from hostgen.adopt.httpd_server import FRAGMENT
from hostgen.adopt.mail import adopt_dkimproxy, adopt_spamd
from hostgen.adopt.release import parser_release, target_release
from hostgen.adopt.resolver import adopt_resolver
from hostgen.adopt.result import Adopted, Loss
from hostgen.errors import LiveFileError
from hostgen.host.files import read_text
from hostgen.live import httpd
from hostgen.site.loader import Loaded
from hostgen.site.problems import Loc, Positions, value_at
from hostgen.site.types import UNWRITABLE
from hostgen.site.validate import validate

ETC = "/etc/"
#: httpd's usual `types { include "/usr/share/misc/mime.types" }`: the system's list
SYSTEM_TYPES = "/usr/share/misc/mime.types"
_MACRO_DEFINITION = re.compile(r"([A-Za-z0-9_]+) ?=")
_ANY_DEFINITION = re.compile(r"^[ \t]*[A-Za-z0-9_]+[ \t]*=", re.MULTILINE)
_MACRO_USE = re.compile(r"\$([A-Za-z0-9_]+)")
_WORD_END = frozenset(" \t{},")


def host_path(root: Path, path: str) -> Path:
    """Where a file the host names by absolute path is under ROOT: /etc/X is ROOT/X; another
    path is under ROOT's parent when ROOT is an etc folder (a copy of a whole host), else
    itself."""
    if path.startswith(ETC):
        return root / path[len(ETC):]
    if root.name == "etc":
        return root.parent / path.lstrip("/")
    return Path(path)


def reader(root: Path, overrides: dict[str, str] | None = None,
           included: list[str] | None = None) -> Callable[[str], str]:
    """httpd's `include`, as the host reads it under ROOT (host_path); `overrides` are files
    of /etc by name (rendered ones); `included` collects each file read."""

    def read_include(name: str) -> str:
        if included is not None:
            included.append(name)
        if overrides and name.startswith(ETC) and name[len(ETC):] in overrides:
            return overrides[name[len(ETC):]]
        found = read_text(host_path(root, name))
        if found is None and name == SYSTEM_TYPES:
            return ""   # the system's list: not the site's, and not in a copy of /etc
        if found is None:
            raise FileNotFoundError(2, "No such file or directory", name)
        return found

    return read_include


def read_httpd(root: Path,
               release: str) -> tuple[httpd.HttpdConfig, str, str, list[str]] | None:
    """(config, text, path, the files it includes, as named) of ROOT/httpd.conf, or None when
    there is none."""
    path = root / "httpd.conf"
    text = read_text(path)
    if text is None:
        return None

    system: list[str] = []
    read_include = reader(root, included=system)

    version = parser_release(release)
    try:
        config = httpd.parse(text, str(path), read_include=read_include, version=version)
    except LiveFileError as exc:
        try:
            httpd.parse(text, str(path), read_include=read_include)
        except LiveFileError:
            raise exc from None
        raise LiveFileError(exc.path, exc.line, f"{exc.message} (OpenBSD {release}'s httpd "
                            "does not know this syntax)") from None
    return config, text, str(path), list(dict.fromkeys(system))


def macro_losses(text: str, lines: Outline) -> list[Loss]:
    """A macro whose value becomes only part of a word cannot be carried over as a value of
    its own: site.yaml has the expanded word (httpd-conf.md 1.6)."""
    if not _ANY_DEFINITION.search(text):
        return []
    names = {m.group(1) for line, words in lines.words.items()
             if lines.owner[line] == 0 and (m := _MACRO_DEFINITION.match(words))}
    losses = []
    for number, words in lines.words.items():
        if "$" not in words:
            continue
        code = re.sub(r'"[^"]*"', '""', words)
        for use in _MACRO_USE.finditer(code):
            start, end = use.span()
            before = code[start - 1] if start else " "
            after = code[end] if end < len(code) else " "
            if use.group(1) in names and (before not in _WORD_END or after not in _WORD_END):
                losses.append(Loss(lines.path, number, f"macro ${use.group(1)} is used as part "
                                   "of a word; site.yaml has the word it makes, written out"))
    return losses


def adopt_root(root: Path, release: str | None = None) -> Adopted:
    target, _ = target_release(root, release)
    document = CommentedMap()
    losses: list[Loss] = []
    document["host"] = CommentedMap(name=_host_name(root, losses), openbsd=target)
    materials = Materials()
    attach: list[tuple[Homes, str, tuple[list[Comment], list[int]]]] = []
    resolv_text = read_text(root / "resolv.conf")
    if resolv_text is not None:
        resolver, found, homes = adopt_resolver(resolv_text, str(root / "resolv.conf"))
        losses += found
        if resolver is not None:
            document["resolver"] = resolver
            attach.append((homes, resolv_text, scan(resolv_text, "")))
    read = read_httpd(root, target)
    sections = None
    if read is not None:
        config, text, path, included = read
        lines = outline(text, path)
        httpd_comments = scan(text, '"')
        # the homes of its statements are worked out even without comments: a value that
        # check refuses is reported at its line (_validation)
        sections = adopt_httpd(config, lines, materials, system_types=SYSTEM_TYPES in included,
                               release=target, comments=True)
        losses += sections.losses + macro_losses(text, lines)
    rc_text = read_text(root / "rc.conf.local")
    spamd, spamd_line = None, 0
    if rc_text is not None:
        spamd, found_rc, spamd_line = adopt_spamd(rc_text, str(root / "rc.conf.local"),
                                                  materials)
        losses += found_rc
    if materials.entries:
        document["tls"] = CommentedMap(materials.entries)
    if sections is not None:
        if sections.responders.entries:
            document["fastcgi"] = CommentedMap(sections.responders.entries)
            for entry in sections.responders.entries.values():
                entry.fa.set_flow_style()
        document["httpd"] = sections.httpd
        homes = sections.homes
        inner = homes.fallback
        homes.fallback = lambda line: (inner(line) if inner else None) or (document, "httpd", 0)
        attach.append((homes, text, httpd_comments))
    if spamd is not None:
        document["spamd"] = spamd
        assert rc_text is not None
        rc_homes = Homes(str(root / "rc.conf.local"))
        rc_homes.put(spamd_line, document, "spamd", 0)
        comments, _ = scan(rc_text)
        losses += rc_homes.attach([c for c in comments if c.line == spamd_line], [])
    dkim_text = read_text(root / "dkimproxy_out.conf")
    if dkim_text is not None:
        proxy, found, homes = adopt_dkimproxy(dkim_text, str(root / "dkimproxy_out.conf"))
        losses += found
        document["dkimproxy"] = proxy
        homes.fallback = lambda line: (document, "dkimproxy", 0)
        attach.append((homes, dkim_text, scan(dkim_text, "")))
    if read is not None and sections is not None:
        losses += _included_comments(root, read[3], document, sections.httpd.get("tls"))
    for homes, _, (comments, orphans) in attach:
        if homes.path.endswith("resolv.conf"):   # resolvd's lines are the host's
            comments = [c for c in comments if not c.text.startswith("resolvd: ")]
        losses += homes.attach(comments, orphans)
    losses += _validation(document, [homes for homes, _, _ in attach])
    return Adopted(document, sorted(set(losses)))


def _included_comments(root: Path, included: list[str], document: CommentedMap,
                       default_tls: str | None) -> list[Loss]:
    """The comments of the files httpd.conf includes: those of hostgen's TLS fragments go
    before their material in `tls:`; elsewhere they have no home in site.yaml."""
    losses: list[Loss] = []
    for name in included:
        text = read_text(host_path(root, name)) if name != SYSTEM_TYPES else None
        if not text:
            continue
        path = str(host_path(root, name))
        found = FRAGMENT.fullmatch(name)
        material = (found.group(1) or default_tls) if found else None
        homes = Homes(path)
        if material is not None and material in document.get("tls", {}):
            homes.fallback = lambda line, m=material: (document["tls"], m, 2)
        comments, orphans = scan(text, '"')
        losses += homes.attach(comments, orphans)
    return losses


def _host_name(root: Path, losses: list[Loss]) -> str:
    """The host's name from ROOT/myname (myname(5)), else "localhost" and a loss."""
    text = read_text(root / "myname") or ""
    for line in text.splitlines():
        name = line.split("#", 1)[0].strip()
        if name:
            return name
    losses.append(Loss(str(root / "myname"), 0, "no host name here (myname(5)); host.name is "
                       "localhost: change it"))
    return "localhost"


def _validation(document: CommentedMap, homes: list[Homes]) -> list[Loss]:
    """What `hostgen check` would say of the written site, at the live line it comes from.

    A value hostgen refuses to write at all (a backslash, a control character: httpd reads them,
    but no quoting carries them through safely) is left out of the document, and with it the
    location or server it names; anything else the live files break is carried over as it is
    and reported, so that the written site says what the host does."""
    origins: dict[tuple[int, Any], list[tuple[str, int]]] = {}
    for home in homes:
        for line, (node, key, _) in sorted(home.places.items()):
            origins.setdefault((id(node), key), []).append((home.path, line))
    losses: list[Loss] = []
    for _ in range(3):   # leaving a value out can only reveal what depended on it
        _, problems = validate(Loaded(_plain(document), Positions(), []))
        errors = [problem for problem in problems if problem.level == "error"]
        unwritable = [p for p in errors if p.message in UNWRITABLE]
        if not unwritable:
            break
        for problem in sorted(unwritable, key=lambda p: p.loc, reverse=True):
            dropped = _unit(problem.loc)
            what, rest = f"{_name(dropped)} left out", problem.loc[len(dropped):]
            if rest and rest[0] not in ("path", "match", "name"):
                what += f" (its {rest[0]})"
            losses.append(_loss(document, origins, problem.loc, f"{what}: {problem.message}"))
            _drop(document, dropped)
    return losses + [_loss(document, origins, problem.loc, f"hostgen check: {problem.message}")
                     for problem in errors if problem.message not in UNWRITABLE]


def _unit(loc: Loc) -> Loc:
    """What to leave out for an unwritable value at `loc`: the whole location it is part of
    (a location without one of its statements would answer differently, as the nginx importer
    decides too), the server it names, else the value itself."""
    if "locations" in loc:
        end = loc.index("locations") + 2
        if len(loc) >= end:
            return loc[:end]
    if len(loc) >= 2 and loc[-1] in ("name", "match") and isinstance(loc[-2], int):
        return loc[:-1]
    return loc


_ELEMENT = {"servers": "server", "locations": "location", "aliases": "alias",
            "nameservers": "nameserver", "fallback": "nameserver", "search": "search domain"}


def _name(loc: Loc) -> str:
    """How a loss names what was left out: the key, or a list's kind of element."""
    if len(loc) >= 2 and isinstance(loc[-1], int):
        return _ELEMENT.get(str(loc[-2]), f"an entry of {loc[-2]}")
    return str(loc[-1]) if loc else "site"


def _drop(document: CommentedMap, loc: Loc) -> None:
    parent = value_at(document, loc[:-1])
    del parent[loc[-1]]
    if not parent and len(loc) > 1:   # an emptied list or mapping goes too
        _drop(document, loc[:-1])


def _loss(document: CommentedMap, origins: dict[tuple[int, Any], list[tuple[str, int]]],
          loc: Loc, message: str) -> Loss:
    """A loss at the live line `loc` (or what holds it) came from; the written site.yaml's
    line when no live line is known. A list written one statement per entry (aliases) has
    one line per entry: the entry's own is taken."""
    for length in range(len(loc), 0, -1):
        node = value_at(document, loc[:length - 1])
        lines = origins.get((id(node), loc[length - 1]))
        if lines is None:
            continue
        index = loc[length] if length < len(loc) else None
        if isinstance(index, int):
            entries = node[loc[length - 1]]
            if isinstance(entries, list) and len(entries) == len(lines):
                return Loss(*lines[index], message)
        return Loss(*lines[0], message)
    written = emit(document)[1]
    while loc and loc not in written:
        loc = loc[:-1]
    return Loss("site.yaml", written.get(loc, 0), message)


def _plain(node: object) -> object:
    if isinstance(node, dict):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(value) for value in node]
    if isinstance(node, str):
        return str(node)
    return node
