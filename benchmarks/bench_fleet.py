"""Time a fleet: check and render of HOSTS hosts x VHOSTS vhosts in one process, and the
Ansible module's check-mode run against `ansible-playbook --check --diff` with the plain
`template` module on the same files.

    .venv/bin/python benchmarks/bench_fleet.py [--hosts 50] [--vhosts 20] [--ansible-hosts 10]

The fleet: every host includes one shared file (release, resolver, TLS materials, FastCGI,
DKIM settings) and writes its own VHOSTS servers of 10 locations each (gen_site's server).
The Ansible part runs local hosts (connection local) onto fake roots that already hold the
files; then the shared file changes, so both playbooks find one difference per host to show.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from gen_site import SERVER  # noqa: E402

COMMON = """\
host: {openbsd: "7.6"}
resolver: {nameservers: ["::1"], fallback: [192.0.2.53]}
tls:
  web: {certificate: /etc/ssl/web.crt, key: /etc/ssl/private/web.key}
fastcgi:
  php: {socket: /run/php-fpm.sock}
dkimproxy:
  listen: 127.0.0.1:10027
  relay: 127.0.0.1:10028
  domains: [example.org]
  keyfile: /etc/mail/dkim/private.key
"""


def host_yaml(number: int, vhosts: int) -> str:
    servers = "".join(SERVER.format(i=f"{number}x{i}") for i in range(vhosts))
    return (f"include: [../common/base.yaml]\nhost: {{name: host{number}.example.org}}\n"
            f"dkimproxy: {{selector: host{number}}}\nhttpd:\n  tls: web\n  servers:\n"
            + servers)


def make_fleet(folder: Path, hosts: int, vhosts: int) -> Path:
    (folder / "common").mkdir(parents=True)
    (folder / "hosts").mkdir()
    (folder / "common" / "base.yaml").write_text(COMMON)
    for number in range(hosts):
        (folder / "hosts" / f"host{number}.yaml").write_text(host_yaml(number, vhosts))
    return folder / "hosts"


def timed_command(argv: list[str]) -> tuple[float, int]:
    from hostgen.cli import main

    sink = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        code = main(argv)
    elapsed = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"hostgen {' '.join(argv)} failed ({code}):\n{sink.getvalue()[:2000]}")
    return elapsed, code


def bench_commands(hosts: int, vhosts: int, imported: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = make_fleet(Path(tmp) / "fleet", hosts, vhosts)
        lines = sum(p.read_text().count("\n") for p in folder.parent.rglob("*.yaml"))
        here = os.getcwd()
        os.chdir(folder.parent)
        try:
            check, _ = timed_command(["check", "hosts/"])
            render, _ = timed_command(["render", "hosts/", "--out", str(Path(tmp) / "build")])
        finally:
            os.chdir(here)
        written = sum(1 for p in (Path(tmp) / "build").rglob("*") if p.is_file())
    print(f"fleet of {hosts} hosts x {vhosts} vhosts ({lines} YAML lines), one process "
          f"(importing hostgen.cli: {imported:.2f} s, not counted):")
    per = 1000 / hosts
    print(f"  hostgen check hosts/            {check:7.2f} s  ({check * per:6.1f} ms/host; "
          "lints and the request simulator included)")
    print(f"  hostgen render hosts/ --out DIR {render:7.2f} s  ({render * per:6.1f} ms/host; "
          f"{written} files written)")


# ---- Ansible -------------------------------------------------------------------------------

HOSTGEN_PLAY = """\
- hosts: fleet
  gather_facts: false
  tasks:
    - hostgen.openbsd.site:
        site: hosts/{{ inventory_hostname }}.yaml
        root: "{{ fake_root }}/etc"
"""

TEMPLATE_PLAY = """\
- hosts: fleet
  gather_facts: false
  tasks:
    - ansible.builtin.template:
        src: "build/{{ inventory_hostname }}.example.org/etc/{{ item }}"
        dest: "{{ fake_root }}/etc/{{ item }}"
      loop: [dkimproxy_out.conf, httpd.conf, httpd.tls, resolv.conf]
"""


def playbook(folder: Path, play: str, *options: str) -> float:
    (folder / "play.yml").write_text(play)
    home = folder / "home"
    home.mkdir(exist_ok=True)
    env = {**os.environ, "HOME": str(home), "ANSIBLE_LOCAL_TEMP": str(home / "tmp"),
           "ANSIBLE_COLLECTIONS_PATH": str(REPO), "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORKS": "10"}
    binary = Path(sys.executable).parent / "ansible-playbook"
    started = time.perf_counter()
    done = subprocess.run([str(binary), "-i", "inventory", "play.yml", *options], cwd=folder,
                          env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"ansible-playbook failed:\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    return elapsed


def bench_ansible(hosts: int, vhosts: int) -> None:
    if not (Path(sys.executable).parent / "ansible-playbook").exists():
        print("ansible: skipped (install ansible-core)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "fleet"
        make_fleet(folder, hosts, vhosts)
        python = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable
        lines = ["[fleet]"] + [f"host{n} fake_root={folder}/roots/host{n}" for n in range(hosts)]
        lines += ["[fleet:vars]", "ansible_connection=local",
                  f"ansible_python_interpreter={python}"]
        (folder / "inventory").write_text("\n".join(lines) + "\n")
        here = os.getcwd()
        os.chdir(folder)
        try:
            timed_command(["render", "hosts/", "--out", "build"])
            for n in range(hosts):
                shutil.copytree(folder / "build" / f"host{n}.example.org",
                                folder / "roots" / f"host{n}")
        finally:
            os.chdir(here)
        playbook(folder, HOSTGEN_PLAY)   # records hostgen's state; the files are the same
        # the shared file changes: resolv.conf differs on every host, for both playbooks
        base = folder / "common" / "base.yaml"
        base.write_text(base.read_text().replace("192.0.2.53", "192.0.2.55"))
        shutil.rmtree(folder / "build")
        os.chdir(folder)
        try:
            timed_command(["render", "hosts/", "--out", "build"])
        finally:
            os.chdir(here)
        figures = []
        for name, play in (("hostgen.openbsd.site", HOSTGEN_PLAY),
                           ("ansible.builtin.template", TEMPLATE_PLAY)):
            runs = [playbook(folder, play, "--check", "--diff") for _ in range(2)]
            figures.append((name, min(runs)))
    print(f"ansible-playbook --check --diff, {hosts} local hosts x {vhosts} vhosts, one file "
          "different per host (best of 2):")
    for name, seconds in figures:
        print(f"  {name:<26} {seconds:7.2f} s")
    print("  (the module validates and renders each host on the controller, reads the live "
          "files through the host, and checks the staged set there; template only compares "
          "pre-rendered files)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--vhosts", type=int, default=20)
    parser.add_argument("--ansible-hosts", type=int, default=10)
    args = parser.parse_args()
    started = time.perf_counter()
    from hostgen.cli import tune_gc  # the floor of any command, kept out of the figures
    imported = time.perf_counter() - started

    tune_gc()
    bench_commands(args.hosts, args.vhosts, imported)
    if args.ansible_hosts:
        bench_ansible(args.ansible_hosts, args.vhosts)


if __name__ == "__main__":
    main()
