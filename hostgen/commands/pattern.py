"""`hostgen pattern PATTERN SUBJECT...`: try a `location match` pattern the way httpd runs it."""

from __future__ import annotations

import argparse
import sys

from hostgen.httpd.patterns import PatternError, check, match

DESCRIPTION = """\
Try a `location match` pattern on request paths the way OpenBSD httpd matches it,
and show the strings that %0, %1, ... expand to in that location's redirect
(block return) or rewrite target.

httpd patterns are Lua patterns, not regular expressions: %d is a digit, %w a
letter or digit, %g any printable character but space, %. a literal dot, [...]
a set; * + ? repeat one class (- repeats it as little as possible); ( ) capture.
There is no | and no {m,n}. Without ^ the pattern may match anywhere in the
path; $ at the end anchors at the end. See patterns(7).
"""

EPILOG = """\
example:
  hostgen pattern '^/index/category/([%g]+)$' /index/category/42
  /index/category/42: match
    %0 = /index/category/42
    %1 = 42

%0 is always the whole path. %1 is the first capture, or the matched text when
the pattern has no capture. A position capture () shows as an empty value,
which is what httpd substitutes for it. Each SUBJECT is matched as given; httpd
matches the decoded, canonical path without the query string. Quote the pattern
for the shell, and put -- before it if it starts with '-'.

exit status: 0 every subject matched, 1 some subject did not match, 2 the
pattern is malformed (httpd would report an error and never use the location).
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `pattern` sub-command."""
    parser = subparsers.add_parser(
        "pattern",
        help="test a `location match` pattern against request paths",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("pattern", metavar="PATTERN", help="the pattern, as in location match")
    parser.add_argument(
        "subjects", metavar="SUBJECT", nargs="+", help="a request path to match, e.g. /blog/2024/"
    )
    parser.set_defaults(func=run)


def _printable(text: str) -> str:
    """Bytes that are not UTF-8 (a capture can split a character) shown as \\xNN escapes."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _report(pattern: str, error: PatternError) -> None:
    print(f'hostgen: pattern "{_printable(pattern)}": {error}', file=sys.stderr)


def _try(pattern: str, subject: str) -> int:
    """Match one subject and print the outcome; return its exit code (0, 1 or 2)."""
    shown = _printable(subject)
    try:
        strings = match(pattern, subject)
    except PatternError as error:
        print(f"{shown}: error")
        _report(pattern, error)
        return 2
    if strings is None:
        print(f"{shown}: no match")
        return 1
    print(f"{shown}: match")
    for index, value in enumerate(strings):
        print(f"  %{index} = {_printable(value)}")
    return 0


def run(args: argparse.Namespace) -> int:
    """Check the pattern once, then match each subject: 0 all matched, 1 not all, 2 malformed."""
    error = check(args.pattern)
    if error is not None:
        _report(args.pattern, error)
        return 2
    return max(_try(args.pattern, subject) for subject in args.subjects)
