"""The collection's two halves without Ansible: hostgen.host.remote plans on the controller,
module_utils/hostgen_host.py applies on the host; both keep hostgen apply's formats."""

from __future__ import annotations

import importlib.util
import os
import stat
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from hostgen.host import remote
from hostgen.host import state as statefile
from hostgen.host.files import backups_of, locked
from hostgen.render.outputs import render
from hostgen.site.load import load_site

REPO = Path(__file__).resolve().parent.parent
HOST_SIDE = REPO / "ansible_collections/hostgen/openbsd/plugins/module_utils/hostgen_host.py"
WEB1 = REPO / "examples/fleet/hosts/web1.yaml"
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def host_side() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hostgen_host", HOST_SIDE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


host = host_side()


def planned(root: Path) -> tuple[remote.RemotePlan, dict[str, Any]]:
    """What the action plugin does: render, read through the host side, plan."""
    outputs = render(load_site(WEB1).site)
    state = remote.default_state(str(root))
    seen = host.read(str(root), list(outputs), state)
    plan = remote.plan(outputs, str(root), seen["files"], state, seen["state"])
    return plan, {"root": str(root), "state": state, "keep": 2, **plan.apply_arguments()}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    etc = tmp_path / "etc"
    etc.mkdir()
    return etc


def test_first_apply_then_nothing_to_do_in_hostgen_s_own_formats(root: Path) -> None:
    (root / "httpd.conf").write_text("# old\n")
    os.chmod(root / "httpd.conf", 0o640)
    plan, args = planned(root)
    names = [f.name for f in plan.live]
    assert {"httpd.conf", "httpd.tls", "resolv.conf"} <= set(names)
    # every file written, httpd.conf after the fragments it includes
    assert [f.name for f in plan.changed] == [n for n in names if n != "httpd.conf"] + \
        ["httpd.conf"]
    assert {"name": "httpd", "action": "reload", "command": "rcctl reload httpd"} in \
        plan.services()
    done = host.apply(args, check_mode=False, now=NOW)
    backups = root.parent / "var/db/hostgen/backups"
    assert done["written"][-1] == {"path": str(root / "httpd.conf"),
                                   "backup": str(backups / "httpd.conf.20261206T120000Z")}
    assert stat.S_IMODE((root / "httpd.conf").stat().st_mode) == 0o640   # mode kept
    assert stat.S_IMODE((root / "resolv.conf").stat().st_mode) == 0o644   # a new file
    assert backups_of("httpd.conf", backups) == [backups / "httpd.conf.20261206T120000Z"]
    state = statefile.load(root.parent / "var/db/hostgen/state.json")
    for f in plan.live:
        assert state.files[str(f.path)] == [statefile.digest(f.owned_wanted)]
        assert (root / f.name).read_text() == f.wanted
    again, _ = planned(root)
    assert again.changed == [] and not again.needs_host()


def test_a_hand_edit_is_drift_and_is_diffed(root: Path) -> None:
    host.apply(planned(root)[1], check_mode=False, now=NOW)
    (root / "httpd.conf").write_text((root / "httpd.conf").read_text() + "# by hand\n")
    plan, _ = planned(root)
    assert [f.name for f in plan.drifted] == ["httpd.conf"]
    [diff] = plan.diffs()
    assert diff["before_header"] == f"{root}/httpd.conf"
    assert diff["after_header"] == f"{root}/httpd.conf (rendered)"
    assert diff["before"].endswith("# by hand\n") and not diff["after"].endswith("# by hand\n")


def test_a_file_changed_after_it_was_read_is_refused(root: Path) -> None:
    _, args = planned(root)
    (root / "resolv.conf").write_text("nameserver 192.0.2.1\n")
    with pytest.raises(host.HostError, match=r"resolv.conf changed on the host while this task "
                                             r"ran; nothing written, run it again"):
        host.apply(args, check_mode=False, now=NOW)
    assert sorted(p.name for p in root.iterdir()) == ["resolv.conf"]


def test_check_mode_and_a_failed_validator_write_nothing(root: Path, tmp_path: Path) -> None:
    _, args = planned(root)
    seen = tmp_path / "seen.conf"
    args["validate_httpd"] = f"sh -c 'cp \"$0\" {seen}' {{}}"
    done = host.apply(args, check_mode=True, now=NOW)
    assert done == {"written": [], "validated": [done["validated"][0]]}
    assert list(root.iterdir()) == []
    # the staged httpd.conf is checked with its include pointed at the staged fragment
    [include] = {line.strip() for line in seen.read_text().splitlines() if "include" in line}
    assert include.startswith('include "/') and include.endswith('/httpd.tls"')
    assert "/etc/httpd.tls" not in include and "hostgen-staged-" in include
    args["validate_httpd"] = "sh -c 'echo no >&2; exit 3'"
    with pytest.raises(host.HostError, match=r"failed \(exit 3\): no; nothing written$"):
        host.apply(args, check_mode=False, now=NOW)
    assert list(root.iterdir()) == []


def test_one_apply_at_a_time(root: Path) -> None:
    _, args = planned(root)
    with locked(root.parent / "var/db/hostgen/lock"), \
            pytest.raises(host.HostError, match="another hostgen apply is running"):
        host.apply(args, check_mode=False, now=NOW)
    assert list(root.iterdir()) == []


def test_a_symbolic_link_is_followed_and_kept(root: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.conf"
    real.write_text("# old\n")
    (root / "resolv.conf").symlink_to(real)
    host.apply(planned(root)[1], check_mode=False, now=NOW)
    assert (root / "resolv.conf").is_symlink()
    assert real.read_text().startswith("# Generated by hostgen")


SMTPD = Path("/usr/sbin/smtpd")


@pytest.mark.skipif(not SMTPD.exists(), reason="install opensmtpd (Debian) for smtpd -n")
def test_the_staged_smtpd_conf_is_checked_by_smtpd(root: Path) -> None:
    _, args = planned(root)
    good = 'listen on lo\naction "local" mbox\nmatch from local for local action "local"\n'
    args = {**args, "validate_smtpd": f"{SMTPD} -n -f",
            "staged": {**args["staged"], "mail/smtpd.conf": good + "bogus line\n"},
            "write": ["mail/smtpd.conf", *args["write"]],
            "expected": {**args["expected"], "mail/smtpd.conf": None}}
    with pytest.raises(host.HostError, match=r"smtpd.conf:4: syntax error.*; nothing written$"):
        host.apply(args, check_mode=False, now=NOW)
    assert list(root.iterdir()) == []
    args["staged"]["mail/smtpd.conf"] = good
    done = host.apply(args, check_mode=False, now=NOW)
    assert done["validated"] == [f"{SMTPD} -n -f {done['validated'][0].split()[-1]}"]
    assert "/hostgen-staged-" in done["validated"][0]
    assert (root / "mail/smtpd.conf").read_text() == good
