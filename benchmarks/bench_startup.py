"""Start-up: wall time of whole commands in fresh processes, side by side with the import floor.

    .venv/bin/python benchmarks/bench_startup.py [--rounds N] [--vhosts N]

The floor is `python -c 'import pydantic, jinja2, ruamel.yaml'`: what any command that loads,
validates and renders a site must pay before hostgen's own code runs. Measured in the same run
as `hostgen render` and `hostgen check` of the shipped site.yaml (the story host) and of a
generated site (benchmarks/gen_site.py, 1000 vhosts by default). The commands run interleaved,
one of each per round, so a busy machine slows them alike; each figure is the best of its
rounds (what the machine can do, the noise of other processes removed), and the ratio is to the
floor's best. Wall time is what a user waits; CPU time (user + system of the process) is also
shown because it barely moves when other processes share the cores. Targets (issue 14): the
story within 1.5x of the floor, 1000 vhosts within 5x. A reference line shows what the
smallest pydantic model costs, built and validated, on top of the same floor.

A first round, not counted, runs as a user's first command does: Python's bytecode caches are
written (PYTHONDONTWRITEBYTECODE is dropped for the children, as a pip install compiles them
anyway) and so is hostgen's compiled-template cache (in a folder of the run, not ~/.cache).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from gen_site import site_yaml  # noqa: E402

FLOOR = [sys.executable, "-c", "import pydantic, jinja2, ruamel.yaml"]
# What any use of a pydantic model costs on top of the floor: `import pydantic` is lazy, and the
# first model class built pulls in pydantic's model machinery (pydantic.main, fields, the schema
# generator, annotated_types, the plugin loader). A reference line, not a target: it shows how
# much of a ratio no site.yaml validated by pydantic models can go below.
ONE_MODEL = [sys.executable, "-c", "import pydantic, jinja2, ruamel.yaml\n"
             "class A(pydantic.BaseModel):\n    x: int\nA.model_validate({'x': 1})"]
HOSTGEN = [sys.executable, "-m", "hostgen"]


def commands(folder: Path, vhosts: int) -> dict[str, tuple[list[str], float]]:
    """name -> (argv, target ratio to the floor)."""
    big = folder / "site.yaml"
    big.write_text(site_yaml(vhosts))
    story = REPO / "site.yaml"
    return {
        "floor (import pydantic, jinja2, ruamel.yaml)": (FLOOR, 1.0),
        "reference: + one pydantic model, validated": (ONE_MODEL, 0.0),
        "render story site.yaml": ([*HOSTGEN, "render", str(story), "--out",
                                    str(folder / "story")], 1.5),
        "check story site.yaml": ([*HOSTGEN, "check", str(story)], 1.5),
        f"render {vhosts} vhosts": ([*HOSTGEN, "render", str(big), "--out",
                                     str(folder / "big")], 5.0),
        f"check {vhosts} vhosts": ([*HOSTGEN, "check", str(big)], 5.0),
    }


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of `argv` in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, cwd=REPO, check=False, env=env)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}:\n"
                         f"{done.stdout.decode()}{done.stderr.decode()}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--vhosts", type=int, default=1000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
        table = commands(Path(tmp), args.vhosts)
        for command, _target in table.values():
            run_once(command, env)   # warm-up: bytecode and template caches
        wall: dict[str, list[float]] = {name: [] for name in table}
        cpu: dict[str, list[float]] = {name: [] for name in table}
        for _ in range(args.rounds):
            for name, (command, _target) in table.items():
                seconds, used = run_once(command, env)
                wall[name].append(seconds)
                cpu[name].append(used)
    floor_wall, floor_cpu = min(next(iter(wall.values()))), min(next(iter(cpu.values())))
    print(f"{'command':<44} {'wall s':>7} {'median':>7} {'x floor':>8} {'cpu s':>7} "
          f"{'x floor':>8} {'target':>7}")
    for name, (_command, target) in table.items():
        best, used = min(wall[name]), min(cpu[name])
        ratio = best / floor_wall
        verdict = "" if not target or name.startswith("floor") else \
            ("ok" if ratio <= target else "MISSED")
        print(f"{name:<44} {best:>7.3f} {statistics.median(wall[name]):>7.3f} {ratio:>7.2f}x "
              f"{used:>7.3f} {used / floor_cpu:>7.2f}x "
              f"{f'{target:.1f}x' if target else '':>7} {verdict}")
    print(f"best (and median wall) of {args.rounds} rounds, each command in a fresh process; "
          "ratios are to the floor's best; the verdict reads the wall-time ratio")

if __name__ == "__main__":
    main(sys.argv[1:])
