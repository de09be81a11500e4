"""Time load, validate, render and write, and peak memory, for sites of N vhosts.

    .venv/bin/python benchmarks/bench_render.py [N ...]     (default: 10 100 1000 5000)

Each N runs in a fresh interpreter so peak memory is its own. "import" is the time to import
hostgen and its dependencies (pydantic, jinja2, ruamel.yaml), the floor of any command.
"render" is the first render of the process, as a command does it (templates loaded from the
bytecode cache); "best" is the fastest of five more renders of the same site, in CPU time, the
figure least disturbed by other work on the machine (the target for 1000 vhosts: under 0.08 s).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def measure(n: int) -> dict[str, float]:
    """Runs in the child interpreter."""
    started = time.perf_counter()
    from hostgen.cli import tune_gc
    from hostgen.host.files import write_atomic
    from hostgen.render.outputs import render
    from hostgen.site.loader import load_text
    from hostgen.site.validate import validate
    imported = time.perf_counter()

    sys.path.insert(0, str(HERE))
    from gen_site import site_yaml

    tune_gc()  # as the command line does
    text = site_yaml(n)
    t0 = time.perf_counter()
    loaded = load_text(text)
    t1 = time.perf_counter()
    site, problems = validate(loaded)
    assert site is not None and not [p for p in problems if p.level == "error"], problems[:3]
    t2 = time.perf_counter()
    outputs = render(site)
    t3 = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        for name, output in outputs.items():
            write_atomic(Path(out) / "etc" / name, output.text)
    t4 = time.perf_counter()
    import resource
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # before the repeats
    best = float("inf")
    for _ in range(5):
        c0 = time.process_time()
        render(site)
        best = min(best, time.process_time() - c0)
    return {"n": n, "lines": text.count("\n"), "import": imported - started, "load": t1 - t0,
            "validate": t2 - t1, "render": t3 - t2, "best": best, "write": t4 - t3,
            "total": t4 - t0, "peak_mib": peak_mib}


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        print(json.dumps(measure(int(argv[1]))))
        return
    sizes = [int(a) for a in argv] or [10, 100, 1000, 5000]
    print(f"{'vhosts':>6} {'yaml lines':>10} {'import':>8} {'load':>8} {'validate':>8} "
          f"{'render':>8} {'best':>8} {'write':>8} {'total':>8} {'peak MiB':>9}")
    for n in sizes:
        child = subprocess.run([sys.executable, __file__, "--child", str(n)], check=True,
                               capture_output=True, text=True)
        r = json.loads(child.stdout)
        print(f"{r['n']:>6} {r['lines']:>10} {r['import']:>8.3f} {r['load']:>8.3f} "
              f"{r['validate']:>8.3f} {r['render']:>8.3f} {r['best']:>8.3f} {r['write']:>8.3f} "
              f"{r['total']:>8.3f} "
              f"{r['peak_mib']:>9.1f}")
    print("times in seconds; total = load + validate + render + write (import excluded); "
          "best: CPU time")


if __name__ == "__main__":
    main(sys.argv[1:])
