"""nginx -> site.yaml: `hostgen import --nginx` (issue 11).

Pipeline, one module per stage: `read` (crossplane, every directive keeps its file and line)
-> `servers` (server_name, listen, the port-80 redirect twin, default servers) -> `locations`
(nginx's precedence turned into httpd's first-match order, nginx-to-httpd.md 6.4) with
`regex` (PCRE -> Lua patterns, 7.4), `rewrites` (return, rewrite, try_files, 8.1-8.3),
`directives` (what each remaining directive becomes, or the loss it is), `expectations`
(an nginx model that says what nginx answers a sample URL, written as `expect:`) ->
`document` (the commented site.yaml). Facts: /work/shared/reference/nginx-to-httpd.md.
"""

from __future__ import annotations

from hostgen.adopt.nginx.translate import adopt_nginx  # noqa: E402

__all__ = ["adopt_nginx"]
