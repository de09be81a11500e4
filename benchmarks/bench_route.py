"""Benchmark: route 100,000 URLs against a 1000-vhost httpd.conf; prints URLs per second.

    .venv/bin/python benchmarks/bench_route.py [--vhosts 1000] [--urls 100000] [--seed 7]

Each vhost is two server blocks (port 80 and a TLS port 443, each with an alias), with ten
locations of the usual kinds: FastCGI globs, redirects, `match` patterns with captures, an
auto-indexed folder, blocks, a feed index and a `not found` front controller. The URLs mix
every location, plain static files, directories, percent-encoding and `..`, unknown Host
headers and Host headers with a port. No root folder is given, so a `not found` location is
answered both ways (two runs of that request), as `hostgen route` does without --root.
"""

from __future__ import annotations

import argparse
import random
import time

from hostgen.httpd.simulate import build_table, request_from_url, simulate
from hostgen.live.httpd import parse

SERVER = """\
server "site{i}.example.org" {{
	listen on egress{tls} port {port}
	alias "www.site{i}.example.org"
	root "/htdocs/site{i}"
	location "*.php" {{
		fastcgi socket "/run/php-fpm.sock"
	}}
	location "/old{i}/*" {{
		block return 301 "https://site{i}.example.org/new/"
	}}
	location match "^/posts/(%d+)/([%w_-]+)$" {{
		block return 308 "/blog/%1/%2/"
	}}
	location "/drafts/*" {{
		directory auto index
	}}
	location "/private/*" {{
		block
	}}
	location "/gone/*" {{
		block return 410
	}}
	location "*/feed/" {{
		directory index "atom.xml"
	}}
	location not found "/app/*" {{
		request rewrite "/app/index.php"
	}}
	location match "^/tag/(%a+)$" {{
		block return 302 "/tags/%1.html"
	}}
	location "/static/*" {{
		root "/static{i}"
		gzip-static
	}}
}}
"""

PATHS = [
    "/", "/index.php", "/wp/admin.php?x=1", "/old{i}/page", "/posts/{n}/hello-world",
    "/posts/{n}/x y", "/drafts/", "/drafts/a.txt", "/private/key", "/gone/thing",
    "/2020/feed/", "/app/some/route?id={n}", "/app/", "/tag/openbsd", "/tag/open-bsd",
    "/static/css/site.css", "/about.html", "/blog/{n}/", "/a/../b/%2e%2e/c", "/%7Euser/file",
    "/images/photo{n}.JPG", "/docs", "/a%zz",
]


def config_text(vhosts: int) -> str:
    blocks = [SERVER.format(i=i, tls=tls, port=port)
              for i in range(vhosts) for tls, port in (("", 80), (" tls", 443))]
    return "".join(blocks)


def urls(count: int, vhosts: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out: list[str] = []
    for _ in range(count):
        i = rng.randrange(vhosts)
        scheme = rng.choice(("http", "https"))
        host = rng.choice((f"site{i}.example.org", f"www.site{i}.example.org",
                           f"SITE{i}.Example.ORG", "unknown.example.net",
                           f"site{i}.example.org:80"))
        if host.endswith(":80"):
            scheme = "http"
        path = rng.choice(PATHS).format(i=i, n=rng.randrange(100000))
        out.append(f"{scheme}://{host}{path}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vhosts", type=int, default=1000)
    parser.add_argument("--urls", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    text = config_text(args.vhosts)
    started = time.perf_counter()
    config = parse(text, "httpd.conf")
    parsed = time.perf_counter()
    table = build_table(config)
    built = time.perf_counter()
    requests = [request_from_url(url) for url in urls(args.urls, args.vhosts, args.seed)]

    begin = time.perf_counter()
    answers = 0
    kinds: dict[str, int] = {}
    for request in requests:
        for answer in simulate(table, request):
            answers += 1
            kinds[answer.outcome.kind] = kinds.get(answer.outcome.kind, 0) + 1
    elapsed = time.perf_counter() - begin

    entries = sum(len(group.entries) for group in table.groups)
    print(f"configuration: {args.vhosts} vhosts, {len(config.servers)} server blocks, "
          f"{entries} server entries, {len(text) // 1024} KiB")
    print(f"parse {parsed - started:.2f} s, build table {built - parsed:.2f} s")
    print(f"routed {len(requests)} URLs ({answers} answers: "
          + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) + f") in {elapsed:.2f} s")
    print(f"{len(requests) / elapsed:,.0f} URLs per second")


if __name__ == "__main__":
    main()
