"""The small exception tree of hostgen. Constructors never print; the CLI's one handler reports."""

from __future__ import annotations


class HostgenError(Exception):
    """Base of every error hostgen reports to a user (exit 2 unless a subclass says otherwise)."""

    exit_code = 2

    def report(self) -> str:
        """What the command line prints for this error (stderr)."""
        return f"hostgen: {self}"


class InvalidSite(HostgenError):
    """site.yaml could not be loaded or validated; `lines` are the positioned problems, already
    formatted as `FILE:LINE:COL: level: message`, warnings included."""

    def __init__(self, filename: str, lines: list[str], errors: int) -> None:
        super().__init__(f"{filename}: {errors} error(s), nothing written")
        self.lines = lines

    def report(self) -> str:
        return "\n".join([*self.lines, f"hostgen: {self}"])


class LiveFileError(HostgenError):
    """A live file (httpd.conf, rc.conf.local, ...) could not be read or parsed.

    Printed as `PATH:LINE: message` (LINE omitted when 0)."""

    def __init__(self, path: str, line: int, message: str) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.message = message


class Refused(HostgenError):
    """apply refused to act (validator failed, file edited by hand): exit 1."""

    exit_code = 1
