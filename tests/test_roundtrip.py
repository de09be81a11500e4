"""Round trips over generated sites: every file `render` produces is read back by hostgen's live
parsers with the meaning the site gave it, and what apply writes is stable (STYLE.md, Tests:
parse(render(site)) equals the model, as a property)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hostgen.host import semantic
from hostgen.host.liveview import include_reader, wanted_text
from hostgen.live import httpd as live_httpd
from hostgen.live import rcconf, resolvconf
from hostgen.render.outputs import Output, render
from hostgen.site import layout
from hostgen.site.loader import load_text
from hostgen.site.model import Site
from hostgen.site.problems import has_errors
from hostgen.site.validate import validate

SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])

label = st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True)
domain = st.builds(lambda parts: ".".join(parts) + ".example.org", st.lists(label, min_size=1,
                                                                              max_size=2))
path = st.builds(lambda parts: "/" + "/".join(parts), st.lists(label, min_size=1, max_size=3))
ipv4 = st.from_regex(r"(192\.0\.2|198\.51\.100)\.([1-9]|[1-9][0-9])", fullmatch=True)
# (a scoped address such as fe80::1%em0 is valid in the model but the renderer refuses it)
ipv6 = st.sampled_from(["::1", "2001:db8::53", "2620:fe::fe"])
glob = st.sampled_from(["/a/*", "*.php", "/b/*/c", "/.ht*", "*/feed/", "/x?y", "/[ab]*",
                        "/drafts/*", "/c d/*"])
url = st.one_of(path, st.builds(lambda d, p: f"https://{d}{p}", domain, path),
                st.just("https://$SERVER_NAME$REQUEST_URI"))


@st.composite
def location(draw: st.DrawFn, used: set[str]) -> dict[str, Any]:
    if draw(st.booleans()):
        digits = draw(st.integers(1, 3))
        pattern = "^/m" + "/(%d+)" * digits + "$"
        assume(pattern not in used)
        used.add(pattern)
        return {"match": pattern, "redirect": "/n" + "".join(f"/%{i + 1}" for i in range(digits)),
                "status": draw(st.sampled_from([301, 302, 303]))}
    pattern = draw(glob)
    assume(pattern not in used)
    used.add(pattern)
    action = draw(st.sampled_from(["redirect", "block", "root", "auto_index", "index", "php"]))
    item: dict[str, Any] = {"path": pattern}
    if action == "redirect":
        item["redirect"] = draw(url)
    elif action == "block":
        item["block"] = draw(st.sampled_from([True, "drop", 403, 410]))
    elif action == "root":
        item["root"] = draw(path)
    elif action == "auto_index":
        item["auto_index"] = draw(st.booleans())
    elif action == "index":
        item["index"] = draw(st.sampled_from(["index.html", "atom.xml", "a b.html"]))
    else:
        item["fastcgi"] = "php"
    return item


@st.composite
def server(draw: st.DrawFn, name: str, default_tls: bool, release: str) -> dict[str, Any]:
    item: dict[str, Any] = {"name": name}
    if draw(st.booleans()):
        item["aliases"] = draw(st.lists(domain, max_size=2, unique=True))
        if draw(st.booleans()):
            item["aliases"].append({"match": "^m" + name.replace(".", "%.")})
    tls = default_tls
    if draw(st.booleans()):
        choice = draw(st.sampled_from(["web", "mail", False]))
        item["tls"], tls = choice, choice is not False
    if tls and draw(st.integers(0, 3)) == 0:   # exactly these listeners
        item["listen"] = [{"address": "192.0.2.7", "port": 8000 + draw(st.integers(0, 99))},
                          {"address": "192.0.2.7", "tls": True}]
        item["tls"] = "web"   # one material per address and port
    elif tls:
        item["http"] = draw(st.sampled_from(["serve", "redirect", "off"]))
        if draw(st.booleans()):
            item["hsts"] = draw(st.sampled_from([True, {"max_age": 3600, "subdomains": True}]))
    if draw(st.booleans()):
        item["connection"] = {"max_requests": draw(st.integers(0, 500)), "timeout": 30}
    if draw(st.booleans()):
        item["tcp"] = {"nodelay": draw(st.booleans()), "backlog": draw(st.integers(0, 1024))}
    if draw(st.booleans()):
        item["strip"] = draw(st.integers(0, 3))
    if draw(st.booleans()):
        item["rewrite"] = draw(st.sampled_from([False, "/index.php"]))
    if release >= "7.1" and draw(st.booleans()):
        item["gzip_static"] = draw(st.booleans())
        item["errdocs"] = draw(st.sampled_from([False, "/errdocs"]))
    if draw(st.booleans()):
        item["root"] = draw(path)
    if draw(st.booleans()):
        item["index"] = "index.php"
    used: set[str] = set()
    item["locations"] = draw(st.lists(location(used), max_size=4))
    return item


@st.composite
def sites(draw: st.DrawFn) -> dict[str, Any]:
    release = draw(st.sampled_from(["6.8", "7.6"]))   # two blocks per TLS server, and one
    data: dict[str, Any] = {
        "host": {"name": draw(domain), "openbsd": release},
        "tls": {name: {"certificate": f"/etc/ssl/{name}.crt",
                       "key": f"/etc/ssl/private/{name}.key"} for name in ("web", "mail")},
        "fastcgi": {"php": {"socket": draw(path)}},
    }
    if draw(st.booleans()):
        default_tls = draw(st.booleans())
        names = draw(st.lists(domain, min_size=1, max_size=4, unique=True))
        data["httpd"] = {"listen": draw(st.sampled_from(["egress", "*", "192.0.2.1", "lo0"])),
                         "servers": [draw(server(n, default_tls, release)) for n in names]}
        if default_tls:
            data["httpd"]["tls"] = "web"
        if draw(st.booleans()):
            data["httpd"]["acme"] = "/acme"
    if draw(st.booleans()):
        spamd: dict[str, Any] = {"verbose": draw(st.booleans())}
        if draw(st.booleans()):
            spamd["greylist"] = {"pass_minutes": draw(st.integers(1, 99)),
                                 "grey_hours": draw(st.integers(1, 9)),
                                 "white_hours": draw(st.integers(100, 999))}
        if draw(st.booleans()):
            spamd["tls"] = "mail"
        if draw(st.booleans()):
            spamd["banner"] = draw(st.sampled_from(["Sendmail 8.14.9", "mx", "ESMTP ready"]))
        if draw(st.booleans()):
            spamd["hostname"] = draw(domain)
        data["spamd"] = spamd
    if draw(st.booleans()):
        data["dkimproxy"] = {"listen": "127.0.0.1:10027", "relay": "127.0.0.1:10028",
                             "domains": draw(st.lists(domain, min_size=1, max_size=3,
                                                      unique=True)),
                             "selector": draw(label), "keyfile": "/etc/mail/dkim/private.key",
                             "method": draw(st.sampled_from(["relaxed/relaxed", "simple"]))}
    if draw(st.booleans()):
        data["resolver"] = {
            "nameservers": draw(st.lists(st.one_of(ipv4, ipv6), min_size=1, max_size=2,
                                         unique=True)),
            "fallback": draw(st.lists(ipv4, max_size=3, unique=True)),
            "lookup": draw(st.permutations(["file", "bind"])),
            "family": draw(st.permutations(["inet4", "inet6"])),
            "search": draw(st.lists(domain, max_size=3, unique=True)),
        }
        assume(len(set(data["resolver"]["nameservers"] + data["resolver"]["fallback"]))
               == len(data["resolver"]["nameservers"]) + len(data["resolver"]["fallback"]))
    return data


def valid(data: dict[str, Any]) -> Site:
    site, problems = validate(load_text(json.dumps(data)))
    assume(site is not None and not has_errors(problems))
    assert site is not None
    return site


def read_back(outputs: dict[str, Output]) -> dict[str, Any]:
    reader = include_reader(Path("/nonexistent"), {name: o.text for name, o in outputs.items()})
    return {name: semantic.structure(name, o.text, f"rendered {name}", reader)
            for name, o in outputs.items()}


@SETTINGS
@given(sites())
def test_every_rendered_file_reads_back_with_its_meaning(data: dict[str, Any]) -> None:
    site = valid(data)
    outputs = render(site)
    parsed = read_back(outputs)
    if site.httpd is not None:
        # accepted by the parser with the keyword table of the target release, too
        reader = include_reader(Path("/nonexistent"), {n: o.text for n, o in outputs.items()})
        live_httpd.parse(outputs["httpd.conf"].text, "httpd.conf", read_include=reader,
                         version=site.host.openbsd)
        _check_httpd(site, parsed)
    if site.spamd is not None:
        _check_spamd(site, parsed["rc.conf.local"])
    if site.resolver is not None:
        r = site.resolver
        assert parsed["resolv.conf"] == {
            "nameserver": [*r.nameservers, *r.fallback][:5],
            "lookup": " ".join(r.lookup or []) or None, "family": " ".join(r.family or []) or None,
            "search": " ".join(r.search or []) or None, "domain": r.domain,
            "options": sorted(set(r.options or []))}
    if site.dkimproxy is not None:
        d = site.dkimproxy
        conf = parsed["dkimproxy_out.conf"]
        assert (conf["listen"], conf["relay"], conf["domain"], conf["selector"],
                conf["keyfile"]) == (d.listen, d.relay, ",".join(d.domains), d.selector,
                                     d.keyfile)
        assert conf["signature"] == [f"dkim(a=rsa-sha256,c={d.method})"]


def _check_httpd(site: Site, parsed: dict[str, Any]) -> None:
    assert site.httpd is not None
    servers = list(parsed["httpd.conf"]["servers"].values())
    release = site.host.openbsd
    blocks = layout.blocks(site.httpd, release)
    assert len(servers) == len(blocks)
    for block in blocks:
        ports = sorted(f":{x.port}{' tls' if x.tls else ''}" for x in block.listens)
        found = [s for s in servers if s["name"] == block.server.name
                 and sorted(listen[listen.rindex(":"):] for listen in s["listens"]) == ports]
        assert len(found) == 1, block
        got = found[0]
        assert got.get("aliases", []) == sorted(("match " if match else "") + alias
                                                for alias, match in layout.names(block.server)[1:])
        if block.tls:
            material = site.tls[block.tls]
            assert got["tls"] == {"certificate": material.certificate, "key": material.key}
        server = block.server
        assert got.get("connection") == (server.connection.model_dump(exclude_none=True)
                                         if server.connection else None)
        assert got.get("tcp") == (server.tcp.model_dump(exclude_none=True)
                                  if server.tcp else None)
        assert got.get("errdocs") == server.errdocs
        options = got.get("options", {})
        if block.https_redirect:
            assert options["block"] == {"kind": "return", "code": 301,
                                               "uri": "https://$SERVER_NAME$REQUEST_URI"}
            continue
        assert options.get("root") == server.root
        assert (options.get("strip"), options.get("rewrite"), options.get("gzip_static")) == (
            server.strip, server.rewrite, server.gzip_static)
        acme = ["/.well-known/acme-challenge/*"] if block.acme else []
        wanted = acme + [loc.match or loc.path for loc in block.server.locations]
        assert [loc["pattern"] for loc in got.get("locations", [])] == wanted
        for loc, read in zip(block.server.locations, got.get("locations", [])[len(acme):],
                             strict=True):
            assert read["match"] is (loc.match is not None)
            if loc.redirect is not None:
                assert read["options"]["block"] == {"kind": "return",
                                                    "code": loc.status or 301,
                                                    "uri": loc.redirect}
            if loc.root is not None:
                assert read["options"]["root"] == loc.root
    for name, material_name in layout.fragments(site.httpd, release).items():
        fragment, material = parsed[name], site.tls[material_name]
        assert fragment["tls"] == {"certificate": material.certificate, "key": material.key}
        assert [listen.endswith(":443 tls") for listen in fragment["listens"]] == [True]


def _check_spamd(site: Site, flags: dict[str, Any]) -> None:
    spamd = site.spamd
    assert spamd is not None
    assert flags.get("-v") is (True if spamd.verbose else None)
    g = spamd.greylist
    assert flags.get("-G") == (f"{g.pass_minutes}:{g.grey_hours}:{g.white_hours}" if g else None)
    assert flags.get("-n") == spamd.banner
    assert flags.get("-h") == spamd.hostname
    if spamd.tls is not None:
        assert (flags["-C"], flags["-K"]) == (site.tls[spamd.tls].certificate,
                                              site.tls[spamd.tls].key)


live_line = st.one_of(
    st.sampled_from(["spamd_flags=-v", "SPAMD_FLAGS = -b", "# spamd_flags=-x", "pf=NO",
                     "pkg_scripts=dkimproxy_out", "nameserver 192.0.2.1 # resolvd: em0",
                     "#nameserver 192.0.2.9 # resolvd: em0", "nameserver 10.0.0.1",
                     "lookup bind", "", "  \t", "spamd_flags=\"-v # x\"", "export spamd_flags=-v",
                     "x\r"]),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\n"),
            max_size=30))


@SETTINGS
@given(sites(), st.none() | st.lists(live_line).map("\n".join) | st.lists(live_line).map(
    lambda lines: "".join(line + "\n" for line in lines)))
def test_what_apply_writes_is_stable_and_means_the_site(data: dict[str, Any],
                                                        live: str | None) -> None:
    """wanted(wanted(live)) == wanted(live), and it means what the rendered output means,
    whatever the live file held: the file apply writes is what the next diff expects."""
    outputs = render(valid(data))
    for name in ("rc.conf.local", "resolv.conf"):
        if name not in outputs:
            continue
        output = outputs[name]
        once = wanted_text(output, live)
        assert wanted_text(output, once) == once
        reader = include_reader(Path("/nonexistent"))
        assert semantic.structure(name, once, name, reader) == semantic.structure(
            name, output.text, name, reader)
        if live is not None:
            _check_kept(name, live, once)


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def _check_kept(name: str, live: str, written: str) -> None:
    """rc.conf.local: every line but the spamd_flags ones kept, byte for byte and in order;
    resolv.conf: every line resolvd manages kept, in order."""
    if name == "rc.conf.local":
        def other(line: str) -> bool:
            parsed = rcconf.parse_line(line)
            return parsed is None or parsed[0] != "spamd_flags"
    else:
        def other(line: str) -> bool:
            return resolvconf.RESOLVD_MARKER in line
    assert [x for x in _lines(written) if other(x)] == [x for x in _lines(live) if other(x)]
