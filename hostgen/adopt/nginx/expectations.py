"""`expect:` entries: for each translated location, rewrite and redirect, a URL that exercises
it and what nginx answers there (hostgen.adopt.nginx.oracle), so `hostgen check` proves the
translation and keeps proving it as the site changes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from hostgen.adopt.nginx.oracle import Answer, Unknown, answer
from hostgen.adopt.nginx.plan import Emitted, NLocation, NServer
from hostgen.httpd.globs import fnmatch_casefold
from hostgen.httpd.patterns import PatternError, match

_URL_SAFE = re.compile(r"[A-Za-z0-9._~/-]*")
REWRITE_QUERY = "from=nginx"   # a query shows that rewrites carry it over as nginx does


@dataclass
class Target:
    """One translated server and how a client reaches it."""

    server: NServer
    scheme: str
    host: str
    emitted: list[Emitted]
    whole: Any = None          # the server-level `return` that became the server's redirect
    port: str = ""             # ":8443" when the server is reached on another port


def expectations(targets: list[Target], lost: set[int]) -> list[dict[str, Any]]:
    """`lost`: id() of the directives a loss was reported for; an answer they made is not
    the translation's to prove."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for target in targets:
        for path, query in _samples(target):
            try:
                result = answer(target.server, path, query, target.host, target.scheme)
                if result.by_rewrite and not query:
                    # httpd writes the query out (`?$QUERY_STRING`): with none, a bare "?"
                    # would end its Location; with one, both answers are the same text
                    query = REWRITE_QUERY
                    result = answer(target.server, path, query, target.host, target.scheme)
            except Unknown:
                continue
            if any(id(step) in lost for step in result.steps):
                continue
            url = f"{target.scheme}://{target.host}{target.port}{path}" + \
                (f"?{query}" if query else "")
            if url in seen:
                continue
            entry = _entry(url, path, result, target)
            if entry is not None:
                seen.add(url)
                out.append(entry)
    return out


def redirect_expectation(twin: NServer, host: str) -> dict[str, Any] | None:
    """The port-80 twin that became `http: redirect`: what it answered."""
    try:
        result = answer(twin, "/", "", host, "http")
    except Unknown:
        return None
    return {"url": f"http://{host}/", "status": result.status, "redirect": result.redirect}


def _entry(url: str, path: str, result: Answer, target: Target) -> dict[str, Any] | None:
    entry: dict[str, Any] = {"url": url, "status": result.status}
    if result.via is not None and result.via is not target.whole:
        text = _location_text(result.via, path, target.emitted)
        if text is None:
            return None          # what answers in nginx was not translated (a loss says why)
        entry["location"] = text
    if result.redirect is not None:
        entry["redirect"] = result.redirect
    return entry


def _location_text(via: NLocation | Any, path: str, emitted: list[Emitted]) -> str | None:
    candidates = [e for e in emitted if e.source is via and e.fields.get("found") is not False]
    if not candidates:
        candidates = [e for e in emitted if e.source is via]
    for e in candidates:
        if "path" in e.fields and fnmatch_casefold(e.text, path):
            return e.text
        try:
            if "match" in e.fields and match(e.text, path) is not None:
                return e.text
        except PatternError:
            continue
    return None


def _samples(target: Target) -> list[tuple[str, str]]:
    samples: list[tuple[str, str]] = [("/", "")]
    folded: set[int] = set()   # one upper-case sample per `~*` location shows it ignores case
    for e in target.emitted:
        source = e.source
        if isinstance(source, NLocation):
            if e.variant is None:
                samples.append((source.path, ""))
                continue
            path = _path(e.variant.sample)
            samples.append((path, ""))
            if source.modifier == "~*" and id(source) not in folded:
                folded.add(id(source))
                samples.append((path.upper(), ""))
        elif e.variant is not None:
            sample = e.variant.sample
            samples.append((_path(sample), ""))
    # a request path is canonical: "/." and "/.." segments never reach a location
    return [(p, q) for p, q in samples if _URL_SAFE.fullmatch(p) and p.startswith("/")
            and not {".", ".."} & set(p.split("/"))]


def _path(sample: str) -> str:
    """A path from the sample of an unanchored pattern (`.css` -> `/example.css`)."""
    return sample if sample.startswith("/") else "/example" + sample
