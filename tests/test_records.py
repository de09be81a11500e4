"""hostgen.live.records: what the parse tree and the simulator's values keep of frozen
dataclasses once they are records (frozen for mypy only): equality and hashing by value where
anything compares or hashes them, and mypy refusing to change a field."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hostgen.httpd.simulate import build_table, request_from_url, simulate
from hostgen.live.httpd import MediaType, parse
from hostgen.live.records import record

TEXT = """\
types {
	text/html html
}
server "a" {
\tlisten on * tls port 443
\talias "b"
\ttls { certificate "/c", key "/k" }
\thsts max-age 60
\tconnection timeout 30
\ttcp nodelay
\tlog style combined
\tfastcgi socket tcp 127.0.0.1 9001
\tauthenticate "r" with "/h"
\tlocation match "^/x(%d+)$" { block return 301 "/y%1" }
\tlocation "/z/*" {
\t\tfastcgi socket "/run/s.sock"
\t\tdefault type text/plain
\t}
}
"""


def test_two_parses_of_one_text_are_equal_node_for_node_and_hash_alike() -> None:
    # the fast parser's test (test_live_httpd_fast) and the semantic diff compare whole trees
    first, second = parse(TEXT), parse(TEXT)
    assert first is not second and first.servers[0] is not second.servers[0]
    assert first == second
    assert hash(first) == hash(second)
    assert len({first.servers[0], second.servers[0]}) == 1
    options = first.servers[0].options
    assert options.fastcgi == second.servers[0].options.fastcgi
    assert {options.authenticate, second.servers[0].options.authenticate} == {
        options.authenticate}
    changed = parse(TEXT.replace("timeout 30", "timeout 31"))
    assert changed != first and changed.servers[0].connection != first.servers[0].connection


def test_nodes_print_their_fields() -> None:
    # a failing comparison in a test shows the fields, not an address
    assert repr(parse(TEXT).servers[0].listens[0]) == (
        "Listen(address='*', port='443', tls=True, path='httpd.conf', line=5)")


def test_simulator_values_that_are_compared_or_hashed_still_are() -> None:
    table = build_table(parse(TEXT))
    request = request_from_url("https://a/x12")
    assert request == request_from_url("https://a/x12") and hash(request) == hash(
        request_from_url("https://a/x12"))
    (answer,) = simulate(table, request)
    assert answer.outcome.location == "/y12"
    conf = answer.chain[-1][1]
    copy = dataclasses.replace(conf)  # the table's configurations hash by value
    assert copy is not conf and copy == conf and {conf: 1}[copy] == 1


def test_a_record_is_a_dataclass_with_keyword_fields_as_asked() -> None:
    @record(kw_only=True)
    class Point:
        x: int
        y: int = 0

    assert dataclasses.is_dataclass(Point)
    assert Point(x=1) == Point(x=1, y=0) and hash(Point(x=1)) == hash((1, 0))
    with pytest.raises(TypeError):
        Point(1)  # type: ignore[misc]

    @record
    class One:
        x: int

    @record
    class Empty:
        pass

    # the hash a frozen dataclass has: of the tuple of the fields, whatever their number
    assert hash(One(3)) == hash((3,)) and hash(Empty()) == hash(()) and Empty() == Empty()
    assert hash(MediaType("text", "html")) == hash(("text", "html"))

    @record
    class Node:
        name: str
        child: object

    @dataclasses.dataclass
    class Plain:
        name: str
        child: object

    looped, plain = Node("a", None), Plain("a", None)
    looped.child = looped  # type: ignore[misc]  # only to see the guard against recursion
    plain.child = plain
    assert repr(looped).partition("<locals>.")[2] == "Node(name='a', child=...)"
    assert repr(plain).partition("<locals>.")[2] == "Plain(name='a', child=...)"

    @record
    class Shown:
        x: int

        def __repr__(self) -> str:
            return "shown"

    assert repr(Shown(1)) == "shown"
    with pytest.raises(TypeError, match="Cannot overwrite attribute __hash__ in class Hashed"):
        @record
        class Hashed:
            x: int

            def __hash__(self) -> int:
                return 1

    @record(eq=False, repr=False)
    class Bare:
        x: int

    assert Bare(1) != Bare(1) and "Bare object at" in repr(Bare(1))


def test_mypy_refuses_to_change_a_record(tmp_path: Path) -> None:
    mypy = shutil.which("mypy", path=str(Path(sys.executable).parent))
    if mypy is None:
        pytest.skip("mypy is not installed (pip install mypy)")
    source = tmp_path / "change.py"
    source.write_text("from hostgen.live.httpd_ast import MediaType\n"
                      "m = MediaType('text', 'html')\nm.type = 'image'\n")
    done = subprocess.run([mypy, "--strict", "--no-incremental", str(source)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert 'change.py:3: error: Property "type" defined in "MediaType" is read-only' in done.stdout
