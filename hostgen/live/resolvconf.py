"""Reading /etc/resolv.conf as OpenBSD's resolver (libc asr) does, and blending hostgen's
static lines with the ones resolvd(8) manages.

Sources: /work/shared/reference/resolv-conf.md sections 1 (how asr reads the file) and 4
(resolvd; the parsing model and its test vectors); asr.c `pass0` for the keyword rules.
resolvd writes its own lines, each containing `# resolvd: `, before every other line of the
file and rewrites them whenever the file changes, so they are never hostgen's business.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

RESOLVD_MARKER = "# resolvd: "
MAX_NAMESERVERS = 5  # ASR_MAXNS
MAX_SEARCH = 10  # ASR_MAXDOM
MAX_WORDS = 10  # tokens asr keeps per line
MAX_LINE = 1024  # a line this long or longer is ignored
MAX_FILE = 4095  # a file this large or larger is not loaded at all
DEFAULT_NAMESERVERS = ("127.0.0.1",)
DEFAULT_LOOKUP = ("bind", "file")
_COMMENT = re.compile("[#;]")
_BLANKS = re.compile("[ \t]+")


@dataclass(frozen=True)
class ResolvLine:
    """One line: `raw` without its line end; `words` as asr splits it (comment cut, at most
    10); `resolvd` when resolvd owns the line."""

    line_no: int
    raw: str
    words: tuple[str, ...]
    resolvd: bool


@dataclass(frozen=True)
class ResolvConf:
    """What asr makes of a file. `lookup`, `family`, `search`, `domain` are None when no line
    sets them (asr then uses its defaults); `options` lists the options asr recognises, in
    order; `warnings` are (line, message) for limits asr enforces silently."""

    lines: tuple[ResolvLine, ...]
    nameservers: tuple[str, ...]
    lookup: tuple[str, ...] | None
    family: tuple[str, ...] | None
    search: tuple[str, ...] | None
    domain: str | None
    options: tuple[str, ...]
    warnings: tuple[tuple[int, str], ...]
    path: str

    @property
    def user_lines(self) -> tuple[ResolvLine, ...]:
        """The lines resolvd keeps as they are (the ones without its marker)."""
        return tuple(line for line in self.lines if not line.resolvd)

    @property
    def resolvd_lines(self) -> tuple[ResolvLine, ...]:
        """The lines resolvd manages."""
        return tuple(line for line in self.lines if line.resolvd)


def _split(text: str) -> list[str]:
    """Lines without their LF (a CR stays: asr does not treat it as a blank)."""
    lines = text.split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def _split_keep(text: str) -> list[str]:
    """Lines with their LF, the last one possibly without."""
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _words(raw: str) -> tuple[str, ...]:
    if len(raw) >= MAX_LINE:
        return ()
    cut = _COMMENT.split(raw, maxsplit=1)[0]
    return tuple(word for word in _BLANKS.split(cut) if word)[:MAX_WORDS]


def is_address(text: str) -> bool:
    """An IPv4 or IPv6 literal, optionally with an IPv6 `%scope` (resolv-conf.md 4, step 5)."""
    try:
        ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    return True


def parse(text: str, path: str = "resolv.conf") -> ResolvConf:
    """Read a resolv.conf. Any text is accepted (asr ignores what it does not understand),
    so this never raises."""
    lines = tuple(
        ResolvLine(number, raw, _words(raw), RESOLVD_MARKER in raw)
        for number, raw in enumerate(_split(text), start=1)
    )
    state = _State()
    for line in lines:
        if line.words:
            state.apply(line.words)
    warnings = [(line.line_no, f"line of {len(line.raw)} characters is ignored (limit 1023)")
                for line in lines if len(line.raw) >= MAX_LINE]
    if len(text.encode("utf-8", "surrogateescape")) >= MAX_FILE:
        warnings.insert(0, (0, "file of 4095 bytes or more is not loaded at all"))
    return ResolvConf(
        lines=lines,
        nameservers=tuple(state.nameservers) or DEFAULT_NAMESERVERS,
        lookup=state.lookup,
        family=state.family,
        search=state.search,
        domain=state.domain,
        options=tuple(state.options),
        warnings=tuple(warnings),
        path=path,
    )


class _State:
    """asr's reading of one keyword line at a time (asr.c `pass0`)."""

    def __init__(self) -> None:
        self.nameservers: list[str] = []
        self.lookup: tuple[str, ...] | None = None
        self.family: tuple[str, ...] | None = None
        self.search: tuple[str, ...] | None = None
        self.domain: str | None = None
        self.options: list[str] = []

    def apply(self, words: tuple[str, ...]) -> None:
        keyword, args = words[0], words[1:]
        if keyword == "nameserver":
            if len(args) == 1 and is_address(args[0]) and len(self.nameservers) < MAX_NAMESERVERS:
                self.nameservers.append(args[0])
        elif keyword == "domain":
            if len(args) == 1 and self.domain is None:
                self.domain = args[0]
        elif keyword == "lookup":
            if len(set(args)) == len(args):
                self.lookup = tuple(a for a in args if a in ("bind", "file"))[:3]
        elif keyword == "search":
            self.search = args[:MAX_SEARCH]
        elif keyword == "family":
            if 1 <= len(args) <= 2 and all(a in ("inet4", "inet6") for a in args):
                self.family = args
        elif keyword == "options":
            self.options.extend(a for a in args if _known_option(a))


def _known_option(option: str) -> bool:
    if option in ("tcp", "edns0", "trust-ad"):
        return True
    number = option.removeprefix("ndots:")
    return number != option and number.isascii() and number.isdigit() and 1 <= int(number) <= 16


def without_resolvd(text: str) -> str:
    """The file without resolvd's lines, every other byte kept (for showing drift)."""
    return "".join(line for line in _split_keep(text) if RESOLVD_MARKER not in line)


def merge(live_text: str | None, rendered: str) -> str:
    """The file once hostgen's `rendered` lines replace the user-managed ones: resolvd's lines
    of the live file first, unchanged and in order (where resolvd itself puts them), then
    `rendered`."""
    if live_text is None:
        return rendered
    kept = [line for line in _split_keep(live_text) if RESOLVD_MARKER in line]
    if kept and not kept[-1].endswith("\n"):
        kept[-1] += "\n"
    return "".join(kept) + rendered
