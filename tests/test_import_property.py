"""The import recovers the site: for generated sites, import(render(site)) renders to the same
bytes as render(site), up to the names the import had to invent (TLS materials and responders,
which no output names but `httpd.NAME.tls`, which the import reads back).

A site whose TLS servers all have their own `listen` renders no fragment, and then nothing in
the files says which listener and material were httpd's defaults: such sites are left out.
Generated sites spell out no value httpd would use anyway (a server's `index: index.html`,
`log: {style: common}`, `hsts: {max_age: 31536000}`): the import leaves those out, by design.
"""

from __future__ import annotations

import difflib
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from hostgen.adopt.etc import adopt_root
from hostgen.adopt.result import dump
from hostgen.errors import LiveFileError
from hostgen.render.outputs import render
from hostgen.site.loader import load_text
from hostgen.site.model import Site
from hostgen.site.rules import check_site
from hostgen.site.validate import validate

PHASES = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target]   # shrinking a
# failing site takes minutes; the example is readable as it is
NAMES = ["a.example.org", "b.example.org", "c.example.net", "d.example.com", "e.example.org"]
TEXT = st.sampled_from(["/x", "/x/y.html", 'a"b', "#hash", "{brace}", "semi;colon",
                        "https://$SERVER_NAME$REQUEST_URI", "$HTTP_HOST/x", "é/ü"])
PATHS = st.sampled_from(["/www", "/sites/a", "/var/x", "/a b", "/q\"uote"])


@st.composite
def locations(draw: st.DrawFn) -> dict[str, Any]:
    loc: dict[str, Any] = {}
    if draw(st.booleans()):
        loc["path"] = draw(st.sampled_from(["/a/*", "*.php", "/b", "/c/*", "*"]))
    else:
        loc["match"] = draw(st.sampled_from(["^/a/(%d+)$", "^/feed/?$", "%.md$"]))
    if draw(st.integers(0, 3)) == 0:
        loc["found"] = draw(st.booleans())
    action = draw(st.sampled_from(["redirect", "block", "pass", "serve", "serve"]))
    if action == "redirect":
        loc["redirect"] = draw(TEXT)
        status = draw(st.sampled_from([None, 301, 302, 307, 308]))
        if status is not None:
            loc["status"] = status
    elif action == "block":
        loc["block"] = draw(st.sampled_from([True, "drop", 403, 410, 404]))
    elif action == "pass":
        loc["pass"] = True
    else:
        for key, values in (("root", PATHS), ("index", st.sampled_from(["i.php", False])),
                            ("auto_index", st.booleans()),
                            ("fastcgi", st.sampled_from(["php", True, False])),
                            ("rewrite", st.sampled_from(["/index.php", "/r?x=%1"])),
                            ("strip", st.integers(0, 3)), ("gzip_static", st.booleans()),
                            ("default_type", st.sampled_from(["text/plain", "a/b+c"])),
                            ("log", st.sampled_from([False, {"style": "combined"},
                                                     {"access": "x.log", "syslog": True}])),
                            ("authenticate", st.sampled_from(
                                [False, {"htpasswd": "/h"}, {"realm": 'R "x"', "htpasswd": "/h"}]
                            ))):
            if draw(st.integers(0, 3)) == 0:
                loc[key] = draw(values)
        if len(loc) == 1 + ("found" in loc):   # httpd refuses an empty location
            loc["root"] = draw(PATHS)
    return loc


TLS_OPTIONS = st.fixed_dictionaries({}, optional={
    "ciphers": st.just("secure"), "protocols": st.just("tlsv1.3"), "ecdhe": st.just("X25519"),
    "ocsp": st.just("/etc/ssl/o.der"),
    "client_ca": st.sampled_from([{"file": "/etc/ssl/ca.pem"},
                                  {"file": "/etc/ssl/ca.pem", "crl": "/etc/ssl/c.crl",
                                   "optional": True}]),
    "ticket_lifetime": st.sampled_from(["default", False, 300])})
LISTENERS = st.lists(st.fixed_dictionaries({"address": st.sampled_from(["127.0.0.1", "em0"])},
                                           optional={"port": st.sampled_from([8080, 8443]),
                                                     "tls": st.booleans()}),
                     min_size=1, max_size=3, unique_by=lambda x: (x["address"], x.get("port"),
                                                                  x.get("tls")))


@st.composite
def servers(draw: st.DrawFn, name: str, materials: list[str], release: str) -> dict[str, Any]:
    server: dict[str, Any] = {"match": f"^{name}$"} if draw(st.integers(0, 6)) == 0 \
        else {"name": name}
    if draw(st.integers(0, 3)) == 0:
        server["aliases"] = [f"alias{draw(st.integers(0, 9))}.{name}",
                             *draw(st.sampled_from([[], [{"match": "^x%d$"}]]))]
    tls = draw(st.sampled_from([None, False, *materials]))
    if tls is not None:
        server["tls"] = tls
    if tls is not False and draw(st.integers(0, 4)) == 0:
        server["tls"] = {**draw(TLS_OPTIONS), **({"material": tls} if tls else {})}
    listen_list = draw(st.integers(0, 5)) == 0
    if listen_list:
        server["listen"] = draw(LISTENERS)
        if tls is not False and not any(item.get("tls") for item in server["listen"]):
            server.pop("tls", None)   # tls with no TLS listener has no effect: refused
    elif draw(st.integers(0, 4)) == 0:
        server["listen"] = draw(st.sampled_from(["192.0.2.7", "lo0"]))
    if tls is not False and not listen_list and draw(st.booleans()):
        server["http"] = draw(st.sampled_from(["redirect", "off"]))
    for key, values in (("connection", st.just({"max_request_body": 5, "timeout": 9})),
                        ("tcp", st.just({"nodelay": True, "sack": False, "backlog": 64})),
                        ("errdocs", st.sampled_from(["/err", False])),
                        ("banner", st.booleans() if release == "7.9" else st.nothing()),
                        ("strip", st.integers(1, 2)),
                        ("rewrite", st.sampled_from(["/r", False])),
                        ("default_type", st.just("text/plain")),
                        ("gzip_static", st.booleans()),
                        ("block", st.sampled_from([True, "drop", 410])),
                        ("pass", st.just(True))):
        if draw(st.integers(0, 9)) == 0 and not (key == "banner" and release != "7.9"):
            server[key] = draw(values)
    for key, values in (("root", PATHS), ("index", st.sampled_from(["i.php", False])),
                        ("auto_index", st.just(True)),
                        ("fastcgi", st.sampled_from(["php", True, False])),
                        ("hsts", st.sampled_from([True, {"max_age": 60, "preload": True}])
                         if tls is not False else st.nothing()),
                        ("log", st.sampled_from([False, {"style": "forwarded"},
                                                 {"error": "e.log", "syslog": False}])),
                        ("authenticate", st.sampled_from([False, {"htpasswd": "/h"}]))):
        if draw(st.integers(0, 3)) == 0 and not (key == "hsts" and tls is False):
            server[key] = draw(values)
    if draw(st.integers(0, 5)) == 0:   # the whole server redirects: nothing else to serve
        for key in ("root", "index", "auto_index", "fastcgi", "block", "pass", "strip",
                    "rewrite", "default_type", "gzip_static"):
            server.pop(key, None)
        server["redirect"] = draw(TEXT)
    server["locations"] = draw(st.lists(locations(), max_size=4,
                                        unique_by=lambda x: x.get("path") or x.get("match")))
    return server


@st.composite
def sites(draw: st.DrawFn) -> dict[str, Any]:
    materials = ["web", "other"][: draw(st.integers(1, 2))]
    release = draw(st.sampled_from(["7.6", "7.9"]))
    site: dict[str, Any] = {
        "host": {"name": "h.example.org", "openbsd": release},
        "tls": {m: {"certificate": f"/etc/ssl/{m}.crt", "key": f"/etc/ssl/private/{m}.key"}
                for m in [*materials, "mail"]},
        "fastcgi": {"php": draw(st.sampled_from([
            {"socket": "/run/php-fpm.sock"}, {"tcp": {"host": "127.0.0.1", "port": 9001},
                                              "param": {"A": "b"}, "strip": 1}]))},
    }
    count = draw(st.integers(1, 4))
    httpd: dict[str, Any] = {
        "listen": draw(st.sampled_from(["egress", "*", "203.0.113.1"])), "tls": materials[0],
        "servers": [draw(servers(name, materials, release)) for name in NAMES[:count]],
    }
    if draw(st.booleans()):
        httpd["acme"] = "/acme"
    for key, values in (("chroot", st.just("/srv/www")), ("logdir", st.just("/var/log/w")),
                        ("default_type", st.just("text/plain")), ("errdocs", st.just("/e")),
                        ("banner", st.just(False) if release == "7.9" else st.nothing()),
                        ("prefork", st.integers(4, 8)),
                        ("types", st.sampled_from([{"system": True}, {"entries": [
                            {"type": "text/markdown", "extensions": ["md", "markdown"]}]}]))):
        if draw(st.integers(0, 4)) == 0 and not (key == "banner" and release != "7.9"):
            httpd[key] = draw(values)
    site["httpd"] = httpd
    if draw(st.booleans()):
        site["resolver"] = {"nameservers": draw(st.sampled_from([["::1"], ["9.9.9.9"]])),
                            "fallback": ["149.112.112.112"],
                            "search": ["example.org"]}
    if draw(st.booleans()):
        site["spamd"] = {"tls": draw(st.sampled_from(["mail", materials[0]])),
                         "greylist": {"pass_minutes": 5, "grey_hours": 4, "white_hours": 864},
                         "verbose": draw(st.booleans()), "maxcon": 50, "maxblack": 40}
    if draw(st.booleans()):
        site["dkimproxy"] = {"listen": "127.0.0.1:10027", "relay": "127.0.0.1:10028",
                             "domains": ["example.org", "example.net"], "selector": "s1",
                             "keyfile": "/etc/mail/dkim.key",
                             "reject_error": draw(st.booleans())}
    return site


def texts(site: Site) -> dict[str, str]:
    return {name: output.text for name, output in render(site).items()}


@settings(max_examples=100, deadline=None, phases=PHASES,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(sites())
def test_import_of_a_rendered_site_renders_the_same_bytes(data: dict[str, Any]) -> None:
    try:
        site = Site.model_validate(data)
    except ValueError:
        assume(False)
        raise
    assume(not any(p.level == "error" for p in check_site(site)))
    before = texts(site)
    # without a fragment nothing in the files tells which listener and material were the
    # defaults (httpd.listen, httpd.tls): the import then picks the most common ones
    assume(any(name.endswith(".tls") for name in before) or not any(
        s.tls is not False for s in site.httpd.servers))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "etc"
        root.mkdir()
        for name, text in before.items():
            (root / name).write_text(text)
        try:
            adopted = adopt_root(root, site.host.openbsd)
        except LiveFileError as exc:   # the site renders a file httpd refuses: not the import's
            assume(False)
            raise AssertionError from exc
    assert [loss for loss in adopted.losses if "host.name" not in loss.message] == []
    again, problems = validate(load_text(dump(adopted.document)))
    assert again is not None, problems
    after = texts(again)
    assert after == before, "".join("".join(
        difflib.unified_diff(before.get(name, "").splitlines(True),
                             after.get(name, "").splitlines(True), name, name))
        for name in sorted(set(before) | set(after)))
