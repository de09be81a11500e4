"""What a translation collects on its way: the losses, and the named TLS materials and FastCGI
responders that servers and locations refer to."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from hostgen.adopt.nginx.read import Directive
from hostgen.adopt.result import Loss

CHROOT = "/var/www"
# what httpd.conf cannot quote (httpd-conf.md 1.9; hostgen.site.types refuses it too)
_UNQUOTABLE = re.compile(r"[\x00-\x1f\x7f\\]")


def unquotable(value: Any) -> bool:
    """True when a value (or one inside it) cannot be written into httpd.conf."""
    if isinstance(value, str):
        return bool(_UNQUOTABLE.search(value))
    if isinstance(value, dict):
        return any(unquotable(v) for v in value.values())
    if isinstance(value, list):
        return any(unquotable(v) for v in value)
    return False   # httpd's default chroot: root, fastcgi socket, htpasswd are inside it


@dataclass
class Context:
    losses: list[Loss] = field(default_factory=list)
    materials: dict[str, dict[str, Any]] = field(default_factory=dict)
    responders: dict[str, dict[str, Any]] = field(default_factory=dict)
    lost: set[int] = field(default_factory=set)   # id() of directives not carried over
    release: str | None = None                    # the target OpenBSD release, if given

    def lose(self, directive: Directive, message: str) -> None:
        self.lost.add(id(directive))
        self.note(directive, message)

    def note(self, directive: Directive, message: str) -> None:
        """A warning at the directive that leaves what it answers expected of httpd (the
        translation is exact for what the expectations ask, but worth a look)."""
        loss = Loss(directive.file, directive.line, message)
        if loss not in self.losses:
            self.losses.append(loss)

    def chrooted(self, directive: Directive, path: str, what: str) -> str:
        """A host path as httpd names it inside its chroot (nginx-to-httpd.md 5, `root`)."""
        if path != "/":
            path = path.rstrip("/")
        if path == CHROOT or path.startswith(CHROOT + "/"):
            return path[len(CHROOT):] or "/"
        if not path.startswith("/"):
            return path   # nginx reads it from its prefix: the model refuses it (validity)
        self.lose(directive, f"{what} {path} is outside httpd's chroot {CHROOT}: written as "
                             f"{path}, which httpd reads as {CHROOT}{path}; move the files there")
        return path

    def name_for(self, table: dict[str, dict[str, Any]], wanted: str,
                 value: dict[str, Any]) -> str:
        """A material / responder name made from a file name, unique per distinct value."""
        base = re.sub(r"[^a-z0-9_-]+", "-", wanted.lower()).strip("-_") or "default"
        base = base if base[0].isalnum() else f"x{base}"
        name, n = base, 1
        while name in table and table[name] != value:
            n += 1
            name = f"{base}-{n}"
        table[name] = value
        return name
