"""Rules of the whole-grammar keys that the golden cases do not show on their own: the chroot
a root is read in, the TLS agreement of servers sharing an address, and refused word values."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hostgen.site.loader import load_text
from hostgen.site.validate import validate


def problems(httpd: dict[str, Any], release: str = "7.9") -> list[tuple[tuple[Any, ...], str]]:
    data = {"host": {"name": "h.example.org", "openbsd": release},
            "tls": {"web": {"certificate": "/etc/ssl/w.crt", "key": "/etc/ssl/private/w.key"},
                    "other": {"certificate": "/etc/ssl/o.crt", "key": "/etc/ssl/private/o.key"}},
            "httpd": httpd}
    _, found = validate(load_text(json.dumps(data)))
    return [(p.loc, p.message) for p in found]


def test_root_in_chroot_follows_httpd_chroot() -> None:
    assert problems({"chroot": "/srv/www", "servers": [{"name": "a", "root": "/srv/www/a"},
                                                        {"name": "b", "root": "/var/www/b"}]}) == [
        (("httpd", "servers", 0, "root"),
         'root is inside the chroot: "/srv/www/a" means /srv/www/srv/www/a on the host')]


def test_servers_sharing_a_tls_socket_may_differ_in_material_and_ocsp_only() -> None:
    same = {"ciphers": "secure", "ticket_lifetime": "default"}
    assert problems({"tls": "web", "servers": [
        {"name": "a", "tls": same},
        {"name": "b", "tls": {**same, "material": "other", "ocsp": "/etc/ssl/b.der"}},
        {"name": "c", "tls": {"ciphers": "secure", "ticket_lifetime": 7200}},   # = default
    ]}) == []
    assert problems({"tls": "web", "servers": [
        {"name": "a", "tls": same}, {"name": "b", "tls": {"ciphers": "secure"}}]}) == [
        (("httpd", "servers", 1, "tls"), "server #1 shares egress port 443 with different TLS "
         "settings (httpd: tls configuration mismatch on same address/port)")]
    # addresses of their own: no conflict
    assert problems({"tls": "web", "servers": [
        {"name": "a", "tls": same},
        {"name": "b", "listen": "192.0.2.9", "tls": {"ciphers": "legacy"}}]}) == []


@pytest.mark.parametrize("key, value", [
    ("types", {"entries": [{"type": 'text/x"y', "extensions": ["a"]}]}),
    ("types", {"entries": [{"type": "text/x", "extensions": ["a}b"]}]}),
    ("types", {"entries": [{"type": "text/x", "extensions": ["a\nb"]}]}),
    ("default_type", "text/plain; charset=utf-8"),
])
def test_words_that_cannot_be_written_are_refused(key: str, value: Any) -> None:
    found = problems({key: value, "servers": [{"name": "a", "tls": False}]})
    assert len(found) == 1 and found[0][0][:2] == ("httpd", key), found


@pytest.mark.parametrize("responder, message", [
    ({"tcp": {"host": "a;b"}}, 'expected a host name or IP address such as "127.0.0.1", '
                               'got "a;b"'),
    ({"tcp": {"host": '"x"'}}, 'expected a host name or IP address such as "127.0.0.1", '
                               'got ""x""'),
    ({"tcp": {"host": "127.0.0.1", "port": 70000}}, "must be at most 65535, got 70000"),
])
def test_tcp_responders_take_a_host_and_port_only(responder: dict[str, Any],
                                                  message: str) -> None:
    data = {"host": {"name": "h.example.org"}, "fastcgi": {"app": responder}}
    _, found = validate(load_text(json.dumps(data)))
    assert [p.message for p in found] == [message]
