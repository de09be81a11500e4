"""`expect:` in site.yaml: checked against the rendered httpd.conf, failures positioned."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from hostgen.checks.expectations import run_expectations
from hostgen.site.load import LoadedSite, load_site
from hostgen.site.model import Expectation

ROOT = Path(__file__).resolve().parent.parent

# The list proposed for the shipped site.yaml (every redirect of the story's host). The ACME
# check of blackblock's port 80 is in test_acme_behind_an_https_redirect.
STORY_EXPECT = """\
- url: "https://www.22decembre.eu/bibliotheque/livre/12"
  status: 301
  location: "/bibliotheque/*"
  redirect: "https://biblib.22decembre.eu/"
- url: "http://22decembre.eu/Bibliotheque/"
  status: 301
  location: "/bibliotheque/*"
  redirect: "https://biblib.22decembre.eu/"
- url: "https://www.22decembre.eu/2012/02/27/signer-ses-mails/"
  status: 301
  location: "^/2012/02/27/"
  redirect: "https://www.22decembre.eu/2015/03/31/5-sign-mail-fr/"
- url: "http://www.22decembre.eu/2012/02/27/"
  status: 301
  redirect: "https://www.22decembre.eu/2015/03/31/5-sign-mail-fr/"
- url: "https://www.22decembre.eu/category/linux.html"
  status: 308
  location: "^/category/(%w+)%.html$"
  redirect: "/categories/linux/"
- url: "https://22decembre.eu/category/openbsd.html?page=2"
  status: 308
  redirect: "/categories/openbsd/"
- url: "https://photos.22decembre.eu/index/category/42"
  status: 301
  location: "^/index/category/([%g]+)$"
  redirect: "/index.php?/category/42"
- url: "http://photos.22decembre.eu/index/category/vacances-2014"
  status: 301
  redirect: "/index.php?/category/vacances-2014"
- url: "https://photos.22decembre.eu/index/category/rock&roll"
  status: 301
  redirect: "/index.php?/category/rock%26roll"
- url: "https://photos.22decembre.eu/picture/1234/category/42"
  status: 301
  location: "^/picture/(%d+)/category/([%g]+)$"
  redirect: "/picture.php?/1234/category/42"
- url: "https://photos.22decembre.eu/index/category/42.php"
  status: 200
  location: "*.php"
- url: "http://blackblock.22decembre.eu/"
  status: 301
  redirect: "https://blackblock.22decembre.eu/"
- url: "http://blackblock.22decembre.eu/blog/post?id=3&lang=fr"
  status: 301
  redirect: "https://blackblock.22decembre.eu/blog/post?id=3&lang=fr"
- url: "https://blackblock.22decembre.eu/info.php"
  status: 200
  location: "*.php"
- url: "https://dansk.22decembre.eu/ord/hygge"
  status: 302
  location: "^/ord/(%a+)$"
  redirect: "/ordbog/hygge.html"
- url: "https://biblib.22decembre.eu/books/42"
  status: 200
  location: "/*"
- url: "https://biblib.22decembre.eu/books/42"
  status: 200
  location: "*.php"
- url: "https://piwik.22decembre.eu/config/config.ini.php"
  status: 403
  location: "/config/*"
- url: "https://piwik.22decembre.eu/.htaccess"
  status: drop
"""

SMALL = """\
host: {name: h.example.org, openbsd: "7.6"}
httpd:
  servers:
    - name: www.example.org
      tls: false
      root: /www
      locations:
        - {path: /old/*, redirect: /new/}
        - {match: "^/u/(%w+)$", redirect: "/users/%1", status: 302}
expect:
  - {url: "http://www.example.org/old/x", status: 301, redirect: /new/}
  - {url: "http://www.example.org/u/al", status: 301}
  - {url: "http://www.example.org/u/al", status: 302, location: /old/*}
  - {url: "http://www.example.org/u/al", status: 302, redirect: /users/bob}
  - {url: "ftp://www.example.org/", status: 200}
  - {url: "http://www.example.org/x", status: drop}
"""


def loaded_story(expect: list[Expectation]) -> LoadedSite:
    story = load_site(ROOT / "site.yaml")
    return dataclasses.replace(story, site=story.site.model_copy(update={"expect": expect}))


def test_the_story_expectations_hold() -> None:
    items = YAML(typ="safe").load(STORY_EXPECT)
    expect = [Expectation.model_validate(item) for item in items]
    assert run_expectations(loaded_story(expect)) == []


def test_acme_behind_an_https_redirect() -> None:
    # the ACME location says `pass`: without it, it would inherit the server's block return
    # (httpd-conf.md 3.7) and challenges on blackblock's port 80 would be sent to https.
    check = Expectation(url="http://blackblock.22decembre.eu/.well-known/acme-challenge/t",
                        status=200, location="/.well-known/acme-challenge/*")
    assert run_expectations(loaded_story([check])) == []
    check = Expectation(url="http://blackblock.22decembre.eu/other", status=301,
                        redirect="https://blackblock.22decembre.eu/other")
    assert run_expectations(loaded_story([check])) == []


def test_failures_are_positioned_at_the_field(tmp_path: Path) -> None:
    site = tmp_path / "site.yaml"
    site.write_text(SMALL)
    loaded = load_site(site)
    lines = loaded.format(run_expectations(loaded))
    name = str(site)
    assert lines == [
        f'{name}:12:50: error: http://www.example.org/u/al: expected status 301, but server '
        f'"www.example.org" port 80, location match "^/u/(%w+)$" ({name}:9:11) answers '
        "302 -> /users/al (expect)",
        f'{name}:13:65: error: http://www.example.org/u/al: expected location "/old/*", but '
        f'server "www.example.org" port 80, location match "^/u/(%w+)$" ({name}:9:11) answers '
        "302 -> /users/al (expect)",
        f"{name}:14:65: error: http://www.example.org/u/al: expected a redirect to /users/bob, "
        f'but server "www.example.org" port 80, location match "^/u/(%w+)$" ({name}:9:11) '
        "answers 302 -> /users/al (expect)",
        f'{name}:15:11: error: unsupported scheme "ftp" (http or https) (expect)',
        f"{name}:16:47: error: http://www.example.org/x: expected status drop, but server "
        f'"www.example.org" port 80, no location answers file /var/www/www/x (expect)',
    ]


def test_no_expectations_no_work(tmp_path: Path) -> None:
    site = tmp_path / "site.yaml"
    site.write_text(SMALL.split("expect:")[0])
    assert run_expectations(load_site(site)) == []


def test_expectations_without_httpd(tmp_path: Path) -> None:
    site = tmp_path / "site.yaml"
    site.write_text('host: {name: h.example.org}\nexpect:\n  - {url: "http://h/", status: 200}\n')
    problems = run_expectations(load_site(site))
    assert [p.message for p in problems] == ["expectations need an httpd section to be checked"]


@pytest.mark.parametrize(("status", "holds"), [(200, True), (404, False)])
def test_either_possible_answer_may_meet_an_expectation(status: int, holds: bool) -> None:
    # biblib: a missing file goes to FastCGI (200), an existing one is served (200): both 200
    check = Expectation(url="https://biblib.22decembre.eu/x", status=status)
    assert (run_expectations(loaded_story([check])) == []) is holds
