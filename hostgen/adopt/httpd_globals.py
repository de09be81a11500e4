"""httpd.conf's global options and `types` -> the keys of `httpd:` (httpd-conf.md 2.2, 2.3).

The values are those httpd acts on (hostgen.live.httpd_ast.HttpdConfig: `chroot`, `prefork`,
`default type` from the part before the first server, `logdir` the last one); httpd's own
defaults are left out. `errdocs` and `no banner` are copied into each server when its block
starts, so a file may change them between servers: site.yaml writes the setting of the first
server globally and, for each later server that started under another one, says it in the
server (`errdocs`, `banner`), which means the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from hostgen.adopt.emit import Flow
from hostgen.live.httpd import HttpdConfig

CHROOT = "/var/www"          # the home of user www
PREFORK = 3
DEFAULT_TYPE = "application/octet-stream"
SYSTEM_TYPES = "/usr/share/misc/mime.types"


@dataclass(frozen=True)
class Wide:
    """The global errdocs and banner as site.yaml writes them (what each server starts with)."""

    errdocs: str | None = None
    no_banner: bool = False
    per_server: dict[int, tuple[str | None, bool]] = field(default_factory=dict)


def adopt_globals(config: HttpdConfig, httpd: CommentedMap, system_types: bool) -> Wide:
    chroot = config.chroot or CHROOT
    if chroot != CHROOT:
        httpd["chroot"] = chroot
    if config.logdir is not None and config.logdir != f"{chroot}/logs":
        httpd["logdir"] = config.logdir
    if config.prefork not in (None, PREFORK):
        httpd["prefork"] = config.prefork
    if config.default_type is not None and str(config.default_type) != DEFAULT_TYPE:
        httpd["default_type"] = str(config.default_type)
    first = config.servers[0] if config.servers else None
    errdocs = first.global_errdocs if first is not None else config.errdocs
    no_banner = first.global_no_banner if first is not None else config.no_banner
    if errdocs is not None:
        httpd["errdocs"] = errdocs
    if no_banner:
        httpd["banner"] = False
    entries = [e for e in config.types if e.path != SYSTEM_TYPES]
    if system_types or entries:
        types = CommentedMap()
        if system_types:
            types["system"] = True
        if entries:
            types["entries"] = CommentedSeq(
                Flow(type=str(e.media), extensions=flow_seq(e.names)) for e in entries)
        httpd["types"] = types
    return Wide(errdocs, no_banner, {id(s): (s.global_errdocs, s.global_no_banner)
                                     for s in config.servers})


def flow_seq(items: tuple[str, ...] | list[str]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq
