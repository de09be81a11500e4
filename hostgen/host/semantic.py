"""The semantic diff: each output and its live file compared as parsed structures, in words.

`structure(name, text, ...)` reads one file with hostgen's live parsers into plain data in which
formatting and order that do not change meaning have gone (httpd servers keyed by name and
listeners, spamd flags as a map); `changes(...)` compares two such structures with deepdiff and
says what differs, one line each: `server "x": location "/a/*" added`, `spamd: -G 25:4:864 ->
2:4:864`, `resolv.conf: nameserver 9.9.9.9 added`. Order that is meaning stays a list compared
in order: httpd's locations (the first match wins) and resolv.conf's nameservers (tried in turn).
apply uses `structure` as its read-back check of every staged file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from deepdiff import DeepDiff

from hostgen.host import semantic_mail
from hostgen.live import dkimproxy, httpd, rcconf, resolvconf

Data = Any   # JSON-like: dict / list / str / int / bool / None
Reader = Callable[[str], str]

# spamd's getopt(3) string, spamd.c rev 1.163 (spamd.md 2): a letter before ":" takes an argument
SPAMD_OPTSTRING = "45l:c:B:p:bdG:h:s:S:M:n:vw:y:Y:C:K:"
SPAMD_REPEATABLE = frozenset("Y")
# words for structure keys where the key itself is not the httpd.conf keyword
HTTPD_WORDS = {"options": "", "aliases": "alias", "listens": "listen on", "params": "param",
               "strip": "request strip", "rewrite": "request rewrite",
               "gzip_static": "gzip-static", "max_age": "max-age",
               "static_cache_control": "static-cache-control"}


# ---- reading files into structures ---------------------------------------------------------

def structure(name: str, text: str, path: str, read_include: Reader | None = None) -> Data:
    """The meaning of one output file. Raises LiveFileError (positioned) when httpd's grammar
    is broken; the other formats are read as their daemons read them, which never fails."""
    if name == "httpd.conf":
        return httpd.to_semantic(httpd.parse(text, path, read_include=read_include))
    if name.startswith("httpd.") and name.endswith(".tls"):
        return _fragment(text, path, read_include)
    if name == "rc.conf.local":
        return rc_conf(text, path)
    if name == "resolv.conf":
        conf = resolvconf.parse(resolvconf.without_resolvd(text), path)
        return {"nameserver": list(conf.nameservers), "lookup": _words(conf.lookup),
                "family": _words(conf.family), "search": _words(conf.search),
                "domain": conf.domain, "options": sorted(set(conf.options))}
    if name == "dkimproxy_out.conf":
        conf_ = dkimproxy.parse(text, path)
        return {**conf_.options, "signature": list(conf_.signatures)}
    if name == "mail/smtpd.conf":
        return semantic_mail.smtpd(text)
    if name == "acme-client.conf":
        return semantic_mail.acme_client(text)
    return text


def rc_conf(text: str, path: str = "rc.conf.local") -> Data:
    """The lines hostgen owns as rc.subr reads them: spamd's flags as getopt reads them, the
    flags of httpd and smtpd (smtpd is on by default: no line means `smtpd_flags=`,
    smtpd-conf.md 7.3), and the entries of pkg_scripts."""
    smtpd = rcconf.value_of(text, "smtpd_flags", path)
    return {"spamd_flags": spamd_flags(rcconf.spamd_flags(text, path)),
            "httpd_flags": rcconf.value_of(text, "httpd_flags", path),
            "smtpd_flags": rcconf.DEFAULT_ON["smtpd_flags"] if smtpd is None else smtpd,
            "pkg_scripts": (rcconf.value_of(text, rcconf.PKG_SCRIPTS, path) or "").split()}


def _fragment(text: str, path: str, read_include: Reader | None) -> Data:
    # An include fragment is the inside of a server block: read it as one. The opening shares
    # the fragment's first line, so positions in errors stay the fragment's own.
    config = httpd.parse(f'server "fragment" {{ {text}\n}}\n', path, read_include=read_include)
    servers: Data = httpd.to_semantic(config)["servers"]
    server: Data = next(iter(servers.values()))
    return {key: value for key, value in server.items() if key not in ("name", "match")}


def _words(items: tuple[str, ...] | None) -> str | None:
    return None if items is None else " ".join(items)


def spamd_flags(value: str | None) -> Data:
    """`spamd_flags` as spamd's getopt reads it: {"-G": "25:4:864", "-v": True, ...}; the
    value itself when spamd does not run with flags (None: no line; "NO": disabled)."""
    if value is None or value == "NO":
        return value
    takes_arg = {c for c, nxt in zip(SPAMD_OPTSTRING, SPAMD_OPTSTRING[1:] + " ", strict=True)
                 if c != ":" and nxt == ":"}
    flags: dict[str, Data] = {}
    words = rcconf.split_flags(value)
    while words and words[0].startswith("-") and words[0] not in ("-", "--"):
        letters = words.pop(0)[1:]
        while letters:
            letter, letters = letters[0], letters[1:]
            arg: Data = True
            if letter in takes_arg:
                arg = letters or (words.pop(0) if words else "")
                letters = ""
            if letter in SPAMD_REPEATABLE:
                flags.setdefault(f"-{letter}", []).append(arg)
            else:
                flags[f"-{letter}"] = arg
    if words[:1] == ["--"]:
        words.pop(0)
    if words:
        flags["operands"] = " ".join(words)
    return flags


# ---- comparing structures ------------------------------------------------------------------

def changes(name: str, old: Data, new: Data) -> list[str]:
    """What differs between two structures of output `name`, one line each ([] when equal)."""
    if old == new:
        return []
    if name == "httpd.conf":
        return _httpd_changes(old, new)
    if name == "rc.conf.local":
        return _rc_changes(old, new)
    if name == "resolv.conf":
        lines = _ordered("nameserver", old["nameserver"], new["nameserver"], str, lambda v: v)
        rest_old, rest_new = ({k: v for k, v in d.items() if k != "nameserver"}
                              for d in (old, new))
        lines += _dict_changes(rest_old, rest_new, str)
        return [f"{name}: {line}" for line in lines]
    if name.startswith("httpd."):
        return [f"{name}: {line}" for line in _dict_changes(_readable(old), _readable(new),
                                                            _httpd_value, HTTPD_WORDS)]
    if name == "mail/smtpd.conf":
        lines = [f"{s} removed" for s in old["statements"] if s not in new["statements"]]
        lines += [f"{s} added" for s in new["statements"] if s not in old["statements"]]
        lines += _ordered("rule", old["match"], new["match"], str, lambda k: k)
        return [f"{name}: {line}" for line in lines]
    return [f"{name}: {line}" for line in _dict_changes(old, new, str)]


def _rc_changes(old: dict[str, Data], new: dict[str, Data]) -> list[str]:
    lines = []
    spamd_old, spamd_new = old["spamd_flags"], new["spamd_flags"]
    if isinstance(spamd_old, dict) and isinstance(spamd_new, dict):
        lines += [f"spamd: {line}" for line in _dict_changes(spamd_old, spamd_new, _spamd_value)]
    elif spamd_old != spamd_new:
        lines.append(f"spamd: spamd_flags {_spamd_value(spamd_old)} -> "
                     f"{_spamd_value(spamd_new)}")
    for key in ("httpd_flags", "smtpd_flags"):
        if old[key] != new[key]:
            lines.append(f"{key.removesuffix('_flags')}: {key} {_flags_value(old[key])} -> "
                         f"{_flags_value(new[key])}")
    lines += [f"rc.conf.local: {line}" for line in _ordered(
        "pkg_scripts entry", old["pkg_scripts"], new["pkg_scripts"], str, str)]
    return lines


def _flags_value(value: str | None) -> str:
    return "(no line)" if value is None else "(empty)" if value == "" else value


def _spamd_value(value: Data) -> str:
    if value is None:
        return "(no line)"
    if value is True:   # a flag without an argument: the label already names it
        return ""
    if isinstance(value, dict):
        return " ".join(k if v is True else f"{k} {v}" for k, v in value.items())
    if isinstance(value, list):
        return " ".join(map(str, value))
    return str(value)


class _Shown(str):
    """A value already in httpd.conf's words (not quoted again)."""


def _httpd_value(value: Data) -> str:
    if isinstance(value, _Shown):
        return str(value)
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k, HTTPD_WORDS)} {_httpd_value(v)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, list):
        return ", ".join(_httpd_value(item) for item in value)
    return str(value)


def _readable(data: Data) -> Data:
    """Actions and sockets as one value each, so a change reads `block return 301 "a" ->
    drop` rather than one line per field."""
    if isinstance(data, list):
        return [_readable(item) for item in data]
    if not isinstance(data, dict):
        return data
    if "kind" in data:
        return _Shown(_block_text(data))
    if set(data) == {"unix"}:
        return _Shown(_httpd_value(data["unix"]))
    if set(data) == {"tcp"}:
        return _Shown(f"tcp {data['tcp']}")
    return {key: _readable(value) for key, value in data.items()}


def _block_text(action: dict[str, Data]) -> str:
    kind = action.get("kind")
    if kind in ("block", "pass"):
        return str(kind)
    if kind == "drop":
        return "drop"
    uri = f" {_httpd_value(action['uri'])}" if action.get("uri") is not None else ""
    return f"return {action.get('code')}{uri}"


def _key(key: str, words: dict[str, str]) -> str:
    return words.get(key, key.replace("_", " "))


def _dict_changes(old: dict[str, Data], new: dict[str, Data], show: Callable[[Data], str],
                  words: dict[str, str] | None = None) -> list[str]:
    """deepdiff of two dicts (order of lists ignored), each change as `LABEL OLD -> NEW`,
    `LABEL NEW added` or `LABEL OLD removed`; the label names the path in the file's words."""
    words = words or {}
    found: list[tuple[str, str]] = []
    tree = DeepDiff(old, new, ignore_order=True, view="tree")
    for kind, levels in tree.items():
        for level in levels:
            path = [p for p in level.path(output_format="list") if not isinstance(p, int)]
            label = " ".join(w for w in (_key(str(p), words) for p in path) if w)
            if kind in ("values_changed", "type_changes"):
                text = f"{label} {show(level.t1)} -> {show(level.t2)}"
            elif kind.endswith("_added"):
                text = f"{label} {show(level.t2)} added"
            elif kind.endswith("_removed"):
                text = f"{label} {show(level.t1)} removed"
            else:
                text = f"{label} changed"
            found.append((label, text.replace("  ", " ")))
    return [text for _, text in sorted(found)]


def _ordered(what: str, old: list[Data], new: list[Data], key: Callable[[Data], str],
             show: Callable[[Data], str]) -> list[str]:
    """Changes of a list whose order is meaning: items added, removed, or moved (those outside
    the longest common subsequence of the items both lists have)."""
    old_keys, new_keys = [key(item) for item in old], [key(item) for item in new]
    lines = [f"{what} {show(k)} removed" for k in old_keys if k not in new_keys]
    lines += [f"{what} {show(k)} added" for k in new_keys if k not in old_keys]
    common_old = [k for k in old_keys if k in new_keys]
    common_new = [k for k in new_keys if k in old_keys]
    stay = set(_lcs(common_old, common_new))
    for k in common_new:
        if k not in stay:
            lines.append(f"{what} {show(k)} moved from position {old_keys.index(k) + 1} to "
                         f"{new_keys.index(k) + 1}")
    return lines


def _lcs(a: list[str], b: list[str]) -> list[str]:
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            table[i][j] = (table[i + 1][j + 1] + 1 if a[i] == b[j]
                           else max(table[i + 1][j], table[i][j + 1]))
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            out.append(a[i])
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return out


# ---- httpd.conf ----------------------------------------------------------------------------

def _httpd_changes(old: dict[str, Data], new: dict[str, Data]) -> list[str]:
    lines = [f"httpd.conf: {line}" for line in _dict_changes(
        {"globals": _globals_with_defaults(old.get("globals")), "types": old.get("types")},
        {"globals": _globals_with_defaults(new.get("globals")), "types": new.get("types")},
        _httpd_value, HTTPD_WORDS)]
    olds, news = per_listener(old.get("servers", {})), per_listener(new.get("servers", {}))
    by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)   # label -> (key, change)
    blocks: dict[str, set[str]] = defaultdict(set)                  # label -> block keys
    for key in [*olds, *(k for k in news if k not in olds)]:
        server = news.get(key) or olds[key]
        label = ("server match " if server.get("match") else "server ") + \
            _httpd_value(server.get("name", key))
        blocks[label].add(key)
        for change in _server_changes(olds.get(key), news.get(key)):
            by_name[label].append((key, change))
    for label, found in by_name.items():
        keys_of: dict[str, set[str]] = defaultdict(set)
        for key, change in found:
            keys_of[change].add(key)
        for change in dict.fromkeys(change for _, change in found):
            if keys_of[change] == blocks[label]:
                lines.append(f"{label}{change}")
            else:
                for key in sorted(keys_of[change]):
                    server = news.get(key) or olds[key]
                    where = ", ".join(server.get("listens", []))
                    lines.append(f"{label} ({where}){change}")
    return lines


#: What only a TLS listener uses (httpd-conf.md 2.4.12, 2.4.15): left out of a plain one's entry.
_TLS_ONLY = ("tls", "hsts")


def per_listener(servers: dict[str, Data]) -> dict[str, Data]:
    """One entry per listener of each server block, as httpd clones a block for each of its
    `listen on` statements (httpd-conf.md 2.4.1, 3.1): a block listening on ports 80 and 443
    means what two blocks with one listener each and the same content mean, so the two shapes
    compare equal (issue 14: hostgen writes one block where the release allows it, a live file
    may have two). A plain listener's entry leaves out the TLS settings it never uses."""
    split: dict[str, Data] = {}
    for key, server in servers.items():
        server = _with_defaults(server)
        listens = server.get("listens", [])
        if len(listens) < 2:
            split[key] = server
            continue
        prefix = "match " if server.get("match") else ""
        for listen in listens:
            entry = {k: v for k, v in server.items()
                     if not (k in _TLS_ONLY and not listen.endswith(" tls"))}
            entry["listens"] = [listen]
            name = f"{prefix}{server.get('name')} [{listen}]"
            while name in split:
                name += "+"
            split[name] = entry
    return split


#: What a server block means when it does not say (httpd-conf.md 2.4.6 `directory`, 2.4.12
#: `hsts`): writing the default out, or leaving it out, is no difference.
_DEFAULT_INDEX = "index.html"
_DEFAULT_HSTS_MAX_AGE = 31536000


def _globals_with_defaults(found: Data) -> dict[str, Data]:
    """httpd's global options with their defaults written out (httpd-conf.md 2.2): chroot
    /var/www (the home of www), logdir CHROOT/logs, 3 server processes, default type
    application/octet-stream."""
    options = dict(found) if isinstance(found, dict) else {}
    options.setdefault("chroot", "/var/www")
    options.setdefault("logdir", f"{str(options['chroot']).rstrip('/')}/logs")
    options.setdefault("prefork", 3)
    options.setdefault("default_type", "application/octet-stream")
    return options


def _with_defaults(server: dict[str, Data]) -> dict[str, Data]:
    """The server with httpd's defaults written out where it leaves them: its directory index,
    `no auto index`, and the max-age of a bare `hsts`. Locations are left as they are: what a
    location leaves out, it inherits from its server."""
    server = dict(server)
    options = dict(server.get("options") or {})
    options.setdefault("index", _DEFAULT_INDEX)
    if options.get("auto_index") is False:
        del options["auto_index"]
    server["options"] = options
    hsts = server.get("hsts")
    if isinstance(hsts, dict):
        server["hsts"] = {"max_age": _DEFAULT_HSTS_MAX_AGE, **hsts}
    return server


def _server_changes(old: dict[str, Data] | None, new: dict[str, Data] | None) -> list[str]:
    """Changes of one server block, each starting with ":" or " " to follow its label."""
    if old is None:
        return [" added"]
    if new is None:
        return [" removed"]
    if old == new:
        return []
    lines = [f": {line}" for line in _dict_changes(
        _readable({k: v for k, v in old.items() if k != "locations"}),
        _readable({k: v for k, v in new.items() if k != "locations"}), _httpd_value,
        HTTPD_WORDS)]
    old_locs, new_locs = old.get("locations", []), new.get("locations", [])
    lines += [f": {line}" for line in _ordered("location", old_locs, new_locs, _location_key,
                                               lambda k: k)]
    old_by = {_location_key(loc): loc for loc in old_locs}
    for loc in new_locs:
        key = _location_key(loc)
        if key in old_by and old_by[key] != loc:
            lines += [f": location {key}: {line}" for line in _dict_changes(
                _readable(old_by[key].get("options", {})), _readable(loc.get("options", {})),
                _httpd_value, HTTPD_WORDS)]
    return lines


def _location_key(location: dict[str, Data]) -> str:
    found = {True: "found ", False: "not found "}.get(location.get("found"), "")  # type: ignore[arg-type]
    match = "match " if location.get("match") else ""
    return f"{found}{match}{_httpd_value(location.get('pattern', ''))}"
