"""hostgen apply: write the outputs that differ under ROOT, safely."""

from __future__ import annotations

import argparse
from pathlib import Path

from hostgen.commands._common import (
    add_root_arguments,
    add_site_argument,
    add_templates_argument,
    load,
)
from hostgen.host import state as statefile
from hostgen.host.applying import ApplyOptions, apply
from hostgen.render.outputs import render

DESCRIPTION = """\
Write every file SITE describes that differs from the live one under ROOT (default /etc).

Every output is staged first and read back with hostgen's own parsers; httpd.conf is also
checked with `httpd -n -f` on OpenBSD (or with --validate-httpd CMD). If anything fails,
nothing is written. Then each changed file is replaced atomically (a temporary file in the
same folder, fsync, rename), keeping its mode and owner, after its previous version is saved
under ROOT/../var/db/hostgen/backups (the newest --keep N per file are kept). Unchanged files
are not touched. Of rc.conf.local only hostgen's lines are written (httpd_flags, smtpd_flags,
spamd_flags, and its pkg_scripts entry); every other line and entry stays byte for byte, in
place. Of resolv.conf, the lines resolvd(8) manages are kept.

A file changed on the host since the last apply is not overwritten without --force: see the
change with `hostgen diff ROOT`. Two applies never run at once: the second is refused (exit 1).
Finally apply says which services need a reload or restart; --reload runs them with rcctl.

examples:
  hostgen apply --dry-run
  hostgen apply /etc --reload
  hostgen apply ./fakeroot/etc --validate-httpd 'doas httpd -n -f'
"""


def _count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("apply", help="write the changed files under ROOT, safely",
                            description=DESCRIPTION,
                            formatter_class=argparse.RawDescriptionHelpFormatter,
                            epilog="exit codes: 0 applied or nothing to do, 1 refused "
                                   "(validation failed, a file edited by hand, another apply "
                                   "running), 2 invalid input or unwritable ROOT")
    add_root_arguments(parser, "; the lock and backups live beside it")
    add_site_argument(parser, positional=False, host=True)
    parser.add_argument("--dry-run", action="store_true",
                        help="check everything and say what would change; write nothing")
    parser.add_argument("--force", action="store_true",
                        help="overwrite files changed on the host since the last apply")
    parser.add_argument("--keep", type=_count, default=5, metavar="N",
                        help="backups kept per file (default: 5)")
    parser.add_argument("--reload", action="store_true",
                        help="reload or restart the services whose files changed (rcctl)")
    parser.add_argument("--validate-httpd", metavar="CMD",
                        help="check the staged httpd.conf with CMD (the file is appended, or "
                             "replaces {}); default on OpenBSD: httpd -n -f FILE")
    add_templates_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root: Path = args.root
    outputs = render(load(args.site, args.host).site, args.templates)
    options = ApplyOptions(root=root, state_path=args.state or statefile.default_path(root),
                           dry_run=args.dry_run, force=args.force, keep=args.keep,
                           reload=args.reload, validate_httpd=args.validate_httpd)
    return apply(outputs, options)
