"""Generate a site.yaml with N vhosts of 10 locations each (shared by the benchmarks)."""

from __future__ import annotations

HEAD = """\
host: {name: bench.example.org, openbsd: "7.6"}
resolver: {nameservers: ["::1"], fallback: [192.0.2.53]}
tls:
  web: {certificate: /etc/ssl/web.crt, key: /etc/ssl/private/web.key}
fastcgi:
  php: {socket: /run/php-fpm.sock}
httpd:
  tls: web
  servers:
"""

SERVER = """\
    - name: site{i}.example.org
      aliases: [www.site{i}.example.org]
      root: /htdocs/site{i}
      locations:
        - {{path: "*.php", fastcgi: php}}
        - {{path: /old{i}/*, redirect: "https://site{i}.example.org/new/"}}
        - {{match: "^/posts/(%d+)/([%w_-]+)$", redirect: "/blog/%1/%2/", status: 308}}
        - {{path: /drafts/*, auto_index: true}}
        - {{path: /private/*, block: true}}
        - {{path: /gone/*, block: 410}}
        - {{path: "*/feed/", index: atom.xml}}
        - {{path: /app/*, found: false, rewrite: /app/index.php}}
        - {{match: "^/tag/(%a+)$", redirect: "/tags/%1.html", status: 302}}
        - {{path: /static/*, root: /static{i}, gzip_static: true}}
"""


def site_yaml(n: int) -> str:
    return HEAD + "".join(SERVER.format(i=i) for i in range(n))
