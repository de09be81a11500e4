"""Where acme-client.conf asks for each certificate's names, for `check --live` to point at.

A name the live certificate does not cover is renewed by running acme-client for the domain
whose block lists it (since 6.9 a changed list of names forces a new certificate,
acme-client-conf.md 2.4); the message names that line of the rendered acme-client.conf.
"""

from __future__ import annotations

import re

from hostgen.render.outputs import Output
from hostgen.site import acme
from hostgen.site.model import Site
from hostgen.tls.livecheck import AcmeLine

ACME_CONF = "/etc/acme-client.conf"


def acme_lines(site: Site, outputs: dict[str, Output]) -> dict[str, AcmeLine]:
    """material -> where its domain block and its alternative names stand in acme-client.conf."""
    output = outputs.get("acme-client.conf")
    if output is None:
        return {}
    lines = output.text.split("\n")
    found: dict[str, AcmeLine] = {}
    for block in acme.domains(site):
        opening = re.compile(r'^domain "' + re.escape(block.handle.name) + r'" \{$')
        start = next((i for i, line in enumerate(lines) if opening.match(line)), None)
        if start is None:
            continue   # a --templates acme-client.conf.j2 of another shape
        names = next((i for i in range(start, len(lines))
                      if lines[i].strip().startswith("alternative names")
                      or lines[i].strip() == "}"), start)
        if lines[names].strip() == "}":
            names = start
        found[block.material] = AcmeLine(ACME_CONF, block.handle.name, start + 1, names + 1)
    return found
