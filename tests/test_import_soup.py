"""Hand-written-looking httpd.conf files, made of statements in any order and combination:
whatever httpd's grammar accepts imports without a traceback (exit 0 or 1), and the files the
written site.yaml renders mean what the original meant unless the import said what it lost."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from importcases import roundtrip

from hostgen.adopt.etc import adopt_root
from hostgen.adopt.result import dump
from hostgen.errors import LiveFileError
from hostgen.live import httpd

BOTH = ['root "/x"', 'directory index "i.html"', "directory no index", "directory auto index",
        "log style combined", "no log", "log syslog", "fastcgi", 'fastcgi socket "/run/p.sock"',
        "no fastcgi", 'authenticate "R" with "/h"', "no authenticate", "block", "block drop",
        "block return 410", 'block return 302 "https://x.example.org$REQUEST_URI"', "pass",
        "request strip 1", 'request rewrite "/r"', "default type text/plain", "gzip-static",
        "no gzip-static"]
SERVER_ONLY = ["hsts", "hsts max-age 60", "connection timeout 30", "tcp nodelay",
               'errdocs "/e"', "no errdocs", 'alias "al.example.org"',
               'block return 301 "https://$SERVER_NAME$REQUEST_URI"']
LISTENS = ["listen on * port 80", "listen on * tls port 443", "listen on 127.0.0.1 port 8080",
           "listen on egress port 80", "listen on egress tls port 443"]
PATTERNS = ['"/a/*"', '"*.php"', 'match "^/b/(%d+)$"', 'not found "/*"', '"*"',
            '"/.well-known/acme-challenge/*"']


@st.composite
def configs(draw: st.DrawFn) -> str:
    lines = [draw(st.sampled_from(["", "prefork 4", 'chroot "/srv/www"',
                                   "default type text/plain", 'errdocs "/err"']))]
    for index in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(["a.example.org", "b.example.org", "*.example.org"]))
        lines.append(f'# server {index}\nserver "{name}" {{')
        lines += [f"\t{x}" for x in draw(st.lists(st.sampled_from(LISTENS), min_size=1,
                                                   max_size=2, unique=True))]
        lines += [f"\t{x}" for x in draw(st.lists(st.sampled_from(BOTH + SERVER_ONLY),
                                                   max_size=4, unique=True))]
        for pattern in draw(st.lists(st.sampled_from(PATTERNS), max_size=3, unique=True)):
            body = draw(st.lists(st.sampled_from(BOTH), min_size=1, max_size=3, unique=True))
            lines += [f"\tlocation {pattern} {{", *[f"\t\t{x}" for x in body], "\t}"]
        lines.append("}")
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(configs())
def test_whatever_httpd_accepts_imports_and_means_the_same(text: str) -> None:
    try:
        httpd.parse(text, "httpd.conf")
    except LiveFileError:
        assume(False)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "etc"
        root.mkdir()
        (root / "httpd.conf").write_text(text)
        (root / "myname").write_text("h.example.org\n")
        adopted = adopt_root(root)
        out = Path(tmp) / "site.yaml"
        out.write_text(dump(adopted.document))
        if any("hostgen check" in loss.message for loss in adopted.losses):
            return   # the site breaks one of hostgen's rules: said, and not renderable
        differences = roundtrip(root, out)
    assert differences == [] or adopted.losses, differences
