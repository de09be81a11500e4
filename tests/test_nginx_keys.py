"""`import --nginx` writing the keys that cover httpd.conf's grammar (tls options, the
`listen` list form, `connection`, `errdocs`, FastCGI over TCP) where nginx's value means the
same, and the losses that remain where it does not."""

from __future__ import annotations

from pathlib import Path

from hostgen.adopt.nginx import adopt_nginx
from hostgen.adopt.result import Adopted, dump
from hostgen.checks.expectations import run_expectations
from hostgen.cli import main
from hostgen.httpd.simulate.sources import from_site
from hostgen.site.load import load_site

TLS = ("events {}\nhttp {\n    server {\n        listen 443 ssl;\n        server_name a.test;\n"
       "        root /var/www/htdocs/a;\n        ssl_certificate /etc/ssl/a.crt;\n"
       "        ssl_certificate_key /etc/ssl/private/a.key;\n")
PLAIN = ("events {}\nhttp {\n    server {\n        listen 80;\n        server_name a.test;\n"
         "        root /var/www/htdocs/a;\n")


def adopt(tmp_path: Path, head: str, body: str, release: str | None = None,
          tail: str = "") -> tuple[Adopted, list[str]]:
    conf = tmp_path / "nginx.conf"
    conf.write_text(head + body + "    }\n" + tail + "}\n")
    adopted = adopt_nginx(conf, release)
    losses = [loss.format().replace(f"{tmp_path}/", "") for loss in adopted.losses]
    return adopted, losses


def rendered(tmp_path: Path, adopted: Adopted) -> str:
    """The site validates, proves its expectations, and its httpd.conf parses."""
    site = tmp_path / "site.yaml"
    site.write_text(dump(adopted.document))
    loaded = load_site(site)
    assert [p.message for p in run_expectations(loaded)] == []
    from_site(loaded)
    out = tmp_path / "out"
    assert main(["render", str(site), "--out", str(out)]) == 0
    return (out / "etc" / "httpd.conf").read_text()


def test_tls_options_whose_values_libtls_reads_alike_are_written(tmp_path: Path) -> None:
    adopted, losses = adopt(tmp_path, TLS, (
        "        ssl_protocols TLSv1.3;\n"
        "        ssl_ciphers ECDHE+AESGCM:!aNULL;\n"
        "        ssl_ecdh_curve X25519:secp384r1;\n"
        "        ssl_stapling on;\n"
        "        ssl_stapling_file /etc/ssl/a.ocsp.der;\n"
        "        ssl_client_certificate /etc/ssl/clients.pem;\n"
        "        ssl_crl /etc/ssl/clients.crl;\n"
        "        ssl_verify_client optional;\n"))
    assert losses == []
    conf = rendered(tmp_path, adopted)
    assert ('\ttls ciphers "ECDHE+AESGCM:!aNULL"\n\ttls protocols "tlsv1.3"\n'
            '\ttls ecdhe "X25519,P-384"\n\ttls ocsp "/etc/ssl/a.ocsp.der"\n'
            '\ttls client ca "/etc/ssl/clients.pem" crl "/etc/ssl/clients.crl" optional\n'
            ) in conf


def test_tls_options_that_would_mean_something_else_stay_losses(tmp_path: Path) -> None:
    adopted, losses = adopt(tmp_path, TLS, (
        "        ssl_protocols TLSv1.1 TLSv1.2;\n"
        "        ssl_ciphers 'DEFAULT@SECLEVEL=2';\n"
        "        ssl_ecdh_curve X448;\n"
        "        ssl_stapling on;\n"
        "        ssl_dhparam /etc/ssl/dh.pem;\n"
        "        ssl_client_certificate /etc/ssl/clients.pem;\n"
        "        ssl_verify_client optional_no_ca;\n"))
    assert losses == [
        "nginx.conf:9: warning: ssl_protocols TLSv1.1 TLSv1.2 dropped: httpd keeps its default "
        "TLSv1.2 and TLSv1.3 (older ones may be gone from the target's libtls)",
        "nginx.conf:10: warning: ssl_ciphers DEFAULT@SECLEVEL=2 dropped: not a cipher list "
        "LibreSSL reads the same way",
        "nginx.conf:11: warning: ssl_ecdh_curve X448 dropped: libtls knows X25519, P-256, "
        "P-384 and P-521",
        "nginx.conf:12: warning: ssl_stapling dropped: httpd staples a DER response file it is "
        "given (`tls: {ocsp}`, refreshed by ocspcheck(8)), it does not ask the responder "
        "itself",
        "nginx.conf:13: warning: ssl_dhparam /etc/ssl/dh.pem: httpd's `tls dhe auto` turns DHE "
        "on with a group chosen by key size; the file itself is not used",
        "nginx.conf:15: warning: ssl_verify_client optional_no_ca dropped: httpd's `tls client "
        "ca` verifies against one CA file, with or without `optional`, at libtls's depth",
    ]
    assert '\ttls dhe "auto"\n' in rendered(tmp_path, adopted)


def test_tls_options_the_target_release_lacks_are_left_out(tmp_path: Path) -> None:
    adopted, losses = adopt(tmp_path, TLS, "        ssl_stapling on;\n"
                                           "        ssl_stapling_file /etc/ssl/a.der;\n",
                            release="6.0")
    assert losses == ["nginx.conf:3: warning: tls ocsp left out: tls ocsp needs OpenBSD 6.1 "
                      "or later (host.openbsd is 6.0)"]
    assert "ocsp" not in dump(adopted.document)


def test_tls_servers_that_disagree_keep_httpd_defaults(tmp_path: Path) -> None:
    other = ("    server {\n        listen 443 ssl;\n        server_name b.test;\n"
             "        root /var/www/htdocs/b;\n        ssl_certificate /etc/ssl/b.crt;\n"
             "        ssl_certificate_key /etc/ssl/private/b.key;\n    }\n")
    adopted, losses = adopt(tmp_path, TLS, "        ssl_protocols TLSv1.3;\n", tail=other)
    assert losses == ["nginx.conf:3: warning: tls protocols left out: TLS servers differ in "
                      "them, and httpd needs them equal on a shared address and port"]
    assert "tls protocols" not in rendered(tmp_path, adopted)


def test_other_ports_and_several_addresses_use_the_listen_list(tmp_path: Path) -> None:
    adopted, losses = adopt(tmp_path, PLAIN.replace("listen 80;", (
        "listen 192.0.2.1:80;\n        listen 192.0.2.2:80;\n        listen 8080;\n"
        "        listen [::]:8080;")), "")
    assert losses == []
    conf = rendered(tmp_path, adopted)
    assert ('\tlisten on "192.0.2.1" port 80\n\tlisten on "192.0.2.2" port 80\n'
            '\tlisten on * port 8080\n') in conf
    assert 'url: "http://a.test/"' in dump(adopted.document)


def test_client_max_body_size_is_the_connection_limit_where_httpd_has_one(
        tmp_path: Path) -> None:
    adopted, losses = adopt(tmp_path, PLAIN, "        client_max_body_size 20m;\n"
                                             "        location /up/ { client_max_body_size 1g; }\n")
    assert losses == ["nginx.conf:8: warning: client_max_body_size in a location dropped: "
                      "httpd limits the request body per server only: set the server's "
                      "`connection: {max_request_body}`"]
    assert "\tconnection max request body 20971520\n" in rendered(tmp_path, adopted)
    adopted, losses = adopt(tmp_path, PLAIN, "        client_max_body_size 1m;\n")
    assert losses == [] and "connection" not in dump(adopted.document)
    adopted, losses = adopt(tmp_path, PLAIN, "        client_max_body_size 0;\n")
    assert losses == ["nginx.conf:7: warning: client_max_body_size 0 dropped: nginx then sets "
                      "no limit, httpd always has one (`connection: {max_request_body}`, "
                      "default 1048576)"]


def test_server_tokens_off_is_what_httpd_does_already(tmp_path: Path) -> None:
    adopted, losses = adopt(tmp_path, PLAIN, "        server_tokens off;\n")
    assert losses == [] and "banner" not in dump(adopted.document)
    _, losses = adopt(tmp_path, PLAIN, "        server_tokens build;\n")
    assert losses == ["nginx.conf:7: warning: server_tokens build dropped: httpd's Server "
                      "header never names its version (`banner: false` drops the header, "
                      "OpenBSD 7.9+)"]


def test_fastcgi_over_tcp_is_a_tcp_responder_from_6_8(tmp_path: Path) -> None:
    php = "        location ~ \\.php$ { fastcgi_pass [::1]:9001; }\n"
    adopted, losses = adopt(tmp_path, PLAIN, php)
    assert losses == []
    assert '\t\tfastcgi socket tcp "::1" 9001\n' in rendered(tmp_path, adopted)
    adopted, losses = adopt(tmp_path, PLAIN, php, release="6.7")
    assert losses == ["nginx.conf:7: warning: fastcgi_pass [::1]:9001: fastcgi socket tcp needs "
                      "OpenBSD 6.8 or later (host.openbsd is 6.7); written as the socket "
                      "/run/php-fpm.sock: make the responder listen on "
                      "/var/www/run/php-fpm.sock"]
    _, losses = adopt(tmp_path, PLAIN, "        location ~ \\.php$ { fastcgi_pass php; }\n")
    assert losses == ["nginx.conf:7: warning: fastcgi_pass php: an upstream {} group has no "
                      "httpd equivalent; written as the socket /run/php-fpm.sock: make the "
                      "responder listen on /var/www/run/php-fpm.sock"]


def test_error_page_is_errdocs_only_for_one_page_per_code_in_one_folder(
        tmp_path: Path) -> None:
    adopted, losses = adopt(tmp_path, PLAIN, "        error_page 404 /errors/404.html;\n"
                                             "        error_page 403 /errors/403.html;\n")
    assert losses == ["nginx.conf:7: warning: error_page became `errdocs: /htdocs/a/errors`: "
                      "httpd also answers the other errors with err.html if that folder has "
                      "one, and fills in $HTTP_ERROR, $RESPONSE_CODE and $SERVER_SOFTWARE in "
                      "the pages"]
    assert '\terrdocs "/htdocs/a/errors"\n' in rendered(tmp_path, adopted)
    _, losses = adopt(tmp_path, PLAIN, "        error_page 500 502 /50x.html;\n")
    assert losses == ["nginx.conf:7: warning: error_page dropped: httpd's `errdocs DIR` "
                      "(site.yaml `errdocs:`) serves CODE.html, else err.html, from one folder "
                      "as templates for every error; write the pages there"]
    _, losses = adopt(tmp_path, PLAIN, "        error_page 404 /404.html;\n", release="7.0")
    assert losses == ["nginx.conf:7: warning: error_page dropped: errdocs needs OpenBSD 7.1 "
                      "or later (host.openbsd is 7.0)"]


def test_hostile_tls_paths_are_quoted_or_refused(tmp_path: Path) -> None:
    adopted, losses = adopt(tmp_path, TLS, (
        "        ssl_stapling on;\n"
        "        ssl_stapling_file '/etc/ssl/a\"b #{;}.der';\n"
        "        ssl_client_certificate '/etc/ssl/$ca.pem';\n"
        "        ssl_verify_client on;\n"))
    assert losses == []
    assert ('\ttls ocsp "/etc/ssl/a\\"b #{;}.der"\n'
            '\ttls client ca "/etc/ssl/$ca.pem"\n') in rendered(tmp_path, adopted)
    _, losses = adopt(tmp_path, TLS, "        ssl_ciphers 'HIGH\"; block';\n")
    assert losses == ["nginx.conf:9: warning: ssl_ciphers HIGH\"; block dropped: not a cipher "
                      "list LibreSSL reads the same way"]


def test_a_server_that_only_returns_an_error_is_a_blocked_server(tmp_path: Path) -> None:
    adopted, losses = adopt(tmp_path, PLAIN, "        return 444;\n"
                                             "        location / { index index.html; }\n")
    assert losses == []
    text = dump(adopted.document)
    assert "      block: drop\n" in text and "locations" not in text and "root" not in text
    assert rendered(tmp_path, adopted).endswith('\tlisten on "0.0.0.0" port 80\n\tblock drop\n}\n')
