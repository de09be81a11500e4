"""What each nginx directive of a server or location body becomes in site.yaml, or the loss it is.

Tables, after nginx-to-httpd.md section 5: IGNORED directives change nothing httpd can be asked
for (performance knobs, the standard FastCGI parameters httpd sends itself); ADVICE maps what
httpd cannot do to what to do instead; TRANSLATE maps the rest to a function writing site.yaml
keys. The rewrite-phase directives (return, rewrite, try_files, if) are handled by `rewrites`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from hostgen.adopt.nginx.context import Context
from hostgen.adopt.nginx.read import Directive
from hostgen.site.versions import requirement

Fields = dict[str, Any]

REWRITE_PHASE = frozenset({"return", "rewrite", "try_files", "if", "location", "#"})

IGNORED = frozenset({
    "charset", "charset_types", "source_charset", "sendfile", "tcp_nopush", "tcp_nodelay",
    "open_file_cache", "open_file_cache_valid", "open_file_cache_min_uses",
    "open_file_cache_errors", "keepalive_timeout", "keepalive_requests", "types_hash_max_size",
    "types_hash_bucket_size", "server_names_hash_bucket_size", "server_names_hash_max_size",
    "log_format", "ssl_session_cache", "ssl_session_timeout", "ssl_prefer_server_ciphers",
    "ssl_session_tickets", "ssl_buffer_size", "resolver", "resolver_timeout",
    "client_body_buffer_size", "client_header_buffer_size", "large_client_header_buffers",
    # no httpd timeout has their meaning: `connection timeout` and `request timeout` are
    # inactivity timeouts of every read and write (httpd-conf.md 2.4.13), not one phase's
    "client_body_timeout", "client_header_timeout", "send_timeout", "reset_timedout_connection",
    "fastcgi_buffers", "fastcgi_buffer_size", "fastcgi_busy_buffers_size",
    "fastcgi_temp_file_write_size", "fastcgi_connect_timeout", "fastcgi_send_timeout",
    "fastcgi_read_timeout", "fastcgi_index", "fastcgi_split_path_info",
    "fastcgi_intercept_errors", "fastcgi_hide_header", "fastcgi_keep_conn", "log_not_found",
    "server_name_in_redirect", "port_in_redirect", "absolute_redirect", "etag", "if_modified_since",
    "disable_symlinks", "output_buffers", "postpone_output", "aio", "directio", "msie_padding",
    "gzip_vary", "gzip_proxied", "gzip_comp_level", "gzip_buffers", "gzip_http_version",
    "gzip_types", "gzip_min_length", "gzip_disable", "variables_hash_max_size",
    "map_hash_bucket_size", "default_type", "server_name", "listen",
    "ssl_certificate", "ssl_certificate_key", "ssl", "http2", "autoindex_exact_size",
    "autoindex_localtime", "autoindex_format", "ssl_stapling", "ssl_stapling_verify",
    "ssl_trusted_certificate", "ssl_ecdh_curve", "ssl_dhparam", "ssl_stapling_file",
    "ssl_client_certificate", "ssl_verify_client", "ssl_crl", "ssl_protocols", "ssl_ciphers",
    # the main context, seen when a lone file holds servers at its top level
    "user", "worker_processes", "pid", "worker_rlimit_nofile", "worker_connections",
    "multi_accept", "use", "pcre_jit", "load_module", "daemon", "master_process", "env",
    "thread_pool", "timer_resolution", "lock_file", "worker_cpu_affinity", "worker_priority",
})

_RELAYD = "put relayd(8) in front of httpd"
ADVICE = {
    "proxy_pass": f"httpd has no reverse proxy: {_RELAYD} (a relay forwarding to the "
                  "backend), or run the application as a FastCGI responder",
    "uwsgi_pass": f"httpd speaks FastCGI only: {_RELAYD}, or serve the application over FastCGI",
    "scgi_pass": f"httpd speaks FastCGI only: {_RELAYD}, or serve the application over FastCGI",
    "grpc_pass": f"httpd has no gRPC proxy: {_RELAYD}",
    "set": "httpd has no variables: write the value where it is used",
    "map": "httpd has no variables or maps: list the cases as locations",
    "geo": "httpd has no address-based variables: use pf(4) tables",
    "add_header": f"httpd adds no response headers except HSTS: {_RELAYD} with "
                  "`match response header set`",
    "more_set_headers": f"httpd adds no response headers except HSTS: {_RELAYD}",
    "expires": f"httpd sets no Expires / Cache-Control headers: {_RELAYD} with "
               "`match response header set`",
    "limit_req": "httpd has no rate limiting: use pf(4) `max-src-conn-rate`, or relayd(8)",
    "limit_conn": "httpd has no connection limits per client: use pf(4) `max-src-conn`",
    "limit_rate": "httpd has no bandwidth limits: use pf(4) queues",
    "allow": "httpd has no address access control: use pf(4), or relayd(8) filters",
    "deny": "httpd has no address access control: use pf(4), or relayd(8) filters",
    "gzip": "httpd does not compress on the fly: ship pre-compressed .gz files "
            "(gzip_static) or put relayd(8) in front",
    "error_page": "httpd's `errdocs DIR` (site.yaml `errdocs:`) serves CODE.html, else "
                  "err.html, from one folder as templates for every error; write the pages "
                  "there",
    "client_max_body_size": "httpd limits the request body per server only: set the "
                            "server's `connection: {max_request_body}`",
    "server_tokens": "httpd's Server header never names its version (`banner: false` "
                     "drops the header, OpenBSD 7.9+)",
    "internal": "httpd has no internal-only locations: this location is now reachable "
                "from outside",
    "auth_request": f"httpd has no sub-request authentication: {_RELAYD}",
    "sub_filter": "httpd does not rewrite response bodies",
    "ssi": "httpd has no server-side includes",
    "fastcgi_param": "httpd sends the standard CGI variables itself; a parameter built from "
                     "nginx variables cannot be written (only static values)",
    "fastcgi_pass": "",   # see fastcgi()
}

# what httpd sends itself, or what would be wrong under its chroot (nginx-to-httpd.md 10)
_STANDARD_PARAMS = frozenset({
    "SCRIPT_FILENAME", "SCRIPT_NAME", "PATH_INFO", "PATH_TRANSLATED", "QUERY_STRING",
    "REQUEST_METHOD", "CONTENT_TYPE", "CONTENT_LENGTH", "REQUEST_URI", "DOCUMENT_URI",
    "DOCUMENT_ROOT", "SERVER_PROTOCOL", "REQUEST_SCHEME", "HTTPS", "GATEWAY_INTERFACE",
    "SERVER_SOFTWARE", "REMOTE_ADDR", "REMOTE_PORT", "REMOTE_USER", "SERVER_ADDR",
    "SERVER_PORT", "SERVER_NAME", "REDIRECT_STATUS", "HTTP_PROXY",
})


def body(directives: list[Directive], ctx: Context, *, server: bool) -> Fields:
    """site.yaml keys for the simple directives of a server or a location."""
    fields: Fields = {}
    for directive in directives:
        name = directive.name
        if name in REWRITE_PHASE or name in IGNORED or name.startswith("ssl_") and server:
            continue
        handler = TRANSLATE.get(name)
        if name in SERVER_ONLY and not server:
            ctx.lose(directive, f"{name} in a location dropped: {ADVICE[name]}")
        elif handler is not None:
            handler(directive, fields, ctx)
        elif name.startswith("proxy_") and name != "proxy_pass":
            ctx.lose(directive, f"{name} dropped with proxy_pass: {ADVICE['proxy_pass']}")
        else:
            advice = ADVICE.get(name, "no httpd equivalent")
            ctx.lose(directive, f"{name} dropped: {advice}")
    return fields


def fixed_script(directives: list[Directive]) -> str | None:
    """The script a location always runs (`fastcgi_param SCRIPT_FILENAME
    $document_root/index.php`, the named-location front controller), as a path."""
    for d in directives:
        if d.name == "fastcgi_param" and len(d.args) > 1 and d.args[0] == "SCRIPT_FILENAME":
            found = re.fullmatch(r"\$(?:document_root|realpath_root)(/[^$]+)", d.args[1])
            return found[1] if found else None
    return None


def finish_authenticate(fields: Fields, own: list[Directive], outer: list[Directive],
                        ctx: Context) -> None:
    """`auth_basic` and its user file may be set at different levels in nginx; httpd's
    `authenticate` needs both in one place. The outer level fills in what is missing."""
    auth = fields.get("authenticate")
    if not isinstance(auth, dict):
        return
    for d in outer:
        if d.name == "auth_basic_user_file" and "htpasswd" not in auth and "$" not in d.args[0]:
            auth["htpasswd"] = ctx.chrooted(d, d.args[0], "htpasswd file")
        elif d.name == "auth_basic" and "realm" not in auth and d.args != ["off"]:
            auth["realm"] = d.args[0]
    if "htpasswd" not in auth:
        where = next((d for d in own if d.name.startswith("auth_basic")), None)
        if where is not None:
            ctx.lose(where, "auth_basic without a usable auth_basic_user_file dropped")
        del fields["authenticate"]
    elif "realm" not in auth:
        fields["authenticate"] = {"htpasswd": auth["htpasswd"]}


def _root(d: Directive, fields: Fields, ctx: Context) -> None:
    if "$" in d.args[0]:
        ctx.lose(d, f"root {d.args[0]} built from variables dropped: write the folder itself")
        return
    fields["root"] = ctx.chrooted(d, d.args[0], "root")


def _index(d: Directive, fields: Fields, ctx: Context) -> None:
    names = [a for a in d.args if "$" not in a]
    if not names:
        ctx.lose(d, "index built from variables: no httpd equivalent")
        return
    fields["index"] = names[0]
    if len(d.args) > 1:
        ctx.lose(d, f"httpd has one index file: kept {names[0]}, dropped "
                    f"{' '.join(a for a in d.args if a != names[0])}")


def _autoindex(d: Directive, fields: Fields, ctx: Context) -> None:
    if d.args[0] == "on":
        fields["auto_index"] = True


def _log(d: Directive, fields: Fields, ctx: Context) -> None:
    if d.args[0] == "off":
        fields["log"] = False
        return
    key = "access" if d.name == "access_log" else "error"
    target = d.args[0]
    if target.startswith("syslog:") or target == "stderr" or "$" in target:
        ctx.lose(d, f"{d.name} {target}: httpd logs to files under its logdir or to syslog")
        return
    current = fields.get("log")
    log = dict(current) if isinstance(current, dict) else {}
    log[key] = PurePosixPath(target).name
    fields["log"] = log
    if d.name == "access_log" and len(d.args) > 1 and d.args[1] != "combined":
        ctx.lose(d, f"log format {d.args[1]}: httpd writes common, combined, connection or "
                    "forwarded (combined kept)")


def _auth_basic(d: Directive, fields: Fields, ctx: Context) -> None:
    if d.args[0] == "off":
        fields["authenticate"] = False
        return
    current = fields.get("authenticate")
    auth = dict(current) if isinstance(current, dict) else {}
    auth["realm"] = d.args[0]
    fields["authenticate"] = auth


def _auth_file(d: Directive, fields: Fields, ctx: Context) -> None:
    if "$" in d.args[0]:
        ctx.lose(d, f"auth_basic_user_file {d.args[0]} built from variables dropped")
        return
    current = fields.get("authenticate")
    auth = dict(current) if isinstance(current, dict) else {}
    auth["htpasswd"] = ctx.chrooted(d, d.args[0], "htpasswd file")
    fields["authenticate"] = auth
    ctx.lose(d, "httpd checks passwords with crypt_checkpass(3): bcrypt hashes (htpasswd(1) "
                "on OpenBSD) work, apr1/SHA hashes from Linux htpasswd do not")


def _allow(d: Directive, fields: Fields, ctx: Context) -> None:
    if d.args != ["all"]:   # `allow all` lets everyone in: what httpd does anyway
        ctx.lose(d, f"allow {' '.join(d.args)} dropped: {ADVICE['allow']}")


def _deny(d: Directive, fields: Fields, ctx: Context) -> None:
    if d.args == ["all"]:
        fields["block"] = True
    else:
        ctx.lose(d, f"deny {' '.join(d.args)} dropped: {ADVICE['deny']}")


def _gzip_static(d: Directive, fields: Fields, ctx: Context) -> None:
    if d.args[0] == "on":
        fields["gzip_static"] = True
    elif d.args[0] == "always":
        ctx.lose(d, "gzip_static always: httpd sends the .gz file only to clients that accept it")
        fields["gzip_static"] = True


def _fastcgi_pass(d: Directive, fields: Fields, ctx: Context) -> None:
    target = d.args[0]
    if "$" in target:
        ctx.lose(d, f"fastcgi_pass {target} built from variables dropped: name the socket")
        return
    if target.startswith("unix:"):
        path = target[len("unix:"):]
        if path.startswith("/var/www/"):
            socket = path[len("/var/www"):]
        else:
            socket = "/run/" + PurePosixPath(path).name
            ctx.lose(d, f"FastCGI socket {path} is outside httpd's chroot: written as "
                        f"{socket}; make the responder listen on /var/www{socket}")
    else:
        tcp = _tcp(d, ctx)
        if tcp is not None:
            fields["fastcgi"] = ctx.name_for(ctx.responders, f"fastcgi-{tcp['port']}",
                                             {"tcp": tcp})
            return
        socket = "/run/php-fpm.sock"
    value = {"socket": socket}
    stem = PurePosixPath(socket).stem.removesuffix(".sock")
    fields["fastcgi"] = ctx.name_for(ctx.responders, stem, value)


def _tcp(d: Directive, ctx: Context) -> dict[str, Any] | None:
    """`fastcgi_pass HOST:PORT` as httpd's `fastcgi socket tcp HOST PORT` (6.8+), or None
    (with the loss said) when the target is older or names an upstream {} group."""
    target = d.args[0]
    found = re.fullmatch(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})", target)
    old = requirement("fastcgi_tcp", ctx.release) if ctx.release else None
    if found is None or not 0 < int(found[2]) < 65536 or old is not None:
        why = old or "an upstream {} group has no httpd equivalent"
        ctx.lose(d, f"fastcgi_pass {target}: {why}; written as the socket /run/php-fpm.sock: "
                    "make the responder listen on /var/www/run/php-fpm.sock")
        return None
    return {"host": found[1].strip("[]"), "port": int(found[2])}


_SIZE_UNITS = {"": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}   # nginx "Syntax" page
HTTPD_MAX_BODY = 1048576   # httpd's default `max request body` (httpd-conf.md 2.4.13)


def _max_body(d: Directive, fields: Fields, ctx: Context) -> None:
    found = re.fullmatch(r"(\d+)([kKmMgG]?)", d.args[0])
    if found is None or found[1].strip("0") == "":
        ctx.lose(d, f"client_max_body_size {d.args[0]} dropped: nginx then sets no limit, "
                    f"httpd always has one (`connection: {{max_request_body}}`, default "
                    f"{HTTPD_MAX_BODY})")
        return
    size = int(found[1]) * _SIZE_UNITS[found[2].lower()]
    if size != HTTPD_MAX_BODY:
        fields["connection"] = {"max_request_body": size}


def _server_tokens(d: Directive, fields: Fields, ctx: Context) -> None:
    # `off` sends "Server: nginx" without a version; httpd's "OpenBSD httpd" never has one, so
    # nothing is written (`no banner` would drop the header nginx still sends)
    if d.args != ["off"]:
        ctx.lose(d, f"server_tokens {' '.join(d.args)} dropped: {ADVICE['server_tokens']}")


def _fastcgi_param(d: Directive, fields: Fields, ctx: Context) -> None:
    name, value = d.args[0], d.args[1] if len(d.args) > 1 else ""
    if name in _STANDARD_PARAMS:
        return
    if "$" in value or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        ctx.lose(d, f"fastcgi_param {name} dropped: {ADVICE['fastcgi_param']}")
        return
    params = dict(fields.get("fastcgi_param", {}))
    params[name] = value
    fields["fastcgi_param"] = params


def _include(d: Directive, fields: Fields, ctx: Context) -> None:
    # left in place only when a lone snippet was read (read.py); FastCGI parameter files and
    # mime.types hold nothing httpd needs (nginx-to-httpd.md 10)
    if not re.search(r"fastcgi|mime\.types", d.args[0]):
        ctx.lose(d, f"include {d.args[0]} not followed (a lone server snippet was read): "
                    "import the main nginx.conf to translate it")


def _alias(d: Directive, fields: Fields, ctx: Context) -> None:
    fields["alias"] = d   # resolved by locations (needs the location's prefix)


TRANSLATE: dict[str, Callable[[Directive, Fields, Context], None]] = {
    "root": _root,
    "alias": _alias,
    "include": _include,
    "index": _index,
    "autoindex": _autoindex,
    "access_log": _log,
    "error_log": _log,
    "auth_basic": _auth_basic,
    "auth_basic_user_file": _auth_file,
    "allow": _allow,
    "deny": _deny,
    "gzip_static": _gzip_static,
    "fastcgi_pass": _fastcgi_pass,
    "fastcgi_param": _fastcgi_param,
    "client_max_body_size": _max_body,
    "server_tokens": _server_tokens,
}
SERVER_ONLY = frozenset({"client_max_body_size"})
