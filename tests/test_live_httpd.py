"""hostgen.live.httpd: lexer facts (httpd-conf.md 1), grammar and newline rules (2), parse-time
checks (2.7), the reference's examples (6.1, 6.2), and the fixtures under tests/live/httpd."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostgen.errors import LiveFileError
from hostgen.live.httpd import (
    DIRECTIVES,
    KEYWORD_SINCE,
    Authenticate,
    BlockAction,
    FastcgiTcp,
    FastcgiUnix,
    HttpdConfig,
    Listen,
    MediaType,
    parse,
    to_semantic,
)

HERE = Path(__file__).parent / "live" / "httpd"
ROOT = HERE / "root"
L80 = "listen on * port 80\n"


def read_root(path: str) -> str:
    """The include reader hostgen uses: paths as written, read under the fixture root."""
    return (ROOT / path.lstrip("/")).read_bytes().decode()


def error(text: str, **kwargs: object) -> tuple[str, int, str]:
    with pytest.raises(LiveFileError) as caught:
        parse(text, **kwargs)  # type: ignore[arg-type]
    return caught.value.path, caught.value.line, caught.value.message


def server(body: str, **kwargs: object) -> HttpdConfig:
    return parse(f'server "a" {{\n{L80}{body}\n}}\n', **kwargs)  # type: ignore[arg-type]


def only(config: HttpdConfig):  # type: ignore[no-untyped-def]
    (srv,) = config.servers
    return srv


# -- the fixtures ---------------------------------------------------------------------------


def test_hand_written_file_with_includes_macros_and_one_line_blocks() -> None:
    config = parse(read_root("/etc/httpd.conf"), "/etc/httpd.conf", read_include=read_root)
    assert config.chroot == "/var/www" and config.prefork == 3
    assert [(s.name, s.line) for s in config.servers] == [
        ("www.22decembre.eu", 15), ("www.22decembre.eu", 25), ("photos.22decembre.eu", 41),
        ("blackblock.22decembre.eu", 52), ("blackblock.22decembre.eu", 57),
    ]
    plain, site, photos, _, black = config.servers
    assert plain.listens == (
        Listen(address="egress", port="80", tls=False, path="/etc/httpd.conf", line=16),
    )
    assert site.listens == (
        Listen(address="egress", port="443", tls=True, path="/etc/httpd.tls", line=2),
    )
    assert site.tls is not None and (site.tls.path, site.tls.line) == ("/etc/httpd.tls", 3)
    assert site.tls.certificate == "/etc/ssl/22decembre.eu.crt"
    assert site.tls.key == "/etc/ssl/private/22decembre.eu.key"
    assert [a.name for a in site.aliases] == ["22decembre.eu"]
    assert site.hsts is not None and (site.hsts.max_age, site.hsts.subdomains) == (15768000, True)
    assert [(loc.pattern, loc.match, loc.line) for loc in site.locations] == [
        ("/bibliotheque/*", False, 32), ("/drafts/*", False, 33), ("*/feed/", False, 34),
        ("^/2012/02/27/", True, 35),
    ]
    redirect = site.locations[3].options.block
    assert redirect == BlockAction(
        "return", 301, "http://www.22decembre.eu/2015/03/31/5-sign-mail-fr/"
    )
    assert plain.locations[1].pattern == "*"
    assert plain.locations[0].options.strip == 2
    assert photos.locations[0].options.fastcgi.socket == FastcgiUnix("/run/php-fpm.sock")
    assert black.options.index == "index.html" and black.options.auto_index is False
    assert black.tcp is not None and (black.tcp.nodelay, black.tcp.backlog) == (True, 64)
    assert len(config.types) == 12
    assert config.types[0].path == "/usr/share/misc/mime.types"
    assert config.types[0].line == 2


def test_reference_example_6_1() -> None:
    config = parse((HERE / "reference-6.1.conf").read_text(), read_include=read_root)
    assert (config.chroot, config.logdir, config.prefork, config.errdocs) == (
        "/var/www", "/var/www/logs", 4, "/errdocs",
    )
    assert config.default_type == MediaType("text", "plain")
    names = [(s.name, [(li.address, li.port, li.tls) for li in s.listens]) for s in config.servers]
    assert names == [
        ("www.example.com", [("203.0.113.10", "80", False), ("2001:db8::10", "80", False)]),
        ("www.example.com", [("203.0.113.10", "443", True), ("2001:db8::10", "443", True)]),
        ("staging.example.com", [("127.0.0.1", "8080", False)]),
        ("intranet.example.com", [("10.0.0.1", "8443", True)]),
    ]
    site = config.servers[1]
    assert site.options.root == "/htdocs/www.example.com"  # from the macro with inner quotes
    assert site.tls is not None and site.tls.ticket_lifetime == 7200
    assert site.connection is not None and site.connection.request_timeout == 30
    api = site.locations[7]
    assert api.pattern == "/api/*"
    assert api.options.fastcgi.socket == FastcgiTcp("127.0.0.1", "9000")
    assert api.options.fastcgi.params == (("APP_ENV", "production"),)
    assert site.locations[-1].found is False
    private = site.locations[2].options
    assert private.authenticate == Authenticate("Staff only", "/conf/htpasswd")
    staging = config.servers[2]
    assert staging.errdocs is False and staging.global_errdocs == "/errdocs"
    assert staging.options.log.enabled is False
    assert staging.options.block == BlockAction("return", 403)
    intranet = config.servers[3].tls
    assert intranet is not None
    assert (intranet.client_ca, intranet.crl, intranet.optional) == (
        "/etc/ssl/intranet-ca.pem", "/etc/ssl/intranet.crl", True,
    )


def _invalid_cases() -> list[Path]:
    return sorted((HERE / "invalid").glob("*.conf"))


@pytest.mark.parametrize("case", _invalid_cases(), ids=lambda p: p.stem)
def test_reference_negative_snippets_6_2(case: Path) -> None:
    line, message = case.with_suffix(".expected").read_text().rstrip("\n").split(": ", 1)
    assert error(case.read_bytes().decode(), path=case.name) == (case.name, int(line), message)


def test_all_24_negative_snippets_are_present() -> None:
    assert len(_invalid_cases()) == 24


# -- lexer (httpd-conf.md 1) ----------------------------------------------------------------


def test_crlf_is_a_syntax_error_on_the_first_line() -> None:
    assert error('prefork 2\r\n') == ("httpd.conf", 1, "syntax error")


@pytest.mark.parametrize("char", ["\f", "\v", "é", "!", "(", "."])
def test_stray_characters_outside_quotes(char: str) -> None:
    assert error(f"prefork 2 {char}\n")[1:] == (1, "syntax error")


def test_non_ascii_inside_quotes_is_kept() -> None:
    assert only(server('root "/café"')).options.root == "/café"


def test_nul_outside_quotes_ends_the_configuration() -> None:
    config = parse(f'server "a" {{ {L80.strip()} }}\n\0 garbage {{{{ $undefined\n')
    assert [s.name for s in config.servers] == ["a"]


def test_nul_inside_a_statement_is_a_syntax_error() -> None:
    assert error('server "a" {\n\0}\n')[1:] == (2, "syntax error")


def test_nul_inside_quotes_is_a_syntax_error() -> None:
    assert error('chroot "/a\0b"\n')[1:] == (1, "syntax error")


def test_keywords_are_case_sensitive() -> None:
    assert error('Server "x" {\n}\n')[1:] == (1, "syntax error")


def test_comment_after_tokens_and_after_a_quote() -> None:
    config = parse('chroot "/x"# no blank needed after a quote\nlogdir "/l" # comment\n')
    assert (config.chroot, config.logdir) == ("/x", "/l")


def test_hash_directly_after_digits_makes_a_word() -> None:
    assert error("prefork 4#x\n")[1:] == (1, "syntax error")
    assert parse("prefork 4 #x\n").prefork == 4


def test_comment_ending_in_a_backslash_swallows_the_next_line() -> None:
    config = parse("# a comment \\\nprefork 64\nprefork 2\n")
    assert config.prefork == 2
    assert [g.line for g in config.globals] == [3]


def test_backslash_newline_joins_lines_and_counts_them() -> None:
    assert parse("chroot \\\n\"/x\"\n").chroot == "/x"
    assert error("chroot \\\n\"/x\"\nprefork 99\n")[1:] == (
        3, "invalid number of preforked servers: 99",
    )


def test_newline_after_a_continued_comment_is_on_the_last_line() -> None:
    assert error('server "a" # comment \\\ncontinued\n{\n')[1:] == (2, "syntax error")


def test_backslash_outside_quotes_is_dropped_and_a_doubled_one_kept() -> None:
    assert parse("chroot a\\\\b\n").chroot == "a\\b"
    assert parse("chroot a\\bc\n").chroot == "abc"
    assert error("chroot a\\ b\n")[1:] == (1, "syntax error")  # an escaped blank still splits


def test_bare_words() -> None:
    srv = only(server('alias *.example.com\nalias fe80::1%em0\nroot foo"bar"'))
    assert [a.name for a in srv.aliases] == ["*.example.com", "fe80::1%em0"]
    assert srv.options.root == 'foo"bar"'


def test_numbers_fall_back_to_words() -> None:
    srv = only(parse('server "a" {\nlisten on 10.0.0.1 port 80\n}\n'))
    assert srv.listens[0].address == "10.0.0.1"
    assert error(f'server "a" {{\n{L80}max request body 1M\n}}\n')[1:] == (3, "syntax error")


def test_minus_without_digits_is_a_token() -> None:
    assert error("prefork -5a\n")[1:] == (1, "syntax error")


def test_numbers_out_of_range() -> None:
    assert error("prefork 99999999999999999999\n")[1:] == (
        1, '"99999999999999999999" invalid number: too large',
    )
    assert error("prefork -99999999999999999999\n")[1:] == (
        1, '"-99999999999999999999" invalid number: too small',
    )


@pytest.mark.parametrize(
    ("quoted", "value"),
    [
        (r'"a\"b"', 'a"b'),
        (r"'a\'b'", "a'b"),
        (r'"it\'s"', "it\\'s"),
        ("\"a'b\"", "a'b"),
        (r'"a\\b"', "a\\\\b"),
        (r'"a\ b"', "a b"),
        (r'"a\xb"', "a\\xb"),
        ('"/ht\ndocs"', "/htdocs"),
        ('"/ht\\\ndocs"', "/htdocs"),
        ('"$HTTP_HOST#x"', "$HTTP_HOST#x"),
    ],
)
def test_quoted_strings(quoted: str, value: str) -> None:
    assert parse(f"chroot {quoted}\n").chroot == value


def test_newline_inside_quotes_still_counts_lines() -> None:
    assert error('chroot "/a\nb"\nprefork 0\n')[1:] == (
        3, "invalid number of preforked servers: 0",
    )


def test_a_quoted_value_cannot_end_in_a_backslash() -> None:
    assert error('chroot "a\\"\n')[1:] == (1, "reached end of file while parsing quoted string")


def test_string_too_long() -> None:
    assert parse(f'chroot "{"x" * 8094}"\n').chroot == "x" * 8094
    assert error(f'chroot "{"x" * 8095}"\n')[1:] == (1, "string too long")
    assert parse(f"chroot {'x' * 8095}\n").chroot == "x" * 8095
    assert error(f"chroot {'x' * 8096}\n")[1:] == (1, "string too long")


# -- macros (httpd-conf.md 1.6) -------------------------------------------------------------


def test_macro_values_are_lexed_again() -> None:
    config = parse(
        'addr = "10.0.0.1"\nl = "listen on * port 8081"\np = "8080"\nd = "\\"/htdocs\\""\n'
        'server "a" {\n$l\nlisten on $addr port $p\nalias $addr:8080\nroot $d\n}\n'
    )
    srv = only(config)
    assert [(li.address, li.port) for li in srv.listens] == [("*", "8081"), ("10.0.0.1", "8080")]
    assert srv.aliases[0].name == "10.0.0.1:8080"
    assert srv.options.root == "/htdocs"


def test_path_macro_without_inner_quotes_fails() -> None:
    assert error('dir = "/htdocs"\nserver "a" {\nroot $dir\n}\n')[1:] == (3, "syntax error")


def test_dollar_inside_a_word_or_quotes_is_plain_text() -> None:
    config = parse('a = "x"\nb = "y"\nchroot $a$b\nlogdir "$a"\n')
    assert (config.chroot, config.logdir) == ("x$b", "$a")


def test_no_nested_macros() -> None:
    assert error('a = "x"\nb = "$a"\nchroot $b\n')[1:] == (3, "syntax error")


def test_later_definition_wins_and_spaces_around_equals_are_optional() -> None:
    assert parse('d="a"\nd = "b"\nchroot $d\n').chroot == "b"


def test_macro_definition_errors() -> None:
    assert error('"a b" = "x"\n')[1:] == (1, "macro name cannot contain whitespace")
    assert parse('" a" = "x"\n"ip" = "x"\nchroot $ip\n').chroot == "x"  # quoted: no keyword
    assert error('"n" = "1"\nchroot $n\n')[1:] == (2, "syntax error")  # re-lexed as a NUMBER
    assert error('root = "x"\n')[1:] == (1, "syntax error")
    assert error('ip = "10.0.0.1"\n')[1:] == (1, "syntax error")
    assert error('80 = "x"\n')[1:] == (1, "syntax error")
    assert error("chroot $nope\n")[1:] == (1, "macro 'nope' not defined")


def test_macro_is_only_known_after_its_definition() -> None:
    assert error('chroot $d\nd = "x"\n')[1:] == (1, "macro 'd' not defined")


# -- file structure and newline rules (httpd-conf.md 2.1) -----------------------------------


def test_one_line_block_and_first_statement_quirk() -> None:
    assert only(parse('server "a" { listen on * port 80 }')).listens[0].port == "80"
    srv = only(parse('server "a" {\nlisten on * port 80 root "/x"\n}\n'))
    assert srv.options.root == "/x"


def test_later_statements_need_a_newline_before_the_brace() -> None:
    assert error('server "a" {\nlisten on * port 80\nroot "/x" }\n')[1:] == (3, "syntax error")
    assert error('server "a" {\nlisten on * port 80\nroot "/x" log syslog\n}\n')[1:] == (
        3, "syntax error",
    )


def test_two_servers_on_one_line() -> None:
    text = 'server "a" { listen on * port 80 } server "b" { listen on * port 81 }\n'
    assert error(text)[1:] == (1, "syntax error")


def test_end_of_file_counts_as_a_newline_once() -> None:
    assert only(parse('server "a" {\nlisten on * port 80\n}')).name == "a"
    assert parse("").servers == ()
    assert parse("\n\n# only comments\n").servers == ()


def test_unexpected_end_of_file_is_reported_one_line_past_the_end() -> None:
    # httpd counts the end of file as one more newline before it sees the end (lgetc)
    assert error('server "a" {\nlisten on * port 80\n')[1:] == (4, "syntax error")
    assert error('server "a" {\nlisten on * port 80')[1:] == (3, "syntax error")


def test_semicolon_only_ends_types_lines() -> None:
    config = parse('types {\n\ttext/html html htm;\n\t"text"/"plain" "log" 3gp 7;\n}\n')
    assert [(str(t.media), t.names) for t in config.types] == [
        ("text/html", ("html", "htm")), ("text/plain", ("log", "3gp", "7")),
    ]
    assert error("types {\ntext/plain txt log\n}\n")[1:] == (2, "syntax error")
    assert error("types {\n}\n")[1:] == (2, "syntax error")


@pytest.mark.parametrize(
    "body",
    [
        "connection { max requests 10, timeout 5 }",
        "connection {\nmax requests 10\ntimeout 5\n}",
        "connection {\n\nmax requests 10,\n\ntimeout 5\n}",
        "connection max requests 10\nconnection timeout 5",
    ],
)
def test_brace_lists_accept_commas_and_newlines(body: str) -> None:
    conn = only(server(body)).connection
    assert conn is not None and (conn.max_requests, conn.timeout) == (10, 5)


@pytest.mark.parametrize(
    "body",
    ["tcp { nodelay sack }", "tcp { nodelay, }", "tcp { }", "hsts max-age 100 subdomains",
     "log", "root", "directory", "request"],
)
def test_malformed_lists(body: str) -> None:
    assert error(f'server "a" {{\n{L80}{body}\n}}\n')[2] == "syntax error"


def test_include_brings_its_own_newlines() -> None:
    files = {"t": "text/html html\n", "s": 'server "b" { listen on * port 81 }', "r": 'root "/r"'}
    config = parse(
        'types { include "t" }\ninclude "s" server "c" { listen on * port 82 }\n'
        'server "a" {\nlisten on * port 80\nblock\ninclude "r" }\n',
        read_include=files.__getitem__,
    )
    assert [t.names for t in config.types] == [("html",)]
    assert [s.name for s in config.servers] == ["b", "c", "a"]
    assert config.servers[2].options.root == "/r"
    assert config.servers[2].options.block == BlockAction("block", 403)


def test_include_positions_and_errors_name_the_included_file() -> None:
    files = {"/etc/x": "# comment\nroot $nope\n", "/etc/y": 'listen on * port 80\nroot "/y"\n'}
    text = 'server "a" {\ninclude "/etc/y"\ninclude "/etc/x"\n}\n'
    assert error(text, read_include=files.__getitem__) == ("/etc/x", 2, "macro 'nope' not defined")
    srv = only(parse('server "a" {\ninclude "/etc/y"\n}\n', read_include=files.__getitem__))
    assert (srv.listens[0].path, srv.listens[0].line) == ("/etc/y", 1)


def test_include_failures() -> None:
    assert error('include "/etc/missing"\n') == (
        "httpd.conf", 1, "failed to include file /etc/missing",
    )

    def missing(path: str) -> str:
        raise FileNotFoundError(path)

    assert error('\ninclude "x"\n', read_include=missing)[1:] == (2, "failed to include file x")
    looping = {"loop": 'include "loop"\n'}
    assert error('include "loop"\n', read_include=looping.__getitem__) == (
        "loop", 1, "failed to include file loop",
    )


def test_include_inside_a_location() -> None:
    files = {"php": 'fastcgi socket "/run/php.sock"\nroot "/php"'}
    srv = only(server('location "*.php" { include "php" }', read_include=files.__getitem__))
    options = srv.locations[0].options
    assert (options.fastcgi.socket, options.root) == (FastcgiUnix("/run/php.sock"), "/php")
    assert error(
        f'server "a" {{\n{L80}location "/" {{\ninclude "x"\n}}\n}}\n',
        read_include={"x": 'alias "b"'}.__getitem__,
    ) == ("x", 1, "alias inside location")


def test_macros_defined_in_an_included_file() -> None:
    files = {"m": 'addr = "10.0.0.1"\n'}
    config = parse('include "m"\nchroot $addr\n', read_include=files.__getitem__)
    assert config.chroot == "10.0.0.1"


# -- statements (httpd-conf.md 2.2-2.5) -----------------------------------------------------


def test_global_options_and_the_first_pass() -> None:
    config = parse(
        'chroot "/a"\ndefault type text/html\nerrdocs "/e1"\nserver "s1" { listen on * port 80 }\n'
        'prefork 64\nchroot "/b"\nlogdir "/l"\nerrdocs "/e2"\nno banner\ndefault type a/b\n'
        'server "s2" { listen on * port 81 }\n'
    )
    assert (config.chroot, config.prefork) == ("/a", None)
    assert config.default_type == MediaType("text", "html")
    assert (config.logdir, config.errdocs, config.no_banner) == ("/l", "/e2", True)
    s1, s2 = config.servers
    assert (s1.global_errdocs, s1.global_no_banner) == ("/e1", False)
    assert (s2.global_errdocs, s2.global_no_banner) == ("/e2", True)
    assert [(g.name, g.before_first_server) for g in config.globals][:3] == [
        ("chroot", True), ("default type", True), ("errdocs", True),
    ]


def test_listen_ports() -> None:
    srv = only(parse('server "a" {\nlisten on * port "80"\nlisten on :: tls port https\n}\n'))
    assert [(li.port, li.tls) for li in srv.listens] == [("80", False), ("https", True)]
    assert error('server "a" {\nlisten on * port 0\n}\n')[1:] == (2, "invalid port: 0")
    assert error('server "a" {\nlisten on * port 70000\n}\n')[1:] == (2, "invalid port: 70000")
    assert error('server "a" {\nlisten on * port "70000"\n}\n')[1:] == (2, "invalid port: 70000")
    assert error('server "a" {\nlisten on * port 80\nlisten on *\n}\n')[1:] == (3, "syntax error")


def test_non_ascii_digits_are_not_numbers() -> None:
    srv = only(parse('server "a" {\nlisten on * port "²"\n}\n'))
    assert srv.listens[0].port == "²"  # taken as a service name, as getservice() would
    assert error("prefork ٣\n")[1:] == (1, "syntax error")


def test_server_names_in_entry_order() -> None:
    srv = only(server('alias "b"\nalias match "^c"'))
    assert srv.names() == (("a", False), ("b", False), ("^c", True))


def test_location_words_are_in_a_fixed_order() -> None:
    srv = only(server('location not found match "/x" { pass }\nlocation found "/x" { pass }'))
    assert [(loc.found, loc.match) for loc in srv.locations] == [(False, True), (True, False)]
    assert error(f'server "a" {{\n{L80}location match not found "/x" {{ pass }}\n}}\n')[1:] == (
        3, "syntax error",
    )


def test_location_match_flag_is_not_part_of_the_duplicate_check() -> None:
    text = f'server "a" {{\n{L80}location "/x" {{ pass }}\nlocation match "/x" {{ pass }}\n}}\n'
    assert error(text)[1:] == (4, 'location "/x" defined twice')


def test_duplicate_locations_before_6_9_are_accepted() -> None:
    text = f'server "a" {{\n{L80}location "/x" {{ pass }}\nlocation "/x" {{ block }}\n}}\n'
    assert len(only(parse(text, version="6.8")).locations) == 2


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("listen on * port 81", "listen * inside location"),
        ('alias "b"', "alias inside location"),
        ('errdocs "/e"', "errdocs inside location"),
        ("no errdocs", "errdocs inside location"),
        ("tcp nodelay", "tcp flags inside location"),
        ("connection timeout 5", "connection options inside location"),
        ('tls key "/k"', "tls configuration inside location"),
        ("hsts preload", "hsts inside location"),
        ("banner", "banner inside location"),
        ("no banner", "no banner inside location"),
    ],
)
def test_server_only_statements_inside_a_location(statement: str, message: str) -> None:
    text = f'server "a" {{\n{L80}location "/" {{\n{statement}\n}}\n}}\n'
    assert error(text)[1:] == (4, message)


def test_location_options() -> None:
    srv = only(server(
        'location "/x" {\nroot { "/a", "/b" }\ndirectory { no index, auto index }\n'
        'log { access "a.log", error "e.log", style connection, no syslog }\n'
        'fastcgi { socket "/run/a.sock", param A "1"\nparam B "2", strip 1 }\n'
        'no fastcgi\nauthenticate "r" with "/h"\nauthenticate with "/h2"\nno authenticate\n'
        'request { rewrite "/n", strip 3 }\nrequest no rewrite\ndefault type text/plain\n'
        'gzip-static\nno static-cache-control\n}'
    ))
    opts = srv.locations[0].options
    assert opts.root == "/b" and opts.index is False and opts.auto_index is True
    assert (opts.log.access, opts.log.error, opts.log.style, opts.log.enabled, opts.log.syslog) == (
        "a.log", "e.log", "connection", True, False,
    )
    fcgi = opts.fastcgi
    assert (fcgi.enabled, fcgi.socket, fcgi.params, fcgi.strip) == (
        False, FastcgiUnix("/run/a.sock"), (("A", "1"), ("B", "2")), 1,
    )
    assert opts.authenticate == Authenticate("r", "/h2") and opts.no_authenticate is True
    assert (opts.rewrite, opts.strip, opts.default_type) == (False, 3, MediaType("text", "plain"))
    assert (opts.gzip_static, opts.static_cache_control) == (True, False)


def test_unset_options_are_none() -> None:
    opts = only(server('location "/" { pass }')).locations[0].options
    assert (opts.root, opts.index, opts.log.enabled, opts.fastcgi.enabled, opts.gzip_static) == (
        None, None, None, None, None,
    )
    assert opts.block == BlockAction("pass")


def test_block_forms() -> None:
    srv = only(server(
        'location "/a" { block drop }\nlocation "/b" { block return 418 }\n'
        'location "/c" { block return 301 a:b }\nlocation "/d" { block return 308 "$REQUEST_URI" }'
    ))
    assert [loc.options.block for loc in srv.locations] == [
        BlockAction("drop"), BlockAction("return", 418), BlockAction("return", 301, "a:b"),
        BlockAction("return", 308, "$REQUEST_URI"),
    ]
    assert error(f'server "a" {{\n{L80}block return 103\n}}\n', version="7.5")[2] == (
        "invalid return code: 103"
    )
    block = only(server("block return 103", version="7.6")).options.block
    assert block == BlockAction("return", 103)


def test_tls_items_and_the_crl_quirk() -> None:
    base = 'server "a" {\nlisten on * tls port 443\ntls '
    tls = only(parse(base + 'client ca "/ca" optional crl "/crl"\n}\n')).tls
    assert tls is not None and (tls.crl, tls.optional) == ("/crl", None)
    tls = only(parse(base + 'client ca "/ca" crl "/crl" optional\n}\n')).tls
    assert tls is not None and tls.optional is True
    items = '{ ticket lifetime 0, dhe "auto", ecdhe "default", ocsp "/o" }'
    tls = only(parse(base + items + "\n}\n")).tls
    assert tls is not None and (tls.ticket_lifetime, tls.dhe, tls.ecdhe, tls.ocsp) == (
        0, "auto", "default", "/o",
    )
    assert only(parse(base + "no ticket\n}\n")).tls.ticket_lifetime == 0  # type: ignore[union-attr]
    assert error(base + "ticket lifetime 86401\n}\n")[1:] == (3, "ticket lifetime too large")
    assert error(base + 'protocols "tlsv1.2,bogus"\n}\n')[1:] == (3, "invalid tls protocols")
    assert error(base + 'protocols "!all"\n}\n')[1:] == (4, 'server "a": no tls protocols')
    assert error(base + 'ciphers "' + "c" * 511 + '"\n}\n')[1:] == (3, "ciphers too long")


def test_tls_configuration_mismatch_on_one_address() -> None:
    text = (
        'server "a" {\nlisten on 10.0.0.1 tls port 443\ntls protocols "tlsv1.3"\n}\n'
        'server "b" {\nlisten on 10.0.0.1 tls port 443\n}\n'
    )
    assert error(text)[1:] == (7, 'server "b": tls configuration mismatch on same address/port')
    same = text.replace(
        '"b" {\nlisten on 10.0.0.1 tls port 443\n',
        '"b" {\nlisten on 10.0.0.1 tls port 443\ntls protocols "TLSv1.3"\n',
    )
    assert len(parse(same).servers) == 2


def test_default_ciphers_depend_on_the_release() -> None:
    text = (
        'server "a" {\nlisten on * tls port 443\ntls ciphers "compat"\n}\n'
        'server "b" {\nlisten on * tls port 443\n}\n'
    )
    assert len(parse(text).servers) == len(parse(text, version="7.6").servers) == 2
    assert error(text, version="current")[2] == (
        'server "b": tls configuration mismatch on same address/port'
    )


def test_wildcard_address_covers_later_specific_ones() -> None:
    assert error(
        'server "a" {\nlisten on 0.0.0.0 port 80\n}\nserver "a" {\nlisten on 10.0.0.1 port 80\n}\n'
    )[2] == 'server "a" defined twice'
    config = parse(
        'server "a" {\nlisten on 10.0.0.1 port 80\n}\nserver "a" {\nlisten on 0.0.0.0 port 80\n}\n'
    )
    assert len(config.servers) == 2


def test_aliases_and_extra_listens_are_checked_as_entries() -> None:
    assert error(f'server "a" {{\n{L80}alias "b"\nalias "b"\n}}\n')[1:] == (
        5, 'server "b" defined twice',
    )
    assert error(f'server "a" {{\n{L80}{L80}}}\n')[2] == 'server "a" defined twice'
    both = parse('server "a" {\nlisten on * port 80\nlisten on * tls port 443\n}\n')
    assert [li.tls for li in only(both).listens] == [False, True]


def test_value_checks() -> None:
    cases = {
        "hsts max-age -1": "invalid number of seconds: -1",
        "connection timeout -1": "invalid timeout: -1",
        "tcp backlog 1025": "invalid backlog: 1025",
        "tcp socket buffer -1": "invalid socket buffer size: -1",
        "tcp ip ttl -1": "invalid ttl: -1",
        "tcp ip foo 1": "invalid TCP/IP flag: foo",
        "request strip -1": "invalid strip number",
        "fastcgi strip 2147483648": "invalid fastcgi strip number",
        "fastcgi pass x": "Invalid token 'x' expected 'chunked'",
        'fastcgi socket tcp "h" 0': "invalid port: 0",
        'fastcgi socket "' + "s" * 104 + '"': "socket path too long",
        'root "' + "r" * 1024 + '"': "document root too long",
        'alias "' + "n" * 256 + '"': "server alias truncated",
        'authenticate "' + "r" * 255 + '" with "/h"': "basic auth realm name too long",
    }
    for statement, message in cases.items():
        assert error(f'server "a" {{\n{L80}{statement}\n}}\n')[1:] == (3, message), statement
    assert error(f'server "{"n" * 256}" {{\n{L80}}}\n')[1:] == (1, "server name truncated")


def test_accepted_although_they_look_wrong() -> None:
    srv = only(server(
        'tcp ip TTL 64\nconnection max requests -5\nhsts\nfastcgi\n'
        'location match "((" { pass }\nfastcgi socket tcp "127.0.0.1"'
    ))
    assert srv.tcp is not None and srv.tcp.ip_ttl == 64
    assert srv.connection is not None and srv.connection.max_requests == -5
    assert srv.hsts is not None and srv.hsts.max_age is None
    assert srv.options.fastcgi.socket == FastcgiTcp("127.0.0.1", "9000")
    assert parse('server "a" {\nlisten on * tls port 443\ntls ticket lifetime 0\n}\n').servers


def test_prefork_after_the_first_server_is_not_checked() -> None:
    config = parse(f'server "a" {{\n{L80}}}\nprefork 64\n')
    assert config.prefork is None and config.globals[0].value == 64


def test_authenticate_keeps_an_earlier_realm() -> None:
    srv = only(server('authenticate "Staff" with "/a"\nauthenticate with "/b"'))
    assert srv.options.authenticate == Authenticate("Staff", "/b")


def test_types_duplicates() -> None:
    text = "types {\ntext/plain txt\ntext/x-c TXT\n}\n"
    assert [t.names for t in parse(text).types] == [("txt",), ("TXT",)]
    assert to_semantic(parse(text))["types"] == {"txt": "text/x-c"}
    assert error(text, version="7.1")[1:] == (3, "failed to add media type")


# -- releases -------------------------------------------------------------------------------


def test_keyword_table_matches_the_7_6_list() -> None:
    listed = set(
        "access alias authenticate auto backlog block body buffer ca certificate chroot ciphers "  # noqa: SIM905
        "client combined common connection crl default dhe directory drop ecdhe errdocs error "
        "fastcgi forwarded found gzip-static hsts include index ip key lifetime listen location "
        "log logdir match max max-age no nodelay not ocsp on optional param pass port prefork "
        "preload protocols request requests return rewrite root sack server socket strip style "
        "subdomains syslog tcp ticket timeout tls type types with".split()
    )
    from hostgen.live.httpd_keywords import keywords_for

    assert keywords_for("7.6") == listed
    assert keywords_for("current") - listed == {"banner", "static-cache-control"}
    assert KEYWORD_SINCE["banner"] == "7.9"
    assert DIRECTIVES["hsts"].contexts == "S"


@pytest.mark.parametrize(
    ("statement", "oldest"),
    [
        ("no banner", "7.9"),
        ("static-cache-control", "current"),
        ("fastcgi pass chunked", "current"),
        ('fastcgi socket tcp "h"', "6.8"),
        ("fastcgi strip 1", "6.7"),
        ("gzip-static", "7.1"),
        ('location found "/x" { pass }', "6.9"),
        ("log style forwarded", "6.6"),
        ('fastcgi param A "b"', "6.5"),
    ],
)
def test_newer_syntax_is_refused_by_older_releases(statement: str, oldest: str) -> None:
    from hostgen.live.httpd_keywords import RELEASES

    older = RELEASES[RELEASES.index(oldest) - 1]
    assert only(server(statement, version=oldest))
    assert error(f'server "a" {{\n{L80}{statement}\n}}\n', version=older)[1:] == (
        3, "syntax error",
    )


def test_unknown_release_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unsupported OpenBSD release"):
        parse("", version="5.6")


# -- semantic form --------------------------------------------------------------------------

ONE = """server "b" {
	listen on 10.0.0.2 port 80
	listen on * tls port 443
	alias "y"
	alias "x"
	tls { certificate "/c", key "/k" }
	directory { index "i.html", auto index }
	log style combined
	location "/one" { block }
	location "/two" { pass }
}
server "a" { listen on * port 8080 }
"""

TWO = """# the same, written differently
server "a" {
	listen on * port 8080
}

server "b" {
	listen on * tls port 443
	listen on 10.0.0.2 port 80
	alias "x"
	alias "y"
	tls key "/k"
	tls certificate "/c"
	log { style combined }
	directory auto index
	directory index "i.html"
	location "/one" {
		block
	}
	location "/two" {
		pass
	}
}
"""


def test_semantic_form_ignores_layout_and_order_of_servers_and_options() -> None:
    assert to_semantic(parse(ONE)) == to_semantic(parse(TWO))


def test_semantic_form_keeps_location_order() -> None:
    swapped = ONE.replace('"/one" { block }', '"/tmp" { block }').replace(
        '"/two" { pass }', '"/one" { block }'
    ).replace('"/tmp" { block }', '"/two" { pass }')
    assert to_semantic(parse(swapped)) != to_semantic(parse(ONE))


def test_semantic_form_is_json() -> None:
    config = parse((HERE / "reference-6.1.conf").read_text(), read_include=read_root)
    data = to_semantic(config)
    assert json.loads(json.dumps(data)) == data
    key = "www.example.com [203.0.113.10:443 tls, [2001:db8::10]:443 tls]"
    assert data["servers"][key]["locations"][0] == {  # type: ignore[index,call-overload]
        "pattern": "/.git*", "match": False, "options": {"block": {"kind": "block", "code": 403}},
    }


# -- never a traceback ----------------------------------------------------------------------

VOCABULARY = sorted(KEYWORD_SINCE) + [
    "{", "}", ",", "/", "=", ";", "\n", "\n", "\n", " ", "\t", "#", "$", "$a", "\\", "\\\n",
    '"', "'", '"x"', "'/p'", "80", "-1", "0", "301", "*", "a", "b.c", "text/html", "\r", "\0",
    "listen on * port 80\n", 'server "s" {\n', "}\n", 'a = "1"\n', 'include "i"\n',
]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text())
def test_arbitrary_text_gives_a_config_or_a_live_file_error(text: str) -> None:
    with contextlib.suppress(LiveFileError):
        assert isinstance(parse(text), HttpdConfig)


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.sampled_from(VOCABULARY), max_size=60), st.text(max_size=40))
def test_token_soup_gives_a_config_or_a_live_file_error(words: list[str], included: str) -> None:
    text = " ".join(words)
    try:
        config = parse(text, read_include=lambda _: included)
    except LiveFileError as problem:
        assert problem.message and problem.line >= 0
    else:
        json.dumps(to_semantic(config))
