"""What hostgen last wrote to a root: a hash per live file, to tell a hand edit from our own.

The state file is JSON, `{"version": 1, "files": {"/etc/httpd.conf": ["<sha256>", ...]}}`,
keyed by the file's absolute path so that one state file can serve several roots. Each file
maps to the hashes of content hostgen accepts as its own: normally one. While an apply runs,
it is the old and the new content both, written before the first file is replaced; a crash
between two files then leaves nothing that later looks like a hand edit.

Only the part of a file hostgen owns is hashed (liveview.owned_part): hostgen's lines of
rc.conf.local (rcconf.owned), the non-resolvd lines of resolv.conf, every other file whole.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from hostgen.errors import HostgenError
from hostgen.host.files import read_text, write_atomic

VERSION = 1


def default_path(root: Path) -> Path:
    """`/var/db/hostgen/state.json` for the root `/etc`; ROOT/../var/db/hostgen in general,
    so a fake root `x/etc` keeps its state in `x/var/db/hostgen`, as on a real host."""
    return Path(os.path.abspath(root)).parent / "var" / "db" / "hostgen" / "state.json"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class State:
    path: Path
    files: dict[str, list[str]] = field(default_factory=dict)

    def drifted(self, live_path: Path, owned: str) -> bool:
        """True when hostgen wrote this file before and its owned part has changed since."""
        accepted = self.files.get(_key(live_path))
        return accepted is not None and digest(owned) not in accepted

    def accept(self, live_path: Path, *owned: str) -> None:
        self.files[_key(live_path)] = sorted({digest(text) for text in owned})

    def save(self) -> None:
        text = json.dumps({"version": VERSION, "files": dict(sorted(self.files.items()))},
                          indent=2) + "\n"
        write_atomic(self.path, text, mode=0o644)   # hashes only: diff may run as any user

    def snapshot(self) -> dict[str, list[str]]:
        return {key: list(value) for key, value in self.files.items()}


def _key(live_path: Path) -> str:
    return os.path.abspath(live_path)


def load(path: Path) -> State:
    """The state at `path`; an empty one when the file does not exist (no apply yet)."""
    return parse(read_text(path), path)


def parse(text: str | None, path: Path) -> State:
    """The state held in `text` (read from `path`, here or on a remote host); None: empty."""
    if text is None:
        return State(path)
    try:
        data = json.loads(text)
        files = data["files"]
        if data.get("version") != VERSION or not isinstance(files, dict) or not all(
                isinstance(v, list) and all(isinstance(h, str) for h in v)
                for v in files.values()):
            raise ValueError("unexpected shape")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise HostgenError(f"{path}: not a hostgen state file ({exc}); move it away to start "
                           "afresh (drift detection then restarts from the next apply)") from None
    return State(path, {str(k): list(v) for k, v in files.items()})
