"""An apply whose live files are on another machine (the Ansible collection's controller side).

The host sends the live texts and its state file; everything hostgen knows (what apply would
write into rc.conf.local and resolv.conf, which part of a file is hostgen's, what a hand edit
is, the read-back with hostgen's parsers) is decided here, on the controller, with the same
functions `hostgen diff` and `hostgen apply` use. The host then only stages, validates with
its daemons, and writes what `apply_arguments` lists (ansible_collections/hostgen/openbsd/
plugins/module_utils/hostgen_host.py).
"""

from __future__ import annotations

import posixpath
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hostgen.errors import HostgenError
from hostgen.host import state as statefile
from hostgen.host.applying import read_back
from hostgen.host.liveview import LiveFile, wanted_text
from hostgen.render.outputs import Output


@dataclass(frozen=True)
class RemotePlan:
    root: str
    state: statefile.State
    live: list[LiveFile]

    @property
    def changed(self) -> list[LiveFile]:
        """The files apply writes, httpd.conf last (after the fragments it includes)."""
        return sorted((f for f in self.live if f.changed), key=lambda f: f.name == "httpd.conf")

    @property
    def drifted(self) -> list[LiveFile]:
        return [f for f in self.live if f.drifted(self.state)]

    def services(self) -> list[dict[str, str]]:
        needs = dict.fromkeys((f.output.service, f.output.action) for f in self.changed
                              if f.output.service and f.output.action)
        return [{"name": str(service), "action": str(action),
                 "command": f"rcctl {action} {service}"} for service, action in needs]

    def drift_message(self, f: LiveFile) -> str:
        return (f"{f.path} was changed on the host since the last apply; see the change with "
                f"'hostgen diff {shlex.quote(self.root)}' on the host (or this task in check "
                "and diff mode), fold it into the site, or overwrite it with force: true")

    def diffs(self) -> list[dict[str, str]]:
        """Per changed file, what Ansible's diff display takes: before, after and headers."""
        return [{"before": f.live or "", "after": f.wanted,
                 "before_header": str(f.path) + (" (new file)" if f.live is None else ""),
                 "after_header": f"{f.path} (rendered)"} for f in self.changed]

    def needs_host(self) -> bool:
        """Whether the host has anything to do: a file to write, or the state to record."""
        return bool(self.changed) or any(
            self.state.files.get(_key(f.path)) != [statefile.digest(f.owned_wanted)]
            for f in self.live)

    def apply_arguments(self) -> dict[str, Any]:
        """What the host-side module stages, checks and writes (its `step: apply`)."""
        changed = self.changed
        return {
            "staged": {f.name: f.wanted for f in self.live},
            "write": [f.name for f in changed],
            "expected": {f.name: None if f.live is None else statefile.digest(f.live)
                         for f in self.live},
            # the old and new hashes before the first write, the new ones after the last
            "accept_before": {_key(f.path): sorted({statefile.digest(t) for t in (
                f.owned_wanted, *([f.owned] if f.changed else []))}) for f in self.live},
            "accept_after": {_key(f.path): [statefile.digest(f.owned_wanted)]
                             for f in self.live},
        }


def plan(outputs: dict[str, Output], root: str, texts: dict[str, str | None],
         state_path: str, state_text: str | None) -> RemotePlan:
    """The live view of every output from texts read on the host, checked with hostgen's own
    parsers (Refused when one does not read back)."""
    if not posixpath.isabs(root):
        raise HostgenError(f"root must be an absolute path on the host, got {root!r}")
    # paths on the host, handled as paths here: Ansible controllers are POSIX systems
    state = statefile.parse(state_text, Path(state_path))
    live = [LiveFile(output, Path(root) / name, texts.get(name),
                     wanted_text(output, texts.get(name))) for name, output in outputs.items()]
    # an include outside the rendered set is on the host, not here: it reads as missing
    read_back(live, {f.name: f.wanted for f in live}, Path("/nonexistent/hostgen"))
    return RemotePlan(root, state, live)


def default_state(root: str) -> str:
    """hostgen apply's default state file for ROOT, as a path on the host."""
    return str(statefile.default_path(Path(root)))


def _key(path: Path) -> str:
    return posixpath.normpath(str(path))
