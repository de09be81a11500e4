"""hostgen diff: the live files under ROOT against what apply would write there."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hostgen.commands._common import (
    add_root_arguments,
    add_site_argument,
    add_templates_argument,
    load,
)
from hostgen.host import state as statefile
from hostgen.host.diffing import colorize, unified, wants_color
from hostgen.host.files import check_root
from hostgen.host.liveview import LiveFile, include_reader, read_root
from hostgen.render.outputs import render

DESCRIPTION = """\
Compare every file SITE describes with the live file under ROOT (default /etc), as a unified
diff per file (--- ROOT/NAME, +++ rendered), then one summary line. Only what hostgen owns is
compared: hostgen's lines of rc.conf.local (every other line is context), and the lines
of resolv.conf that resolvd(8) does not manage. A missing live file is shown as a new file.
A file changed on the host since the last apply is marked with a "#" line: apply refuses to
overwrite it without --force.

--semantic compares what the files mean instead of their text, in words: reformatting and
reordering that httpd, spamd or the resolver do not care about is no difference; reordered
locations (the first match wins) and nameservers (tried in turn) are.

examples:
  hostgen diff                          # against /etc, with ./site.yaml
  hostgen diff /mnt/backup/etc --semantic
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("diff", help="compare the rendered files with the live ones",
                            description=DESCRIPTION,
                            formatter_class=argparse.RawDescriptionHelpFormatter,
                            epilog="exit codes: 0 no difference, 1 differences, "
                                   "2 invalid input or unreadable ROOT")
    add_root_arguments(parser)
    add_site_argument(parser, positional=False, host=True)
    parser.add_argument("--semantic", action="store_true",
                        help="compare meaning (parsed structures), not text")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="colour the diff (default: auto, when writing to a terminal)")
    add_templates_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root: Path = args.root
    check_root(root)
    outputs = render(load(args.site, args.host).site, args.templates)
    live = read_root(root, outputs.values())
    state = statefile.load(args.state or statefile.default_path(root))
    color = wants_color(args.color, sys.stdout)
    found = compare_semantic(live, root) if args.semantic else compare_text(live)
    counts = {"changed": 0, "unchanged": 0, "missing": 0, "drifted": 0}
    for f in live:
        lines = found[f.name]
        if f.drifted(state):
            counts["drifted"] += 1
            lines = [f"# {f.path}: changed on the host since the last apply\n", *lines]
        counts["missing" if f.live is None else "changed" if found[f.name] else "unchanged"] += 1
        sys.stdout.writelines(colorize(lines) if color else lines)
    print(f"{counts['changed']} changed, {counts['unchanged']} unchanged, "
          f"{counts['missing']} missing, "
          f"{counts['drifted']} changed on the host since the last apply")
    return 1 if counts["changed"] or counts["missing"] else 0


def compare_text(live: list[LiveFile]) -> dict[str, list[str]]:
    """Per output, the unified diff of the live file into what apply would write."""
    return {f.name: unified(f.live, f.wanted, str(f.path)) if f.changed else [] for f in live}


def compare_semantic(live: list[LiveFile], root: Path) -> dict[str, list[str]]:
    """Per output, its differences in meaning. Both sides are read with the same include
    reader: a fragment's content is compared once, as the fragment itself, not again in every
    server of httpd.conf that includes it."""
    from hostgen.host import (
        httpd_delta,  # deepdiff and the parsers: for --semantic only
        semantic,
    )

    reader = include_reader(root, {f.name: f.wanted for f in live})
    # the outline httpd_delta reads is the layout of hostgen's own httpd templates
    shipped = all(f.output.shipped for f in live if f.name.startswith("httpd."))
    found: dict[str, list[str]] = {}
    for f in live:
        rendered = f"{f.path} (rendered)"
        pair = None
        if f.live is None:
            lines = [f"{f.name}: new file"]
        elif f.live == f.wanted:
            lines = []   # the same text, read with the same includes, means the same
        else:
            if f.name == "httpd.conf" and shipped:
                pair = httpd_delta.structures(f.live, f.wanted, str(f.path), rendered, reader)
            if pair is None:
                pair = (semantic.structure(f.name, f.live, str(f.path), reader),
                        semantic.structure(f.name, f.wanted, rendered, reader))
            lines = semantic.changes(f.name, *pair)
        found[f.name] = [f"{line}\n" for line in lines]
    return found
