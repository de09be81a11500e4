"""What an importer returns, and the one way it reaches the disk.

A loss is never silent: every directive, comment or value an importer cannot carry over
exactly becomes a `Loss` at its source line, printed as `PATH:LINE: warning: message`, and
makes `hostgen import` exit 1 (DESIGN.md, the `import` rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from hostgen.errors import HostgenError
from hostgen.host.files import write_atomic


@dataclass(frozen=True, order=True)
class Loss:
    path: str
    line: int
    message: str

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: warning: {self.message}"


@dataclass
class Adopted:
    document: CommentedMap              # site.yaml as it will be written, comments attached
    losses: list[Loss] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.losses else 0


def dump(document: CommentedMap) -> str:
    """The YAML text of a document: block style, two-space indent, keys in insertion order,
    so the same input always gives the same bytes (hostgen.adopt.emit: ruamel's layout,
    written directly)."""
    from hostgen.adopt.emit import emit

    return emit(document)[0]


def write_site(text: str, out: Path, *, force: bool) -> None:
    """Write SITE atomically; an existing file is never replaced without `force`."""
    if out.exists() and not force:
        raise HostgenError(f"{out} exists; nothing written (use --force to replace it)")
    write_atomic(out, text)
