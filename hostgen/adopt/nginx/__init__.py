"""nginx -> site.yaml: `hostgen import --nginx` (issue 11).

Pipeline, one module per stage: `read` (crossplane, every directive keeps its file and line)
-> `servers` (server_name, listen, TLS, HSTS) and `twins` (the port-80 server that only
sends clients to https) -> `locations` (nginx's precedence turned into httpd's first-match
order, nginx-to-httpd.md 6.4) with `regex` (PCRE -> Lua patterns, 7.4), `replacement`
($1, variables -> %1, macros), `rewrites` (return, rewrite, try_files, 8.1-8.3) and
`directives` (what each remaining directive becomes, or the loss it is) -> `expectations`
(`expect:` entries holding what `oracle`, a model of nginx, says nginx answers) ->
`document` (the commented site.yaml); `translate` runs them. `plan` and `context` hold the
data they share. Facts: /work/shared/reference/nginx-to-httpd.md.
"""

from __future__ import annotations

from hostgen.adopt.nginx.translate import adopt_nginx  # noqa: E402

__all__ = ["adopt_nginx"]
