"""httpd_delta: the semantic diff of httpd.conf that parses only what differs gives exactly what
parsing both files whole gives, or declines (None) and leaves it to the whole parse."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostgen.errors import LiveFileError
from hostgen.host import httpd_delta, semantic
from hostgen.host.liveview import include_reader
from hostgen.live import httpd
from hostgen.render.outputs import Output, render
from hostgen.site.loader import load_text
from hostgen.site.problems import has_errors
from hostgen.site.validate import validate

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


#: Before 7.0 a TLS server that serves port 80 too is two blocks; from 7.0 one (site.layout).
TWO_BLOCKS, ONE_BLOCK = "6.8", "7.6"


def site(servers: list[dict[str, Any]], listen: str = "egress",
         release: str = TWO_BLOCKS) -> dict[str, Output]:
    data = {"host": {"name": "h.example.org", "openbsd": release},
            "tls": {"web": {"certificate": "/etc/ssl/web.crt",
                            "key": "/etc/ssl/private/web.key"},
                    "mail": {"certificate": "/etc/ssl/mail.crt",
                             "key": "/etc/ssl/private/mail.key"}},
            "httpd": {"listen": listen, "servers": servers}}
    model, problems = validate(load_text(json.dumps(data)))
    assert model is not None and not has_errors(problems), problems
    return render(model)


def reader_of(outputs: dict[str, Output]) -> httpd_delta.Reader:
    return include_reader(Path("/nonexistent"), {name: o.text for name, o in outputs.items()})


def whole(live: str, rendered: str, reader: httpd_delta.Reader) -> list[str] | str:
    """What the semantic diff says when both files are parsed whole: changes, or the error."""
    try:
        old = semantic.structure("httpd.conf", live, "live", reader)
        new = semantic.structure("httpd.conf", rendered, "rendered", reader)
    except LiveFileError as exc:
        return str(exc)
    return semantic.changes("httpd.conf", old, new)


def delta(live: str, rendered: str, reader: httpd_delta.Reader) -> list[str] | None:
    pair = httpd_delta.structures(live, rendered, "live", "rendered", reader)
    return None if pair is None else semantic.changes("httpd.conf", *pair)


def servers(count: int, tls: tuple[bool, ...] = (False, True)) -> list[dict[str, Any]]:
    return [{"name": f"s{i}.example.org", "aliases": [f"www.s{i}.example.org"],
             "root": f"/htdocs/s{i}", **({"tls": "web"} if tls[i % len(tls)] else {}),
             "locations": [{"path": f"/old{i}/*", "redirect": f"https://s{i}.example.org/"},
                           {"path": "/private/*", "block": True}]}
            for i in range(count)]


# ---- examples ------------------------------------------------------------------------------

def ten_servers() -> tuple[str, httpd_delta.Reader]:
    """The rendered httpd.conf of servers(10) (15 blocks) and its include reader."""
    outputs = site(servers(10))
    return outputs["httpd.conf"].text, reader_of(outputs)


def before_server(text: str, number: int, statement: str) -> str:
    """`text` with the line(s) of `statement` before server sNUMBER's first block."""
    opening = f'server "s{number}.example.org"'
    return text.replace(opening, f"{statement}\n{opening}", 1)


def test_a_change_in_one_block_is_read_without_the_others() -> None:
    outputs = site(servers(20))
    rendered = outputs["httpd.conf"].text
    live = rendered.replace('"/old7/*"', '"/older7/*"')
    reader = reader_of(outputs)
    found = delta(live, rendered, reader)
    assert found == whole(live, rendered, reader) == [
        'server "s7.example.org": location "/older7/*" removed',
        'server "s7.example.org": location "/old7/*" added',
    ]


def test_edits_far_apart_leave_out_the_blocks_between_them() -> None:
    outputs = site(servers(30))
    rendered = outputs["httpd.conf"].text
    reader = reader_of(outputs)
    live = (rendered.replace('root "/htdocs/s2"', 'root "/elsewhere"', 1)
            .replace('root "/htdocs/s27"', 'root "/old27"', 1))
    live = live.replace('"/old14/*"', '"/older14/*"')
    pair = httpd_delta.structures(live, rendered, "live", "rendered", reader)
    assert pair is not None
    assert len(pair[0]["servers"]) <= 12   # of 45 blocks  # type: ignore[arg-type]
    assert semantic.changes("httpd.conf", *pair) == whole(live, rendered, reader) == [
        'server "s2.example.org": root "/elsewhere" -> "/htdocs/s2"',
        'server "s14.example.org": location "/older14/*" removed',
        'server "s14.example.org": location "/old14/*" added',
        'server "s27.example.org" (egress:80): root "/old27" -> "/htdocs/s27"',
    ]


def test_one_block_per_tls_server_is_read_the_same_way() -> None:
    """The shape of 7.0 onwards: one block holds a TLS server's ports 80 and 443."""
    outputs = site(servers(30), release=ONE_BLOCK)
    rendered = outputs["httpd.conf"].text
    reader = reader_of(outputs)
    blocks = httpd_delta.outline(rendered, reader)
    assert blocks is not None and len(blocks) == 30
    assert blocks[1].sockets == {"listen on egress port 80", 'include "/etc/httpd.web.tls"'}
    live = (rendered.replace('root "/htdocs/s2"', 'root "/elsewhere"', 1)
            .replace('root "/htdocs/s27"', 'root "/old27"', 1))
    pair = httpd_delta.structures(live, rendered, "live", "rendered", reader)
    assert pair is not None
    assert len(pair[0]["servers"]) <= 8   # of 30 blocks  # type: ignore[arg-type]
    assert semantic.changes("httpd.conf", *pair) == whole(live, rendered, reader) == [
        'server "s2.example.org": root "/elsewhere" -> "/htdocs/s2"',
        'server "s27.example.org": root "/old27" -> "/htdocs/s27"',
    ]


def test_the_blocks_left_out_are_those_that_cannot_matter() -> None:
    outputs = site(servers(6))
    rendered = outputs["httpd.conf"].text
    blocks = httpd_delta.outline(rendered, reader_of(outputs))
    assert blocks is not None
    lines = rendered.split("\n")
    assert [lines[b.first] for b in blocks] == [
        line for line in lines if line.startswith("server ")]
    assert all(lines[b.last] == "}" for b in blocks)
    third = blocks[3]   # s2: s0 is one block, s1 two (port 80, then TLS)
    assert third.names == {"s2.example.org", "www.s2.example.org"}
    assert third.sockets == {"listen on egress port 80"}
    assert blocks[2].sockets == {'include "/etc/httpd.web.tls"'}
    # a change in s3's TLS block (5) keeps: the first block (0); the first of each listener
    # in the common prefix (0, and 2 for the TLS include) and in the common suffix (6, 8);
    # the other block of each of their servers (1 with 2, 4 with 5, 7 with 8). s2 is left
    # out.
    lines = rendered.split("\n")
    live = [*lines[:blocks[5].first + 2], "\tchanged", *lines[blocks[5].first + 3:]]
    place = httpd_delta._places(blocks, httpd_delta._equal_runs(live, lines))
    kept = httpd_delta._kept(blocks, place, names=set())
    assert kept == {0, 1, 2, 4, 5, 6, 7, 8}


def test_a_live_server_named_like_a_block_left_out_keeps_that_block() -> None:
    rendered, reader = ten_servers()
    live = before_server(rendered, 4,
                         'server "s8.example.org" {\n\tlisten on egress port 8080\n}\n')
    assert delta(live, rendered, reader) == whole(live, rendered, reader) == [
        'server "s8.example.org" (egress:8080) removed']


def test_a_name_the_outline_cannot_see_in_the_live_text_is_found_after_the_parse() -> None:
    """An alias indented with spaces is not a line of the rendered layout: the blocks of that
    name are left out at first, and the names parsed make the delta decline."""
    rendered, reader = ten_servers()
    live = before_server(rendered, 4, 'server "new.example.org" {\n    alias "www.s8.example.org"\n'
                                      "\tlisten on egress port 80\n}\n")
    assert whole(live, rendered, reader) == (
        'live:162: server "www.s8.example.org" defined twice')
    assert delta(live, rendered, reader) is None


def test_a_conflict_with_a_block_left_out_is_httpd_s_error() -> None:
    """A hand-written TLS block that disagrees with the first TLS block on its socket: httpd
    refuses the file; the delta declines and the whole parse says why."""
    rendered, reader = ten_servers()
    live = before_server(rendered, 6, 'server "other.example.org" {\n'
                                      '\tinclude "/etc/httpd.web.tls"\n\ttls ciphers "HIGH"\n}\n')
    assert whole(live, rendered, reader) == (
        'live:114: server "other.example.org": tls configuration mismatch on same address/port')
    assert delta(live, rendered, reader) is None


def test_a_macro_defined_in_the_text_that_differs_declines() -> None:
    rendered, reader = ten_servers()
    live = before_server(rendered, 5, 'x = "1"')
    assert whole(live, rendered, reader) == []
    assert delta(live, rendered, reader) is None


def test_a_block_left_open_declines_and_the_whole_parse_reports_it() -> None:
    rendered, reader = ten_servers()
    live = rendered.replace('\tlocation "/private/*" {\n\t\tblock\n\t}\n}\n\nserver "s5',
                            '\tlocation "/private/*" {\n\t\tblock\n\t}\n\nserver "s5', 1)
    assert delta(live, rendered, reader) is None
    assert whole(live, rendered, reader) == "live:86: syntax error"   # `server` inside a block


def test_text_not_in_the_rendered_layout_declines() -> None:
    assert httpd_delta.outline('server "a" {\nserver "b" {\n}\n', None) is None
    assert httpd_delta.outline('}\n', None) is None
    assert httpd_delta.outline('server "a" {\n', None) is None


def test_a_name_the_outline_cannot_read_keeps_its_block() -> None:
    blocks = httpd_delta.outline('server "a" {\n\talias "b\\"c"\n}\n', None)
    assert blocks is not None and not blocks[0].readable


@pytest.mark.parametrize("fragment, readable", [
    ("listen on egress tls port 443\n", True),
    ('listen on egress tls port 443\nalias "x"\n', False),
    ("include \"/etc/other\"\n", False),
])
def test_a_block_including_names_or_more_files_is_always_parsed(fragment: str,
                                                                 readable: bool) -> None:
    text = 'server "a" {\n\tinclude "/etc/f"\n}\n'
    blocks = httpd_delta.outline(text, lambda path: fragment)
    assert blocks is not None and blocks[0].readable is readable


# ---- the property --------------------------------------------------------------------------

SNIPPETS = [
    'x = "1"', 'errdocs "/errdocs"', "no banner", "prefork 3", "chroot \"/var/www\"",
    'server "s3.example.org" {', 'server "new.example.org" {', "}", "\t}", "{",
    "\tlisten on egress port 80", "\tlisten on * port 80", "\tlisten on egress tls port 443",
    '\tinclude "/etc/httpd.tls"', '\ttls ciphers "HIGH"', '\talias "s2.example.org"',
    '\talias "www.s9.example.org"', '\troot "/elsewhere"', '\troot "$x"', "\troot $x",
    '\tlocation "/new/*" {', "\t\tblock", '"', "# a comment", "", "\\",
    'types { text/html html }',
]
#: Whole blocks and top-level statements, inserted between blocks: some clash with the
#: rendered blocks (a name defined twice, TLS settings that differ on one listener).
STATEMENTS = [
    'server "s1.example.org" {\n\tlisten on egress port 80\n}',
    'server "z.example.org" {\n\tinclude "/etc/httpd.web.tls"\n\ttls protocols "tlsv1.2"\n}',
    'server "z.example.org" {\n\tinclude "/etc/httpd.web.tls"\n}',
    'server "y.example.org" {\n\tlisten on egress port 80\n}',
    'server "y.example.org" {\n\tlisten on * port 80\n}',
    'server "y.example.org" {\n\tlisten on 192.0.2.1 tls port 80\n\ttls ciphers "HIGH"\n}',
    'x = "1"', 'errdocs "/errdocs"', "no banner", "prefork 3",
]


@st.composite
def edits(draw: st.DrawFn, lines: list[str]) -> list[str]:
    """The rendered lines, edited by hand once to four times: whole blocks copied, moved or
    removed, a value changed, or lines inserted, removed, replaced, copied or moved."""
    lines = list(lines)
    for _ in range(draw(st.integers(1, 4))):
        starts = [i for i, line in enumerate(lines) if line.startswith("server ")]
        kind = draw(st.sampled_from(["block"] * 4 + ["value"] * 3 + ["insert", "delete",
                                                                      "replace", "lines"]))
        at = draw(st.integers(0, len(lines) - 1))
        if kind == "block" and starts:
            start = draw(st.sampled_from(starts))
            end = next((i + 1 for i in range(start, len(lines)) if lines[i] == "}"), start + 1)
            block = lines[start:end]
            how = draw(st.sampled_from(["copy", "move", "delete"]))
            if how != "copy":
                del lines[start:end]
            elif draw(st.booleans()) or draw(st.booleans()):   # a new server, mostly
                block[0] = f'server "copy{len(lines)}.example.org" {{'
                block = [line for line in block if not line.startswith("\talias")]
            if how != "delete":
                where = [i for i, line in enumerate(lines) if line.startswith("server ")]
                at = draw(st.sampled_from(where)) if where else len(lines)
                lines[at:at] = [*block, ""]
        elif kind == "value":
            quoted = [i for i, line in enumerate(lines) if '"' in line]
            if quoted:
                i = draw(st.sampled_from(quoted))
                before, _, rest = lines[i].partition('"')
                after = rest.partition('"')[2]
                value = draw(st.sampled_from(["/x/*", "/old3/*", "s2.example.org", "/s1"]))
                lines[i] = f'{before}"{value}"{after}'
        elif kind == "insert":   # between blocks, half of the time
            if starts and draw(st.booleans()):
                at = draw(st.sampled_from(starts))
                lines[at:at] = [*draw(st.sampled_from(STATEMENTS)).split("\n"), ""]
            else:
                lines[at:at] = draw(st.sampled_from(SNIPPETS)).split("\n")
        elif kind == "delete":
            del lines[at:at + draw(st.integers(1, 4))]
        elif kind == "replace":
            lines[at] = draw(st.sampled_from(SNIPPETS + lines))
        else:
            start = draw(st.integers(0, len(lines) - 1))
            piece = lines[start:start + draw(st.integers(1, 12))]
            if draw(st.booleans()):
                del lines[start:start + len(piece)]
                at = min(at, len(lines))
            lines[at:at] = piece
        if not lines:
            lines = [""]
    return lines


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, str, dict[str, Output]]:
    count = draw(st.integers(3, 14))
    tls = tuple(draw(st.lists(st.booleans(), min_size=1, max_size=3)))
    listen = draw(st.sampled_from(["egress", "*", "192.0.2.1"]))
    outputs = site(servers(count, tls), listen, draw(st.sampled_from([TWO_BLOCKS, ONE_BLOCK])))
    rendered = outputs["httpd.conf"].text
    live = "\n".join(draw(edits(rendered.split("\n"))))
    return live, rendered, outputs


@SETTINGS
@given(cases())
def test_the_delta_is_the_whole_parse_or_declines(case: tuple[str, str, dict[str, Output]]
                                                  ) -> None:
    live, rendered, outputs = case
    reader = reader_of(outputs)
    found = delta(live, rendered, reader)
    if found is not None:
        assert found == whole(live, rendered, reader)


@SETTINGS
@given(cases())
def test_the_delta_structures_are_the_whole_ones_without_the_shared_blocks(
        case: tuple[str, str, dict[str, Output]]) -> None:
    live, rendered, outputs = case
    reader = reader_of(outputs)
    pair = httpd_delta.structures(live, rendered, "live", "rendered", reader)
    if pair is None:
        return
    old = httpd.to_semantic(httpd.parse(live, "live", read_include=reader))
    new = httpd.to_semantic(httpd.parse(rendered, "rendered", read_include=reader))
    for part, full in zip(pair, (old, new), strict=True):
        assert part["globals"] == full["globals"] and part["types"] == full["types"]
        assert part["servers"].items() <= full["servers"].items()   # type: ignore[union-attr]
    shared = {key for key in old["servers"]  # type: ignore[union-attr]
              if key not in pair[0]["servers"]}  # type: ignore[operator]
    assert shared == {key for key in new["servers"]  # type: ignore[union-attr]
                      if key not in pair[1]["servers"]}  # type: ignore[operator]
    assert all(old["servers"][k] == new["servers"][k] for k in shared)  # type: ignore[index]


# ---- in `hostgen diff --semantic` ----------------------------------------------------------

FAKEROOT = Path(__file__).parent / "fakeroot"


@pytest.mark.parametrize("template, delta_used", [
    (None, True),
    ("httpd.conf.j2", False),
    ("httpd.tls.j2", False),
    ("resolv.conf.j2", True),
])
def test_diff_reads_the_outline_of_the_shipped_httpd_templates_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        template: str | None, delta_used: bool) -> None:
    from hostgen.cli import main
    from hostgen.render.outputs import shipped_templates

    calls: list[str] = []
    original = httpd_delta.structures

    def spy(live: str, rendered: str, *args: Any) -> Any:
        calls.append(live)
        return original(live, rendered, *args)

    monkeypatch.setattr(httpd_delta, "structures", spy)
    argv = ["diff", str(FAKEROOT / "etc"), "--site", str(FAKEROOT / "site.yaml"), "--semantic"]
    if template is not None:   # a user's copy of one shipped template
        mine = tmp_path / "templates"
        mine.mkdir()
        (mine / template).write_text((shipped_templates() / template).read_text())
        argv += ["--templates", str(mine)]
    assert main(argv) == 1
    assert capsys.readouterr().out == (FAKEROOT / "semantic.expected").read_text()
    assert bool(calls) is delta_used
