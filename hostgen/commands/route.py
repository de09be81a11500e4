"""hostgen route URL: which server and location answer a URL, and with what."""

from __future__ import annotations

import argparse
import ipaddress
import json
import re
from pathlib import Path

from hostgen.commands._common import load
from hostgen.httpd.simulate import BadUrl, Disk, request_from_url, simulate
from hostgen.httpd.simulate.report import as_json, text
from hostgen.httpd.simulate.sources import Source, from_config, from_site

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

DESCRIPTION = """\
Answer "what happens to this URL?" the way OpenBSD httpd would: the server chosen (and why),
the location that matches (with its position in site.yaml or httpd.conf), and the outcome:
  301 -> URL          a redirect (block return), after macro and %N expansion
  file PATH           a static file (PATH on the host, inside the chroot)
  fastcgi SOCKET ...  handed to a FastCGI responder, with SCRIPT_NAME and PATH_INFO
  403, 404, ...       an answer of httpd itself
  drop                the connection is closed without an answer

By default the configuration is the one site.yaml renders; --config reads an httpd.conf
instead (include files are read as written, or next to it). Without --root nothing is known
about the files: a `found` / `not found` location shows both answers, and a file to serve is
assumed to exist. Listen addresses that are names (egress, an interface) cannot be resolved
here: every request is assumed to reach them.

examples:
  hostgen route https://photos.22decembre.eu/index/category/42
  hostgen route http://blackblock.22decembre.eu/some/page
  hostgen route /books/42 --host biblib.22decembre.eu --root /var/www
  hostgen route 'https://www.example.com/%2e%2e/etc' --config /etc/httpd.conf --json
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("route", help="which server and location answer a URL",
                            description=DESCRIPTION,
                            formatter_class=argparse.RawDescriptionHelpFormatter,
                            epilog="exit codes: 0 answered, 2 invalid input")
    parser.add_argument("url", metavar="URL",
                        help="http(s)://host[:port]/path?query, or a path with --host")
    origin = parser.add_mutually_exclusive_group()
    origin.add_argument("--site", default="site.yaml", metavar="SITE",
                        help="the site description (default: ./site.yaml), or a fleet folder: "
                             "the host that serves the URL's name answers")
    origin.add_argument("--config", type=Path, metavar="FILE",
                        help="an httpd.conf to route with instead of the rendered site")
    parser.add_argument("--root", type=Path, metavar="DIR",
                        help="the files under httpd's chroot (a copy of /var/www, or itself)")
    parser.add_argument("--host", metavar="HOST",
                        help="the Host header to send (any text: odd values are fine)")
    parser.add_argument("--port", type=int, metavar="N", help="the port to connect to")
    parser.add_argument("--address", metavar="IP",
                        help="the local address the request reaches (default: this host)")
    parser.add_argument("--method", default="GET", metavar="METHOD",
                        help="the request method (default: GET)")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.address is not None:
        try:
            ipaddress.ip_address(args.address)
        except ValueError:
            raise BadUrl(f'--address needs an IP address, not "{args.address}"') from None
    if args.root is not None and not args.root.is_dir():
        raise BadUrl(f"--root {args.root}: not a folder")
    request = request_from_url(args.url, host=args.host, port=args.port,
                               method=args.method, address=args.address)
    if args.config:
        source: Source = from_config(args.config)
    elif Path(args.site).is_dir():   # a fleet: the host that serves the request's name
        from hostgen.commands._fleet import host_serving
        source = from_site(host_serving(args.site, request.host))
    else:
        source = from_site(load(args.site))
    files = Disk(args.root) if args.root is not None else None
    answers = simulate(source.table, request, files)
    if args.json:  # ASCII: paths may hold bytes that are not UTF-8 (kept as \udcXX escapes)
        print(json.dumps(as_json(args.url, answers, source), indent=2))
    else:
        print("\n".join(printable(line) for line in text(args.url, answers, source)))
    return 0


def printable(line: str) -> str:
    """Bytes that are not UTF-8 as \\xNN, control characters as \\xNN: a hostile URL or
    Host header cannot write to the terminal."""
    line = line.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", line)
