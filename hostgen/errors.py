"""The small exception tree of hostgen. Constructors never print; the CLI's one handler reports."""

from __future__ import annotations


class HostgenError(Exception):
    """Base of every error hostgen reports to a user (exit 2 unless a subclass says otherwise)."""

    exit_code = 2


class InvalidSite(HostgenError):
    """site.yaml could not be loaded or validated; `problems` holds every positioned problem."""

    def __init__(self, problems: list[object]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the site description")
        self.problems = problems


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
