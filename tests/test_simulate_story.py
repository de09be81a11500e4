"""The story's host (the shipped site.yaml): every redirect answered as httpd would, through the
rendered configuration, with positions back in site.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from hostgen.httpd.simulate import Answer, request_from_url, simulate
from hostgen.httpd.simulate.sources import SiteSource, from_site
from hostgen.site.load import load_site

SITE = Path(__file__).resolve().parent.parent / "site.yaml"


@pytest.fixture(scope="module")
def story() -> SiteSource:
    return from_site(load_site(SITE))


def route(story: SiteSource, url: str) -> list[Answer]:
    return simulate(story.table, request_from_url(url))


def summary(story: SiteSource, url: str) -> str:
    answers = route(story, url)
    assert len(answers) == 1
    return answers[0].outcome.summary()


@pytest.mark.parametrize(("url", "expected"), [
    ("https://www.22decembre.eu/bibliotheque/livre/12", "301 -> https://biblib.22decembre.eu/"),
    ("http://22decembre.eu/BIBLIOTHEQUE/x", "301 -> https://biblib.22decembre.eu/"),
    ("https://www.22decembre.eu/2012/02/27/post/",
     "301 -> https://www.22decembre.eu/2015/03/31/5-sign-mail-fr/"),
    ("https://www.22decembre.eu/category/linux.html", "308 -> /categories/linux/"),
    ("https://photos.22decembre.eu/index/category/42", "301 -> /index.php?/category/42"),
    ("https://photos.22decembre.eu/index/category/rock&roll",
     "301 -> /index.php?/category/rock%26roll"),
    ("https://photos.22decembre.eu/index/category/%22q%22",
     "301 -> /index.php?/category/%22q%22"),
    ("https://photos.22decembre.eu/picture/1234/category/42",
     "301 -> /picture.php?/1234/category/42"),
    ("http://blackblock.22decembre.eu/", "301 -> https://blackblock.22decembre.eu/"),
    ("http://blackblock.22decembre.eu/a%20b/c?x=%41&y",
     "301 -> https://blackblock.22decembre.eu/a%20b/c?x=%41&y"),
    ("http://BlackBlock.22decembre.eu/x", "301 -> https://blackblock.22decembre.eu/x"),
    ("https://dansk.22decembre.eu/ord/hygge", "302 -> /ordbog/hygge.html"),
    ("https://piwik.22decembre.eu/config/config.ini.php", "403 (Forbidden)"),
    ("https://piwik.22decembre.eu/.htpasswd", "drop (block drop)"),
])
def test_redirects_and_blocks(story: SiteSource, url: str, expected: str) -> None:
    assert summary(story, url) == expected


@pytest.mark.parametrize(("url", "expected"), [
    # %w has no "-": not a category URL, so the static file is served
    ("https://www.22decembre.eu/category/open-source.html",
     "file /var/www/pelican/category/open-source.html"),
    # %g has no space: the pattern does not match the decoded path
    ("https://photos.22decembre.eu/index/category/a%20b",
     "file /var/www/photos/index/category/a b"),
    # "*.php" comes first in photos
    ("https://photos.22decembre.eu/index/category/42.php",
     "fastcgi /var/www/run/php-fpm.sock SCRIPT_NAME=/index/category/42.php"),
    # patterns are case-sensitive
    ("https://dansk.22decembre.eu/Ord/hygge", "file /var/www/dansk/Ord/hygge"),
])
def test_near_misses(story: SiteSource, url: str, expected: str) -> None:
    assert summary(story, url) == expected


def test_biblib_front_controller(story: SiteSource) -> None:
    missing, present = route(story, "https://biblib.22decembre.eu/books/42?page=2")
    assert missing.conditions == ("/var/www/biblib/htdocs/books/42 does not exist",)
    assert missing.rewrite == "/index.php"
    assert missing.outcome.summary() == ("fastcgi /var/www/biblib/tmp/biblib.sock "
                                         "SCRIPT_NAME=/index.php QUERY_STRING=page=2")
    assert present.outcome.summary() == "file /var/www/biblib/htdocs/books/42"


def test_positions_point_into_site_yaml(story: SiteSource) -> None:
    text = SITE.read_text().splitlines()
    answer = route(story, "https://photos.22decembre.eu/index/category/42")[0]
    assert answer.entry is not None
    server = story.where(answer.entry, answer.entry.conf)
    location = story.where(answer.entry, answer.chain[0][1])
    line = int(location.split(":")[1])
    assert "^/index/category/([%g]+)$" in text[line - 1]
    assert "photos.22decembre.eu" in text[int(server.split(":")[1]) - 1]


def test_the_acme_location_and_the_https_redirect_map_to_their_keys(story: SiteSource) -> None:
    answer = route(story, "http://blackblock.22decembre.eu/x")[0]
    assert answer.entry is not None
    assert story.loc(answer.entry, answer.chain[0][1]) == ("httpd", "servers", 3, "http")
    acme = route(story, "http://www.22decembre.eu/.well-known/acme-challenge/t")[0]
    assert acme.entry is not None
    assert story.loc(acme.entry, acme.chain[0][1]) == ("httpd", "acme")
    assert acme.outcome.summary() == "file /var/www/acme/t"
