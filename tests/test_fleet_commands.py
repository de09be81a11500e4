"""Commands given a fleet folder: check, render, diff/apply --host, dns (examples/fleet)."""

from __future__ import annotations

import os
import re
import shutil
import socket
from pathlib import Path

import pki
import pytest

from hostgen.cli import main

REPO = Path(__file__).resolve().parent.parent
FLEET = REPO / "examples" / "fleet"
HOSTS = ["mx.example.org", "web1.example.org", "web2.example.org"]


@pytest.fixture
def fleet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the example fleet, as the working directory (messages name files from it)."""
    shutil.copytree(FLEET, tmp_path / "fleet")
    monkeypatch.chdir(tmp_path / "fleet")
    return tmp_path / "fleet"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_the_example_fleet_is_valid(fleet: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "check", "hosts/") == (0, "hosts/: 3 host(s) valid\n", "")


def test_a_mistake_in_a_shared_file_is_printed_once_with_its_hosts(
        fleet: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(fleet / "common/servers/www.yaml", "aliases:", "aliasses:")
    edit(fleet / "common/tls.yaml", "key: /etc/ssl/private/example.org.key",
         "key: etc/ssl/private/example.org.key")
    code, out, err = run(capsys, "check", "hosts")
    assert (code, err) == (2, "")
    assert out.splitlines() == [
        'common/servers/www.yaml:4:1: error: unknown key "aliasses" (did you mean "aliases"?) '
        "(via hosts/web1.yaml, hosts/web2.yaml)",
        'common/tls.yaml:6:10: error: expected an absolute path starting with "/", got '
        '"etc/ssl/private/example.org.key" (via hosts/mx.yaml, hosts/web1.yaml, hosts/web2.yaml)',
        "hosts: invalid: 2 error(s), 0 warning(s) (3 of 3 host(s) invalid)",
    ]


def test_fleet_conflicts_are_errors_where_the_second_is_written(
        fleet: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the blog written again on web2 (www comes from one shared file on both: no conflict)
    edit(fleet / "hosts/web2.yaml", "name: staging.example.org", "name: staging.example.org\n"
         "      aliases: [Blog.example.org]")
    edit(fleet / "hosts/mx.yaml", "selector: mx", "selector: web1")
    edit(fleet / "hosts/web2.yaml", "name: web2.example.org", "name: web1.example.org")
    code, out, _ = run(capsys, "check", "hosts/")
    assert code == 2
    assert out.splitlines() == [
        'hosts/web1.yaml:16:13: error: DKIM selector "web1" for example.org is also used by '
        "host mx.example.org (hosts/mx.yaml:18:13): one DNS record cannot publish two keys; "
        "give each host its own selector",
        'hosts/web2.yaml:4:9: error: host "web1.example.org" is also described at '
        "hosts/web1.yaml:4:9: one file per host",
        'hosts/web2.yaml:12:17: error: "Blog.example.org" is also served by host '
        "web1.example.org (hosts/web1.yaml:11:13); a name is served by one host, or by "
        "several from one shared file",
        "hosts/: invalid: 3 error(s), 0 warning(s) (2 of 3 host(s) invalid)",
    ]


def test_a_server_in_one_shared_file_may_serve_on_several_hosts_not_a_copy(
        fleet: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shared = (fleet / "common/servers/www.yaml").read_text()
    (fleet / "common/servers/www2.yaml").write_text(shared)   # the same text, copied
    edit(fleet / "hosts/web2.yaml", "servers/www.yaml", "servers/www2.yaml")
    code, out, _ = run(capsys, "check", "hosts/")
    assert code == 2
    assert out.splitlines()[:2] == [
        'common/servers/www2.yaml:3:7: error: "www.example.org" is also served by host '
        "web1.example.org (common/servers/www.yaml:3:7); a name is served by one host, or by "
        "several from one shared file (via hosts/web2.yaml)",
        'common/servers/www2.yaml:4:11: error: "example.org" is also served by host '
        "web1.example.org (common/servers/www.yaml:4:11); a name is served by one host, or by "
        "several from one shared file (via hosts/web2.yaml)",
    ]


def test_render_writes_each_host_under_its_name(fleet: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "render", "hosts/", "--out", str(tmp_path / "build"))
    assert (code, err) == (0, "")
    assert sorted(p.name for p in (tmp_path / "build").iterdir()) == HOSTS
    # each host's files are exactly what rendering its own file writes, under its name
    wrote = []
    for name, host in zip(HOSTS, ("mx", "web1", "web2"), strict=True):
        alone = tmp_path / "alone" / host
        assert run(capsys, "render", f"hosts/{host}.yaml", "--out", str(alone))[0] == 0
        files = sorted(p.relative_to(alone) for p in alone.rglob("*") if p.is_file())
        assert sorted(p.relative_to(tmp_path / "build" / name)
                      for p in (tmp_path / "build" / name).rglob("*") if p.is_file()) == files
        for path in files:
            assert (tmp_path / "build" / name / path).read_text() == (alone / path).read_text()
        wrote += [f"wrote {tmp_path / 'build' / name / path}" for path in files
                  if path.name != ".hostgen-rendered"]   # render's list of what it wrote
    assert out.splitlines() == wrote
    assert "httpd.conf" in str(files) and len(wrote) >= 13
    # the same shared server, the same bytes on both web hosts; each host's own selector
    web1, web2 = ((tmp_path / "build" / name / "etc/httpd.conf").read_text().split("\n\n")[1:3]
                  for name in HOSTS[1:])
    assert web1 == web2 and 'server "www.example.org"' in web1[0]
    assert "selector web2" in (tmp_path / "build/web2.example.org/etc/dkimproxy_out.conf") \
        .read_text()


def test_render_of_an_invalid_fleet_writes_nothing(fleet: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    edit(fleet / "hosts/mx.yaml", "selector: mx", "selector: web1")
    code, out, err = run(capsys, "render", "hosts/", "--out", str(tmp_path / "build"))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        'hosts/web1.yaml:16:13: error: DKIM selector "web1" for example.org is also used by '
        "host mx.example.org (hosts/mx.yaml:18:13): one DNS record cannot publish two keys; "
        "give each host its own selector",
        "hostgen: hosts/: 1 error(s), nothing written",
    ]
    assert not (tmp_path / "build").exists()


def test_diff_and_apply_pick_one_host(fleet: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "web2" / "etc"
    root.mkdir(parents=True)
    code, _, err = run(capsys, "apply", str(root), "--site", "hosts/")
    assert code == 2
    assert err == ("hostgen: hosts/ is a fleet folder: --host NAME picks one (hosts: "
                   f"{', '.join(HOSTS)})\n")
    code, _, err = run(capsys, "diff", str(root), "--site", "hosts/", "--host", "web3.example.org")
    assert (code, err) == (2, "hostgen: hosts/ is a fleet folder: no host \"web3.example.org\" in "
                              f"it (hosts: {', '.join(HOSTS)})\n")
    code, _, err = run(capsys, "apply", str(root), "--site", "hosts/web1.yaml", "--host",
                       "web2.example.org")
    assert (code, err) == (2, "hostgen: hosts/web1.yaml describes web1.example.org, not "
                              "web2.example.org\n")
    assert list(root.iterdir()) == []
    code, out, _ = run(capsys, "apply", str(root), "--site", "hosts/", "--host", "web2.example.org")
    assert code == 0
    assert f"created {root / 'httpd.conf'}" in out.splitlines()
    assert "staging.example.org" in (root / "httpd.conf").read_text()
    code, out, _ = run(capsys, "diff", str(root), "--site", "hosts/", "--host", "web2.example.org")
    assert code == 0
    assert re.fullmatch(r"0 changed, [1-9]\d* unchanged, 0 missing, 0 changed on the host since "
                        r"the last apply\n", out)


@pytest.fixture
def live(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One root holding the fleet's shared certificates and DKIM key (as the repository's
    copies would), from the tests' PKI."""
    certs = pki.session(tmp_path_factory)
    root = tmp_path / "live"
    for host_path, name, mode in [("etc/ssl/example.org.crt", "web.crt", 0o644),
                                  ("etc/ssl/private/example.org.key", "ec.key", 0o600),
                                  ("etc/ssl/mx.example.org.crt", "mx.crt", 0o644),
                                  ("etc/ssl/private/mx.example.org.key", "rsa.key", 0o600),
                                  ("etc/mail/dkim/private.key", "dkim.key", 0o600)]:
        (root / host_path).parent.mkdir(parents=True, exist_ok=True)
        (root / host_path).write_bytes(certs.read(name))
        os.chmod(root / host_path, mode)
    # mx runs spamd: its pf rules (spamd.md 3.1), so that only the certificates speak here
    (root / "etc/pf.conf").write_text(
        "table <spamd-white> persist\n"
        'table <nospamd> persist file "/etc/mail/nospamd"\n'
        "pass in on egress inet proto tcp to any port smtp divert-to 127.0.0.1 port spamd\n"
        "pass in on egress proto tcp from <nospamd> to any port smtp\n"
        "pass in log on egress proto tcp from <spamd-white> to any port smtp\n")
    (root / "etc/mail/nospamd").write_text("")
    for name in ("www", "blog", "staging", "mx"):
        (root / "var/www/htdocs" / name).mkdir(parents=True)
    (root / "var/www/run").mkdir()
    with socket.socket(socket.AF_UNIX) as php:   # what php-fpm would have bound
        php.bind(str(root / "var/www/run/php-fpm.sock"))
    return root


def test_a_shared_certificate_is_checked_with_every_host_s_names(
        fleet: Path, live: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "hosts/", "--live", str(live))
    assert code == 2
    lines = [line for line in out.splitlines() if "error" in line]
    # web.crt covers www.example.org and example.org (the shared server: nothing to say),
    # not the names each web host adds
    assert lines == [
        'hosts/web1.yaml:11:13: error: /etc/ssl/example.org.crt: certificate does not cover '
        '"blog.example.org" (its names: www.example.org, example.org)',
        'hosts/web2.yaml:11:13: error: /etc/ssl/example.org.crt: certificate does not cover '
        '"staging.example.org" (its names: www.example.org, example.org)',
        "hosts/: invalid: 2 error(s), 0 warning(s) (2 of 3 host(s) invalid)",
    ]


def test_dns_prints_the_fleet_s_records_once_in_zone_order(
        fleet: Path, live: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "dns", "hosts/", "--live", str(live))
    assert (code, err) == (0, "")
    assert run(capsys, "dns", "--site", "hosts/", "--live", str(live)) == (0, out, "")
    assert run(capsys, "dns", "hosts/", "--site", "hosts/") == (
        2, "", "hostgen: give SITE once: as an argument or with --site\n")
    owners = [line.split()[0] for line in out.splitlines()
              if line and not line.startswith((";", "\t"))]
    # RFC 4034 section 6.1: labels from the root down, by octets ("_" sorts before letters);
    # www.example.org and example.org once, though two hosts serve them
    assert owners == [
        "mx._domainkey.example.org.", "web1._domainkey.example.org.",
        "web2._domainkey.example.org.", "_443._tcp.example.org.",
        "_443._tcp.blog.example.org.", "_25._tcp.mx.example.org.", "_443._tcp.mx.example.org.",
        "_443._tcp.staging.example.org.", "_443._tcp.www.example.org.",
    ]
    assert out.startswith("; DNS records for the fleet hosts/ (mx.example.org, web1.example.org, "
                          "web2.example.org) (hostgen dns)\n")


def test_the_pre_commit_hook_checks_the_fleet_on_changes_to_shared_files(
        fleet: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ruamel.yaml import YAML

    [hook] = YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert (hook["id"], hook["entry"], hook["language"], hook["pass_filenames"]) == (
        "hostgen-check", "hostgen check", "python", False)
    files = re.compile(hook["files"])
    for path in ("site.yaml", "hosts/web1.yaml", "infra/hosts/a.yml", "common/tls.yaml",
                 "common/servers/www.yaml"):
        assert files.search(path), path
    for path in ("README.md", "hosts/notes.txt", "mysite.yaml.orig"):
        assert not files.search(path), path
    # what pre-commit runs: the entry, the args of the README's example, no file names
    assert run(capsys, *hook["entry"].split()[1:], "hosts/")[0] == 0
    edit(fleet / "common/mail.yaml", "listen: 127.0.0.1:10027", "listen: '[::1]:10027'")
    code, out, _ = run(capsys, *hook["entry"].split()[1:], "hosts/")
    assert code == 2 and out.startswith("common/mail.yaml:6:11: error: ")


def test_route_on_a_fleet_asks_the_host_that_serves_the_name(
        fleet: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "route", "https://www.example.org:443/old/x", "--site", "hosts/")
    assert code == 0
    assert "location  \"/old/*\"  (common/servers/www.yaml:8:5)\n" in out
    assert out.endswith("outcome   301 -> https://www.example.org/archive/\n")
    code, out, _ = run(capsys, "route", "https://staging.example.org/", "--site", "hosts/")
    assert "(hosts/web2.yaml:11:7)" in out
    code, _, err = run(capsys, "route", "https://nope.example.org/", "--site", "hosts/")
    assert (code, err) == (2, 'hostgen: hosts/: no host serves "nope.example.org" (hosts: '
                              "mx.example.org, web1.example.org, web2.example.org)\n")


def test_a_folder_without_hosts_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "hosts" / "common").mkdir(parents=True)
    (tmp_path / "hosts" / "common" / "tls.yaml").write_text("tls: {}\n")
    (tmp_path / "hosts" / "notes.txt").write_text("not a host\n")
    monkeypatch.chdir(tmp_path)
    for argv in (["check", "hosts"], ["render", "hosts"], ["dns", "--site", "hosts"]):
        assert run(capsys, *argv) == (2, "", "hostgen: hosts: no host files (*.yaml) in this "
                                             "folder\n")
