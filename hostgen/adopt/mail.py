"""rc.conf.local's `spamd_flags` -> `spamd:`, dkimproxy_out.conf -> `dkimproxy:`.

spamd's flags are read as its getopt(3) reads them (hostgen.host.semantic.spamd_flags, spamd.md
2); each flag site.yaml has a key for becomes that key (the table below, the reverse of the
rc.conf.local template), `-C`/`-K` become a TLS material. dkimproxy_out.conf is read as
Net::Server reads it (hostgen.live.dkimproxy). Only the `spamd_flags` line of rc.conf.local is
the site's: its other lines, and their comments, stay the host's.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from hostgen.adopt.comments import Homes
from hostgen.adopt.httpd import Materials
from hostgen.adopt.result import Loss
from hostgen.live import dkimproxy, rcconf


def _number(text: object) -> int:
    if not isinstance(text, str) or not re.fullmatch(r"\d+", text):
        raise ValueError(text)
    return int(text)


def _text(text: object) -> str:
    if not isinstance(text, str):
        raise ValueError(text)
    return text


#: spamd flag -> (site.yaml key, how its argument reads); rc.conf.local.j2 the other way round
SPAMD_KEYS: dict[str, tuple[str, Callable[[object], object] | None]] = {
    "-v": ("verbose", None), "-5": ("reply_550", None),
    "-c": ("maxcon", _number), "-B": ("maxblack", _number), "-l": ("listen", _text),
    "-p": ("port", _number), "-h": ("hostname", _text), "-n": ("banner", _text),
    "-M": ("lowprio_mx", _text), "-S": ("stutter_seconds", _number),
    "-s": ("stutter_delay", _number), "-w": ("window", _number),
}


def adopt_spamd(text: str, path: str,
                materials: Materials) -> tuple[CommentedMap | None, list[Loss], int]:
    """spamd: from rc.conf.local, its losses, and the line of the `spamd_flags` it came from
    (the only line whose comments are the site's)."""
    lines = [line for line in rcconf.parse(text, path) if line.key == "spamd_flags"]
    if not lines:
        return None, [], 0
    from hostgen.host.semantic import spamd_flags  # deepdiff comes with it: only when needed

    line = lines[-1]
    flags = spamd_flags(line.value)
    losses: list[Loss] = []
    spamd = CommentedMap()
    if not isinstance(flags, dict):
        return None, [Loss(path, line.line_no, f"spamd_flags={line.value}: spamd does not run; "
                           "site.yaml has no key for that, so spamd: is left out")], 0
    cert, key = flags.pop("-C", None), flags.pop("-K", None)
    for flag, value in flags.items():
        known = SPAMD_KEYS.get(flag)
        if flag == "-G" and isinstance(value, str) and re.fullmatch(r"\d+:\d+:\d+", value):
            parts = [int(p) for p in value.split(":")]
            if all(parts):
                spamd["greylist"] = CommentedMap(zip(("pass_minutes", "grey_hours",
                                                      "white_hours"), parts, strict=True))
                spamd["greylist"].fa.set_flow_style()
                continue
        if known is not None:
            name, read = known
            try:
                spamd[name] = True if read is None else read(value)
                continue
            except ValueError:
                pass
        losses.append(Loss(path, line.line_no, f"spamd {_shown(flag, value)} has no site.yaml "
                           "key; left out"))
    if isinstance(cert, str) and isinstance(key, str):
        spamd.insert(0, "tls", materials.name_for(cert, key))
    elif cert is not None or key is not None:
        losses.append(Loss(path, line.line_no, "spamd -C and -K come together in site.yaml "
                           "(spamd.tls); the one given alone is left out"))
    return spamd, losses, line.line_no


def _shown(flag: str, value: object) -> str:
    if flag == "operands":
        return f"operands {value}"
    if value is True:
        return flag
    if isinstance(value, list):
        return " ".join(f"{flag} {v}" for v in value)
    return f"{flag} {value}"


#: dkimproxy_out.conf keys -> site.yaml keys (the template writes them back)
DKIM_KEYS = {"listen": "listen", "relay": "relay", "domain": "domains", "keyfile": "keyfile",
             "selector": "selector", "reject_error": "reject_error",
             "min_servers": "min_servers", "min_spare_servers": "min_spare_servers",
             "max_servers": "max_servers", "signature": "method"}
_SIGNATURE = re.compile(r"dkim\(a=rsa-sha256,c=((?:relaxed|simple)(?:/(?:relaxed|simple))?)\)")
_COUNTS = ("min_servers", "min_spare_servers", "max_servers")


def adopt_dkimproxy(text: str, path: str) -> tuple[CommentedMap, list[Loss], Homes]:
    conf = dkimproxy.parse(text, path)
    losses = [Loss(path, line, message) for line, message in conf.warnings]
    out = CommentedMap()
    homes = Homes(path)
    last = {line.key.removeprefix("--"): line.line_no for line in conf.lines if line.key}
    for key in ("listen", "relay"):
        if key in conf.options:
            out[key] = conf.options[key]
    if "domain" in conf.options:
        out["domains"] = CommentedSeq(d for d in conf.options["domain"].split(",") if d)
        out["domains"].fa.set_flow_style()
    for key in ("selector", "keyfile"):
        if key in conf.options:
            out[key] = conf.options[key]
    signatures = [line for line in conf.lines
                  if line.key and line.key.removeprefix("--") == "signature"]
    for line in signatures[1:]:
        losses.append(Loss(path, line.line_no, "a second signature line has no site.yaml key; "
                           "left out"))
    if signatures:
        match = _SIGNATURE.fullmatch(conf.signatures[0])
        if match is None:
            losses.append(Loss(path, signatures[0].line_no, f"signature {conf.signatures[0]}: "
                               "site.yaml writes dkim(a=rsa-sha256,c=METHOD) only; left out"))
        elif match.group(1) != "relaxed/relaxed":
            out["method"] = match.group(1)
    reject = conf.options.get("reject_error")
    if reject != "1":
        out["reject_error"] = False
        if reject not in (None, "0"):
            losses.append(Loss(path, last["reject_error"], f"reject_error {reject}: read as "
                               "off"))
    for key in _COUNTS:
        value = conf.options.get(key)
        if value is not None and value.isdigit():
            out[key] = int(value)
        elif value is not None:
            losses.append(Loss(path, last[key], f"{key} {value} is not a number; left out"))
    for key, line_no in last.items():
        if key not in DKIM_KEYS:
            losses.append(Loss(path, line_no, f"{key} has no site.yaml key; left out"))
        elif DKIM_KEYS[key] in out:
            homes.put(line_no, out, DKIM_KEYS[key], 2)
    return out, losses, homes
