"""hostgen render: validate site.yaml and write every output under a folder laid out as /."""

from __future__ import annotations

import argparse
from pathlib import Path

from hostgen.commands._common import add_site_argument, add_templates_argument, load
from hostgen.host.files import write_atomic
from hostgen.render.outputs import render

DESCRIPTION = """\
Validate SITE and write every file it describes under DIR, laid out as under / \
(DIR/etc/httpd.conf, DIR/etc/httpd.tls, DIR/etc/rc.conf.local with only the spamd_flags line, \
DIR/etc/dkimproxy_out.conf, DIR/etc/resolv.conf). A section that SITE leaves out produces no \
file. When SITE is invalid, every problem is printed as FILE:LINE:COL and nothing is written.

SITE may be a fleet folder (each *.yaml in it one host): every host is written under
DIR/HOSTNAME/etc/, HOSTNAME its host.name, and nothing is written unless all are valid.

examples:
  hostgen render site.yaml --out build
  hostgen render hosts/ --out build      # build/web1.example.org/etc/httpd.conf, ...
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
    if Path(args.site).is_dir():
        return run_fleet(args)
    loaded = load(args.site)
    outputs = render(loaded.site, args.templates)  # everything rendered before anything written
    for name, output in outputs.items():
        target = args.out / "etc" / name
        write_atomic(target, output.text)
        print(f"wrote {target}")
    return 0


def run_fleet(args: argparse.Namespace) -> int:
    """SITE is a fleet folder: every host (and the fleet's rules) valid, every output rendered,
    then written under DIR/HOSTNAME/etc/; nothing written when one host is invalid."""
    from hostgen.commands._fleet import load_fleet

    hosts = load_fleet(args.site)
    rendered = [(loaded.site.host.name, render(loaded.site, args.templates)) for loaded in hosts]
    for name, outputs in rendered:
        for path, output in outputs.items():
            target = args.out / name / "etc" / path
            write_atomic(target, output.text)
            print(f"wrote {target}")
    return 0
