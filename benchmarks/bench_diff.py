"""Time `hostgen diff` and `hostgen diff --semantic` of a large site against a live root.

    .venv/bin/python benchmarks/bench_diff.py [N]        (default: 1000 vhosts; target < 1 s)

The site (benchmarks/gen_site.py: N vhosts of 10 locations, TLS, so 2N server blocks) is
rendered into a fake root, which is then made to look lived-in: one redirect changed in
httpd.conf, rc.conf.local with other daemons' lines, resolv.conf with resolvd's lines. Figures:
the wall time of the whole command in a fresh interpreter (best of 3, what a user waits), and
in-process phases (load + validate + render, read the root, compare) to show where it goes.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from gen_site import site_yaml  # noqa: E402

from hostgen.cli import main  # noqa: E402


def build(folder: Path, n: int) -> tuple[Path, Path]:
    site = folder / "site.yaml"
    site.write_text(site_yaml(n))
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["render", str(site), "--out", str(folder)]) == 0
    root = folder / "etc"
    conf = root / "httpd.conf"
    conf.write_text(conf.read_text().replace("https://site7.example.org/new/",
                                             "http://site7.example.org/old/", 1))
    (root / "rc.conf.local").write_text("# by hand\npkg_scripts=dkimproxy_out\nhttpd_flags=\n"
                                        "spamd_flags=-v\nsmtpd_flags=\n")
    resolv = root / "resolv.conf"
    resolv.write_text("nameserver 192.0.2.1 # resolvd: em0\n" + resolv.read_text())
    return site, root


def wall(argv: list[str], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "hostgen", *argv], capture_output=True,
                              cwd=HERE.parent, check=False)
        best = min(best, time.perf_counter() - started)
        assert done.returncode == 1, done.stderr
    return best


def phases(site: Path, root: Path, semantic: bool) -> dict[str, float]:
    from hostgen.commands import diff
    from hostgen.commands._common import load
    from hostgen.host.liveview import read_root
    from hostgen.render.outputs import render

    t0 = time.perf_counter()
    outputs = render(load(str(site)).site)
    t1 = time.perf_counter()
    live = read_root(root, outputs.values())
    t2 = time.perf_counter()
    found = diff.compare_semantic(live, root) if semantic else diff.compare_text(live)
    t3 = time.perf_counter()
    assert any(found.values())
    return {"render": t1 - t0, "read": t2 - t1, "compare": t3 - t2}


def report(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site, root = build(Path(tmp), n)
        blocks = (root / "httpd.conf").read_text().count("\nserver ")
        print(f"site: {n} vhosts, {blocks} server blocks, "
              f"httpd.conf {(root / 'httpd.conf').stat().st_size // 1024} KiB")
        print(f"{'command':<28} {'wall (s)':>9} {'render':>8} {'read':>8} {'compare':>8}")
        rows = [("hostgen diff", []), ("hostgen diff --semantic", ["--semantic"])]
        for label, extra in rows:
            row(label, site, root, extra)
        # hand edits far apart: the semantic diff still parses only the blocks around them
        # (httpd_delta leaves out the blocks in every run of shared lines)
        conf = root / "httpd.conf"
        text = conf.read_text().replace('root "/htdocs/site3"', 'root "/htdocs/other"', 1)
        last = text.rindex(f'server "site{n - 10}.example.org"')
        private = '"/private/*" {\n\t\tblock'
        conf.write_text(text[:last] + text[last:].replace(private, f"{private} drop", 1))
        print("the same root with two more edits, at the start and near the end:")
        for label, extra in rows:
            row(label, site, root, extra)
        print("wall: a fresh `python -m hostgen` process, best of 3, imports included; "
              "phases: in-process, seconds")


def row(label: str, site: Path, root: Path, extra: list[str]) -> None:
    seconds = wall(["diff", str(root), "--site", str(site), *extra])
    p = phases(site, root, bool(extra))
    print(f"{label:<28} {seconds:>9.3f} {p['render']:>8.3f} {p['read']:>8.3f} "
          f"{p['compare']:>8.3f}")


if __name__ == "__main__":
    report(int(sys.argv[1]) if sys.argv[1:] else 1000)
