"""hostgen.httpd.globs: OpenBSD fnmatch(3) with FNM_CASEFOLD, as httpd uses it
(httpd-conf.md 3.3/3.4)."""

from __future__ import annotations

import ctypes
import ctypes.util
import random
import sys

import pytest

from hostgen.httpd.globs import fnmatch_casefold

CASES = [
    # httpd-conf.md 3.3: server names
    ("*.example.com", "a.b.example.com", True),
    ("*.example.com", "www.example.com", True),
    ("*.example.com", "example.com", False),
    ("WWW.Example.COM", "www.example.com", True),
    # httpd-conf.md 3.4: locations match the whole path, '*' crosses '/'
    ("/img/", "/img/", True),
    ("/img/", "/img/x.png", False),
    ("/img/*", "/img/a/b.png", True),
    ("/img/*", "/IMG/A.PNG", True),
    ("*.php", "/dir/index.php", True),
    ("*.php", "/index.php/x", False),
    ("/a?c", "/a/c", True),
    ("/*", "/.hidden", True),
    ("/?hidden", "/.hidden", True),
    # whole string, empty strings
    ("", "", True),
    ("", "a", False),
    ("a", "", False),
    ("*", "", True),
    ("**", "", True),
    ("?", "", False),
    ("*?", "", False),
    ("abc", "ab", False),
    ("ab", "abc", False),
    # star backtracking
    ("*a*b", "xxaxxb", True),
    ("*a*b", "xxaxxbc", False),
    ("a*b*c", "abbbcbc", True),
    ("a*b*c", "acb", False),
    ("*ab", "aab", True),
    ("?*?", "ab", True),
    ("?*?", "a", False),
    # sets
    ("[abc]", "b", True),
    ("[abc]", "d", False),
    ("[!abc]", "d", True),
    ("[!abc]", "a", False),
    ("[^abc]", "a", False),
    ("[^abc]", "z", True),
    ("[]a]", "]", True),
    ("[!]a]", "]", False),
    ("[!]a]", "b", True),
    ("[a-]", "-", True),
    ("[-a]", "-", True),
    ("[a-m-z]", "c", True),  # fnmatch.c: a-m, then '-' and 'z' as ordinary members
    ("[a-m-z]", "-", True),
    ("[a-m-z]", "z", True),
    ("[a-m-z]", "n", False),
    ("[z-a]", "m", False),
    # a '[' that does not open a complete set is literal
    ("[", "[", True),
    ("[a", "[a", True),
    ("[a", "a", False),
    ("x[", "x[", True),
    ("[a-", "[a-", True),
    ("*[", "ab[", True),
    # case folding, letters and ranges
    ("[a-z]", "Q", True),
    ("[A-Z]", "q", True),
    ("[A-Z]", "5", False),
    ("[Q]", "q", True),
    ("[!q]", "Q", False),
    # escapes
    ("\\*", "*", True),
    ("\\*", "a", False),
    ("\\?", "?", True),
    ("\\?", "a", False),
    ("\\[a]", "[a]", True),
    ("\\a", "A", True),
    ("a\\", "a\\", True),  # a trailing backslash is an ordinary character
    ("[\\]]", "]", True),
    ("[\\!a]", "!", True),
    ("[a\\-z]", "-", True),
    ("[a\\-z]", "m", False),
    ("[a-\\z]", "m", True),
    # POSIX classes
    ("[[:digit:]]", "5", True),
    ("[[:digit:]]", "x", False),
    ("[[:alpha:][:digit:]]", "7", True),
    ("[![:space:]]", " ", False),
    ("[[:punct:]]", "/", True),
    ("[[:xdigit:]]", "F", True),
    ("[[:blank:]]", "\t", True),
    ("[[:bogus:]]", "b]", True),  # unknown class: ordinary text, the first ']' ends the set
    ("[[:bogus:]]", "x", False),
    ("[[:lower:]]", "a", True),
    ("[[:lower:]]", "A", False),  # classes are not folded ...
    ("[[:upper:]]", "a", True),  # ... and FNM_CASEFOLD turns [:upper:] into [:lower:]
    ("[[:upper:]]", "A", False),
]


@pytest.mark.parametrize(("pattern", "string", "expected"), CASES)
def test_fnmatch_casefold(pattern: str, string: str, expected: bool) -> None:
    assert fnmatch_casefold(pattern, string) is expected


def test_question_mark_matches_one_byte_of_utf8() -> None:
    assert fnmatch_casefold("/?", "/é") is False
    assert fnmatch_casefold("/??", "/é") is True
    assert fnmatch_casefold("/é", "/é") is True


def test_non_ascii_letters_do_not_fold() -> None:
    assert fnmatch_casefold("/É", "/é") is False


def test_range_bounds_are_signed_chars() -> None:
    high = b"\xff".decode("utf-8", "surrogateescape")
    low = b"\x80".decode("utf-8", "surrogateescape")
    mid = b"\x90".decode("utf-8", "surrogateescape")
    # On amd64 0xff is -1 as a char: [a-\xff] is empty above 'a', [\x80-\xff] holds 0x80..0xff.
    assert fnmatch_casefold(f"[a-{high}]", "b") is False
    assert fnmatch_casefold(f"[{low}-{high}]", mid) is True
    assert fnmatch_casefold(f"[{low}-{high}]", "a") is False


def test_strings_end_at_nul() -> None:
    assert fnmatch_casefold("a", "a\0b") is True
    assert fnmatch_casefold("a\0*x", "a") is True


def test_long_strings() -> None:
    assert fnmatch_casefold("/" + "*a" * 20 + "b", "/" + "a" * 200) is False
    assert fnmatch_casefold("*/x", "/" + "y/" * 5000 + "x") is True


# A differential check against glibc's fnmatch on the POSIX common ground: ASCII only, no trailing
# backslash (glibc refuses it, OpenBSD takes it literally), no unknown class name and no
# [:upper:] (OpenBSD quirks covered above).

_LIBC = ctypes.util.find_library("c") if sys.platform.startswith("linux") else None
PIECES = ["a", "b", "B", "/", ".", "*", "?", "[", "]", "!", "^", "-", "\\", "x", "1", "Z", "_"]
PIECES += ["[a-c]", "[!b]", "[^b]", "[]a]", "[[:digit:]]", "[[:alpha:]]", "[[:space:]]", "\\*"]
SUBJECT = "abAB/.[]!^-\\x1Z_ *"


@pytest.mark.skipif(_LIBC is None or "musl" in (_LIBC or ""), reason="needs glibc's fnmatch")
def test_agrees_with_glibc_on_common_ground() -> None:
    libc = ctypes.CDLL(_LIBC)
    libc.fnmatch.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
    fnm_casefold = 1 << 4
    rng = random.Random(1988)
    mismatches = []
    for _ in range(30000):
        pattern = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 6)))
        string = "".join(rng.choice(SUBJECT) for _ in range(rng.randint(0, 6)))
        if pattern.endswith("\\") and not pattern.endswith("\\\\"):
            continue
        glibc = libc.fnmatch(pattern.encode(), string.encode(), fnm_casefold) == 0
        if glibc != fnmatch_casefold(pattern, string):
            mismatches.append((pattern, string, glibc))
    assert mismatches == []
