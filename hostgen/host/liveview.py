"""Read a live root (`/etc`, or a copy of it): per output, the live text and the wanted text.

The wanted text is exactly what apply would write, so diff and apply can never disagree:

- a whole file: the rendered text;
- rc.conf.local: the live file with hostgen's lines replaced (`httpd_flags`, `smtpd_flags`,
  `spamd_flags`) and its `pkg_scripts` entries added (rcconf.merge), every other line kept byte
  for byte and in place;
- resolv.conf: the rendered static lines merged with the lines resolvd(8) manages in the live
  file (resolvconf.merge), which are therefore never a difference.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hostgen.host.files import read_text
from hostgen.host.state import State
from hostgen.live import rcconf, resolvconf
from hostgen.render.outputs import Output
from hostgen.site.layout import SYSTEM_TYPES, SYSTEM_TYPES_STAND_IN

ETC = "/etc/"


@dataclass(frozen=True)
class LiveFile:
    output: Output
    path: Path            # ROOT/name
    live: str | None      # the live text; None when the file does not exist
    wanted: str           # what apply writes

    @property
    def name(self) -> str:
        return self.output.path

    @property
    def changed(self) -> bool:
        """Whether apply writes the file. resolvd's lines are never a reason: resolvd rewrites
        them itself whenever the file changes (resolv-conf.md 4), wherever they stand."""
        if self.output.ownership == "resolv_static" and self.live is not None:
            return self.owned != self.owned_wanted
        return self.live != self.wanted

    def drifted(self, state: State) -> bool:
        """Changed on the host since the last apply, and apply would overwrite it. A deleted
        file is not drift: nothing would be lost by writing it again."""
        return self.changed and self.live is not None and state.drifted(self.path, self.owned)

    @property
    def owned(self) -> str:
        """The part of the live file hostgen owns (hashed to detect hand edits)."""
        return owned_part(self.output, self.live)

    @property
    def owned_wanted(self) -> str:
        return owned_part(self.output, self.wanted)


def read_root(root: Path, outputs: Iterable[Output]) -> list[LiveFile]:
    """The live view of every output, in output order."""
    files = []
    for output in outputs:
        path = root / output.path
        live = read_text(path)
        files.append(LiveFile(output, path, live, wanted_text(output, live)))
    return files


def wanted_text(output: Output, live: str | None) -> str:
    if output.ownership == "rc_line":
        return rcconf.merge(live, output.text)
    if output.ownership == "resolv_static":
        return resolvconf.merge(live, output.text)
    return output.text


def owned_part(output: Output, text: str | None) -> str:
    if text is None:
        return ""
    if output.ownership == "rc_line":
        return rcconf.owned(text, output.text)
    if output.ownership == "resolv_static":
        return resolvconf.without_resolvd(text)
    return text


def include_reader(root: Path, overrides: dict[str, str] | None = None) -> _IncludeReader:
    """httpd.conf names its fragments by absolute path (`include "/etc/httpd.tls"`): read a
    path under /etc/ from `overrides` (name -> text) or else from ROOT; other paths as they
    are. A missing file raises OSError, which the parser reports as httpd does."""
    return _IncludeReader(root, overrides or {})


@dataclass(frozen=True)
class _IncludeReader:
    root: Path
    overrides: dict[str, str]

    def __call__(self, path: str) -> str:
        target = Path(path)
        if path.startswith(ETC):
            name = path[len(ETC):]
            if name in self.overrides:
                return self.overrides[name]
            target = self.root / name
        text = read_text(target)
        if text is None and path == SYSTEM_TYPES and self.root.resolve() != Path(ETC):
            # a copy of /etc on a workstation: the host's media types are not here
            return SYSTEM_TYPES_STAND_IN
        if text is None:
            raise FileNotFoundError(2, "No such file or directory", str(target))
        return text
