"""`import --nginx` judged by real nginx: for each case under tests/nginx/, the translated site
validates, its expectations hold, its httpd.conf renders and parses, and every URL (the
case's own and each `expect:` URL) gets the same answer from nginx and from the simulator of
the rendered httpd.conf: status, Location, and the file or FastCGI script that answers.

Known differences of form, not of meaning, are normalised on both sides: nginx makes a
relative Location absolute (with its port); httpd sends it as written, and its redirects
that carry the query over (`?$QUERY_STRING`) end in a bare `?` when there is none.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from nginxrun import NGINX, SKIP, NginxRun

from hostgen.adopt.nginx import adopt_nginx
from hostgen.adopt.result import dump
from hostgen.checks.expectations import run_expectations
from hostgen.httpd.simulate import Disk, request_from_url, simulate
from hostgen.httpd.simulate.sources import SiteSource, from_site
from hostgen.site.load import load_site

CASES_DIR = Path(__file__).resolve().parent / "nginx"
CASES = sorted(p for p in CASES_DIR.iterdir() if (p / "files.txt").exists())

Answer = tuple[int | str | None, str | None, str | None]
NO_SCRIPT = "fastcgi: no such script"   # the responder's 404, not the web server's


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_nginx_case(case: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    adopted = adopt_nginx(case / "nginx.conf", None)
    losses = "".join(loss.format().replace(f"{case}/", "") + "\n" for loss in adopted.losses)
    if os.environ.get("HOSTGEN_REGEN_NGINX"):   # then review the diff of losses.txt
        (case / "losses.txt").write_text(losses)
    assert losses == (case / "losses.txt").read_text()
    site = tmp_path / "site.yaml"
    site.write_text(dump(adopted.document))
    loaded = load_site(site)
    assert [p.message for p in run_expectations(loaded)] == []
    source = from_site(loaded)   # renders, and parses the rendered httpd.conf
    if not Path(NGINX).exists():
        pytest.skip(SKIP)
    run = NginxRun(case, tmp_path / "nginx")
    request.addfinalizer(run.stop)
    run.start()
    urls = (case / "urls.txt").read_text().split() + [e.url for e in loaded.site.expect]
    known = known_differences(case, losses)
    differences = []
    for url in dict.fromkeys(urls):
        theirs, ours = nginx_answer(run, url), httpd_answer(source, run, url)
        if (theirs != ours) != (url in known):
            differences.append(f"{url}{' (listed as a known difference)' if url in known else ''}"
                               f"\n  nginx: {theirs}\n  httpd: {ours}")
    assert not differences, "\n".join(differences)


def known_differences(case: Path, losses: str) -> set[str]:
    """`known-differences.txt`: URL and the nginx PATH:LINE of the warning that announces the
    difference; the URL must differ, and the warning must be among the losses."""
    listed = case / "known-differences.txt"
    known = set()
    for line in listed.read_text().splitlines() if listed.exists() else []:
        url, where = line.split()
        assert f"{where}: warning:" in losses, line
        known.add(url)
    return known


def nginx_answer(run: NginxRun, url: str) -> Answer:
    reply = run.get(url)
    what = None
    if reply.status == 404 and reply.body.startswith("fastcgi "):
        what = NO_SCRIPT
    if reply.status == 200:
        body = reply.body.strip()
        if body.startswith("fastcgi "):
            what = "fastcgi " + body.removeprefix("fastcgi ").removeprefix(str(run.www))
        elif "Index of" in body:
            what = "autoindex"
        else:
            what = "file " + body
    return reply.status, _bare(run.port_free(reply.location)), what


def httpd_answer(source: SiteSource, run: NginxRun, url: str) -> Answer:
    answers = simulate(source.table, request_from_url(url), Disk(run.www))
    assert len(answers) == 1, url
    outcome = answers[0].outcome
    location = outcome.location
    if location is not None and location.startswith("/"):
        scheme, _, rest = url.partition("://")
        location = f"{scheme}://{rest.split('/')[0]}{location}"
    what = None
    if outcome.kind == "file" and outcome.path:
        what = "file " + outcome.path.removeprefix(source.table.chroot)
    elif outcome.kind == "fastcgi":
        script = dict(outcome.params)["SCRIPT_FILENAME"]
        if Disk(run.www).kind(script) != "file":
            return 404, None, NO_SCRIPT   # what php-fpm (and the test's responder) answers
        what = "fastcgi " + script
    elif outcome.kind == "autoindex":
        what = "autoindex"
    return outcome.status, _bare(location), what


def _bare(location: str | None) -> str | None:
    """A Location without the empty query httpd's `?$QUERY_STRING` leaves."""
    return location.rstrip("?&") if location else location
