"""Arguments and steps several sub-commands share."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hostgen.errors import HostgenError
from hostgen.site.load import LoadedSite, load_site


def add_site_argument(parser: argparse.ArgumentParser, *, positional: bool,
                      host: bool = False) -> None:
    """SITE, a file or a fleet folder; with `host`, also --host NAME to pick one host of a
    fleet (the commands that act on one host: diff, apply, route)."""
    help_text = ("the site description, or a fleet folder of them (default: ./site.yaml)")
    if positional:
        parser.add_argument("site", nargs="?", default="site.yaml", metavar="SITE", help=help_text)
    else:
        parser.add_argument("--site", default="site.yaml", metavar="SITE", help=help_text)
    if host:
        add_host_argument(parser)


def add_host_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", metavar="NAME",
                        help="when SITE is a fleet folder: the host to use (its host.name); "
                             "with a site file: refuse unless it describes that host")


def add_root_arguments(parser: argparse.ArgumentParser, state_note: str = "") -> None:
    """ROOT (the live folder) and --state, as diff and apply take them."""
    parser.add_argument("root", nargs="?", default="/etc", type=Path, metavar="ROOT",
                        help="the live folder the outputs go to (default: /etc)")
    parser.add_argument("--state", type=Path, metavar="FILE",
                        help="hostgen's record of what it last wrote (default: "
                             "ROOT/../var/db/hostgen/state.json, /var/db/hostgen/state.json "
                             f"for /etc){state_note}")


def add_templates_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--templates", type=Path, metavar="DIR",
                        help="a folder of your own jinja templates; a template there overrides "
                             "the shipped one of the same name (httpd.conf.j2, httpd.tls.j2, "
                             "rc.conf.local.j2, dkimproxy_out.conf.j2, resolv.conf.j2)")


def load(site: str, host: str | None = None) -> LoadedSite:
    """Load and validate; warnings go to stderr, errors raise InvalidSite (exit 2). SITE may
    be a fleet folder: then `host` picks the host (an error listing them without it)."""
    if Path(site).is_dir():
        from hostgen.commands._fleet import pick_host
        loaded = pick_host(site, host)
    else:
        loaded = load_site(Path(site))
        if host is not None and host != loaded.site.host.name:
            # --host with one file: a check that the file is the host meant (apply writes)
            raise HostgenError(f"{site} describes {loaded.site.host.name}, not {host}")
    for line in loaded.format(loaded.warnings):
        print(line, file=sys.stderr)
    return loaded
