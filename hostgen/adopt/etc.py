"""Adopt a live host: the files hostgen owns under ROOT (an /etc) -> one site.yaml document.

Reads ROOT/httpd.conf (includes resolved under ROOT as the host resolves them), the
`spamd_flags` line of ROOT/rc.conf.local, ROOT/dkimproxy_out.conf and ROOT/resolv.conf, each
with hostgen's live parser, plus ROOT/myname (the host's name) and ROOT/motd (its release).
A file that is missing gives no section. httpd.conf is read as the target release's httpd reads
it: a statement that release does not know is httpd's error at its line (exit 2).
"""

from __future__ import annotations

import re
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from hostgen.adopt.comments import Homes, scan
from hostgen.adopt.httpd import Materials, adopt_httpd
from hostgen.adopt.httpd_lines import Outline, outline
from hostgen.adopt.mail import adopt_dkimproxy, adopt_spamd
from hostgen.adopt.release import parser_release, target_release
from hostgen.adopt.resolver import adopt_resolver
from hostgen.adopt.result import Adopted, Loss, dump
from hostgen.errors import LiveFileError
from hostgen.host.files import read_text
from hostgen.live import httpd
from hostgen.site.loader import load_text
from hostgen.site.problems import format_problems
from hostgen.site.validate import validate

ETC = "/etc/"
#: httpd's usual `types { include "/usr/share/misc/mime.types" }`: the system's list
SYSTEM_TYPES = "/usr/share/misc/mime.types"
_MACRO_DEFINITION = re.compile(r"([A-Za-z0-9_]+) ?=")
_MACRO_USE = re.compile(r"\$([A-Za-z0-9_]+)")
_WORD_END = frozenset(" \t{},")
_RISKY = re.compile(r"[^A-Za-z0-9_./-]|^[-.]|^$")


def host_path(root: Path, path: str) -> Path:
    """Where a file the host names by absolute path is under ROOT: /etc/X is ROOT/X; another
    path is under ROOT's parent when ROOT is an etc folder (a copy of a whole host), else
    itself."""
    if path.startswith(ETC):
        return root / path[len(ETC):]
    if root.name == "etc":
        return root.parent / path.lstrip("/")
    return Path(path)


def read_httpd(root: Path, release: str) -> tuple[httpd.HttpdConfig, str, str] | None:
    """(config, text, path) of ROOT/httpd.conf, or None when there is none."""
    path = root / "httpd.conf"
    text = read_text(path)
    if text is None:
        return None

    def read_include(name: str) -> str:
        found = read_text(host_path(root, name))
        if found is None and name == SYSTEM_TYPES:
            return ""   # the system's list: not the site's, and not in a copy of /etc
        if found is None:
            raise FileNotFoundError(2, "No such file or directory", name)
        return found

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
    return config, text, str(path)


def macro_losses(text: str, lines: Outline) -> list[Loss]:
    """A macro whose value becomes only part of a word cannot be carried over as a value of
    its own: site.yaml has the expanded word (httpd-conf.md 1.6)."""
    names = {m.group(1) for line, words in lines.words.items()
             if lines.owner[line] == 0 and (m := _MACRO_DEFINITION.match(words))}
    losses = []
    for number, words in lines.words.items():
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
    attach: list[tuple[Homes, str]] = []
    resolv_text = read_text(root / "resolv.conf")
    if resolv_text is not None:
        resolver, found, homes = adopt_resolver(resolv_text, str(root / "resolv.conf"))
        losses += found
        if resolver is not None:
            document["resolver"] = resolver
            attach.append((homes, resolv_text))
    read = read_httpd(root, target)
    sections = None
    if read is not None:
        config, text, path = read
        lines = outline(text, path)
        sections = adopt_httpd(config, lines, materials)
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
        attach.append((homes, text))
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
        attach.append((homes, dkim_text))
    for homes, file_text in attach:
        quotes = '"' if homes.path.endswith("httpd.conf") else ""
        comments, orphans = scan(file_text, quotes)
        if homes.path.endswith("resolv.conf"):   # resolvd's lines are the host's
            comments = [c for c in comments if not c.text.startswith("resolvd: ")]
        losses += homes.attach(comments, orphans)
    quote_flow(document)
    losses += _validation(document)
    return Adopted(document, sorted(set(losses)))


def quote_flow(node: object, flow: bool = False) -> None:
    """Double-quote the strings of flow collections that YAML could read otherwise (ruamel
    writes `[::1]` plain, which does not load back)."""
    if isinstance(node, CommentedMap | CommentedSeq):
        inner = flow or node.fa.flow_style()
        keys = range(len(node)) if isinstance(node, CommentedSeq) else list(node)
        for key in keys:
            value = node[key]
            if inner and isinstance(value, str) and _RISKY.search(value):
                node[key] = DoubleQuotedScalarString(value)
            else:
                quote_flow(value, inner)


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


def _validation(document: CommentedMap) -> list[Loss]:
    """What `hostgen check` would say of the written site: the import carries the host over
    as it is, so a rule the live files break is reported here rather than hidden."""
    loaded = load_text(dump(document))
    _, problems = validate(loaded)
    return [Loss("site.yaml", int(line.split(":")[1]) if line.count(":") >= 2 else 0,
                 "hostgen check: " + line.split(": ", 1)[1])
            for line in format_problems([p for p in problems if p.level == "error"],
                                        loaded.positions, "site.yaml")]
