"""layout.sections: what httpd.conf.j2 writes for a server and each location, computed once.

The template tests `"root" in given` instead of `item.root is not none`, and takes each
location's FastCGI setting from the section instead of calling layout.fastcgi_of: both must
say exactly what the model says, falsy values included.
"""

from __future__ import annotations

from pathlib import Path

from hostgen.render.outputs import render
from hostgen.site import layout
from hostgen.site.model import Fastcgi, Location, Server, Site

PHP = Fastcgi(socket="/run/php-fpm.sock")


def test_given_names_the_fields_that_are_set_false_and_zero_included() -> None:
    location = Location.model_validate({"path": "/x/*", "index": False, "strip": 0,
                                        "auto_index": False, "root": None})
    assert layout.given(location) == {"path", "index", "strip", "auto_index"}
    server = Server.model_validate({"name": "a.example.org", "banner": False})
    assert layout.given(server) == {"name", "banner"}   # lists left out hold their default
    server = Server.model_validate({"name": "a.example.org", "aliases": ["b.example.org"]})
    assert layout.given(server) == {"name", "aliases"}


def test_each_section_has_the_fastcgi_setting_fastcgi_of_gives() -> None:
    responders = {"php": PHP}
    locations = [{"path": "/serves/*", "root": "/r"},           # inherits the server's
                 {"path": "/moved/*", "redirect": "/new/"},      # never reaches content
                 {"path": "/gone/*", "block": 410},
                 {"path": "/on/*", "fastcgi": True},
                 {"path": "/off/*", "fastcgi": False},
                 {"path": "/named/*", "fastcgi": "php"},
                 {"path": "/unknown/*", "fastcgi": "nope"},
                 {"path": "/inline/*", "fastcgi": {"socket": "/s", "strip": 1}}]
    for own in ("php", True, False, None):
        server = Server.model_validate({"name": "a.example.org", "fastcgi": own,
                                        "locations": locations})
        sections = layout.sections(server, responders)
        assert [item for item, _, _ in sections] == [server, *server.locations]
        assert [fastcgi for _, _, fastcgi in sections] == [
            layout.fastcgi_of(None, server, responders),
            *(layout.fastcgi_of(loc, server, responders) for loc in server.locations)]
    server = Server.model_validate({"name": "a.example.org", "fastcgi": "php",
                                    "locations": locations})
    assert [f for _, _, f in layout.sections(server, responders)] == [
        PHP, PHP, None, None, True, False, PHP, None, Fastcgi(socket="/s", strip=1)]


# A user's httpd.conf.j2 written against the context render() documents before `sections`
# existed: `servers`, `knows`, `layout.fastcgi_of` and `layout.tls_options` keep working.
USER_TEMPLATE = """\
{% for server, blocks in servers %}
server {{ server.name | q }} {
{% for b in blocks %}{% for listen in b.listens %}
	listen on {{ listen.address | word }}{{ " tls" if listen.tls }} port {{ listen.port }}
{% endfor %}{% endfor %}
{% if layout.tls_options(server) is not none %}
	tls ciphers {{ layout.tls_options(server).ciphers | q }}
{% endif %}
{% for location in server.locations %}
	location {{ location.path | q }} {
{% set f = layout.fastcgi_of(location, server, site.fastcgi) %}
{% if f is not none and f is not boolean %}
		fastcgi socket {{ f.socket | q }}
{% endif %}
		{{ "request" if knows("request_strip") else "root" }} strip 1
	}
{% endfor %}
}
{% endfor %}
"""


def test_a_user_template_written_against_the_documented_context_still_renders(
        tmp_path: Path) -> None:
    (tmp_path / "httpd.conf.j2").write_text(USER_TEMPLATE)
    site = Site.model_validate({
        "host": {"name": "h.example.org", "openbsd": "7.6"},
        "tls": {"web": {"certificate": "/etc/ssl/w.crt", "key": "/etc/ssl/private/w.key"}},
        "fastcgi": {"php": {"socket": "/run/php-fpm.sock"}},
        "httpd": {"tls": "web", "servers": [{
            "name": "a.example.org", "fastcgi": "php", "tls": {"ciphers": "secure"},
            "locations": [{"path": "*.php"}, {"path": "/old/*", "redirect": "/new/"}]}]},
    })
    output = render(site, tmp_path)["httpd.conf"]
    assert not output.shipped
    assert output.text == (
        'server "a.example.org" {\n'
        "\tlisten on egress port 80\n"
        "\tlisten on egress tls port 443\n"
        '\ttls ciphers "secure"\n'
        '\tlocation "*.php" {\n'
        '\t\tfastcgi socket "/run/php-fpm.sock"\n'
        "\t\trequest strip 1\n"
        "\t}\n"
        '\tlocation "/old/*" {\n'
        "\t\trequest strip 1\n"
        "\t}\n"
        "}\n")
