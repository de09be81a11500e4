"""hostgen import: adopt a running host, writing the site.yaml its live files describe."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hostgen.adopt.etc import adopt_root
from hostgen.adopt.result import dump, write_site
from hostgen.errors import HostgenError
from hostgen.host.files import check_root  # no renderer (jinja2) on import's path

DESCRIPTION = """\
Read the files hostgen owns under ROOT (default /etc): httpd.conf with its includes (resolved
under ROOT as the host resolves them) and macros, the spamd_flags line of rc.conf.local,
dkimproxy_out.conf and resolv.conf (without resolvd's lines); write the site.yaml that renders
back to files meaning the same to the daemons. Blocks hostgen would write as one server become
one (a port-80 block that only redirects to https is `http: redirect`), each certificate and key
one TLS material, each FastCGI socket one responder; the live files' comments are carried over.
Everything that cannot be carried over exactly is a warning PATH:LINE: warning: ...

The target release is --release, else the one ROOT/motd names, else the newest; a statement
that release's httpd does not know is its error at PATH:LINE.

With --nginx CONF, migrate from nginx instead: CONF (nginx.conf with its includes, or one
sites-enabled file) becomes the site's servers and locations, in the order httpd's first match
needs; each translated location, rewrite and redirect gets an `expect:` entry holding what
nginx answers, so `hostgen check` proves the translation. What httpd cannot do (proxy_pass,
if, map, headers other than HSTS, ...) is a warning at the nginx PATH:LINE saying what to do
instead; a malformed nginx file is crossplane's error at PATH:LINE (exit 2).

examples:
  hostgen import                              # /etc -> ./site.yaml
  hostgen import /mnt/oldhost/etc --out hosts/oldhost.yaml --release 7.6
  hostgen import --nginx /etc/nginx/nginx.conf --out site.yaml
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("import", help="write site.yaml from a running host's /etc",
                            description=DESCRIPTION,
                            formatter_class=argparse.RawDescriptionHelpFormatter,
                            epilog="exit codes: 0 carried over exactly, 1 written with losses "
                                   "(each one listed), 2 a live file does not parse, or SITE "
                                   "exists (nothing written)")
    parser.add_argument("root", nargs="?", type=Path, metavar="ROOT",
                        help="the live folder to read (default: /etc)")
    parser.add_argument("--nginx", type=Path, metavar="CONF",
                        help="translate this nginx configuration instead of a live /etc")
    parser.add_argument("--out", default="site.yaml", type=Path, metavar="SITE",
                        help="where to write (default: ./site.yaml)")
    parser.add_argument("--release", metavar="R",
                        help='target OpenBSD release, e.g. "7.6" (default: from ROOT/motd, '
                             "else the newest)")
    parser.add_argument("--force", action="store_true", help="replace SITE if it exists")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out: Path = args.out
    if out.exists() and not args.force:   # before reading anything: nothing to lose
        raise HostgenError(f"{out} exists; nothing written (use --force to replace it)")
    if args.nginx is not None:
        if args.root is not None:
            raise HostgenError("give ROOT or --nginx CONF, not both")
        from hostgen.adopt.nginx import adopt_nginx  # crossplane only when asked for
        adopted = adopt_nginx(args.nginx, args.release)
    else:
        root = args.root if args.root is not None else Path("/etc")
        check_root(root)
        adopted = adopt_root(root, args.release)
    write_site(dump(adopted.document), out, force=args.force)
    for loss in adopted.losses:
        print(loss.format(), file=sys.stderr)
    print(f"wrote {out}" + (f" ({len(adopted.losses)} warning(s))" if adopted.losses else ""))
    return adopted.exit_code
