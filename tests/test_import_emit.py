"""hostgen.adopt.emit writes YAML that hostgen's loader reads back to the same values."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from hostgen.adopt.emit import emit, scalar
from hostgen.site.loader import load_text

VALUES = st.one_of(
    st.text(), st.integers(), st.booleans(),
    st.sampled_from(["7.6", "1e3", "0x1F", "off", "yes", "~", "null", "-", "? x", "a: b",
                     "#c", "^/feed/?$", "*.php", "%1", "2024-01-01", "&a", "!t", "@x", "`",
                     "a,b", "[x]", "{y}", "'q'", '"d"', " lead", "trail ", "\u2028", "\ufeff"]))


def document(value: object) -> CommentedMap:
    flow_map = CommentedMap(k=value, o=1)
    flow_map.fa.set_flow_style()
    flow_seq = CommentedSeq([value, value])
    flow_seq.fa.set_flow_style()
    block = CommentedMap(a=value)
    doc = CommentedMap(plain=value, flow=flow_map, seq=flow_seq,
                       items=CommentedSeq([block, flow_map, value]))
    doc.yaml_set_comment_before_after_key("seq", before="a comment", indent=0)
    doc.yaml_add_eol_comment("# at the end", "plain")
    return doc


@given(VALUES)
def test_every_value_reads_back_the_same(value: object) -> None:
    text, lines = emit(document(value))
    loaded = load_text(text)
    assert loaded.problems == []
    assert loaded.data == {"plain": value, "flow": {"k": value, "o": 1}, "seq": [value, value],
                           "items": [{"a": value}, {"k": value, "o": 1}, value]}
    assert lines[("seq",)] == text.splitlines().index("# a comment") + 2


def test_plain_where_every_reader_agrees_quoted_elsewhere() -> None:
    assert [scalar(v) for v in ["www.example.org", "/run/php.sock", "7.6", "off", "9.9.9.9",
                                "a b", 'q"', "\n"]] == [
        "www.example.org", "/run/php.sock", '"7.6"', '"off"', "9.9.9.9", '"a b"', '"q\\""',
        '"\\n"']
