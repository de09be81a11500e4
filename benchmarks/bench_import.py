"""Time `hostgen import` of a large live root.

    .venv/bin/python benchmarks/bench_import.py [N]      (default: 1000 vhosts; target < 1.5 s)

The site (benchmarks/gen_site.py: N vhosts of 10 locations, TLS, so 2N server blocks) is
rendered into a fake root, which `hostgen import` then reads back into a new site.yaml. Figures:
the wall time of the whole command in a fresh interpreter (best of 3, what a user waits), and
in-process phases (parse httpd.conf, build the document, validate it, write it) to show where
the time goes.
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


def build(folder: Path, n: int) -> Path:
    site = folder / "site.yaml"
    site.write_text(site_yaml(n))
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["render", str(site), "--out", str(folder)]) == 0
    (folder / "etc" / "myname").write_text("www.example.org\n")
    return folder / "etc"


def wall(root: Path, out: Path, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "hostgen", "import", str(root), "--out",
                               str(out), "--force"], capture_output=True, cwd=HERE.parent,
                              check=False)
        best = min(best, time.perf_counter() - started)
        assert done.returncode == 0, done.stderr   # a rendered site imports exactly
    return best


def phases(root: Path, out: Path) -> dict[str, float]:
    from hostgen.adopt import etc
    from hostgen.adopt.result import dump

    t0 = time.perf_counter()
    read = etc.read_httpd(root, "7.9")
    t1 = time.perf_counter()
    validation = etc._validation
    etc._validation = lambda document: []   # timed on its own below
    try:
        adopted = etc.adopt_root(root)
    finally:
        etc._validation = validation
    t2 = time.perf_counter()
    validation(adopted.document)
    t3 = time.perf_counter()
    out.write_text(dump(adopted.document))
    t4 = time.perf_counter()
    assert read is not None
    return {"parse": t1 - t0, "adopt": t2 - t1 - (t1 - t0), "validate": t3 - t2,
            "write": t4 - t3}


def report(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = build(Path(tmp), n)
        out = Path(tmp) / "imported.yaml"
        blocks = (root / "httpd.conf").read_text().count("\nserver ")
        print(f"site: {n} vhosts, {blocks} server blocks, "
              f"httpd.conf {(root / 'httpd.conf').stat().st_size // 1024} KiB")
        seconds = wall(root, out)
        p = phases(root, out)
        print(f"{'command':<16} {'wall (s)':>9} {'parse':>8} {'adopt':>8} {'validate':>9} "
              f"{'write':>8}")
        print(f"{'hostgen import':<16} {seconds:>9.3f} {p['parse']:>8.3f} {p['adopt']:>8.3f} "
              f"{p['validate']:>9.3f} {p['write']:>8.3f}")
        print("wall: a fresh `python -m hostgen` process, best of 3, imports included; "
              "phases: in-process, seconds (adopt excludes its own parse)")


if __name__ == "__main__":
    report(int(sys.argv[1]) if sys.argv[1:] else 1000)
