"""hostgen check: validate only, printing every problem at once."""

from __future__ import annotations

import argparse
from pathlib import Path

from hostgen.checks.expectations import run_expectations
from hostgen.checks.lints import check_lints
from hostgen.errors import HostgenError
from hostgen.site.load import LoadedSite, validate_file
from hostgen.site.model import Site
from hostgen.site.problems import Positions, Problem, format_problems, has_errors
from hostgen.site.validate import Validated

DESCRIPTION = """\
Validate SITE without writing anything. Every problem is printed at once, sorted, as
  FILE:LINE:COL: error: message
  FILE:LINE:COL: warning: message (rule)
Warnings alone do not fail the check, unless --strict (a CI job that wants a warning to fail
the build). A mistake in one part does not stop the others being checked: the rules and lints
run on every part that validated; only what depends on a broken part waits for its fix.
Besides the rules, check simulates requests against the rendered httpd.conf: it runs the
`expect:` list of SITE (url, status, location, redirect) and lints the locations
(shadowed-location, glob-like-pattern, redirect-loop; silence one for a location with
`silence: [RULE]`).

SITE may be a fleet folder (each *.yaml in it one host): every host is checked, then what only
the fleet shows: a host name in two files, a server name or alias served by two hosts, a DKIM
selector used for one domain by two hosts. A problem written in a shared file is printed once,
with the hosts that reach it: common/tls.yaml:4:7: error: ... (via hosts/a.yaml, hosts/b.yaml).

With --live ROOT, the certificates, keys, sockets and roots the site names are read under ROOT
(/ on the host) and checked too, and ROOT/etc/pf.conf when spamd is configured: a rule must
divert smtp to spamd, and the <spamd-white> and <nospamd> tables must exist.

examples:
  hostgen check site.yaml
  hostgen check site.yaml --strict
  hostgen check site.yaml --live /
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("check", help="validate site.yaml and report every problem",
                            description=DESCRIPTION,
                            formatter_class=argparse.RawDescriptionHelpFormatter,
                            epilog="exit codes: 0 valid (warnings allowed unless --strict), "
                                   "2 invalid")
    parser.add_argument("site", nargs="?", default="site.yaml", metavar="SITE",
                        help="the site description (default: ./site.yaml)")
    parser.add_argument("--live", type=Path, metavar="ROOT",
                        help="also check the files the site names under ROOT (/ on the host): "
                             "certificates parse, match their keys, cover every server name and "
                             "are not expired; spamd presents the MTA's key; private keys are "
                             "not readable by others; DKIM key, FastCGI sockets, document roots")
    parser.add_argument("--expiry-warning", type=int, default=21, metavar="DAYS",
                        help="warn when a certificate expires within DAYS days (default 21)")
    parser.add_argument("--strict", action="store_true",
                        help="warnings count as errors: exit 2 when there is any (for CI)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = Path(args.site)
    if args.live is not None and not args.live.is_dir():
        raise HostgenError(f"{args.live}: not a directory (--live names the root the site's "
                           "files are read under, / on the host)")
    if path.is_dir():
        return run_fleet(args)
    result, positions = validate_file(path)
    problems = [*result.problems, *extra_checks(args, result, positions)]
    for line in format_problems(problems, positions, args.site):
        print(line)
    errors = sum(p.level == "error" for p in problems)
    warnings = len(problems) - errors
    failed = errors or (args.strict and warnings)
    if result.site is None or failed:
        print(f"{args.site}: invalid: {errors} error(s), {warnings} warning(s)"
              + (" (--strict: warnings count as errors)" if not errors and warnings else ""))
        return 2
    print(f"{args.site}: valid" + (f" ({warnings} warning(s))" if warnings else ""))
    return 0


def run_fleet(args: argparse.Namespace) -> int:
    """SITE is a fleet folder: every host, then what only the fleet shows (DESIGN.md "Many
    hosts"); a problem in a shared file is printed once, with every host reaching it."""
    from hostgen.commands._fleet import check_hosts, count, format_fleet, summary

    checked = check_hosts(args.site, lambda site, positions, shown:
                          site_checks(args, site, positions, shown))
    for line in format_fleet(checked):
        print(line)
    said, valid = summary(args.site, checked)
    errors, warnings = count(checked)
    if valid and args.strict and warnings:
        said = (f"{args.site}: invalid: {errors} error(s), {warnings} warning(s) "
                "(--strict: warnings count as errors)")
        valid = False
    print(said)
    return 0 if valid else 2


def extra_checks(args: argparse.Namespace, result: Validated,
                 positions: Positions) -> list[Problem]:
    """What `check` adds to the rules: lints and the `expect:` list, answered by simulating
    requests against the rendered httpd.conf, and the live files. The lints that read one
    server at a time run on every part that validated; what needs the whole site rendered
    (redirect loops, expectations) or its files on disk waits until there is no error."""
    parts = result.parts
    if parts is None:
        return []
    if result.site is None or has_errors(result.problems):
        return [p for p in check_lints(parts, simulate=False) if not result.held.is_held(p)]
    return site_checks(args, result.site, positions, args.site)


def site_checks(args: argparse.Namespace, site: Site, positions: Positions,
                filename: str) -> list[Problem]:
    """The checks of a valid site: every lint, the `expect:` list, and with --live its files."""
    loaded = LoadedSite(Path(filename), filename, site, positions, [])
    problems = [*check_lints(site), *run_expectations(loaded)]
    if args.live is not None:
        from hostgen.checks.acmelines import acme_lines
        from hostgen.checks.mtafiles import check_mta_files
        from hostgen.checks.spamdpf import check_pf
        from hostgen.render.outputs import render
        from hostgen.tls.livecheck import check_live  # cryptography: only with --live (start-up)

        acme = acme_lines(site, render(site))
        problems += check_live(site, args.live, expiry_days=args.expiry_warning, acme=acme)
        problems += check_pf(site, args.live) + check_mta_files(site, args.live)
    return problems
