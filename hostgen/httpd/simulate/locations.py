"""server_getlocation(): the first location of the entry that matches a path (httpd-conf.md 3.4).

Globs are fnmatch(3) with FNM_CASEFOLD over the whole path; `match` patterns are Lua patterns,
unanchored unless they say `^`/`$`. Every `match` attempt replaces the captures (str_match()
clears them first, so a failed attempt leaves none). A `found` / `not found` location is then
tested against the files under its own root, after its own `request strip`. Nothing matching
leaves the configuration in effect unchanged: the server's on the first lookup, the rewriting
location's after a rewrite.
"""

from __future__ import annotations

from hostgen.httpd.simulate.conf import Conf
from hostgen.httpd.simulate.encoding import root_strip
from hostgen.httpd.simulate.matching import folded
from hostgen.httpd.simulate.state import Run


class RootUnreadable(Exception):
    """open() of a found/not-found location's root failed: httpd answers 500."""


def find_location(run: Run, path: str) -> Conf:
    """The configuration now in effect for `path`; also stored as `run.conf`."""
    key: bytes | None = None
    for conf in run.entry.locations:
        if conf.pattern is not None:
            run.captures = captures = conf.pattern(path)
            if captures is None:
                continue
        elif conf.glob is not None:
            if key is None:
                key = folded(path)
            if not conf.glob(path, key):
                continue
        if not _passes_file_test(run, conf, path):
            continue
        run.conf = conf
        if conf.pattern is not None:
            run.shown_captures = run.captures
        return conf
    return run.conf


def _passes_file_test(run: Run, conf: Conf, path: str) -> bool:
    """server_locationaccesstest(): `found` needs the file, `not found` its absence."""
    wanted = conf.location.found if conf.location is not None else None
    if wanted is None:
        return True
    if not run.view.opens(conf.root):
        raise RootUnreadable(conf.root)
    relative = root_strip(path, conf.strip)[1:]
    # faccessat(rootfd, "") fails with ENOENT: "/" itself is never found
    exists = bool(relative) and run.view.exists(conf.root.rstrip("/") + "/" + relative)
    return exists if wanted else not exists
