"""check --live ROOT: pf must divert smtp to spamd, and declare the tables spamd needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from hostgen.checks.spamdpf import check_pf
from hostgen.cli import main
from hostgen.live import pfconf
from hostgen.site.loader import load_text
from hostgen.site.validate import validate

SITE = """\
host: {name: mx.example.org}
spamd: {verbose: true}
"""

GOOD = """\
# pf.conf of a mail host
ext_if = "egress"
mail = "{ smtp, submission }"
set skip on lo
block return
pass
table <spamd-white> persist
table <nospamd> persist file "/etc/mail/nospamd"
pass in on $ext_if inet proto tcp to any port smtp \\
    divert-to 127.0.0.1 port spamd
pass in on $ext_if proto tcp from <nospamd> to any port smtp
pass in log on $ext_if proto tcp from <spamd-white> to any port $mail
pass out log on egress proto tcp to any port smtp
"""

LACKING = """\
# pf.conf without spamd's rules
set skip on lo

block return	# block stateless traffic
pass		# establish keep-state

# By default, do not permit remote connections to X11
block return in on ! lo0 proto tcp to port 6000:6010
"""


def warnings(root: Path, site: str = SITE) -> list[str]:
    loaded = load_text(site)
    model, problems = validate(loaded)
    assert model is not None and not problems
    return [p.message for p in check_pf(model, root)]


def root_with(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_a_complete_pf_conf_is_quiet(tmp_path: Path) -> None:
    assert warnings(root_with(tmp_path, {"/etc/pf.conf": GOOD, "/etc/mail/nospamd": ""})) == []


def test_the_nospamd_file_must_exist(tmp_path: Path) -> None:
    assert warnings(root_with(tmp_path, {"/etc/pf.conf": GOOD})) == [
        "/etc/pf.conf:8: /etc/mail/nospamd: no such file: pfctl refuses a ruleset whose table "
        "file it cannot read (an empty file will do)"]


def test_a_pf_conf_lacking_the_rule_names_the_line_and_the_fix(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = root_with(tmp_path, {"/etc/pf.conf": LACKING})
    (tmp_path / "site.yaml").write_text(SITE)
    assert main(["check", str(tmp_path / "site.yaml"), "--live", str(root)]) == 0
    site = str(tmp_path / "site.yaml")
    assert capsys.readouterr().out.splitlines() == [
        f"{site}:2:1: warning: /etc/pf.conf:4: no <nospamd> table, which spamd needs; add "
        'before this rule: table <nospamd> persist file "/etc/mail/nospamd" (spamd-pf)',
        f"{site}:2:1: warning: /etc/pf.conf:4: no <spamd-white> table, which spamd needs; add "
        "before this rule: table <spamd-white> persist (spamd-pf)",
        f"{site}:2:1: warning: /etc/pf.conf:5: spamd is configured but no rule diverts smtp to "
        "it (divert-to 127.0.0.1 port spamd); add after this rule: pass in on egress inet "
        "proto tcp to any port smtp divert-to 127.0.0.1 port spamd (spamd-pf)",
        f"{site}: valid (3 warning(s))",
    ]


def test_the_rule_in_an_included_file_and_an_anchor(tmp_path: Path) -> None:
    main_conf = ('include "/etc/pf.tables.conf"\nanchor "spamd"\n'
                 'load anchor "spamd" from "/etc/pf.spamd.conf"\n')
    root = root_with(tmp_path, {
        "/etc/pf.conf": main_conf,
        "/etc/pf.tables.conf": "table <spamd-white> persist\ntable <nospamd> persist\n",
        "/etc/pf.spamd.conf": "pass in inet proto tcp to port 25 divert-to 127.0.0.1 "
                              "port 8025\n"})
    assert warnings(root) == []


def test_rdr_to_and_a_missing_include(tmp_path: Path) -> None:
    root = root_with(tmp_path, {"/etc/pf.conf": (
        'include "/etc/pf.d/nosuch.conf"\ntable <spamd-white> persist\ntable <nospamd> persist\n'
        "pass in on egress proto tcp from any to any port smtp rdr-to 127.0.0.1 port spamd\n")})
    assert warnings(root) == [
        "/etc/pf.conf:1: cannot read /etc/pf.d/nosuch.conf: pf refuses the whole ruleset",
        "/etc/pf.conf:4: rdr-to hands smtp to spamd without its original destination (spamd "
        "uses divert-to since OpenBSD 5.8); write: pass in on egress inet proto tcp to any "
        "port smtp divert-to 127.0.0.1 port spamd"]


def test_spamd_on_its_own_address_and_port(tmp_path: Path) -> None:
    site = "host: {name: mx.example.org}\nspamd: {listen: 127.0.0.2, port: 2525}\n"
    tables = "table <spamd-white> persist\ntable <nospamd> persist\n"
    root = root_with(tmp_path, {"/etc/pf.conf": tables + (
        "pass in proto tcp to port smtp divert-to 127.0.0.1 port spamd\n")})
    assert warnings(root, site) == [
        "/etc/pf.conf:3: spamd is configured but no rule diverts smtp to it (divert-to "
        "127.0.0.2 port 2525); add after this rule: pass in on egress inet proto tcp to any "
        "port smtp divert-to 127.0.0.2 port 2525"]
    (root / "etc/pf.conf").write_text(tables + "pass in proto tcp to port smtp "
                                      "divert-to 127.0.0.2 port 2525\n")
    assert warnings(root, site) == []


def test_no_pf_conf(tmp_path: Path) -> None:
    assert warnings(tmp_path) == [
        "/etc/pf.conf: no such file: spamd gets no mail unless pf diverts smtp to it: pass in "
        "on egress inet proto tcp to any port smtp divert-to 127.0.0.1 port spamd"]


def test_the_reader_joins_lines_expands_macros_and_drops_comments() -> None:
    text = 'a = "x"\nb = "$a y"\npass in on $b \\\n  to port smtp # "quoted # not" here\n'
    conf = pfconf.parse("/etc/pf.conf", lambda path: text)
    assert conf is not None
    assert [(s.line, s.text) for s in conf.statements] == [(3, "pass in on x y to port smtp")]
