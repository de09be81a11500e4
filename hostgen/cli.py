"""The command line: one argparse parser, one sub-command module each, one handler for outcomes.

Exit codes follow diff(1): 0 same / valid, 1 differences found (or apply refused, or no match),
2 invalid input or usage. An unexpected error is one clear line, never a bare traceback.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence

from hostgen import __version__
from hostgen.errors import HostgenError

# Each module in hostgen.commands provides `register(subparsers)`, which adds its parser and
# sets `func` (a callable taking the parsed args and returning the exit code).
COMMANDS = ("render", "check", "diff", "apply", "route", "pattern", "dns", "schema", "import")
#: a command whose name is a Python keyword lives in a module with a trailing underscore
_MODULES = {"import": "import_"}


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors already; keep that, and keep its message on stderr."""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or (`only`) one with just that sub-command's module imported: a
    command then does not pay for importing the others' dependencies (the simulator,
    cryptography, deepdiff), which is most of hostgen's start-up time."""
    parser = _Parser(
        prog="hostgen",
        description=(
            "Render an OpenBSD web and mail host's /etc files (httpd.conf, httpd.tls, "
            "mail/smtpd.conf, acme-client.conf, the enabling lines of rc.conf.local, "
            "dkimproxy_out.conf, resolv.conf) "
            "from one declarative site.yaml, and compare or apply them safely."
        ),
        epilog="Exit codes: 0 ok / no difference, 1 differences or refused, 2 invalid input.",
    )
    parser.add_argument("--version", action="version", version=f"hostgen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        if only is not None and name != only:
            sub.add_parser(name)
            continue
        module = importlib.import_module(f"hostgen.commands.{_MODULES.get(name, name)}")
        module.register(sub)
    return parser


def tune_gc() -> None:
    """A command is a short-lived process that builds many small objects (a 1000-vhost site is
    ~200,000 nodes, all alive until the end): the cyclic collector's default thresholds made it
    rescan them over and over, more than doubling load time and making it grow faster than
    the input. Collect far less often, as mypy does. At 100,000 a 1000-vhost `check` still
    spent 0.06 s in five young-generation passes over objects that all stay alive; at 400,000
    it makes none, and its peak memory stays 85 MB (benchmarks/bench_startup.py)."""
    gc.set_threshold(400_000, 50, 100)


def main(argv: Sequence[str] | None = None) -> int:
    tune_gc()
    words = list(sys.argv[1:] if argv is None else argv)
    first = next((word for word in words if not word.startswith("-")), None)
    parser = build_parser(first if first in COMMANDS else None)
    args = parser.parse_args(words)
    if getattr(args, "func", None) is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        code: int = args.func(args)
    except HostgenError as exc:
        print(exc.report(), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("hostgen: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        print(f"hostgen: {exc.filename or ''}: {exc.strerror or exc}".replace(": : ", ": "),
              file=sys.stderr)
        return 2
    return code


def run() -> int:
    """The `hostgen` command (console script and `python -m hostgen`): main(), then freeze what
    is left for the exit. The interpreter's last collections at exit scanned every object still
    referenced (the parsed site, the simulator table kept for check's second use): 0.18 s of a
    1000-vhost `check`. Frozen objects are only skipped by the cyclic collector; the standard
    streams are flushed and atexit handlers run as before. Not in main(), which the tests call
    many times in one process."""
    code = main()
    gc.freeze()
    return code
