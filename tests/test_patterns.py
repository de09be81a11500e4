"""hostgen.httpd.patterns: httpd's `location match` patterns (patterns.c; httpd-conf.md 3.8, 4)."""

from __future__ import annotations

import locale
import random
import re
import sys
from collections.abc import Iterator
from types import FrameType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lupa import lua53  # type: ignore[import-untyped]

from hostgen.httpd.patterns import (
    Found,
    PatternError,
    capture_count,
    check,
    find,
    match,
    max_reference,
    server_match_selects,
)


def error_of(pattern: str, subject: str, *, server: bool = False) -> str:
    """The message match() raises; fails the test when it raises nothing."""
    with pytest.raises(PatternError) as caught:
        match(pattern, subject, server=server)
    return str(caught.value)


# -- section 4.1 / 4.2: syntax and what httpd keeps -----------------------------------------------


def test_story_host_category_pattern() -> None:
    assert match("^/index/category/([%g]+)$", "/index/category/42") == [
        "/index/category/42",
        "42",
    ]


def test_story_host_pattern_is_anchored_at_both_ends() -> None:
    assert match("^/index/category/([%g]+)$", "/x/index/category/42") is None
    assert match("^/index/category/([%g]+)$", "/index/category/4 2") is None


def test_index_zero_is_the_whole_subject_not_the_matched_part() -> None:
    assert match("cat(%d+)", "/index/cat42/x") == ["/index/cat42/x", "42"]


def test_without_captures_index_one_is_the_matched_substring() -> None:
    assert match("%d+", "/page/123/x") == ["/page/123/x", "123"]


def test_plain_pattern_is_an_unanchored_substring_search() -> None:
    assert match("/admin", "/x/admin/y") == ["/x/admin/y", "/admin"]


def test_plain_search_is_case_sensitive() -> None:
    assert match("/admin", "/ADMIN") is None


def test_lone_close_paren_is_a_literal_search_not_an_error() -> None:
    assert match(")", "/a)b") == ["/a)b", ")"]
    assert match(")", "/ab") is None
    assert check(")") is None


def test_lone_close_bracket_is_a_literal_search() -> None:
    assert match("a]", "/a]") == ["/a]", "a]"]


def test_empty_pattern_matches_the_empty_string_at_the_start() -> None:
    assert match("", "/x") == ["/x", ""]


def test_group_star_is_not_a_repeated_group() -> None:
    # The * after ')' is a literal '*': the pattern means "ab" captured, then '*'.
    assert match("(ab)*", "/abab") is None
    assert match("(ab)*", "/ab*") == ["/ab*", "ab"]


def test_balanced_match() -> None:
    assert match("%b()", "/f(a(b)c)d)") == ["/f(a(b)c)d)", "(a(b)c)"]
    assert match("%b()", "/f(a(b") is None


def test_balanced_match_with_other_delimiters() -> None:
    assert match("%b[]", "/x[1[2]]3") == ["/x[1[2]]3", "[1[2]]"]


def test_frontier() -> None:
    assert match("%f[%w]%w+", "/ hello world") == ["/ hello world", "hello"]


def test_frontier_at_start_and_end_sees_nul() -> None:
    assert match("^%f[%w]", "abc") == ["abc", ""]
    # [^\x01] holds NUL: the start of the subject is inside the set, so no frontier there.
    assert match("%f[^\x01]", "a") is None
    assert find("%w%f[%W]", "ab") == Found(1, 2, ())


def test_minus_is_lazy_and_star_greedy() -> None:
    assert match("^/(.-)/", "/a/b/c") == ["/a/b/c", "a"]
    assert match("^/(.*)/", "/a/b/c") == ["/a/b/c", "a/b"]


def test_minus_with_nothing_after_matches_empty() -> None:
    assert match("a-", "/aaa") == ["/aaa", ""]


def test_plus_and_question() -> None:
    assert match("^/a+", "/aaab") == ["/aaab", "/aaa"]
    assert match("^/colou?r$", "/color") == ["/color", "/color"]
    assert match("^/colou?r$", "/colour") == ["/colour", "/colour"]


def test_anchors_are_literal_in_the_middle() -> None:
    assert match("a^b", "/a^b") == ["/a^b", "a^b"]
    assert match("a$b", "/a$b") == ["/a$b", "a$b"]
    assert match("^^", "^x") == ["^x", "^"]


def test_dollar_at_the_end_anchors() -> None:
    assert match("%.php$", "/x.php") == ["/x.php", ".php"]
    assert match("%.php$", "/x.php/y") is None


def test_escaped_magic_characters() -> None:
    assert match("^/a%.b%-c%%d$", "/a.b-c%d") == ["/a.b-c%d", "/a.b-c%d"]
    assert match("^/a%.b", "/axb") is None


def test_percent_before_a_non_class_letter_is_that_letter() -> None:
    assert match("^%z%y$", "zy") == ["zy", "zy"]


def test_classes_and_complements() -> None:
    assert match("^%u%l%d%x%s%p$", "Ab7f ;") == ["Ab7f ;", "Ab7f ;"]
    assert match("^%U%L%D$", "a1x") == ["a1x", "a1x"]
    assert match("^%c$", "\x7f") == ["\x7f", "\x7f"]


def test_sets_ranges_and_escapes() -> None:
    assert match("^[%w_]+$", "ab_9") == ["ab_9", "ab_9"]
    assert match("^[^/]+$", "a/b") is None
    assert match("^[]]$", "]") == ["]", "]"]
    assert match("^[%]]$", "]") == ["]", "]"]
    assert match("^[a-]$", "-") == ["-", "-"]
    assert match("^[0-7%l%-]+$", "07az-") == ["07az-", "07az-"]


def test_captures_are_numbered_by_their_opening_parenthesis() -> None:
    assert match("(a*(.)%w(%s*))", "aaab  ") == ["aaab  ", "aaab  ", "a", "  "]


def test_back_reference() -> None:
    assert match("(%a)%1", "/xyy") == ["/xyy", "y"]
    assert match("^/(%a+)/%1$", "/ab/ab") == ["/ab/ab", "ab"]
    assert match("^/(%a+)/%1$", "/ab/ba") is None


def test_position_captures_expand_to_empty_strings() -> None:
    assert match("()aa()", "flaaap") == ["flaaap", "", ""]


def test_find_reports_position_captures_as_c_offsets() -> None:
    # patterns.7: "()aa()" on "flaaap" gives 2 and 4 in Lua's 1-based terms; httpd is 0-based.
    assert find("()aa()", "flaaap") == Found(2, 4, (2, 4))


def test_find_reports_spans() -> None:
    assert find("(%d+)-(%d+)", "/r/10-20") == Found(3, 8, ((3, 5), (6, 8)))
    assert find("/admin", "/x/admin") == Found(2, 8, ())
    assert find("%d", "/x") is None


def test_position_capture_as_back_reference_never_matches() -> None:
    assert match("()%1", "abc") is None


def test_captures_feeding_the_expansion_example_of_3_8() -> None:
    # httpd-conf.md 3.8: captures "a%b" and "c d" (the expansion itself is server_expand_http's).
    assert match("^/(.-)/(.*)$", "/a%b/c d") == ["/a%b/c d", "a%b", "c d"]


def test_twelve_one_letter_captures_of_3_8() -> None:
    assert match("^" + "(.)" * 12, "abcdefghijkl") == ["abcdefghijkl", *"abcdefghijkl"]


# -- bytes, not characters ---------------------------------------------------------------------


def test_non_ascii_bytes_are_in_no_class() -> None:
    assert match("%a", "é") is None
    assert match("^(%A+)$", "é") == ["é", "é"]  # both UTF-8 bytes are non-letters


def test_dot_matches_one_byte_and_a_split_character_keeps_its_bytes() -> None:
    strings = match("^(.)", "é")
    assert strings == ["é", "\udcc3"]
    assert strings[1].encode("utf-8", "surrogateescape") == b"\xc3"


def test_undecodable_bytes_round_trip() -> None:
    subject = b"/\xff\xfe".decode("utf-8", "surrogateescape")
    assert match("^/(..)$", subject) == [subject, "\udcff\udcfe"]


def test_subject_and_pattern_end_at_nul_like_c_strings() -> None:
    assert match("b", "a\0b") is None
    assert match("a", "a\0b") == ["a", "a"]
    assert match("x\0(", "/x") == ["/x", "x"]


# -- section 4.4: error messages, and 4.5: they are lazy --------------------------------------

MALFORMED = [
    ("a%", "/a", "malformed pattern (ends with '%')"),
    ("[a", "/a", "malformed pattern (missing ']')"),
    ("[]", "/a", "malformed pattern (missing ']')"),
    ("[a%]", "/a", "malformed pattern (missing ']')"),
    ("%bx", "/x", "malformed pattern (missing arguments to '%b')"),
    ("%fx", "/x", "missing '[' after '%f' in pattern"),
    ("%f", "/x", "missing '[' after '%f' in pattern"),
    ("(a)%2", "/aa", "invalid capture index"),
    ("(a%1)", "/aa", "invalid capture index"),
    ("%0", "/a", "invalid capture index"),
    ("%a)", "/a", "invalid pattern capture"),
    ("(abc", "/abc", "unfinished capture"),
    ("(a)" * 32, "a" * 32, "too many captures"),
]


@pytest.mark.parametrize(("pattern", "subject", "message"), MALFORMED)
def test_error_messages(pattern: str, subject: str, message: str) -> None:
    assert error_of(pattern, subject) == message


@pytest.mark.parametrize(("pattern", "subject", "message"), MALFORMED)
def test_check_reports_the_same_error(pattern: str, subject: str, message: str) -> None:
    error = check(pattern)
    assert isinstance(error, PatternError)
    assert str(error) == message


def test_errors_are_lazy() -> None:
    # httpd-conf.md 4.5: the matcher never gets past the 'x' for paths without one.
    assert match("x)*", "/abc") is None
    assert error_of("x)*", "/x") == "invalid pattern capture"


def test_unfinished_capture_only_when_the_rest_matches() -> None:
    assert match("(abc", "/abd") is None
    assert error_of("(abc", "/abc") == "unfinished capture"


def test_missing_bracket_is_reported_only_when_reached() -> None:
    assert match("^/x[a", "/y") is None
    assert error_of("^/x[a", "/x") == "malformed pattern (missing ']')"


def test_first_error_on_the_path_wins() -> None:
    assert error_of("a)(", "a") == "invalid pattern capture"


# -- section 4.3: limits -------------------------------------------------------------------------


def test_31_captures_fit() -> None:
    strings = match("(a)" * 31, "a" * 31)
    assert strings == ["a" * 31] + ["a"] * 31


def test_32_captures_are_too_many() -> None:
    assert error_of("(a)" * 32, "a" * 32) == "too many captures"


def test_position_captures_count_against_the_limit() -> None:
    assert match("()" * 31, "x") == ["x"] + [""] * 31
    assert error_of("()" * 32, "x") == "too many captures"


def test_depth_199_optional_items_fit() -> None:
    strings = match("^/" + "a?" * 199, "/" + "a" * 300)
    assert strings == ["/" + "a" * 300, "/" + "a" * 199]


def test_depth_200_optional_items_are_too_complex() -> None:
    assert error_of("^/" + "a?" * 200, "/" + "a" * 300) == "pattern too complex"


def test_depth_is_only_spent_where_the_class_matches() -> None:
    assert match("^/" + "a?" * 200, "/" + "b" * 300) == ["/" + "b" * 300, "/"]


def test_each_capture_costs_two_levels() -> None:
    # 1 (first call) + 3 '(' + n items + 3 ')' <= 200
    assert match("^/(((" + "a?" * 193 + ")))", "/" + "a" * 300) is not None
    assert error_of("^/(((" + "a?" * 194 + ")))", "/" + "a" * 300) == "pattern too complex"


def test_a_position_capture_costs_one_level() -> None:
    assert match("^/" + "()" * 10 + "a?" * 189, "/" + "a" * 300) is not None
    assert error_of("^/" + "()" * 10 + "a?" * 190, "/" + "a" * 300) == "pattern too complex"


def test_a_lazy_item_costs_a_level_even_when_it_takes_nothing() -> None:
    assert match("^" + "a-" * 199, "a") == ["a", ""]
    assert error_of("^" + "a-" * 200, "a") == "pattern too complex"


def test_repetition_budget_boundary() -> None:
    # '%d' fails once per start position (len + 1 of them): 0xfffff failures are allowed.
    assert match("%d", "a" * 1048574) is None
    assert error_of("%d", "a" * 1048575) == "max repetition items"


def test_repetition_budget_spans_backtracking() -> None:
    assert error_of("^.-.-.-.-x", "a" * 70) == "max repetition items"
    assert match("^.-.-.-.-x", "a" * 20) is None


def test_no_recursion_error_even_with_a_tiny_python_stack() -> None:
    depth = 0
    frame: FrameType | None = sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 40)
    try:
        assert match("^/" + "a?" * 199, "/" + "a" * 300) is not None
        assert error_of("^/" + "a?" * 200, "/" + "a" * 300) == "pattern too complex"
    finally:
        sys.setrecursionlimit(old)


# -- section 4.6: server match / alias match ---------------------------------------------------


def test_server_mode_keeps_only_the_whole_subject() -> None:
    assert match("%.example%.com$", "www.example.com", server=True) == ["www.example.com"]
    assert match("www", "www.example.com", server=True) == ["www.example.com"]


def test_server_mode_any_reached_capture_is_too_many() -> None:
    assert error_of("(www)", "www.example.com", server=True) == "too many captures"
    assert error_of("()", "x", server=True) == "too many captures"


def test_server_match_selects_every_host_unless_an_error() -> None:
    assert match("^foo%.org$", "www.example.com", server=True) is None
    assert server_match_selects("^foo%.org$", "www.example.com") is True
    assert server_match_selects("(www)", "www.example.com") is False


def test_server_match_error_is_lazy_too() -> None:
    assert server_match_selects("x(", "abc") is True
    assert server_match_selects("x(", "xyz") is False


# -- check(), capture_count(), max_reference() ---------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    ["^/index/category/([%g]+)$", "/admin", ")", "", "%b()", "()", "(a)%1", "[%]]", "%f[%w]"],
)
def test_check_accepts_well_formed_patterns(pattern: str) -> None:
    assert check(pattern) is None


def test_check_reports_static_errors_the_matcher_reaches_lazily() -> None:
    assert str(check("x)*")) == "invalid pattern capture"


def test_check_server_mode_refuses_any_capture() -> None:
    assert str(check("(www)", server=True)) == "too many captures"
    assert check("www%.", server=True) is None


def test_check_is_conservative_behind_items_that_never_match() -> None:
    # "()%1" can never match, so httpd never reaches the ')'; check() still reports it.
    assert match("()%1x)", "/x") is None
    assert str(check("()%1x)")) == "invalid pattern capture"


def test_check_does_not_report_subject_dependent_limits() -> None:
    assert check("^/" + "a?" * 200) is None


@pytest.mark.parametrize(
    ("pattern", "count"),
    [
        ("", 0),
        ("/admin", 0),
        (")", 0),
        ("(a)(b)", 2),
        ("(a(b))", 2),
        ("()", 1),
        ("()aa()", 2),
        ("%b()", 0),
        ("[(]", 0),
        ("%(", 0),
        ("%f[(]", 0),
        ("^/index/category/([%g]+)$", 1),
        ("(a)" * 32, 32),
        ("(a)[b", 1),
    ],
)
def test_capture_count(pattern: str, count: int) -> None:
    assert capture_count(pattern) == count


def test_max_reference_is_at_least_one() -> None:
    assert max_reference("/admin") == 1
    assert max_reference("%d+") == 1
    assert max_reference("(a)(b)(c)") == 3


# -- differential test against Lua 5.3 (lupa) ------------------------------------------------------
#
# patterns.c is Lua 5.3.1's matcher; string.find() takes the same path (including the plain
# substring search when the pattern has no special byte). Excluded from the comparison, and tested
# separately below, are only the documented differences: the capture limit (31 vs 32), Lua's
# deprecated %z class (a literal 'z' in httpd), position captures (Lua: 1-based numbers; httpd:
# 0-based offsets, "" in the %N strings), the repetition budget (httpd only) and the wording of
# "invalid capture index" (Lua appends the index).

_LUA = lua53.LuaRuntime(encoding=None)
_LUA_FIND = _LUA.eval("function(s, p) return table.pack(pcall(string.find, s, p)) end")

ATOMS = [
    *(bytes([c]) for c in b"ab/-.1\x80"),
    *(b"%" + bytes([c]) for c in b"adwWsSpPgGuUlLxXcCD.%-]("),
    b"[ab]", b"[^/]", b"[a-c]", b"[%w_]", b"[]]", b"[^]a]", b"[%a-]", b"[-a]", b"[\x80-\xff]",
]  # fmt: skip
QUANTIFIERS = [b"", b"", b"", b"*", b"+", b"-", b"?"]
ITEMS = [b"(", b")", b"()", b"%b()", b"%bab", b"%f[%w]", b"%f[/]", b"%1", b"%2", b"%0", b"$", b"^"]
NOISE = b"ab/.%()[]^$*+?-dwfb1\x80"
SUBJECT_BYTES = b"ab/.-_()[]%1 AZ\x80\xe9"

Outcome = tuple[str, Any]


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def lua_outcome(pattern: bytes, subject: bytes) -> Outcome:
    """Lua's string.find mapped to (kind, value) in httpd's 0-based terms."""
    packed = _LUA_FIND(subject, pattern)
    values = [packed[i] for i in range(1, packed.n + 1)]
    if not values[0]:
        message = values[1].decode()
        return "error", re.sub(r"^invalid capture index %\d+$", "invalid capture index", message)
    if values[1] is None:
        return "none", None
    captures = tuple(c - 1 if isinstance(c, int) else c for c in values[3:])
    return "found", (values[1] - 1, values[2], captures)


def our_outcome(pattern: bytes, subject: bytes) -> Outcome:
    """hostgen.httpd.patterns.find in the same form, with captured text as bytes."""
    try:
        found = find(_text(pattern), _text(subject))
    except PatternError as error:
        return "error", str(error)
    if found is None:
        return "none", None
    captures = tuple(c if isinstance(c, int) else subject[c[0] : c[1]] for c in found.captures)
    return "found", (found.start, found.end, captures)


def httpd_strings(subject: bytes, outcome: Outcome) -> list[bytes] | None:
    """What str_match() keeps for %N, computed from a string.find outcome."""
    if outcome[0] != "found":
        return None
    start, end, captures = outcome[1]
    if not captures:
        return [subject, subject[start:end]]
    return [subject, *(b"" if isinstance(c, int) else c for c in captures)]


def generated_pattern(rng: random.Random) -> bytes:
    """Either structured items with balanced captures, or raw noise (mostly malformed)."""
    if rng.random() < 0.25:
        return bytes(rng.choice(NOISE) for _ in range(rng.randint(0, 8)))
    items = [
        rng.choice(ATOMS) + rng.choice(QUANTIFIERS) if rng.random() < 0.8 else rng.choice(ITEMS)
        for _ in range(rng.randint(0, 6))
    ]
    for _ in range(rng.randint(0, 2)):
        i = rng.randint(0, len(items))
        j = rng.randint(i, len(items))
        items[i:j] = [b"(", *items[i:j], b")"]
    prefix = b"^" if rng.random() < 0.3 else b""
    suffix = b"$" if rng.random() < 0.2 else b""
    return prefix + b"".join(items) + suffix


def generated_subject(rng: random.Random) -> bytes:
    return bytes(rng.choice(SUBJECT_BYTES) for _ in range(rng.randint(0, 12)))


def corpus(count: int, seed: int) -> Iterator[tuple[bytes, bytes]]:
    rng = random.Random(seed)
    for _ in range(count):
        yield generated_pattern(rng), generated_subject(rng)


@pytest.fixture(autouse=True, scope="module")
def c_locale() -> Iterator[None]:
    """Lua's %-classes follow the process locale; httpd's are the C locale's."""
    saved = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    yield
    locale.setlocale(locale.LC_CTYPE, saved)


def test_generated_corpus_exercises_every_outcome() -> None:
    kinds = {our_outcome(p, s)[0] for p, s in corpus(2000, seed=7)}
    messages = {o[1] for p, s in corpus(2000, seed=7) if (o := our_outcome(p, s))[0] == "error"}
    assert kinds == {"found", "none", "error"}
    assert {"invalid capture index", "unfinished capture", "invalid pattern capture"} <= messages


def test_differential_against_lua_find() -> None:
    mismatches = [
        (p, s, lua, ours)
        for p, s in corpus(20000, seed=2015)
        if (lua := lua_outcome(p, s)) != (ours := our_outcome(p, s))
    ]
    assert mismatches == []


def test_differential_against_lua_httpd_strings() -> None:
    mismatches = []
    for p, s in corpus(5000, seed=623):
        expected = httpd_strings(s, lua_outcome(p, s))
        try:
            got = match(_text(p), _text(s))
        except PatternError:
            got = None
        encoded = None if got is None else [x.encode("utf-8", "surrogateescape") for x in got]
        if encoded != expected:
            mismatches.append((p, s, expected, encoded))
    assert mismatches == []


STATIC_ERRORS = {
    "malformed pattern (ends with '%')",
    "malformed pattern (missing ']')",
    "malformed pattern (missing arguments to '%b')",
    "missing '[' after '%f' in pattern",
    "invalid capture index",
    "invalid pattern capture",
    "unfinished capture",
    "too many captures",
}


def test_check_agrees_with_every_error_the_matcher_raises() -> None:
    for p, s in corpus(20000, seed=1):
        kind, value = our_outcome(p, s)
        static = check(_text(p))
        if kind == "error":
            assert value in STATIC_ERRORS
            assert str(static) == value, (p, s)


def test_capture_count_agrees_with_the_strings_httpd_keeps() -> None:
    for p, s in corpus(20000, seed=3):
        if check(_text(p)) is not None:
            continue
        strings = match(_text(p), _text(s))
        if strings is not None:
            assert len(strings) == 1 + max_reference(_text(p)), (p, s)


pattern_bytes = st.lists(
    st.one_of(
        st.builds(bytes.__add__, st.sampled_from(ATOMS), st.sampled_from(QUANTIFIERS)),
        st.sampled_from(ITEMS),
    ),
    max_size=8,
).map(b"".join)
subject_bytes = st.lists(st.sampled_from(list(SUBJECT_BYTES)), max_size=12).map(bytes)


@settings(
    max_examples=1500,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(pattern=pattern_bytes, subject=subject_bytes)
def test_differential_against_lua_property(pattern: bytes, subject: bytes) -> None:
    assert our_outcome(pattern, subject) == lua_outcome(pattern, subject)


# -- the documented differences between Lua 5.3 and httpd ---------------------------------------


def test_difference_capture_limit() -> None:
    assert lua_outcome(b"(a)" * 32, b"a" * 32)[0] == "found"
    assert our_outcome(b"(a)" * 32, b"a" * 32) == ("error", "too many captures")
    assert lua_outcome(b"(a)" * 33, b"a" * 33) == ("error", "too many captures")


def test_difference_percent_z() -> None:
    assert lua_outcome(b"%z", b"z") == ("none", None)
    assert our_outcome(b"%z", b"z") == ("found", (0, 1, ()))


def test_difference_position_captures() -> None:
    packed = _LUA_FIND(b"flaaap", b"()aa()")
    assert [packed[i] for i in range(1, packed.n + 1)] == [True, 3, 4, 3, 5]
    assert our_outcome(b"()aa()", b"flaaap") == ("found", (2, 4, (2, 4)))
    assert match("()aa()", "flaaap") == ["flaaap", "", ""]


def test_difference_repetition_budget() -> None:
    assert lua_outcome(b"%d", b"a" * 1048575) == ("none", None)
    assert our_outcome(b"%d", b"a" * 1048575) == ("error", "max repetition items")


def test_difference_capture_index_wording() -> None:
    packed = _LUA_FIND(b"a", b"%0")
    assert packed[2] == b"invalid capture index %0"
    assert error_of("%0", "a") == "invalid capture index"


def test_same_depth_limit_as_lua() -> None:
    subject = b"/" + b"a" * 300
    assert lua_outcome(b"^/" + b"a?" * 199, subject)[0] == "found"
    assert lua_outcome(b"^/" + b"a?" * 200, subject) == ("error", "pattern too complex")
    assert lua_outcome(b"^" + b"a-" * 200, b"a") == ("error", "pattern too complex")
