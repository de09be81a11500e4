"""What httpd does with a request in the end: the outcome of a simulation.

`status` is what a client sees: an HTTP status, "drop" when the connection is closed without
an answer (`block drop`, or a redirect whose expansion failed), or None when there is no HTTP
exchange at all (nothing listens, TLS on one side only). A file, a directory listing or a
FastCGI hand-over count as 200: what the responder or the file finally gives is beyond httpd's
configuration.
"""

from __future__ import annotations

from typing import Literal

from hostgen.live.records import record

Status = int | Literal["drop"] | None
Kind = Literal["redirect", "status", "drop", "file", "autoindex", "fastcgi", "refused"]

# http.h: the reason phrases of the statuses the simulator can produce most often
REASONS = {
    200: "OK", 301: "Moved Permanently", 302: "Found", 303: "See Other",
    307: "Temporary Redirect", 308: "Permanent Redirect", 400: "Bad Request",
    401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    410: "Gone", 413: "Payload Too Large", 500: "Internal Server Error",
}
LOCATION_CODES = frozenset({301, 302, 303, 307, 308})   # server_abort_http() adds Location
_SHOWN_IF_SET = frozenset({"PATH_INFO", "QUERY_STRING"})


@record(eq=False, repr=False, slots=True)
class Outcome:
    kind: Kind
    status: Status
    location: str | None = None               # the Location header of a redirect
    path: str | None = None                   # host path of the file, directory or socket
    params: tuple[tuple[str, str], ...] = ()  # FastCGI variables worth showing
    reason: str = ""                          # why, in a few words

    def summary(self) -> str:
        """One line: `301 -> URL`, `file /var/www/...`, `fastcgi SOCKET SCRIPT_NAME=...`."""
        if self.kind == "redirect":
            return f"{self.status} -> {self.location}"
        if self.kind == "file":
            return f"file {self.path}"
        if self.kind == "autoindex":
            return f"auto index of {self.path}"
        if self.kind == "fastcgi":
            shown = " ".join(f"{k}={v}" for k, v in self.params
                             if k == "SCRIPT_NAME" or (k in _SHOWN_IF_SET and v))
            return f"fastcgi {self.path} {shown}"
        if self.kind == "drop":
            return "drop" + (f" ({self.reason})" if self.reason else "")
        if self.kind == "refused":
            return f"no answer ({self.reason})"
        return f"{self.status}" + (f" ({self.reason})" if self.reason else "")


def status(code: int, reason: str = "") -> Outcome:
    return Outcome("status", code, reason=reason or REASONS.get(code, ""))


def redirect(code: int, location: str) -> Outcome:
    return Outcome("redirect", code, location=location)


def drop(reason: str) -> Outcome:
    return Outcome("drop", "drop", reason=reason)


def refused(reason: str) -> Outcome:
    return Outcome("refused", None, reason=reason)
