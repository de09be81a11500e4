"""Time hostgen.live.httpd `parse` and `to_semantic` on the httpd.conf of a rendered site, and
what `hostgen check` does with that parse: the simulator's table and the lints.

    .venv/bin/python benchmarks/bench_parse.py [N]     (default: 1000 vhosts; targets: parse
                                                        < 0.35 s, to_semantic < 0.1 s)

The site (benchmarks/gen_site.py: N vhosts of 10 locations, TLS: N server blocks, each
including httpd.tls) is loaded, validated and rendered as `hostgen render` does (with the
command line's GC tuning); its httpd.conf is then parsed with the rendered httpd.tls as the
include. Then `build_table` of that parse, and `check_lints` of the site once its table is
known (the redirect-loop lint's simulated requests and the per-server lints); parse + table +
lints is what `check_lints` costs beyond rendering. Best of 5 runs each. The lints line also
counts the requests the redirect-loop lint simulates, and divides its time by them (an upper
bound per request: the per-server lints are in that time too).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from gen_site import site_yaml  # noqa: E402

from hostgen.checks import lints  # noqa: E402
from hostgen.checks.lints import check_lints  # noqa: E402
from hostgen.cli import tune_gc  # noqa: E402
from hostgen.httpd.simulate.sources import site_table  # noqa: E402
from hostgen.httpd.simulate.table import build_table  # noqa: E402
from hostgen.live import httpd  # noqa: E402
from hostgen.render.outputs import render  # noqa: E402
from hostgen.site.loader import load_text  # noqa: E402
from hostgen.site.model import Site  # noqa: E402
from hostgen.site.validate import validate  # noqa: E402


def best(function: Callable[[], object], runs: int = 5) -> float:
    """The fastest of `runs` calls; each result is kept until all are done, so that freeing
    it is not timed (a command keeps its parse until it exits)."""
    fastest = float("inf")
    results = []
    for _ in range(runs):
        started = time.perf_counter()
        results.append(function())
        fastest = min(fastest, time.perf_counter() - started)
    return fastest


def main(n: int) -> None:
    tune_gc()  # as the command line does
    site, problems = validate(load_text(site_yaml(n)))
    assert site is not None, problems[:3]
    outputs = render(site)
    text = outputs["httpd.conf"].text
    includes = {f"/etc/{name}": output.text for name, output in outputs.items()}

    def parse() -> httpd.HttpdConfig:
        return httpd.parse(text, "/etc/httpd.conf", read_include=includes.__getitem__)

    config = parse()
    parse_s = best(parse)
    semantic_s = best(lambda: httpd.to_semantic(config))
    table_s = best(lambda: build_table(config))
    site_table(site)  # rendered and parsed once more, then kept: the lints read it from there
    lints_s = best(lambda: check_lints(site))
    requests = simulated_requests(site)
    print(f"httpd.conf: {len(text) / 1024:.0f} KiB, {text.count(chr(10))} lines, "
          f"{len(config.servers)} server blocks")
    print(f"parse        {parse_s:8.3f} s   (target < 0.35)")
    print(f"to_semantic  {semantic_s:8.3f} s   (target < 0.1)")
    print(f"build_table  {table_s:8.3f} s")
    print(f"lints        {lints_s:8.3f} s   (check_lints with the table known: {requests} "
          f"simulated requests, {lints_s / max(requests, 1) * 1e6:.0f} us each at most)")
    print(f"check_lints  {parse_s + table_s + lints_s:8.3f} s   (parse + table + lints: all "
          "but the render)")


def simulated_requests(site: Site) -> int:
    """How many requests the redirect-loop lint simulates (one more check_lints, counted)."""
    count = 0
    original = lints.simulate

    def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal count
        count += 1
        return original(*args, **kwargs)

    lints.simulate = counted
    try:
        check_lints(site)
    finally:
        lints.simulate = original
    return count


if __name__ == "__main__":
    main(int(sys.argv[1]) if sys.argv[1:] else 1000)
