"""hostgen check: validate only, printing every problem at once."""

from __future__ import annotations

import argparse
from pathlib import Path

from hostgen.checks.acmelines import acme_lines
from hostgen.checks.expectations import run_expectations
from hostgen.checks.lints import check_lints
from hostgen.checks.mtafiles import check_mta_files
from hostgen.checks.spamdpf import check_pf
from hostgen.errors import HostgenError
from hostgen.render.outputs import render
from hostgen.site.load import LoadedSite, check_site_file
from hostgen.site.model import Site
from hostgen.site.problems import Positions, Problem, format_problems, has_errors
from hostgen.tls.livecheck import check_live

DESCRIPTION = """\
Validate SITE without writing anything. Every problem is printed at once, sorted, as
  FILE:LINE:COL: error: message
  FILE:LINE:COL: warning: message (rule)
Warnings alone do not fail the check. Besides the rules, check simulates requests against the
rendered httpd.conf: it runs the `expect:` list of SITE (url, status, location, redirect) and
lints the locations (shadowed-location, glob-like-pattern, redirect-loop; silence one for a
location with `silence: [RULE]`).

With --live ROOT, the certificates, keys, sockets and roots the site names are read under ROOT
(/ on the host) and checked too, and ROOT/etc/pf.conf when spamd is configured: a rule must
divert smtp to spamd, and the <spamd-white> and <nospamd> tables must exist.

examples:
  hostgen check site.yaml
  hostgen check site.yaml --live /
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("check", help="validate site.yaml and report every problem",
                            description=DESCRIPTION,
                            formatter_class=argparse.RawDescriptionHelpFormatter,
                            epilog="exit codes: 0 valid (warnings allowed), 2 invalid")
    parser.add_argument("site", nargs="?", default="site.yaml", metavar="SITE",
                        help="the site description (default: ./site.yaml)")
    parser.add_argument("--live", type=Path, metavar="ROOT",
                        help="also check the files the site names under ROOT (/ on the host): "
                             "certificates parse, match their keys, cover every server name and "
                             "are not expired; spamd presents the MTA's key; private keys are "
                             "not readable by others; DKIM key, FastCGI sockets, document roots")
    parser.add_argument("--expiry-warning", type=int, default=21, metavar="DAYS",
                        help="warn when a certificate expires within DAYS days (default 21)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = Path(args.site)
    if args.live is not None and not args.live.is_dir():
        raise HostgenError(f"{args.live}: not a directory (--live names the root the site's "
                           "files are read under, / on the host)")
    site, problems, positions = check_site_file(path)
    if not has_errors(problems):
        problems = [*problems, *extra_checks(args, site, positions)]
    for line in format_problems(problems, positions, args.site):
        print(line)
    errors = sum(p.level == "error" for p in problems)
    warnings = len(problems) - errors
    if site is None or has_errors(problems):
        print(f"{args.site}: invalid: {errors} error(s), {warnings} warning(s)")
        return 2
    print(f"{args.site}: valid" + (f" ({warnings} warning(s))" if warnings else ""))
    return 0


def extra_checks(args: argparse.Namespace, site: Site | None,
                 positions: Positions) -> list[Problem]:
    """What `check` adds once the site itself is valid: lints and the `expect:` list, both
    answered by simulating requests against the rendered httpd.conf, and the live files."""
    if site is None:
        return []
    loaded = LoadedSite(Path(args.site), args.site, site, positions, [])
    problems = [*check_lints(site), *run_expectations(loaded)]
    if args.live is not None:
        acme = acme_lines(site, render(site))
        problems += check_live(site, args.live, expiry_days=args.expiry_warning, acme=acme)
        problems += check_pf(site, args.live) + check_mta_files(site, args.live)
    return problems
