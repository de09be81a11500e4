"""resolv.conf -> `resolver:`, as OpenBSD's resolver reads the file (hostgen.live.resolvconf).

The lines resolvd(8) manages (`# resolvd: `) are the host's, not the site's: they are left out.
The leading loopback nameservers are the host's own resolver (`nameservers`), the rest
`fallback`; rendered in that order, the resolver tries them in the same order.
"""

from __future__ import annotations

import ipaddress

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from hostgen.adopt.comments import Homes
from hostgen.adopt.result import Loss
from hostgen.live import resolvconf

#: resolv.conf keywords -> site.yaml keys
_KEYS = {"nameserver": "nameservers", "lookup": "lookup", "family": "family",
         "domain": "domain", "search": "search", "options": "options"}


def _loopback(address: str) -> bool:
    return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback


def adopt_resolver(text: str, path: str) -> tuple[CommentedMap | None, list[Loss], Homes]:
    own = resolvconf.without_resolvd(text)
    conf = resolvconf.parse(own, path)
    losses = [Loss(path, line, message) for line, message in conf.warnings]
    homes = Homes(path)
    written = [line for line in conf.lines if line.words and not line.resolvd]
    if not any(line.words[0] == "nameserver" for line in written):
        if written:
            losses.append(Loss(path, written[0].line_no, "no nameserver line: the resolver "
                               "asks 127.0.0.1, which site.yaml must name; resolver: left out"))
        return None, losses, homes
    servers = list(conf.nameservers)
    local = 0
    while local < len(servers) and _loopback(servers[local]):
        local += 1
    out = CommentedMap(nameservers=_flow(servers[:local or 1]))
    if servers[local or 1:]:
        out["fallback"] = _flow(servers[local or 1:])
    for key in ("lookup", "family"):
        if getattr(conf, key) is not None:
            out[key] = _flow(list(getattr(conf, key)))
    if conf.domain is not None:
        out["domain"] = conf.domain
    if conf.search is not None:
        out["search"] = _flow(list(conf.search))
    if conf.options:
        out["options"] = _flow(list(conf.options))
    for line in written:
        keyword = line.words[0]
        name = _KEYS.get(keyword)
        if name is None:
            losses.append(Loss(path, line.line_no, f"{keyword}: OpenBSD's resolver ignores "
                               "this line; left out"))
        elif name in out:
            homes.put(line.line_no, out, name, 2)
        elif name == "nameservers" and "fallback" in out:
            homes.put(line.line_no, out, "fallback", 2)
    return out, losses, homes


def _flow(items: list[str]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq
