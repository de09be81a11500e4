"""The whole host through diff, semantic diff, apply, state and drift: smtpd.conf,
acme-client.conf, and rc.conf.local's enabling lines with every foreign line kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from hostgen.cli import main
from hostgen.host import reloads
from hostgen.host.liveview import read_root
from hostgen.render.outputs import render
from hostgen.site.load import load_site

SITE = str(Path(__file__).parent / "cases" / "mail" / "site.yaml")
LIVE_RC = ("# by hand, and with rcctl\r\n"
           "pkg_scripts=php81_fpm clamd\n"
           "smtpd_flags=NO\n"
           "ntpd_flags=-s\t# keep\n"
           "spamd_flags=-v   # old\n"
           "  export FOO=1\n"
           "sndiod_flags=NO")
SPAMD = "spamd_flags=-C /etc/ssl/example.org.fullchain.pem -K /etc/ssl/private/example.org.key"
WANTED_RC = ("# by hand, and with rcctl\r\n"
             "pkg_scripts=php81_fpm clamd dkimproxy_out\n"
             "smtpd_flags=\n"
             "ntpd_flags=-s\t# keep\n"
             f"{SPAMD}\n"
             "  export FOO=1\n"
             "sndiod_flags=NO\n"
             "httpd_flags=\n")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "rc.conf.local").write_text(LIVE_RC, newline="")
    return etc


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_apply_writes_the_new_files_and_only_hostgens_lines(
        root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "apply", str(root), "--site", SITE)
    assert (code, err) == (0, "")
    assert out.splitlines()[-6:] == [
        "httpd: start (rcctl start httpd)",
        "dkimproxy_out: restart (rcctl restart dkimproxy_out)",
        "httpd: reload (rcctl reload httpd)",
        "smtpd: restart (rcctl restart smtpd)",
        "spamd: restart (rcctl restart spamd)",
        "acme-client: run (acme-client www.example.org; acme-client shop.example.net; when "
        "renewed: rcctl reload httpd, rcctl restart smtpd, rcctl restart spamd)"]
    assert (root / "rc.conf.local").read_bytes() == WANTED_RC.encode()
    rendered = render(load_site(Path(SITE)).site)
    for name in ("mail/smtpd.conf", "acme-client.conf"):
        assert (root / name).read_text() == rendered[name].text
    code, out, _ = run(capsys, "diff", str(root), "--site", SITE)
    assert (code, out) == (0, "0 changed, 7 unchanged, 0 missing, "
                              "0 changed on the host since the last apply\n")


def test_foreign_edits_are_no_difference_and_no_drift(
        root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["apply", str(root), "--site", SITE]) == 0
    rc = root / "rc.conf.local"
    edited = WANTED_RC.replace("php81_fpm clamd dkimproxy_out", "php81_fpm dkimproxy_out "
                               "clamd unwind").replace("ntpd_flags=-s", "ntpd_flags=")
    rc.write_bytes(edited.encode() + b"# more\n")
    capsys.readouterr()
    code, out, _ = run(capsys, "diff", str(root), "--site", SITE)
    assert (code, out) == (0, "0 changed, 7 unchanged, 0 missing, "
                              "0 changed on the host since the last apply\n")
    code, out, _ = run(capsys, "apply", str(root), "--site", SITE)
    assert code == 0 and out.endswith("nothing to do\n")
    assert rc.read_bytes() == edited.encode() + b"# more\n"


def test_hostgens_lines_edited_by_hand_are_drift(
        root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["apply", str(root), "--site", SITE]) == 0
    rc = root / "rc.conf.local"
    rc.write_bytes(WANTED_RC.replace(" dkimproxy_out", "").replace("smtpd_flags=\n",
                                                                   "smtpd_flags=NO\n").encode())
    capsys.readouterr()
    code, out, _ = run(capsys, "diff", str(root), "--site", SITE, "--semantic")
    assert (code, out) == (1, f"# {rc}: changed on the host since the last apply\n"
                              "smtpd: smtpd_flags NO -> (empty)\n"
                              "rc.conf.local: pkg_scripts entry dkimproxy_out added\n"
                              "1 changed, 6 unchanged, 0 missing, "
                              "1 changed on the host since the last apply\n")
    code, _, err = run(capsys, "apply", str(root), "--site", SITE)
    assert code == 1 and "rc.conf.local was changed on the host since the last apply" in err
    code, out, _ = run(capsys, "apply", str(root), "--site", SITE, "--force")
    assert code == 0 and out.splitlines()[-2:] == [
        "dkimproxy_out: start (rcctl start dkimproxy_out)", "smtpd: start (rcctl start smtpd)"]
    assert rc.read_bytes() == WANTED_RC.encode()


def test_no_smtpd_line_means_smtpd_enabled(root: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """smtpd is on by default: `rcctl enable smtpd` writes no line (smtpd-conf.md 7.3). The
    text differs from hostgen's `smtpd_flags=`, the meaning does not."""
    assert main(["apply", str(root), "--site", SITE]) == 0
    rc = root / "rc.conf.local"
    rc.write_bytes(WANTED_RC.replace("smtpd_flags=\n", "").encode())
    capsys.readouterr()
    code, out, _ = run(capsys, "diff", str(root), "--site", SITE, "--semantic")
    assert (code, out) == (0, "0 changed, 7 unchanged, 0 missing, "
                              "0 changed on the host since the last apply\n")
    assert main(["diff", str(root), "--site", SITE]) == 1


def test_the_plan_of_each_file(root: Path) -> None:
    outputs = render(load_site(Path(SITE)).site)
    live = read_root(root, outputs.values())
    steps = [str(step) for step in reloads.plan([f for f in live if f.name in (
        "mail/smtpd.conf", "httpd.conf", "dkimproxy_out.conf")])]
    assert steps == ["dkimproxy_out: restart (rcctl restart dkimproxy_out)",
                     "httpd: reload (rcctl reload httpd)",
                     "smtpd: restart (rcctl restart smtpd)"]


def test_check_live_wants_the_table_files(tmp_path: Path) -> None:
    """smtpd does not start without its tables (smtpd-conf.md 3.1): missing ones are errors
    at the key that names them."""
    from hostgen.checks.mtafiles import check_mta_files

    site = load_site(Path(SITE)).site
    (tmp_path / "etc/mail").mkdir(parents=True)
    (tmp_path / "etc/mail/aliases").write_text("root: admin\n")
    (tmp_path / "etc/mail/virtuals").mkdir()
    assert [(p.loc, p.message) for p in check_mta_files(site, tmp_path)] == [
        (("mta", "virtual"), "/etc/mail/virtuals: is not a file: smtpd refuses to start "
                             "without its table"),
        (("mta", "submission", "auth"), "/etc/mail/secrets: no such file: smtpd refuses to "
                                        "start without its table"),
        (("mta", "smarthost", "auth"), "/etc/mail/relay.db: no such file (make it with "
                                       "makemap(8)): smtpd refuses to start without its table")]


def test_apply_refuses_what_smtpd_refuses(root: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """On OpenBSD apply runs `smtpd -n -f` on the staged smtpd.conf; here Debian's smtpd plays
    OpenBSD's: the site names key files this machine does not have, so smtpd refuses and
    nothing is written."""
    from smtpdcheck import SMTPD, needs_smtpd

    import hostgen.commands.apply  # noqa: F401 - imported before sys.platform says OpenBSD

    needs_smtpd()
    monkeypatch.setattr("sys.platform", "openbsd7")
    monkeypatch.setenv("PATH", str(Path(SMTPD).parent))
    before = (root / "rc.conf.local").read_bytes()
    code, out, err = run(capsys, "apply", str(root), "--site", SITE)
    staged = "/mail/smtpd.conf"
    assert code == 1 and out == "", err
    assert "smtpd.conf:6: invalid configuration file /etc/mail/aliases for table aliases" in err
    assert err.startswith("hostgen: validator '/usr/sbin/smtpd -n -f /tmp/")
    assert staged + "' failed (exit 1): " in err and err.endswith("; nothing written\n")
    assert sorted(p.name for p in root.iterdir()) == ["rc.conf.local"]
    assert (root / "rc.conf.local").read_bytes() == before


def test_semantic_diff_of_smtpd_conf_and_acme_client_conf(
        root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """smtpd.conf: statements other than `match` are a set, the rules a list (first match
    wins); acme-client.conf: per domain, its alternative names a set."""
    assert main(["apply", str(root), "--site", SITE]) == 0
    smtpd, acme = root / "mail/smtpd.conf", root / "acme-client.conf"
    lines = smtpd.read_text().split("\n")
    tables = [i for i, line in enumerate(lines) if line.startswith("table ")]
    lines[tables[0]], lines[tables[-1]] = lines[tables[-1]], lines[tables[0]]   # no meaning
    rules = [i for i, line in enumerate(lines) if line.startswith("match ")]
    lines[rules[0]], lines[rules[1]] = lines[rules[1]], lines[rules[0]]         # meaning
    smtpd.write_text("\n".join(lines).replace("port 20028", "port 10028") + "# note\n")
    acme.write_text(acme.read_text().replace('"example.org", ', "")
                    .replace('{ "lists', '{ "old.example.org", "lists'))
    capsys.readouterr()
    code, out, _ = run(capsys, "diff", str(root), "--site", SITE, "--semantic")
    assert code == 1
    assert [line for line in out.splitlines() if not line.startswith("#")] == [
        "acme-client.conf: domain www.example.org alternative names example.org added",
        "acme-client.conf: domain www.example.org alternative names old.example.org removed",
        'mail/smtpd.conf: listen on "127.0.0.1" port 10028 tag "DKIM" removed',
        'mail/smtpd.conf: listen on "127.0.0.1" port 20028 tag "DKIM" added',
        'mail/smtpd.conf: rule match from any for domain <domains> action "virtual" moved from '
        "position 1 to 2",
        "2 changed, 5 unchanged, 0 missing, 2 changed on the host since the last apply"]
