"""site.layout: how servers become httpd server blocks, by release (issue 14 item 2) and by
`listen` form (SPEC-model.md, "Rendering rules that change")."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hostgen.site import layout
from hostgen.site.loader import load_text
from hostgen.site.model import Httpd
from hostgen.site.problems import has_errors
from hostgen.site.validate import validate


def httpd(release: str, *servers: dict[str, Any]) -> Httpd:
    data = {"host": {"name": "h.example.org", "openbsd": release},
            "tls": {"web": {"certificate": "/etc/ssl/w.crt", "key": "/etc/ssl/private/w.key"}},
            "httpd": {"tls": "web", "acme": "/acme", "servers": list(servers)}}
    site, problems = validate(load_text(json.dumps(data)))
    assert site is not None and site.httpd is not None and not has_errors(problems), problems
    return site.httpd


def shape(release: str, server: dict[str, Any]) -> list[tuple[list[str], str | None, bool, bool]]:
    """Per block: its listeners, fragment, https redirect, ACME location."""
    return [([f"{x.address}:{x.port}{' tls' if x.tls else ''}" for x in b.listens], b.fragment,
             b.https_redirect, b.acme) for b in layout.blocks(httpd(release, server), release)]


@pytest.mark.parametrize("release", ["7.0", "7.6", "7.9"])
def test_a_tls_server_serving_port_80_is_one_block_from_7_0(release: str) -> None:
    assert shape(release, {"name": "a"}) == [
        (["egress:80", "egress:443 tls"], "httpd.tls", False, True)]
    assert shape(release, {"name": "a", "listen": "192.0.2.1"}) == [
        (["192.0.2.1:80", "192.0.2.1:443 tls"], None, False, True)]


@pytest.mark.parametrize("release", ["5.7", "6.8", "6.9"])
def test_before_7_0_it_is_two_blocks(release: str) -> None:
    assert shape(release, {"name": "a"}) == [
        (["egress:80"], None, False, True), (["egress:443 tls"], "httpd.tls", False, False)]


@pytest.mark.parametrize("release", ["6.8", "7.6"])
def test_redirect_and_off_keep_their_own_port_80(release: str) -> None:
    assert shape(release, {"name": "a", "http": "redirect"}) == [
        (["egress:80"], None, True, True), (["egress:443 tls"], "httpd.tls", False, False)]
    assert shape(release, {"name": "a", "http": "off"}) == [
        (["egress:443 tls"], "httpd.tls", False, False)]
    assert shape(release, {"name": "a", "tls": False}) == [(["egress:80"], None, False, True)]


def test_a_list_of_listeners_is_one_block_where_the_release_mixes_else_one_per_kind() -> None:
    server = {"name": "a", "listen": [{"address": "10.0.0.1", "port": 8080},
                                      {"address": "10.0.0.1", "tls": True},
                                      {"address": "10.0.0.1"}]}
    assert shape("7.6", server) == [
        (["10.0.0.1:8080", "10.0.0.1:443 tls", "10.0.0.1:80"], None, False, True)]
    assert shape("6.8", server) == [(["10.0.0.1:8080", "10.0.0.1:80"], None, False, True),
                                    (["10.0.0.1:443 tls"], None, False, False)]
    assert shape("6.8", {"name": "b", "listen": [{"address": "127.0.0.1", "port": 8081}]}) == [
        (["127.0.0.1:8081"], None, False, False)]
