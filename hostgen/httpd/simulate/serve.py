"""server_file(): FastCGI, static files, directories and index files (httpd-conf.md 3.9, 3.10).

The file to serve is root + the path (the rewritten one if any) after `request strip`. A
directory gets a 301 to the path with a slash, or its index file, which is looked up again
among the locations (so `index.php` can land in a "*.php" FastCGI location); a missing index
gives the generated listing with `auto index`, 403 without.
"""

from __future__ import annotations

from hostgen.httpd.simulate.disk import View
from hostgen.httpd.simulate.encoding import (
    PATH_MAX,
    byte_length,
    from_bytes,
    root_strip,
    to_bytes,
    url_encode,
)
from hostgen.httpd.simulate.expand import BLOCK_SIZE, expand
from hostgen.httpd.simulate.locations import RootUnreadable, find_location
from hostgen.httpd.simulate.outcomes import Outcome, drop, redirect, status
from hostgen.httpd.simulate.state import Run
from hostgen.live.httpd_ast import FastcgiTcp

STATIC_METHODS = frozenset({"GET", "HEAD"})


def serve(run: Run) -> Outcome:
    """server_file(): hand over to FastCGI, or serve from disk."""
    conf = run.conf
    if conf.fastcgi:
        return fastcgi(run)
    path = run.alias if run.alias is not None else run.prepared.path
    full = conf.root + root_strip(path, conf.strip)
    if byte_length(full) >= PATH_MAX:
        return status(500, "file path too long")
    return access(run, full)


def access(run: Run, full: str) -> Outcome:
    """server_file_access() for the chroot path `full`."""
    kind = run.view.kind(full)
    host = run.view.host_path(full)
    if kind == "missing":
        return status(404, f"{host} does not exist")
    if kind == "forbidden":
        return status(403, f"{host} is not readable")
    if kind == "error":
        return status(500, f"{host} cannot be looked up")
    if kind == "dir":
        return directory(run, full)
    if kind == "other":
        return status(403, f"{host} is not a regular file")
    if run.request.method not in STATIC_METHODS:
        return status(405, "static files answer GET and HEAD only")
    return Outcome("file", 200, path=host)


def directory(run: Run, full: str) -> Outcome:
    conf = run.conf
    host = run.view.host_path(full)
    if conf.index is None:
        return status(403, f"{host} is a directory and `no index` is in effect")
    if run.alias is not None:
        what = "the rewritten path" if run.rewritten else "the index"
        return status(500, f"{what} {host} is a directory")
    if not full.endswith("/"):
        target = url_encode(run.prepared.path) + "/"
        run.alias = target
        location = expand(target, run.context(), BLOCK_SIZE)
        if location is None:
            return drop("the directory redirect does not expand: connection closed")
        return redirect(301, location)
    run.alias = run.prepared.path + conf.index
    try:
        after = find_location(run, run.alias)
    except RootUnreadable:
        return serve(run)  # server_getlocation() failed: httpd serves the index as it is
    if after is not conf:
        run.chain.append(("index", after))
        return serve(run)
    index = full + conf.index
    if byte_length(index) >= PATH_MAX:
        return status(403, "index path too long")
    answer = access(run, index)
    if answer.status != 404:
        return answer
    if not conf.auto_index:
        return status(403, f"{run.view.host_path(index)} does not exist and auto index is off")
    if run.request.method not in STATIC_METHODS:
        return status(405, "listings answer GET and HEAD only")
    return Outcome("autoindex", 200, path=host)


def fastcgi(run: Run) -> Outcome:
    """server_fcgi(): the responder's socket and the CGI variables that decide what runs."""
    conf = run.conf
    alias = run.alias if run.alias is not None else run.prepared.path
    query = run.query_alias if run.query_alias is not None else run.prepared.query
    stripped = root_strip(alias, conf.strip)
    script = to_bytes(conf.root + stripped)
    root_length = byte_length(conf.root)
    length = max(path_info(run.view, script), root_length)
    name_length = length + byte_length(alias) - byte_length(stripped) - root_length
    params = (
        ("SCRIPT_NAME", from_bytes(to_bytes(alias)[:name_length])),
        ("PATH_INFO", from_bytes(script[length:])),
        ("SCRIPT_FILENAME", root_strip(from_bytes(script[:length]), conf.fcgi_strip)),
        ("DOCUMENT_ROOT", root_strip(conf.root, conf.fcgi_strip)),
        ("DOCUMENT_URI", alias),
        ("QUERY_STRING", query or ""),
        ("REQUEST_URI", run.prepared.raw_path + (f"?{run.prepared.query}"
                                                 if run.prepared.query is not None else "")),
    )
    socket = conf.socket
    where = (f"tcp {socket.host}:{socket.port}" if isinstance(socket, FastcgiTcp)
             else run.view.host_path(socket.path))
    return Outcome("fastcgi", 200, path=where, params=params)


def path_info(view: View, script: bytes) -> int:
    """path_info(): the length of the longest prefix of `script` that exists, trying the
    whole path and then each prefix ending before a "/" (0 when none does)."""
    for end in range(len(script), 0, -1):
        if end < len(script) and script[end] != 0x2F:
            continue
        if view.stats(from_bytes(script[:end])):
            return end
    return 0
