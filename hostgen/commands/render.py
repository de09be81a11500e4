"""hostgen render: validate site.yaml and write every output under a folder laid out as /."""

from __future__ import annotations

import argparse
from pathlib import Path

from hostgen.commands._common import add_site_argument, add_templates_argument, load
from hostgen.host.files import write_atomic
from hostgen.render.outputs import render

DESCRIPTION = """\
Validate SITE and write every file it describes under DIR, laid out as under / \
(DIR/etc/httpd.conf, DIR/etc/httpd.tls, DIR/etc/mail/smtpd.conf, DIR/etc/acme-client.conf, \
DIR/etc/rc.conf.local with only hostgen's lines, DIR/etc/dkimproxy_out.conf, \
DIR/etc/resolv.conf). A section that SITE leaves out produces no file. When SITE is invalid, \
every problem is printed as FILE:LINE:COL and nothing is written.

example:
  hostgen render site.yaml --out build
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("render", help="write the configuration files site.yaml describes",
                            description=DESCRIPTION,
                            formatter_class=argparse.RawDescriptionHelpFormatter,
                            epilog="exit codes: 0 written, 2 invalid input")
    add_site_argument(parser, positional=True)
    parser.add_argument("--out", default="build", type=Path, metavar="DIR",
                        help="where to write (default: ./build)")
    add_templates_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    loaded = load(args.site)
    outputs = render(loaded.site, args.templates)  # everything rendered before anything written
    for name, output in outputs.items():
        target = args.out / "etc" / name
        write_atomic(target, output.text)
        print(f"wrote {target}")
    return 0
