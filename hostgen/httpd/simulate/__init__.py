"""The request simulator: what OpenBSD httpd does with a URL, worked out from a parsed
httpd.conf (hostgen.live.httpd), so it answers for a rendered configuration and a live one.

    table = build_table(config)                       # once per configuration
    answers = simulate(table, request_from_url(url))  # per request

Facts: /work/shared/reference/httpd-conf.md sections 2.6 and 3, read against server_http.c,
server_file.c, server_fcgi.c, httpd.c and config.c.
"""

from __future__ import annotations

from hostgen.httpd.simulate.disk import Disk, Files, Unknown
from hostgen.httpd.simulate.engine import Answer, simulate
from hostgen.httpd.simulate.outcomes import Outcome
from hostgen.httpd.simulate.request import BadUrl, Request, request_from_url
from hostgen.httpd.simulate.table import Table, build_table

__all__ = [
    "Answer", "BadUrl", "Disk", "Files", "Outcome", "Request", "Table", "Unknown",
    "build_table", "request_from_url", "simulate",
]
