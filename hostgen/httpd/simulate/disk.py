"""What the simulator knows about the files under httpd's chroot.

With a root folder (`--root DIR`, a copy of /var/www or the real one), paths inside the chroot
are looked up under DIR. Without one nothing is known: a `found` / `not found` test then forks
the simulation into both answers, and serving a file assumes what the request suggests (a path
ending in "/" is a directory, anything else a regular file), saying so in the answer's notes.
"""

from __future__ import annotations

import os
import posixpath
import stat
from dataclasses import field
from pathlib import Path
from typing import Literal, Protocol

from hostgen.live.records import record

Kind = Literal["file", "dir", "other", "missing", "forbidden", "error"]


class Files(Protocol):
    """Looks up a path inside the chroot; None when it cannot know."""

    def kind(self, path: str) -> Kind | None: ...


class Unknown:
    """No files at all: every answer depends on the host."""

    def kind(self, path: str) -> Kind | None:
        return None


@record(eq=False, repr=False)
class Disk:
    """The chroot's files under `root` on this machine. Paths are resolved lexically inside
    the chroot (`..` stops at its top, as it does for a chrooted httpd); a symbolic link with
    an absolute target is followed on this machine, not inside DIR."""

    root: Path

    def kind(self, path: str) -> Kind | None:
        inside = posixpath.normpath("/" + path).lstrip("/")
        full = os.path.join(self.root, inside) if inside else str(self.root)
        try:
            info = os.stat(full)
        except (FileNotFoundError, NotADirectoryError):
            return "missing"
        except PermissionError:
            return "forbidden"
        except (OSError, ValueError):
            return "error"
        if not os.access(full, os.R_OK):
            return "forbidden"
        if stat.S_ISDIR(info.st_mode):
            return "dir"
        return "file" if stat.S_ISREG(info.st_mode) else "other"


@record(eq=False, repr=False)
class Choices:
    """Decisions taken for unknown `found` tests in one run: replayed from `forced`, then
    "does not exist" by default; `explore` in the engine walks every combination."""

    forced: tuple[bool, ...] = ()
    taken: list[bool] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    def decide(self, label: str) -> bool:
        index = len(self.taken)
        value = self.forced[index] if index < len(self.forced) else False
        self.taken.append(value)
        self.labels.append(label)
        return value

    def conditions(self) -> tuple[str, ...]:
        return tuple(f"{label} {'exists' if value else 'does not exist'}"
                     for label, value in zip(self.labels, self.taken, strict=True))


@record(eq=False, repr=False)
class View:
    """One run's view of the files: the oracle, the chroot for display, the decisions taken
    and the assumptions made."""

    files: Files
    chroot: str
    choices: Choices
    notes: list[str] = field(default_factory=list)

    def host_path(self, path: str) -> str:
        return self.chroot.rstrip("/") + path

    def opens(self, root: str) -> bool:
        """open(root): what the found/not-found test needs first (500 when it fails)."""
        kind = self.files.kind(root)
        return kind is None or kind in ("file", "dir", "other")

    def exists(self, path: str) -> bool:
        """faccessat(R_OK) then fstatat(): readable and present; forks when unknown."""
        kind = self.files.kind(path)
        if kind is None:
            return self.choices.decide(self.host_path(path))
        return kind in ("file", "dir", "other")

    def stats(self, path: str) -> bool:
        """stat(2) succeeds (FastCGI's path_info); assumed true when unknown."""
        kind = self.files.kind(path)
        if kind is None:
            return True
        return kind in ("file", "dir", "other")

    def kind(self, path: str) -> Kind:
        """access + stat of a file to serve; assumed from the path's look when unknown."""
        kind = self.files.kind(path)
        if kind is not None:
            return kind
        guess: Kind = "dir" if path.endswith("/") else "file"
        what = "a directory" if guess == "dir" else "a regular file"
        self.notes.append(f"assumed {self.host_path(path)} is {what} (give --root to check)")
        return guess
