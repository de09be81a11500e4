"""The request simulator against the complete example of httpd-conf.md 6.1 (its spot-check
table, row by row) and the rules of sections 3.1-3.7 and 4.6 it does not reach."""

from __future__ import annotations

import pytest

from hostgen.httpd.simulate import Answer, Table, build_table, request_from_url, simulate
from hostgen.live.httpd import parse

# httpd-conf.md 6.1, verbatim
REFERENCE = r"""
# httpd.conf for OpenBSD 7.6 (unchanged grammar in 7.1 .. 7.8)

# ---- macros: top level only; a value is lexed again where it is used ----
ext4 = "203.0.113.10"
ext6 = "2001:db8::10"
# a path needs its own quotes inside the macro value
siteroot = "\"/htdocs/www.example.com\""

# ---- global options: all of them before the first server block ----
chroot "/var/www"
logdir "/var/www/logs"
prefork 4
default type text/plain
errdocs "/errdocs"

# ---- port 80: ACME challenges, everything else redirected to https ----
server "www.example.com" {
	listen on $ext4 port 80
	listen on $ext6 port 80
	alias "example.com"
	log style combined
	location "/.well-known/acme-challenge/*" {
		root "/acme"
		request strip 2
	}
	location "*" {
		block return 301 "https://$HTTP_HOST$REQUEST_URI"
	}
}

# ---- the site itself ----
server "www.example.com" {
	listen on $ext4 tls port 443
	listen on $ext6 tls port 443
	alias "example.com"
	tls {
		certificate "/etc/ssl/www.example.com.fullchain.pem"
		key "/etc/ssl/private/www.example.com.key"
		protocols "tlsv1.2,tlsv1.3"
		ciphers "secure"
		ecdhe "X25519,P-256,P-384"
		ticket lifetime default
	}
	hsts {
		max-age 15768000
		subdomains
	}
	root $siteroot
	directory index "index.html"
	gzip-static
	log {
		access "www-access.log"
		error "www-error.log"
		style forwarded
	}
	connection {
		max request body 10485760
		max requests 200
		timeout 120
		request timeout 30
	}
	tcp { nodelay, backlog 128 }

	# first match wins: specific locations first
	location "/.git*" { block }
	location "/gone/*" {
		block return 410
	}
	location "/private/*" {
		authenticate "Staff only" with "/conf/htpasswd"
		directory auto index
		gzip-static
	}
	location "/downloads/*" {
		directory { auto index, index "README.html" }
		default type application/octet-stream
		gzip-static
	}
	location match "^/blog/(%d+)/(%d+)/([%w_%-]+)$" {
		request rewrite "/blog/index.php?y=%1&m=%2&slug=%3"
	}
	location match "^/~([%w_]+)/?$" {
		block return 302 "https://people.example.com/%1/"
	}
	location "/old/*" {
		block return 308 "$REQUEST_SCHEME://$SERVER_NAME/new/"
	}
	location "/api/*" {
		fastcgi {
			socket tcp "127.0.0.1" 9000
			param APP_ENV "production"
		}
	}
	# the socket is not inherited from the server, so each FastCGI location names it
	location "*.php" {
		fastcgi {
			socket "/run/php-fpm.sock"
			param PHP_VALUE "upload_max_filesize=10M"
		}
	}
	location not found "/app/*" {
		request rewrite "/app/index.php"
	}
}

# ---- loopback staging site: everything blocked except one path ----
server "staging.example.com" {
	listen on 127.0.0.1 port 8080
	root "/htdocs/staging"
	no errdocs
	no log
	block return 403
	location "/health" {
		pass
	}
}

# ---- intranet service with client certificates ----
server "intranet.example.com" {
	listen on 10.0.0.1 tls port 8443
	tls {
		certificate "/etc/ssl/intranet.crt"
		key "/etc/ssl/private/intranet.key"
		client ca "/etc/ssl/intranet-ca.pem" crl "/etc/ssl/intranet.crl" optional
		ocsp "/etc/ssl/intranet.ocsp.der"
	}
	root "/htdocs/intranet"
	log syslog
	fastcgi
	location "/static/*" {
		no fastcgi
	}
}

types {
	include "/usr/share/misc/mime.types"
}
"""


def table_of(text: str) -> Table:
    return build_table(parse(text, "httpd.conf", read_include=lambda name: "text/html html\n"))


@pytest.fixture(scope="module")
def reference() -> Table:
    return table_of(REFERENCE)


def route(table: Table, url: str, **options: object) -> Answer:
    answers = simulate(table, request_from_url(url, **options))  # type: ignore[arg-type]
    assert len(answers) == 1
    return answers[0]


def where(answer: Answer) -> list[str]:
    return [conf.label for _, conf in answer.chain]


# ---- the table of 6.1 ------------------------------------------------------------------------

def test_alias_on_port_80_redirects_to_https(reference: Table) -> None:
    answer = route(reference, "http://example.com/", address="203.0.113.10")
    assert answer.entry is not None and answer.entry.name == "example.com"
    assert answer.entry.port == 80
    assert where(answer) == ['location "*"']
    assert (answer.outcome.status, answer.outcome.location) == (301, "https://example.com/")


def test_unknown_host_gets_the_default_entry_and_the_local_address(reference: Table) -> None:
    answer = route(reference, "http://203.0.113.10/", address="203.0.113.10")
    assert answer.entry is not None and answer.entry.name == "www.example.com"
    assert answer.outcome.summary() == "301 -> https://203.0.113.10/"


def test_acme_challenge_is_served_with_two_components_stripped(reference: Table) -> None:
    answer = route(reference, "http://www.example.com/.well-known/acme-challenge/tok",
                   address="203.0.113.10")
    assert answer.outcome.summary() == "file /var/www/acme/tok"


def test_blog_rewrite_lands_in_the_php_location(reference: Table) -> None:
    answer = route(reference, "https://www.example.com/blog/2024/05/hello",
                   address="203.0.113.10")
    assert where(answer) == ['location match "^/blog/(%d+)/(%d+)/([%w_%-]+)$"',
                             'location "*.php"']
    assert answer.rewrite == "/blog/index.php?y=2024&m=05&slug=hello"
    outcome = answer.outcome
    assert (outcome.kind, outcome.path) == ("fastcgi", "/var/www/run/php-fpm.sock")
    params = dict(outcome.params)
    assert params["SCRIPT_NAME"] == "/blog/index.php"
    assert params["QUERY_STRING"] == "y=2024&m=05&slug=hello"
    assert params["DOCUMENT_URI"] == "/blog/index.php"
    assert params["REQUEST_URI"] == "/blog/2024/05/hello"
    assert params["SCRIPT_FILENAME"] == "/htdocs/www.example.com/blog/index.php"


def test_user_pages_redirect_with_a_capture(reference: Table) -> None:
    answer = route(reference, "https://www.example.com/~alice", address="203.0.113.10")
    assert answer.outcome.summary() == "302 -> https://people.example.com/alice/"
    assert answer.captures == ("/~alice", "alice")


@pytest.mark.parametrize(("host", "location"), [
    ("www.example.com", "https://www.example.com/new/"),
    ("example.com", "https://example.com/new/"),
])
def test_server_name_is_the_entry_name(reference: Table, host: str, location: str) -> None:
    answer = route(reference, f"https://{host}/old/x", address="203.0.113.10")
    assert (answer.outcome.status, answer.outcome.location) == (308, location)


def test_not_found_rewrites_only_when_the_file_is_missing(reference: Table) -> None:
    answers = simulate(reference, request_from_url("https://www.example.com/app/missing",
                                                   address="203.0.113.10"))
    missing, present = answers
    assert missing.conditions == ("/var/www/htdocs/www.example.com/app/missing does not exist",)
    assert missing.outcome.summary() == ("fastcgi /var/www/run/php-fpm.sock "
                                         "SCRIPT_NAME=/app/index.php")
    assert present.conditions == ("/var/www/htdocs/www.example.com/app/missing exists",)
    assert present.outcome.summary() == "file /var/www/htdocs/www.example.com/app/missing"
    assert where(present) == ["server"]


def test_glob_locations_ignore_case(reference: Table) -> None:
    answer = route(reference, "https://www.example.com/Private/x", address="203.0.113.10")
    assert where(answer) == ['location "/private/*"']
    assert answer.outcome.status == 401


def test_staging_passes_one_path_and_blocks_the_rest(reference: Table) -> None:
    health = route(reference, "http://staging.example.com/health", port=8080)
    assert health.outcome.summary() == "file /var/www/htdocs/staging/health"
    other = route(reference, "http://staging.example.com/other", port=8080)
    assert other.outcome.summary() == "403 (Forbidden)"


# ---- more of section 3 -------------------------------------------------------------------------

def test_gone_and_dot_git(reference: Table) -> None:
    assert route(reference, "https://www.example.com/gone/x",
                 address="203.0.113.10").outcome.status == 410
    assert route(reference, "https://www.example.com/.gitignore",
                 address="203.0.113.10").outcome.status == 403


def test_fastcgi_over_tcp_and_static_exception(reference: Table) -> None:
    api = route(reference, "https://www.example.com/api/v1", address="203.0.113.10")
    assert api.outcome.path == "tcp 127.0.0.1:9000"
    intranet = route(reference, "https://intranet.example.com:8443/x.cgi", address="10.0.0.1")
    assert intranet.outcome.path == "/var/www/run/slowcgi.sock"   # `fastcgi` alone: default
    static = route(reference, "https://intranet.example.com:8443/static/a.css",
                   address="10.0.0.1")
    assert static.outcome.summary() == "file /var/www/htdocs/intranet/static/a.css"


def test_ipv6_address_gets_its_own_socket(reference: Table) -> None:
    answer = route(reference, "http://[2001:db8::10]/", address="2001:db8::10")
    assert answer.entry is not None and str(answer.entry.address.text) == "2001:db8::10"
    # no name matches: $HTTP_HOST is the local address, and on port 80 server_http_host()
    # writes it without brackets, so the redirect is not a usable URL (httpd's answer)
    assert answer.outcome.summary() == "301 -> https://2001:db8::10/"
