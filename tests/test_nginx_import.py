"""`hostgen import --nginx`: the command's outcomes, the losses it reports, and the tables the
translation follows (nginx-to-httpd.md 6.4 and 7.4, whose vectors are repeated here)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hostgen.adopt.nginx import adopt_nginx
from hostgen.adopt.nginx.context import Context
from hostgen.adopt.nginx.locations import flatten, order
from hostgen.adopt.nginx.read import Directive
from hostgen.adopt.nginx.regex import Untranslatable, translate
from hostgen.adopt.nginx.replacement import replacement
from hostgen.adopt.result import Adopted, dump
from hostgen.checks.expectations import run_expectations
from hostgen.cli import main
from hostgen.errors import LiveFileError
from hostgen.site.load import load_site

MINIMAL = "events {}\nhttp {\n    server {\n        listen 80;\n        server_name a.test;\n"


def write(folder: Path, body: str, name: str = "nginx.conf") -> Path:
    path = folder / name
    root = "" if "root " in body else "        root /var/www/htdocs/a;\n"   # after: lines stay
    path.write_text(MINIMAL + body + root + "    }\n}\n")
    return path


def said(adopted: Adopted, folder: Path) -> list[str]:
    """The import's warnings as printed, with the test's folder left out."""
    return [loss.format().replace(f"{folder}/", "") for loss in adopted.losses]


# ---- the command ---------------------------------------------------------------------------

def test_import_nginx_writes_the_site_and_lists_each_loss(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conf = write(tmp_path, "        location /app/ { proxy_pass http://127.0.0.1:8080; }\n"
                           "        location / { return 301 https://b.test$request_uri; }\n")
    out = tmp_path / "site.yaml"
    assert main(["import", "--nginx", str(conf), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.err == (
        f"{conf}:6: warning: proxy_pass dropped: httpd has no reverse proxy: put relayd(8) "
        "in front of httpd (a relay forwarding to the backend), or run the application as a "
        "FastCGI responder\n")
    assert captured.out == f"wrote {out} (1 warning(s))\n"
    text = out.read_text()
    assert "  - path: \"/app/*\"  # nginx: nginx.conf:6\n          pass: true\n" in text
    assert 'redirect: "https://b.test$REQUEST_URI"' in text
    assert main(["check", str(out)]) == 0


def test_an_exact_translation_exits_0(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    conf = write(tmp_path, "        root /var/www/htdocs/a;\n")
    out = tmp_path / "site.yaml"
    assert main(["import", "--nginx", str(conf), "--out", str(out)]) == 0
    assert capsys.readouterr().err == ""
    assert "root: /htdocs/a" in out.read_text()


def test_a_malformed_file_is_crossplanes_error_at_its_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conf = tmp_path / "nginx.conf"
    conf.write_text("events {}\nhttp {\n    server {\n        listen 80\n    }\n}\n")
    out = tmp_path / "site.yaml"
    assert main(["import", "--nginx", str(conf), "--out", str(out)]) == 2
    assert capsys.readouterr().err == \
        f'hostgen: {conf}:4: directive "listen" is not terminated by ";"\n'
    assert not out.exists()


@pytest.mark.parametrize(("line", "said"), [
    ("    listen { 80; }\n", 'directive "listen" is not terminated by ";"'),
    ("    root;\n", 'invalid number of arguments in "root" directive'),
])
def test_a_malformed_snippet_is_refused_as_a_whole_file_would_be(
        line: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A lone sites-enabled file is read without context checks; crossplane's analyzer knows
    no context of a server at the top and so checked nothing (a traceback once)."""
    conf = tmp_path / "default"
    conf.write_text(f"server {{\n    listen 80;\n{line}    server_name a.test;\n}}\n")
    out = tmp_path / "site.yaml"
    assert main(["import", "--nginx", str(conf), "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"hostgen: {conf}:3: {said}\n"
    assert not out.exists()


def test_an_existing_site_is_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conf = write(tmp_path, "")
    out = tmp_path / "site.yaml"
    out.write_text("mine\n")
    assert main(["import", "--nginx", str(conf), "--out", str(out)]) == 2
    assert "exists; nothing written" in capsys.readouterr().err
    assert out.read_text() == "mine\n"
    assert main(["import", "--nginx", str(conf), "--out", str(out), "--force"]) == 0


def test_root_and_nginx_together_are_refused(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    conf = write(tmp_path, "")
    assert main(["import", str(tmp_path), "--nginx", str(conf), "--out",
                 str(tmp_path / "s.yaml")]) == 2
    assert capsys.readouterr().err == "hostgen: give ROOT or --nginx CONF, not both\n"


# ---- losses at their nginx line --------------------------------------------------------------

UNTRANSLATABLE = """\
        set $app blue;
        limit_req zone=one burst=5;
        add_header X-Frame-Options DENY;
        if ($http_user_agent ~ BadBot) { return 403; }
        location ~ ^/(?!api) { return 404; }
        location /x { return 200 "ok"; }
"""


def test_what_httpd_cannot_do_is_a_loss_at_its_line(tmp_path: Path) -> None:
    adopted = adopt_nginx(write(tmp_path, UNTRANSLATABLE), None)
    assert said(adopted, tmp_path) == [
        "nginx.conf:6: warning: set dropped: httpd has no variables: write the value where "
        "it is used",
        "nginx.conf:7: warning: limit_req dropped: httpd has no rate limiting: use pf(4) "
        "`max-src-conn-rate`, or relayd(8)",
        "nginx.conf:8: warning: add_header dropped: httpd adds no response headers except "
        "HSTS: put relayd(8) in front of httpd with `match response header set`",
        "nginx.conf:9: warning: if ($http_user_agent ~ BadBot) dropped with its block: httpd "
        "has no conditionals (split the cases into servers or locations by hand)",
        "nginx.conf:10: warning: location ~ ^/(?!api) left out: (?!...) lookaround or "
        "inline flag",
        "nginx.conf:11: warning: return 200 with a body: httpd has no inline responses; "
        "serve the text from a file instead",
    ]


def test_a_missing_include_is_a_loss_and_fastcgi_params_is_not(tmp_path: Path) -> None:
    conf = write(tmp_path, "        include snippets/headers.conf;\n"
                           "        location ~ \\.php$ { include fastcgi_params;\n"
                           "            fastcgi_pass unix:/run/php/php8.2-fpm.sock; }\n")
    adopted = adopt_nginx(conf, None)
    assert said(adopted, tmp_path) == [
        "nginx.conf:6: warning: include snippets/headers.conf: no such file, not translated",
        "nginx.conf:8: warning: FastCGI socket /run/php/php8.2-fpm.sock is outside httpd's "
        "chroot: written as /run/php8.2-fpm.sock; make the responder listen on "
        "/var/www/run/php8.2-fpm.sock",
    ]
    assert "socket: /run/php8.2-fpm.sock" in dump(adopted.document)


def test_a_lone_sites_enabled_file_is_read_without_its_context(tmp_path: Path) -> None:
    conf = tmp_path / "example.conf"
    conf.write_text("server {\n    listen 80;\n    server_name s.test;\n"
                    "    root /var/www/htdocs/s;\n    include snippets/ssl.conf;\n}\n")
    adopted = adopt_nginx(conf, None)
    assert said(adopted, tmp_path) == [
        "example.conf:5: warning: include snippets/ssl.conf not followed (a lone server "
        "snippet was read): import the main nginx.conf to translate it",
    ]
    assert "name: s.test  # nginx: example.conf:1" in dump(adopted.document)


def test_a_value_httpd_cannot_quote_is_left_out(tmp_path: Path) -> None:
    conf = write(tmp_path, '        location /a { return 301 "https://x.test/a\\\\b"; }\n')
    adopted = adopt_nginx(conf, None)
    assert [loss.message for loss in adopted.losses] == [
        "left out: a backslash or a control character cannot be written in httpd.conf"]
    assert "x.test" not in dump(adopted.document).split("expect:")[0]


# ---- PCRE -> Lua (nginx-to-httpd.md 7.4) ---------------------------------------------------

TRANSLATED = [
    (r"\.php$", False, ["%.php$"]),
    (r"\.(png|jpe?g|gif)$", True,
     ["%.([pP][nN][gG])$", "%.([jJ][pP][eE]?[gG])$", "%.([gG][iI][fF])$"]),
    (r"^/(?:en|de)/docs/([\w-]+)\.html$", False,
     ["^/en/docs/([%w_%-]+)%.html$", "^/de/docs/([%w_%-]+)%.html$"]),
    (r"^/api/v[0-9]{1,2}/", False, ["^/api/v[0-9][0-9]?/"]),
    (r"^/(a|b)/(.+?)\.txt$", False, ["^/(a)/(..-)%.txt$", "^/(b)/(..-)%.txt$"]),
    (r"^/files/[^/]+\.pdf$", True, ["^/[fF][iI][lL][eE][sS]/[^%/]+%.[pP][dD][fF]$"]),
    (r"(?i)\.php$", False, ["%.[pP][hH][pP]$"]),
    (r"^/x{2,3}$", False, ["^/xxx?$"]),
    (r"^/100%$", False, ["^/100%%$"]),
    (r"^/(?:www\.)?x$", False, ["^/www%.x$", "^/x$"]),
    (r"[]a-]", False, ["[%]a%-]"]),
    (r"^/x|^/y|^/x", False, ["^/x", "^/y"]),
    (r"[^/]+\.php$", False, ["[^%/]+%.php$"]),
    (r"\.php(/|$)", False, ["%.php(/)", "%.php()$"]),
    (r"[c-d]", True, ["[c-dC-D]"]),
    (r"/\.(?!git)", False, ["/%.[^g]", "/%.$", "/%.g[^i]", "/%.g$", "/%.gi[^t]", "/%.gi$"]),
]


@pytest.mark.parametrize(("regex", "fold", "lua"), TRANSLATED)
def test_pcre_becomes_lua_variants(regex: str, fold: bool, lua: list[str]) -> None:
    assert [v.lua for v in translate(regex, fold).variants] == lua


REFUSED = [
    (r"^/(?!api)", "(?!...) lookaround or inline flag"),
    (r"^/(foo)+$", "quantifier on a group"),
    (r"^/ab\d\b", "escape \\b"),
    (r"^/(x)?/", "optional capturing group"),
    (r"[[:alpha:]]", "POSIX class [:name:]"),
    (r"(a|b)(c|d)(e|f)(g|h)(i|j)", "too many alternatives"),
    (r"^/x??$", "lazy '??'"),
    (r"^/x*+$", "possessive quantifier"),
    (r"^/x{9}$", "repeat count too large"),
    (r"^/(\d)\1+$", "quantified back-reference"),
    (r"^/a)$", "unbalanced ')'"),
    (r"^/(a$", "missing ')'"),
    (r"^/[abc$", "missing ']'"),
    (r"\x41", "escape \\x"),
    (r"\0", "escape \\0"),
]


@pytest.mark.parametrize(("regex", "reason"), REFUSED)
def test_what_lua_cannot_say_is_refused_with_the_reason(regex: str, reason: str) -> None:
    with pytest.raises(Untranslatable, match=None) as raised:
        translate(regex)
    assert str(raised.value) == reason


def test_captures_are_renumbered_per_variant() -> None:
    translation = translate(r"^/(x)(y)$|^/(z)$")
    assert [replacement("/a/$1/$2/$3", v, translation.names, {})
            for v in translation.variants] == ["/a/%1/%2/", "/a///%1"]
    named = translate(r"^/(?<lang>[a-z]{2})/(?<page>.*)$")
    variables = {"scheme": "$REQUEST_SCHEME", "host": "$HTTP_HOST"}
    assert replacement("$scheme://$host/${page}?lang=$lang", named.variants[0], named.names,
                       variables) == "$REQUEST_SCHEME://$HTTP_HOST/%2?lang=%1"
    one = translate(r"^/p/(\d+)$").variants[0]
    assert replacement("/$1abc", one, {}, {}) == "/%1abc"
    with pytest.raises(Untranslatable, match="would be read as a capture"):
        replacement("/x%2Fy", one, {}, {})
    with pytest.raises(Untranslatable, match=r"variable \$cookie_id"):
        replacement("/u/$cookie_id", one, {}, {})


# ---- location order (nginx-to-httpd.md 6.4) ------------------------------------------------

ORDERS = [
    ("/; = /favicon.ico; ^~ /downloads/; ~* \\.(css|js)$; ~ \\.php$",
     "= /favicon.ico; ^~ /downloads/; ~* \\.(css|js)$; ~ \\.php$; /", 0),
    ("/; /api/; /api/v1/; ~ \\.php$; = /; = /robots.txt",
     "= /; = /robots.txt; ~ \\.php$; /api/v1/; /api/; /", 0),
    ("^~ /static/; /static/img/; ~ \\.png$; /", "/static/img/; ^~ /static/; ~ \\.png$; /", 1),
    ("^~ /a/; ^~ /a/b/; /a/b/c/; /x", "/a/b/c/; ^~ /a/b/; ^~ /a/; /x", 1),
    ("/b; /a; /ab; /", "/ab; /b; /a; /", 0),
    ("^~ /s; /s; /sx", "/sx; ^~ /s; /s", 1),
    ("^~ /img/; /images/", "^~ /img/; /images/", 0),
]


@pytest.mark.parametrize(("given", "emitted", "warnings"), ORDERS)
def test_locations_follow_nginx_precedence(given: str, emitted: str, warnings: int) -> None:
    block = [Directive("location", part.split(" "), "n.conf", line, [])
             for line, part in enumerate(given.split("; "), start=1)]
    ctx = Context()
    locations, _ = flatten(block, [], ctx)
    ordered = order(locations, ctx)
    assert "; ".join(" ".join(x for x in (loc.modifier, loc.path) if x)
                     for loc in ordered) == emitted
    assert len(ctx.losses) == warnings


def test_the_library_raises_live_file_error_with_crossplanes_position(tmp_path: Path) -> None:
    conf = tmp_path / "nginx.conf"
    conf.write_text("events {}\nhttp {\n    server {\n        listen 80;\n    }\n")
    with pytest.raises(LiveFileError) as raised:
        adopt_nginx(conf, None)
    assert (raised.value.path, raised.value.line) == (str(conf), 5)
    assert raised.value.message == 'unexpected end of file, expecting "}"'


# ---- configurations full of what httpd cannot do ---------------------------------------------

ROBUST = sorted((Path(__file__).resolve().parent / "nginx-robust").glob("*.conf"))


@pytest.mark.parametrize("conf", ROBUST, ids=[c.stem for c in ROBUST])
def test_untranslatable_configurations_still_give_a_valid_site(conf: Path,
                                                                tmp_path: Path) -> None:
    """Each loss listed (NAME.losses, reviewed), and what remains validates and proves
    its own expectations."""
    adopted = adopt_nginx(conf, None)
    losses = "".join(loss.format().replace(f"{conf.parent}/", "") + "\n"
                     for loss in adopted.losses)
    expected = conf.with_suffix(".losses")
    if os.environ.get("HOSTGEN_REGEN_NGINX"):
        expected.write_text(losses)
    assert losses == expected.read_text()
    site = tmp_path / "site.yaml"
    site.write_text(dump(adopted.document))
    assert [p.message for p in run_expectations(load_site(site))] == []


def test_a_rewrite_chain_is_a_loss(tmp_path: Path) -> None:
    conf = write(tmp_path, "        rewrite ^/a/(.*)$ /b/$1;\n"
                           "        rewrite ^/b/(.*)$ /c/$1 last;\n")
    adopted = adopt_nginx(conf, None)
    assert said(adopted, tmp_path) == [
        "nginx.conf:6: warning: rewrite without a flag: nginx goes on with the next rewrite "
        "on the new path, httpd rewrites once",
    ]
    text = dump(adopted.document)
    assert "- match: \"^/a/(.*)$\"  # nginx: nginx.conf:6\n          rewrite: \"/b/%1\"\n" in text


def test_a_wildcard_default_server_shadowing_an_exact_name_is_a_loss(tmp_path: Path) -> None:
    conf = tmp_path / "nginx.conf"
    conf.write_text("events {}\nhttp {\n"
                    "    server { listen 80; server_name *.example.org; root /var/www/a; }\n"
                    "    server { listen 80; server_name www.example.org; root /var/www/b; }\n"
                    "}\n")
    adopted = adopt_nginx(conf, None)
    assert said(adopted, tmp_path) == [
        "nginx.conf:3: warning: server name *.example.org comes first (this is the default "
        "server) and also matches www.example.org: httpd answers www.example.org from this "
        "server, nginx from the one that names it",
    ]


@pytest.mark.parametrize("release", ["5.7", "6.3", "6.8"])
def test_what_the_target_release_lacks_is_left_out(release: str, tmp_path: Path) -> None:
    """Each case, translated for an old release, still validates and proves itself."""
    for conf in sorted((Path(__file__).resolve().parent / "nginx").glob("*/nginx.conf")):
        adopted = adopt_nginx(conf, release)
        site = tmp_path / f"{conf.parent.name}.yaml"
        site.write_text(dump(adopted.document))
        assert [p.message for p in run_expectations(load_site(site))] == [], conf


def test_a_try_files_fallback_needs_6_9(tmp_path: Path) -> None:
    conf = write(tmp_path, "        location / { try_files $uri $uri/ /index.php?$args; }\n")
    adopted = adopt_nginx(conf, "6.8")
    assert said(adopted, tmp_path) == [
        "nginx.conf:6: warning: left out: location found / not found needs OpenBSD 6.9 or "
        "later (host.openbsd is 6.8)",
    ]
    assert 'openbsd: "6.8"' in dump(adopted.document)


def test_a_named_fallback_that_rewrites_every_path_is_that_rewrite(tmp_path: Path) -> None:
    conf = write(tmp_path, "        root /var/www/spa;\n"
                           "        location / { try_files $uri $uri/ @app; }\n"
                           "        location @app { rewrite ^(.+)$ /index.html last; }\n")
    adopted = adopt_nginx(conf, None)
    assert adopted.losses == []
    assert ('- path: "/*"  # nginx: nginx.conf:7\n          found: false\n'
            '          rewrite: /index.html\n') in dump(adopted.document)


def test_a_stream_block_is_a_loss(tmp_path: Path) -> None:
    conf = tmp_path / "nginx.conf"
    conf.write_text("events {}\nstream { server { listen 5432; proxy_pass db:5432; } }\n"
                    "http { server { listen 80; server_name a.test; root /var/www/a; } }\n")
    assert [loss.format().replace(f"{tmp_path}/", "") for loss in
            adopt_nginx(conf, None).losses] == [
        "nginx.conf:2: warning: stream {} dropped: httpd serves HTTP only (relayd(8) relays "
        "TCP; smtpd(8) is the mail server)"]


def test_a_server_without_root_is_a_loss(tmp_path: Path) -> None:
    conf = tmp_path / "nginx.conf"
    conf.write_text("events {}\nhttp {\n    server { listen 80; server_name a.test; }\n"
                    "    server { listen 80; server_name b.test; return 301 http://a.test/; }\n"
                    "}\n")
    assert [loss.format().replace(f"{tmp_path}/", "") for loss in
            adopt_nginx(conf, None).losses] == [
        "nginx.conf:3: warning: no root: nginx serves from the html folder of its prefix, "
        "httpd from /var/www/htdocs"]


# ---- values httpd.conf cannot be given, and the access phase ------------------------------

def written_site(document: object, folder: Path,
                 capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """`hostgen check` of the document as written: every import must write a valid site."""
    site = folder / "site.yaml"
    site.write_text(dump(document))   # type: ignore[arg-type]
    code = main(["check", str(site)])
    return code, capsys.readouterr().out


def test_a_server_name_httpd_cannot_be_given_is_a_loss(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conf = tmp_path / "nginx.conf"
    conf.write_text('events {}\nhttp {\n    server {\n        listen 80;\n'
                    '        server_name "a\nb" b.test;\n        root /var/www/b;\n    }\n}\n')
    adopted = adopt_nginx(conf, None)
    assert said(adopted, tmp_path) == [
        "nginx.conf:5: warning: server_name 'a\\nb' dropped: control characters (newline, "
        "tab, ...) are not allowed here"]
    assert adopted.document["httpd"]["servers"][0]["name"] == "b.test"
    assert written_site(adopted.document, tmp_path, capsys) == (0, f"{tmp_path}/site.yaml: valid\n")


def test_a_whole_server_return_with_a_backslash_leaves_the_server_out(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conf = write(tmp_path, '        return 301 "https://b.test/a\\\\b";\n')
    adopted = adopt_nginx(conf, None)
    assert said(adopted, tmp_path) == [
        "nginx.conf:3: warning: server left out: its redirect holds a backslash or a control "
        "character, which httpd.conf cannot be given (httpd-conf.md 1.9)"]
    assert "httpd" not in adopted.document and "expect" not in adopted.document
    assert written_site(adopted.document, tmp_path, capsys) == (0, f"{tmp_path}/site.yaml: valid\n")


def test_auth_basic_of_the_server_answers_401_where_no_location_matches(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conf = write(tmp_path, '        auth_basic "staff";\n'
                           "        auth_basic_user_file /var/www/htpasswd;\n")
    adopted = adopt_nginx(conf, None)
    assert adopted.document["expect"][0] == {"url": "http://a.test/", "status": 401}
    assert written_site(adopted.document, tmp_path, capsys) == (0, f"{tmp_path}/site.yaml: valid\n")


def test_a_realm_httpd_cannot_be_given_takes_its_401_with_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conf = write(tmp_path, '        auth_basic "st\\\\aff";\n'
                           "        auth_basic_user_file /var/www/htpasswd;\n")
    adopted = adopt_nginx(conf, None)
    assert "authenticate left out: a backslash or a control character cannot be written in " \
        "httpd.conf" in [loss.message for loss in adopted.losses]
    assert "authenticate" not in adopted.document["httpd"]["servers"][0]
    assert all(e["status"] != 401 for e in adopted.document.get("expect", []))
    assert written_site(adopted.document, tmp_path, capsys) == (0, f"{tmp_path}/site.yaml: valid\n")


def test_a_relative_root_is_left_out_at_its_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """nginx reads a relative root from its prefix folder; site.yaml's roots are absolute (the
    model's own message, found by mutating the test configurations)."""
    conf = write(tmp_path, "        root html/a;\n        location /b/ { root /var/www/b; }\n")
    adopted = adopt_nginx(conf, None)
    assert said(adopted, tmp_path) == [
        'nginx.conf:6: warning: root left out: expected an absolute path starting with "/", '
        'got "html/a"']
    assert "root" not in adopted.document["httpd"]["servers"][0]
    assert written_site(adopted.document, tmp_path, capsys) == (0, f"{tmp_path}/site.yaml: valid\n")


def test_a_listen_address_httpd_cannot_read_is_left_out_at_its_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conf = tmp_path / "nginx.conf"
    conf.write_text("http {\n    server {\n        listen [:junk]:80;\n"
                    "        server_name a.test;\n        root /var/www/htdocs/a;\n    }\n}\n")
    adopted = adopt_nginx(conf, None)
    assert said(adopted, tmp_path) == [
        'nginx.conf:3: warning: listen [:junk]:80 dropped: expected "*", an IP address, or an '
        'interface, group or host name such as "egress", got ":junk"']
    assert written_site(adopted.document, tmp_path, capsys) == (0, f"{tmp_path}/site.yaml: valid\n")


def test_a_server_name_no_request_carries_is_dropped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """server_name / (found by mutating the test configurations): httpd would take it, but no
    Host: header names it, and it could be neither host.name nor the host of an expect: URL."""
    conf = tmp_path / "nginx.conf"
    conf.write_text("http {\n    server {\n        listen 80;\n        server_name / a.test;\n"
                    "        root /var/www/htdocs/a;\n    }\n}\n")
    adopted = adopt_nginx(conf, None)
    assert said(adopted, tmp_path) == [
        "nginx.conf:4: warning: server_name '/' dropped: no request names such a host"]
    assert adopted.document["host"]["name"] == "a.test"
    assert written_site(adopted.document, tmp_path, capsys) == (0, f"{tmp_path}/site.yaml: valid\n")


def test_a_rewrite_to_a_directory_without_a_plain_index_is_a_loss(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With a variable index hostgen cannot name the file nginx would serve: the rewrite stays
    as written (httpd will answer 500 there), and a loss says so; tests/nginx/rewrite-to-
    directory has the case it can translate, judged by real nginx."""
    conf = write(tmp_path, "        index $geo.html;\n        rewrite ^/a$ /b/ last;\n")
    adopted = adopt_nginx(conf, None)
    assert "nginx.conf:7: warning: rewrite to the directory /b/: httpd answers 500 for a " \
           "directory after a rewrite; rewrite to its index file instead" in \
           said(adopted, tmp_path)
    locations = adopted.document["httpd"]["servers"][0]["locations"]
    assert {"match": "^/a$", "rewrite": "/b/"} in [dict(location) for location in locations]
