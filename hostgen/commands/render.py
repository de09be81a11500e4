"""hostgen render: validate site.yaml and write every output under a folder laid out as /."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from hostgen.commands._common import add_site_argument, add_templates_argument, load
from hostgen.host.files import write_atomic
from hostgen.render.outputs import Output, render

DEFAULT_OUT = "rendered"
# What hostgen wrote in the out folder, so that an output the site no longer produces (a removed
# material's httpd.NAME.tls) can be removed without ever touching a file hostgen did not write.
MANIFEST = ".hostgen-rendered"
MANIFEST_HEADER = ("# Files hostgen render wrote in this folder; an output that disappears "
                   "from the site is removed.\n")
# Only names hostgen itself gives an output are taken from a manifest: a hand-edited one can
# never make render remove something else (no "..", no other folder, no hidden file). The one
# folder below etc/ that hostgen writes into is mail/ (smtpd.conf).
_OUTPUT = re.compile(r"etc/(?:mail/)?[A-Za-z0-9_][A-Za-z0-9._-]*")

DESCRIPTION = f"""\
Validate SITE and write every file it describes under DIR, laid out as under / \
(DIR/etc/httpd.conf, DIR/etc/httpd.tls, DIR/etc/mail/smtpd.conf, DIR/etc/acme-client.conf, \
DIR/etc/rc.conf.local with only hostgen's lines, DIR/etc/dkimproxy_out.conf, \
DIR/etc/resolv.conf). A section that SITE leaves out produces no file. When SITE is invalid, \
every problem is printed as FILE:LINE:COL and nothing is written.

hostgen lists what it wrote in DIR/{MANIFEST}; a file it wrote before that SITE no longer \
produces (the fragment of a removed TLS material) is removed, one line each. Files in DIR that \
hostgen never wrote are never touched.

SITE may be a fleet folder (each *.yaml in it one host): every host is written under \
DIR/HOSTNAME/etc/, HOSTNAME its host.name, and nothing is written unless all are valid.

examples:
  hostgen render site.yaml --out {DEFAULT_OUT}
  hostgen render hosts/ --out {DEFAULT_OUT}      # {DEFAULT_OUT}/web1.example.org/etc/httpd.conf
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("render", help="write the configuration files site.yaml describes",
                            description=DESCRIPTION,
                            formatter_class=argparse.RawDescriptionHelpFormatter,
                            epilog="exit codes: 0 written, 2 invalid input")
    add_site_argument(parser, positional=True)
    parser.add_argument("--out", default=DEFAULT_OUT, type=Path, metavar="DIR",
                        help=f"where to write (default: ./{DEFAULT_OUT}; not build/, which "
                             "`pip install .` fills with its own files)")
    add_templates_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if Path(args.site).is_dir():
        return run_fleet(args)
    loaded = load(args.site)
    outputs = render(loaded.site, args.templates)  # everything rendered before anything written
    write_rendered(args.out, outputs)
    return 0


def write_rendered(out: Path, outputs: dict[str, Output]) -> None:
    """Write the outputs under out/etc/, remove what an earlier render wrote there that the
    site no longer produces, and list what was written in out/MANIFEST."""
    before = read_manifest(out)
    written = [f"etc/{name}" for name in outputs]
    for name, output in outputs.items():
        target = out / "etc" / name
        write_atomic(target, output.text, durable=False)   # a build folder, not /etc
        print(f"wrote {target}")
    # removed after the writes and before the new manifest: a crash in between leaves every
    # stale file still listed, to be removed by the next render
    for stale in sorted(set(before) - set(written)):
        target = out / stale
        if target.is_file() and not target.is_symlink():
            target.unlink()
            print(f"removed {target}")
    write_atomic(out / MANIFEST, MANIFEST_HEADER + "".join(f"{name}\n" for name in written),
                 durable=False)


def read_manifest(out: Path) -> list[str]:
    """The outputs a previous render wrote in `out`: none when there is no (readable) manifest."""
    try:
        text = (out / MANIFEST).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return [line for line in text.splitlines() if _OUTPUT.fullmatch(line)]


def run_fleet(args: argparse.Namespace) -> int:
    """SITE is a fleet folder: every host (and the fleet's rules) valid, every output rendered,
    then written under DIR/HOSTNAME/etc/; nothing written when one host is invalid."""
    from hostgen.commands._fleet import load_fleet

    hosts = load_fleet(args.site)
    rendered = [(loaded.site.host.name, render(loaded.site, args.templates)) for loaded in hosts]
    for name, outputs in rendered:
        write_rendered(args.out / name, outputs)
    return 0
