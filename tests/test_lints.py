"""hostgen.checks.lints: shadowed-location, glob-like-pattern, redirect-loop; `silence:`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostgen.checks.lints import _joins_alike, check_lints
from hostgen.httpd.simulate.coverage import (
    ANY,
    STAR,
    Lit,
    Tokens,
    covers,
    glob_tokens,
    lua_exact,
    lua_superset,
    table_covers,
)
from hostgen.site.load import load_site

ROOT = Path(__file__).resolve().parent.parent

HEAD = """\
host: {name: h.example.org, openbsd: "7.6"}
tls:
  web: {certificate: /etc/ssl/a.crt, key: /etc/ssl/private/a.key}
fastcgi:
  php: {socket: /run/php-fpm.sock}
httpd:
  tls: web
  servers:
    - name: www.example.org
      root: /www
      locations:
"""


def lint(tmp_path: Path, locations: str) -> list[str]:
    site = tmp_path / "site.yaml"
    site.write_text(HEAD + locations)
    loaded = load_site(site)
    return [line.replace(f"{site}:", "") for line in loaded.format(check_lints(loaded.site))]


def test_the_story_host_is_clean() -> None:
    assert check_lints(load_site(ROOT / "site.yaml").site) == []


def test_shadowed_locations(tmp_path: Path) -> None:
    assert lint(tmp_path, """\
        - {path: /blog/*, block: true}
        - {path: /BLOG/2012/*, block: 410}
        - {match: "^/blog/(%d+)$", redirect: "/b/%1"}
        - {match: "^/a", block: true}
        - {path: "/a/*", block: true}
        - {path: "*", block: drop}
        - {path: "/anything", block: true}
""") == [
        "13:18: warning: this location is never used: location #1 (path: /blog/*) comes first "
        "and matches every path this one matches (httpd takes the first match) "
        "(shadowed-location)",
        "14:19: warning: this location is never used: location #1 (path: /blog/*) comes first "
        "and matches every path this one matches (httpd takes the first match) "
        "(shadowed-location)",
        '18:18: warning: this location is never used: location #6 (path: *) comes first and '
        "matches every path this one matches (httpd takes the first match) (shadowed-location)",
    ]


def test_found_tests_shadow_only_the_same_test(tmp_path: Path) -> None:
    assert lint(tmp_path, """\
        - {path: /app/*, found: false, rewrite: /app/index.php}
        - {path: /app/x/*, block: true}
        - {path: /app/y/*, found: false, auto_index: true}
        - {path: /app/z/*, found: false, root: /elsewhere, auto_index: true}
""") == [
        "14:18: warning: this location is never used: location #1 (path: /app/*) comes first "
        "and matches every path this one matches (httpd takes the first match) "
        "(shadowed-location)",
    ]


def test_glob_like_patterns(tmp_path: Path) -> None:
    assert lint(tmp_path, """\
        - {match: "^/2012/02/27/*", redirect: "/x/"}
        - {match: "*.php", fastcgi: php}
        - {match: "^/ok/%d+$", block: true}
""") == [
        '12:19: warning: "^/2012/02/27/*" looks like a glob, but in a match pattern "/*" means '
        '"any number of slashes", not "anything": drop the "*" (a pattern matches anywhere '
        "unless anchored with ^ and $), or use path: for a glob (glob-like-pattern)",
        '13:19: warning: "*.php" looks like a glob, but a leading "*" in a match pattern is a '
        'literal star: use path: for a glob, or write the pattern as "%.php$" and the like '
        "(glob-like-pattern)",
    ]


def test_redirect_loops(tmp_path: Path) -> None:
    assert lint(tmp_path, """\
        - {path: /blog/*, redirect: "https://www.example.org/blog/"}
        - {path: "/same", redirect: "/same"}
        - {path: "/loop/*", redirect: "$REQUEST_URI"}
        - {path: "/fine/*", redirect: "/elsewhere/"}
        - {match: "^/u/(%w+)$", redirect: "/u/%1"}
        - {match: "^/v/(%w+)$", redirect: "/w/%1"}
""") == [
        "12:37: warning: this redirect points back at itself: its target gets the same "
        "redirect again (an endless loop) (redirect-loop)",
        "13:37: warning: this redirect points back at itself: its target gets the same "
        "redirect again (an endless loop) (redirect-loop)",
        "14:39: warning: this redirect points back at itself: its target gets the same "
        "redirect again (an endless loop) (redirect-loop)",
    ]


def test_silence(tmp_path: Path) -> None:
    assert lint(tmp_path, """\
        - {path: /blog/*, block: true}
        - {path: /blog/x, block: 410, silence: [shadowed-location]}
        - {match: "/a/*", block: true, silence: [glob-like-pattern]}
        - {path: "/same", redirect: "/same", silence: [redirect-loop]}
""") == []


@pytest.mark.parametrize(("earlier", "later", "covered"), [
    (glob_tokens("*"), lua_superset("^/x/(%d+)$"), True),
    (glob_tokens("/x/*"), lua_superset("^/x/(%d+)$"), True),
    (glob_tokens("/x/*"), lua_superset("/x/"), False),         # unanchored: matches /a/x/
    (glob_tokens("*/x/*"), lua_superset("/x/"), True),         # * may be empty
    (glob_tokens("*/x/?*"), lua_superset("/x/"), False),       # "/x/" at the very end
    (glob_tokens("*/x/*"), lua_superset("/x/."), True),
    (glob_tokens("*.PHP"), glob_tokens("/a/*.php"), True),
    (glob_tokens("/a?c"), glob_tokens("/abc"), True),
    (glob_tokens("/abc"), glob_tokens("/a?c"), False),
    (lua_exact("^/a"), glob_tokens("/a/*"), False),            # globs ignore case, patterns not
    (lua_exact("^/1"), glob_tokens("/1/*"), True),
    (lua_exact("^/a.*z$"), lua_superset("^/a/(%d+)/z$"), True),
    (lua_exact("^/a%d"), None, None),                          # a class: not described exactly
    (glob_tokens("/x/[ab]"), None, None),                      # a set: no claim either
])
def test_coverage(earlier: tuple[object, ...] | None, later: tuple[object, ...] | None,
                  covered: bool | None) -> None:
    if covered is None:
        assert earlier is None
        return
    assert earlier is not None and later is not None
    assert covers(earlier, later) is covered  # type: ignore[arg-type]


_TOKENS = st.lists(st.one_of(st.sampled_from([STAR, ANY]),
                             st.builds(Lit, st.sampled_from("/aAb."), st.booleans())),
                   max_size=7).map(tuple)


@given(_TOKENS, _TOKENS)
def test_the_shortcut_on_the_ends_gives_the_tables_answer(earlier: Tokens,
                                                          later: Tokens) -> None:
    assert covers(earlier, later) is table_covers(earlier, later)


# The redirect-loop lint tells without urljoin that a target joins to one URL whatever the
# sample path; urljoin, from every kind of base path, must agree each time it says so.
TARGET_PARTS = st.sampled_from(["", "/", "//", "x", "..", ".", "/a", "a/b", "?q", "#f", ";p",
                                ":", "https:", "http:", "ftp:", "mailto:", "h.example", "%2F"])
SAMPLE_PATHS = ["/", "/a", "/a/", "/a/b.php", "/a/b?c=d", "/x;p", "/../y", "/a/./b/../c#f"]


@given(st.lists(TARGET_PARTS, max_size=5).map("".join),
       st.sampled_from(["http://h.example", "https://h.example:8443"]))
def test_targets_said_to_join_alike_do(target: str, base: str) -> None:
    if _joins_alike(target):
        assert len({urljoin(base + path, target) for path in SAMPLE_PATHS}) == 1, target
