"""The last word on what the nginx importer writes: the site model's own.

Each directive is translated where it is met, with the checks that translation knows of; a value
nginx took that the model still refuses (a relative root, nginx resolves it against its
prefix; a listen address made of junk inside brackets) would make a site.yaml that `hostgen
check` refuses. Here every translated server and location is validated as the model would,
and what it refuses is left out, a loss at the directive it came from, and the answers that
directive made are no longer expected of httpd.
"""

from __future__ import annotations

from typing import Any

from hostgen.adopt.nginx.context import Context
from hostgen.adopt.nginx.plan import Emitted, NServer
from hostgen.site.model import Location, Server
from hostgen.site.validate import model_problems

# server keys -> the nginx directives they are made from, where the name differs
_MADE_BY = {"name": ("server_name",), "aliases": ("server_name",), "index": ("index",),
            "tls": ("ssl_certificate", "ssl_certificate_key", "ssl_protocols", "ssl_ciphers"),
            "authenticate": ("auth_basic", "auth_basic_user_file"),
            "hsts": ("add_header",), "http": ("listen",)}


# a server without one of these would answer something else entirely: it goes whole
_WHOLE = frozenset({"name", "redirect", "block", "pass"})


def keep_valid_server(site: dict[str, Any], server: NServer, ctx: Context) -> bool:
    """Leave out each key of the translated server the model refuses; False when the server
    cannot stay at all (its name or its whole-server answer is refused)."""
    for problem in model_problems(Server, site):
        key = str(problem.loc[0]) if problem.loc else ""
        if key not in site or key in _WHOLE:
            ctx.lose(server.directive, f"server left out: {problem.message}")
            return False
        made = [d for d in server.simple if d.name in _MADE_BY.get(key, (key,))]
        ctx.lost.update(id(d) for d in made)
        ctx.lose(made[0] if made else server.directive, f"{key} left out: {problem.message}")
        del site[key]
    return True


def keep_valid_locations(emitted: list[Emitted], ctx: Context) -> list[Emitted]:
    """The translated locations the model accepts; each other one is a loss at its origin."""
    kept = []
    for location in emitted:
        problems = model_problems(Location, location.fields)
        if problems:
            ctx.lose(location.origin, f"location left out: {problems[0].message}")
            continue
        kept.append(location)
    return kept
