"""hostgen check: validate only, printing every problem at once."""

from __future__ import annotations

import argparse
from pathlib import Path

from hostgen.problems import Problem, format_problems, has_errors
from hostgen.site import check_site_file

DESCRIPTION = """\
Validate SITE without writing anything. Every problem is printed at once, sorted, as
  FILE:LINE:COL: error: message
  FILE:LINE:COL: warning: message (rule)
Warnings alone do not fail the check.

example:
  hostgen check site.yaml
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("check", help="validate site.yaml and report every problem",
                            description=DESCRIPTION,
                            formatter_class=argparse.RawDescriptionHelpFormatter,
                            epilog="exit codes: 0 valid (warnings allowed), 2 invalid")
    parser.add_argument("site", nargs="?", default="site.yaml", metavar="SITE",
                        help="the site description (default: ./site.yaml)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = Path(args.site)
    site, problems, positions = check_site_file(path)
    problems = list(problems) + extra_checks(args, site)
    for line in format_problems(problems, positions, args.site):
        print(line)
    errors = sum(p.level == "error" for p in problems)
    warnings = len(problems) - errors
    if site is None or has_errors(problems):
        print(f"{args.site}: invalid: {errors} error(s), {warnings} warning(s)")
        return 2
    print(f"{args.site}: valid" + (f" ({warnings} warning(s))" if warnings else ""))
    return 0


def extra_checks(args: argparse.Namespace, site: object) -> list[Problem]:
    """Checks other modules add to `check` (live files, URL expectations)."""
    return []
