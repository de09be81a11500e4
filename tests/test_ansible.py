"""The Ansible collection driven by the real ansible-playbook, onto fake roots.

One playbook (the README's task, plus one that keeps each host's result), run against local
hosts of the example fleet (connection local; the host side runs with the system's Python,
where hostgen is not installed). The scenarios share runs to keep the suite fast: each run
is a few seconds, and every host of a run plays its own scenario.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from hostgen.cli import main
from hostgen.host import state as statefile
from hostgen.render.outputs import render
from hostgen.site.load import load_site

REPO = Path(__file__).resolve().parent.parent
PLAYBOOK_BIN = Path(sys.executable).parent / "ansible-playbook"
HOST_PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable

pytestmark = pytest.mark.skipif(
    not PLAYBOOK_BIN.exists() and shutil.which("ansible-playbook") is None,
    reason="install ansible-core (pip install ansible-core) for ansible-playbook")

PLAYBOOK = """\
- hosts: fleet
  gather_facts: false
  tasks:
    - name: configure the host from the fleet repository
      hostgen.openbsd.site:
        site: hosts/{{ inventory_hostname }}.yaml   # on the controller
        root: "{{ fake_root }}/etc"
        force: "{{ force | default(false) }}"
        validate_httpd: "{{ validate_httpd | default(omit) }}"
      register: hostgen
      ignore_errors: true
      notify: reload changed services
    - name: keep the result
      ansible.builtin.copy:
        content: "{{ hostgen | to_nice_json }}"
        dest: "{{ results }}/{{ inventory_hostname }}.json"
      check_mode: false
      changed_when: false
  handlers:
    - name: reload changed services
      ansible.builtin.debug:
        msg: "{{ inventory_hostname }}: rcctl {{ item.action }} {{ item.name }}"
      loop: "{{ hostgen.services }}"
"""

SECRET = "c2VjcmV0IGtleSBtYXRlcmlhbA"

BAD_HOST = """\
include: [../common/base.yaml]
host:
  name: bad.example.org
httpd:
  servers:
    - name: bad.example.org
      root: htdocs/bad
      aliasses: [www.bad.example.org]
"""


class Fleet:
    """A copy of examples/fleet with a playbook, fake roots and a run helper."""

    def __init__(self, tmp: Path) -> None:
        self.dir = tmp / "fleet"
        shutil.copytree(REPO / "examples" / "fleet", self.dir)
        (self.dir / "hosts" / "bad.yaml").write_text(BAD_HOST)
        (self.dir / "site.yml").write_text(PLAYBOOK)
        self.roots = tmp / "roots"
        self.results = tmp / "results"
        self.home = tmp / "home"
        for path in (self.results, self.home):
            path.mkdir()
        for host in ("web1", "web2", "mx", "bad"):
            (self.roots / host / "etc").mkdir(parents=True)
            # the key the site names, where the host has it: never read, never shown
            key = self.roots / host / "etc/ssl/private/example.org.key"
            key.parent.mkdir(parents=True)
            key.write_text(f"-----BEGIN PRIVATE KEY-----\n{SECRET}\n-----END PRIVATE KEY-----\n")

    def etc(self, host: str) -> Path:
        return self.roots / host / "etc"

    def files(self, host: str) -> dict[str, str]:
        root = self.roots / host
        return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*"))
                if p.is_file() and p.name != "lock" and p.suffix != ".key"}

    def run(self, *options: str, host_vars: dict[str, str] | None = None
            ) -> tuple[str, dict[str, str], dict[str, dict[str, object]]]:
        """ansible-playbook's output, the recap line of each host, and each host's result."""
        lines = ["[fleet]"]
        for host in ("web1", "web2", "mx", "bad"):
            extra = (host_vars or {}).get(host, "")
            lines.append(f"{host} fake_root={self.roots / host} {extra}".rstrip())
        lines += ["[fleet:vars]", "ansible_connection=local",
                  f"ansible_python_interpreter={HOST_PYTHON}", f"results={self.results}"]
        (self.dir / "inventory").write_text("\n".join(lines) + "\n")
        for old in self.results.iterdir():
            old.unlink()
        env = {**os.environ, "HOME": str(self.home), "ANSIBLE_LOCAL_TEMP": str(self.home / "tmp"),
               "ANSIBLE_COLLECTIONS_PATH": str(REPO), "ANSIBLE_NOCOLOR": "1",
               "ANSIBLE_RETRY_FILES_ENABLED": "0", "ANSIBLE_FORKS": "4"}
        binary = str(PLAYBOOK_BIN) if PLAYBOOK_BIN.exists() else "ansible-playbook"
        done = subprocess.run([binary, "-i", "inventory", "site.yml", *options], cwd=self.dir,
                              env=env, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        assert SECRET not in done.stdout + done.stderr
        recap = dict(re.findall(r"^(\w+)\s+: (ok=.*?)\s*$", done.stdout, re.MULTILINE))
        results = {p.stem: json.loads(p.read_text()) for p in self.results.glob("*.json")}
        assert not any(SECRET in p.read_text() for p in self.results.glob("*.json"))
        return done.stdout, recap, results


def rendered(tmp: Path, fleet: Fleet, capsys: pytest.CaptureFixture[str]) -> Path:
    """hostgen render of the same fleet: what the hosts must hold after an apply."""
    here = os.getcwd()
    os.chdir(fleet.dir)
    try:
        (fleet.dir / "hosts" / "bad.yaml").rename(tmp / "bad.yaml")
        assert main(["render", "hosts/", "--out", str(tmp / "build")]) == 0
        (tmp / "bad.yaml").rename(fleet.dir / "hosts" / "bad.yaml")
    finally:
        os.chdir(here)
    capsys.readouterr()
    return tmp / "build"


def recap(changed: int, *, failed: int = 0, ignored: int = 0) -> str:
    return f"changed={changed}    unreachable=0    failed={failed}    skipped=0    " \
           f"rescued=0    ignored={ignored}"


def test_the_collection_applies_checks_diffs_and_refuses(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fleet = Fleet(tmp_path)
    build = rendered(tmp_path, fleet, capsys)

    # 1. first run, diff mode: every valid host written, files and services reported
    out, hosts, results = fleet.run("--diff")
    for host in ("web1", "web2", "mx"):
        assert hosts[host].endswith(recap(1)), hosts[host]
        etc = fleet.etc(host)
        assert results[host]["changed"] is True
        expected = build / f"{host}.example.org" / "etc"
        names = [p.relative_to(expected) for p in expected.rglob("*") if p.is_file()]
        assert {str(etc / name) for name in names} == set(results[host]["files"])
        for name in names:
            assert (etc / name).read_text() == (expected / name).read_text()
    outputs = render(load_site(fleet.dir / "hosts/web1.yaml").site)
    needs = dict.fromkeys((o.service, o.action) for o in outputs.values() if o.service)
    assert results["web1"]["services"] == [
        {"name": service, "action": action, "command": f"rcctl {action} {service}"}
        for service, action in needs]
    assert ("httpd", "reload") in needs
    assert "web1: rcctl reload httpd" in out and "mx: rcctl restart spamd" in out
    assert f"--- before: {fleet.etc('web1')}/httpd.conf (new file)\n" in out
    assert f"+++ after: {fleet.etc('web1')}/httpd.conf (rendered)\n" in out
    assert '+server "blog.example.org" {\n' in out
    # the state is hostgen apply's own: hostgen diff on the host agrees
    state = statefile.load(fleet.roots / "web1" / "var/db/hostgen/state.json")
    web1 = build / "web1.example.org/etc"
    assert sorted(state.files) == sorted(str(fleet.etc("web1") / p.relative_to(web1))
                                         for p in web1.rglob("*") if p.is_file())
    # the invalid host: positioned problems (relative to the playbook), nothing written
    assert hosts["bad"].endswith(recap(0, failed=0, ignored=1))
    assert results["bad"]["failed"] is True
    assert results["bad"]["problems"] == [
        'hosts/bad.yaml:7:13: error: expected an absolute path starting with "/", got '
        '"htdocs/bad"',
        'hosts/bad.yaml:8:7: error: unknown key "aliasses" (did you mean "aliases"?)']
    assert "hosts/bad.yaml:7:13: error" in out
    assert fleet.files("bad") == {}

    # 2. a hand edit on web1, a change of web2's site, then check mode with diff
    before = {host: fleet.files(host) for host in ("web1", "web2", "mx")}
    hand = fleet.etc("web1") / "httpd.conf"
    hand.write_text(hand.read_text() + "# tuned by hand\n")
    before["web1"] = fleet.files("web1")
    site = fleet.dir / "hosts" / "web2.yaml"
    site.write_text(site.read_text().replace("root: /htdocs/staging", "root: /htdocs/next"))
    out, hosts, results = fleet.run("--check", "--diff")
    assert {host: fleet.files(host) for host in ("web1", "web2", "mx")} == before
    assert results["web1"]["failed"] is True
    assert results["web1"]["msg"] == (
        f"{hand} was changed on the host since the last apply; see the change with "
        f"'hostgen diff {fleet.etc('web1')}' on the host (or this task in check and diff mode), "
        "fold it into the site, or overwrite it with force: true; nothing written")
    assert results["web2"]["changed"] is True
    assert results["web2"]["files"] == [f"{fleet.etc('web2')}/httpd.conf"]
    assert results["web2"]["msg"] == f"would write {fleet.etc('web2')}/httpd.conf"
    assert '-\troot "/htdocs/staging"\n+\troot "/htdocs/next"\n' in out
    assert hosts["web2"].endswith(recap(1)) and hosts["mx"].endswith(recap(0))
    assert "web2: rcctl reload httpd" in out   # handlers run in check mode too, as Ansible does

    # 3. for real: web1 still refused, web2 applied (with a backup), mx unchanged (changed=0)
    out, hosts, results = fleet.run()
    assert hosts["web1"].endswith(recap(0, ignored=1)) and results["web1"]["failed"] is True
    assert results["web1"]["drifted"] == [str(hand)]
    assert hosts["mx"].endswith(recap(0)) and results["mx"]["msg"] == "nothing to do"
    assert "mx: rcctl" not in out
    assert fleet.files("web1") == before["web1"]
    assert hosts["web2"].endswith(recap(1))
    assert 'root "/htdocs/next"' in (fleet.etc("web2") / "httpd.conf").read_text()
    [saved] = results["web2"]["backups"].values()
    assert Path(str(saved)).parent == fleet.roots / "web2" / "var/db/hostgen/backups"
    assert 'root "/htdocs/staging"' in Path(str(saved)).read_text()

    # 4. web1 with force: overwritten, said in a warning; web2 changed again but its
    #    validator fails: refused, nothing written
    site.write_text(site.read_text().replace("root: /htdocs/next", "root: /htdocs/third"))
    web2 = fleet.files("web2")
    out, hosts, results = fleet.run(host_vars={
        "web1": "force=true",
        "web2": "validate_httpd='sh -c \"echo httpd says no >&2; exit 1\"'"})
    assert results["web1"]["changed"] is True
    assert hand.read_text() == (build / "web1.example.org/etc/httpd.conf").read_text()
    assert f"overwriting {hand}, changed on the host since the last apply (force)" in \
        results["web1"]["warnings"]
    assert results["web2"]["failed"] is True
    assert results["web2"]["msg"].startswith("validator 'sh -c ")
    assert results["web2"]["msg"].endswith("failed (exit 1): httpd says no; nothing written")
    assert fleet.files("web2") == web2


def test_the_collection_builds_as_a_galaxy_artefact(tmp_path: Path) -> None:
    galaxy = Path(sys.executable).parent / "ansible-galaxy"
    binary = str(galaxy) if galaxy.exists() else shutil.which("ansible-galaxy")
    if binary is None:
        pytest.skip("install ansible-core (pip install ansible-core) for ansible-galaxy")
    source = REPO / "ansible_collections" / "hostgen" / "openbsd"
    done = subprocess.run([binary, "collection", "build", str(source), "--output-path",
                           str(tmp_path)], env={**os.environ, "HOME": str(tmp_path)},
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    [artefact] = tmp_path.glob("hostgen-openbsd-*.tar.gz")
    with tarfile.open(artefact) as tar:
        names = set(tar.getnames())
    assert {"README.md", "meta/runtime.yml", "plugins/action/site.py",
            "plugins/modules/site.py", "plugins/module_utils/hostgen_host.py"} <= names


def test_ansible_doc_reads_the_module_s_documentation(tmp_path: Path) -> None:
    doc = Path(sys.executable).parent / "ansible-doc"
    binary = str(doc) if doc.exists() else shutil.which("ansible-doc")
    if binary is None:
        pytest.skip("install ansible-core (pip install ansible-core) for ansible-doc")
    done = subprocess.run([binary, "--json", "hostgen.openbsd.site"], capture_output=True,
                          text=True, timeout=120, check=False,
                          env={**os.environ, "HOME": str(tmp_path),
                               "ANSIBLE_COLLECTIONS_PATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)["hostgen.openbsd.site"]
    assert sorted(found["doc"]["options"]) == ["force", "keep", "root", "site", "state",
                                               "templates", "validate_httpd", "validate_smtpd"]
    assert sorted(found["return"]) == ["backups", "changed", "diff", "files", "problems",
                                       "services"]
