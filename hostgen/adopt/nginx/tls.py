"""nginx's ssl_* options -> a server's `tls: {protocols, ciphers, ecdhe, dhe, ocsp, client_ca}`,
where the nginx value means the same to libtls (httpd-conf.md 2.4.15, nginx-to-httpd.md 5 and
11); the rest are losses that say why."""

from __future__ import annotations

import re
from typing import Any

from hostgen.adopt.nginx.context import Context
from hostgen.adopt.nginx.document import Server
from hostgen.adopt.nginx.plan import NServer
from hostgen.adopt.nginx.read import Directive
from hostgen.site.versions import requirement

# nginx (OpenSSL) protocol and curve names -> libtls's (tls_config_parse_protocols(3),
# tls_config_set_ecdhecurves(3); nginx-to-httpd.md 5). TLSv1.0/1.1 are left out: whether the
# target's libtls still offers them is not known here.
_PROTOCOLS = {"TLSv1.2": "tlsv1.2", "TLSv1.3": "tlsv1.3"}
_CURVES = {"X25519": "X25519", "prime256v1": "P-256", "secp384r1": "P-384",
           "secp521r1": "P-521", "auto": "default"}
_CIPHERS = re.compile(r"[A-Za-z0-9_+!:,-]+")   # OpenSSL cipher-list words; no @SECLEVEL
_CLIENT = {"on": False, "optional": True}      # ssl_verify_client -> `optional`


def tls_options(server: NServer, ctx: Context) -> dict[str, Any]:
    """The `tls:` options whose nginx values mean the same to libtls (httpd-conf.md 2.4.15)."""
    by = {d.name: d for d in server.simple}
    options: dict[str, Any] = {}
    protocols = by.get("ssl_protocols")
    if protocols is not None and set(protocols.args) != set(_PROTOCOLS):
        if set(protocols.args) <= set(_PROTOCOLS):
            options["protocols"] = ",".join(_PROTOCOLS[a] for a in protocols.args)
        else:
            ctx.lose(protocols, f"ssl_protocols {' '.join(protocols.args)} dropped: httpd "
                                "keeps its default TLSv1.2 and TLSv1.3 (older ones may be "
                                "gone from the target's libtls)")
    ciphers = by.get("ssl_ciphers")
    if ciphers is not None:
        if _CIPHERS.fullmatch(ciphers.args[0]):
            options["ciphers"] = ciphers.args[0]
        else:
            ctx.lose(ciphers, f"ssl_ciphers {ciphers.args[0]} dropped: not a cipher list "
                              "LibreSSL reads the same way")
    curves = by.get("ssl_ecdh_curve")
    if curves is not None:
        names = curves.args[0].split(":")
        if all(name in _CURVES for name in names):
            options["ecdhe"] = ",".join(_CURVES[name] for name in names)
        else:
            ctx.lose(curves, f"ssl_ecdh_curve {curves.args[0]} dropped: libtls knows X25519, "
                             "P-256, P-384 and P-521")
    dhparam = by.get("ssl_dhparam")
    if dhparam is not None:
        options["dhe"] = "auto"
        ctx.lose(dhparam, f"ssl_dhparam {dhparam.args[0]}: httpd's `tls dhe auto` turns DHE on "
                          "with a group chosen by key size; the file itself is not used")
    _ocsp(by, options, ctx)
    _client_ca(by, options, ctx)
    for key, feature in (("ocsp", "tls_ocsp"), ("client_ca", "tls_client_ca"),
                         ("ecdhe", "tls_ecdhe_list")):
        old = requirement(feature, ctx.release) if ctx.release and key in options else None
        if old is not None:
            ctx.lose(server.directive, f"tls {key} left out: {old}")
            del options[key]
    return options


def _ocsp(by: dict[str, Directive], options: dict[str, Any], ctx: Context) -> None:
    stapling, staple = by.get("ssl_stapling"), by.get("ssl_stapling_file")
    if stapling is None or stapling.args != ["on"]:
        return
    if staple is not None and "$" not in staple.args[0]:
        options["ocsp"] = staple.args[0]   # a DER response, as httpd's `tls ocsp` wants
    else:
        ctx.lose(stapling, "ssl_stapling dropped: httpd staples a DER response file it is "
                           "given (`tls: {ocsp}`, refreshed by ocspcheck(8)), it does not ask "
                           "the responder itself")


def _client_ca(by: dict[str, Directive], options: dict[str, Any], ctx: Context) -> None:
    verify, ca = by.get("ssl_verify_client"), by.get("ssl_client_certificate")
    if verify is None or verify.args == ["off"]:
        return
    if verify.args[0] not in _CLIENT or ca is None or "ssl_verify_depth" in by:
        ctx.lose(verify, f"ssl_verify_client {verify.args[0]} dropped: httpd's `tls client ca` "
                         "verifies against one CA file, with or without `optional`, at libtls's "
                         "depth")
        return
    client: dict[str, Any] = {"file": ca.args[0]}
    crl = by.get("ssl_crl")
    if crl is not None:
        client["crl"] = crl.args[0]
    if _CLIENT[verify.args[0]]:
        client["optional"] = True
    options["client_ca"] = client


def agree_on_tls(servers: list[Server], ctx: Context) -> None:
    """httpd refuses TLS servers on one address and port whose protocols, ciphers, dhe, ecdhe
    or client CA differ (httpd-conf.md 2.4.1); nginx takes them from the server SNI picks.
    When the translated servers disagree, they all keep httpd's defaults."""
    def shared(server: Server) -> dict[str, Any]:
        tls = server.fields.get("tls")
        return {k: v for k, v in tls.items() if k not in ("material", "ocsp")} \
            if isinstance(tls, dict) else {}
    kinds = {repr(shared(s)) for s in servers if "tls" in s.fields}
    if len(kinds) < 2:
        return
    for server in servers:
        tls = server.fields.get("tls")
        dropped = shared(server)
        if isinstance(tls, dict) and dropped:
            kept = {k: v for k, v in tls.items() if k in ("material", "ocsp")}
            server.fields["tls"] = kept if "ocsp" in kept else kept["material"]
            ctx.lose(server.origin, f"tls {', '.join(dropped)} left out: TLS servers "
                                    "differ in them, and httpd needs them equal on a shared "
                                    "address and port")
