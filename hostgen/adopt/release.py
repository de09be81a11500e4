"""Which OpenBSD release an import targets: `--release`, else the one ROOT/motd names, else the
newest hostgen knows.

The first line of /etc/motd is the running kernel's version line, rewritten at every boot by
rc(8) (`OpenBSD 7.6 (GENERIC.MP) #338: Mon Sep 30 ...`); a snapshot says `7.6-current`, which
is on its way to the next release, so its grammar is that release's.
"""

from __future__ import annotations

import re
from pathlib import Path

from hostgen.errors import HostgenError
from hostgen.host.files import read_text
from hostgen.live.httpd import RELEASES as PARSER_RELEASES
from hostgen.site.versions import NEWEST, RELEASES, parse_release

_MOTD = re.compile(r"OpenBSD (\d+\.\d+)(-current|-beta)?\b")


def target_release(root: Path, given: str | None) -> tuple[str, str]:
    """(release, where it came from) for the import of ROOT."""
    if given is not None:
        if given not in RELEASES:
            raise HostgenError(f'--release {given}: unknown OpenBSD release; hostgen knows '
                               f'{RELEASES[0]} to {NEWEST}')
        return given, "--release"
    motd = read_text(root / "motd")
    first = motd.splitlines()[0] if motd else ""
    found = _MOTD.match(first)
    if found is None:
        return NEWEST, "the newest release hostgen knows"
    release, suffix = found.group(1), found.group(2)
    if suffix:   # a snapshot after `release`: the next release's grammar
        major, minor = parse_release(release)
        release = f"{major + minor // 9}.{(minor + 1) % 10}"
    if release not in RELEASES:
        newer = parse_release(release) > parse_release(NEWEST)
        release = NEWEST if newer else release
        if not newer:
            raise HostgenError(f"{root / 'motd'}:1: OpenBSD {found.group(1)}: hostgen knows "
                               f"{RELEASES[0]} to {NEWEST}; give --release")
    return release, f"{root / 'motd'}"


def parser_release(release: str) -> str:
    """The release hostgen's httpd.conf parser reads as (its grammar starts at 6.4, when
    `request strip` replaced `root strip`)."""
    if release in PARSER_RELEASES:
        return release
    raise HostgenError(f"OpenBSD {release}: hostgen reads the httpd.conf of OpenBSD "
                       f"{PARSER_RELEASES[0]} and later; an older host's file cannot be read "
                       "exactly (upgrade, or give --release with the release you move to)")
