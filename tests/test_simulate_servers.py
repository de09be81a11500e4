"""Server entries, socket groups and the choice of entry (httpd-conf.md 3.1, 3.3, 4.6)."""

from __future__ import annotations

from hostgen.httpd.simulate import Answer, Table, build_table, request_from_url, simulate
from hostgen.live.httpd import parse


def table_of(text: str) -> Table:
    return build_table(parse(text, "httpd.conf"))


def route(table: Table, url: str, **options: object) -> Answer:
    return simulate(table, request_from_url(url, **options))[0]  # type: ignore[arg-type]


def served_by(table: Table, url: str, **options: object) -> str:
    answer = route(table, url, **options)
    assert answer.entry is not None, answer.outcome.summary()
    return answer.entry.name


def test_entries_follow_names_then_addresses() -> None:
    table = table_of('server "a" {\n listen on 192.0.2.1 port 80\n listen on 192.0.2.2 port 80\n'
                     ' alias "b"\n root "/a"\n}\n')
    assert [(e.name, e.address.text) for g in table.groups for e in g.entries] == [
        ("a", "192.0.2.1"), ("b", "192.0.2.1"), ("a", "192.0.2.2"), ("b", "192.0.2.2")]


def test_star_listens_on_both_families() -> None:
    table = table_of('server "a" {\n listen on * port 80\n}\n')
    assert [g.address.text for g in table.groups] == ["::", "0.0.0.0"]


def test_a_wildcard_first_takes_later_specific_addresses() -> None:
    table = table_of('server "wild" {\n listen on 0.0.0.0 port 80\n}\n'
                     'server "specific" {\n listen on 192.0.2.1 port 80\n}\n')
    assert len(table.groups) == 1
    assert served_by(table, "http://unknown/", address="192.0.2.1") == "wild"
    assert served_by(table, "http://specific/", address="192.0.2.1") == "specific"


def test_a_specific_address_first_gets_its_own_socket() -> None:
    table = table_of('server "specific" {\n listen on 192.0.2.1 port 80\n}\n'
                     'server "wild" {\n listen on 0.0.0.0 port 80\n}\n')
    assert len(table.groups) == 2
    assert served_by(table, "http://unknown/", address="192.0.2.1") == "specific"
    assert served_by(table, "http://unknown/", address="192.0.2.9") == "wild"
    assert served_by(table, "http://wild/", address="192.0.2.1") == "specific"


def test_names_are_globs_matched_without_case() -> None:
    table = table_of('server "default" {\n listen on egress port 80\n}\n'
                     'server "*.example.com" {\n listen on egress port 80\n}\n'
                     'server "www.example.com" {\n listen on egress port 80\n}\n')
    assert served_by(table, "http://A.B.Example.COM/") == "*.example.com"
    assert served_by(table, "http://www.example.com/") == "*.example.com"   # first match wins
    assert served_by(table, "http://example.com/") == "default"
    assert served_by(table, "http://example.com./") == "default"            # no trailing-dot magic


def test_a_host_port_must_equal_the_listen_port() -> None:
    table = table_of('server "default" {\n listen on egress port 80\n}\n'
                     'server "www.example.com" {\n listen on egress port 80\n}\n')
    assert served_by(table, "http://www.example.com:80/") == "www.example.com"
    answer = route(table, "http://www.example.com:8080/", port=80)
    assert answer.entry is not None and answer.entry.name == "default"
    assert "no name can match" in answer.why[-1]


def test_http_host_of_the_default_entry_is_the_local_address() -> None:
    table = table_of('server "a" {\n listen on 192.0.2.1 port 8080\n'
                     ' block return 301 "https://$HTTP_HOST$REQUEST_URI"\n}\n')
    answer = route(table, "http://nothing.example/x?y", port=8080)
    assert answer.outcome.location == "https://192.0.2.1:8080/x?y"
    named = route(table, "http://a:8080/x")
    assert named.outcome.location == "https://a:8080/x"   # the Host header as sent


def test_server_match_accepts_any_host_without_a_pattern_error() -> None:
    table = table_of('server "first" {\n listen on egress port 80\n}\n'
                     'server match "^foo%.org$" {\n listen on egress port 80\n}\n'
                     'server match "(www)" {\n listen on egress port 80\n}\n')
    assert served_by(table, "http://www.example.com/") == "^foo%.org$"
    table = table_of('server "first" {\n listen on egress port 80\n}\n'
                     'server match "(www)" {\n listen on egress port 80\n}\n')
    assert served_by(table, "http://www.example.com/") == "first"


def test_nothing_listening_and_tls_mismatch() -> None:
    table = table_of('server "a" {\n listen on egress port 80\n}\n')
    answer = route(table, "http://a:8080/")
    assert (answer.outcome.kind, answer.outcome.status) == ("refused", None)
    assert answer.outcome.summary() == "no answer (nothing listens on port 8080)"
    tls = route(table, "https://a:80/")
    assert tls.outcome.summary() == "no answer (port 80 speaks plain HTTP only)"


def test_no_host_header() -> None:
    from hostgen.httpd.simulate.request import Request
    table = table_of('server "a" {\n listen on egress port 80\n}\n')
    http11 = simulate(table, Request("/", None, 80, False))[0]
    assert http11.outcome.status == 400
    http10 = simulate(table, Request("/", None, 80, False, version="HTTP/1.0"))[0]
    assert http10.entry is not None and http10.entry.name == "a"


def test_without_an_address_the_host_name_picks_the_socket() -> None:
    table = table_of('server "main" {\n listen on egress port 80\n}\n'
                     'server "side.example" {\n listen on 192.0.2.7 port 80\n}\n')
    side = route(table, "http://side.example/")
    assert side.entry is not None and side.entry.name == "side.example"
    assert side.why[0] == ("assumed the request reaches 192.0.2.7 (give --address to pick "
                           "another listen address)")
    other = route(table, "http://other.example/")
    assert other.entry is not None and other.entry.name == "main"
    assert other.why[0].startswith('listen address "egress" is resolved on the host')
