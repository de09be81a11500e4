"""What the services need once apply changed their files (the reload plan), and running it.

Per file: httpd.conf and its TLS fragments -> `rcctl reload httpd`; mail/smtpd.conf -> restart
(smtpd ignores SIGHUP, smtpd-conf.md 2.1); dkimproxy_out.conf -> restart (no reload,
dkimproxy.md 1); rc.conf.local -> per line: new flags of spamd -> restart, a daemon newly
enabled at boot -> start; acme-client.conf -> `acme-client HANDLE` per domain and, when one
wrote a certificate, reload or restart what presents it (acme-client-conf.md 2.3, 2.5).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass

from hostgen.errors import HostgenError
from hostgen.host.liveview import LiveFile
from hostgen.live import rcconf


@dataclass(frozen=True)
class Step:
    """One thing a service needs after apply: `rcctl ACTION SERVICE`, or for acme-client.conf
    `acme-client HANDLE` per domain and, once one wrote a certificate, the `after` steps."""

    service: str
    action: str
    handles: tuple[str, ...] = ()
    after: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        if self.service != "acme-client":
            return f"{self.service}: {self.action} (rcctl {self.action} {self.service})"
        runs = "; ".join(f"acme-client {h}" for h in self.handles) or "acme-client"
        then = ", ".join(f"rcctl {a} {s}" for s, a in self.after)
        return f"acme-client: run ({runs}" + (f"; when renewed: {then})" if then else ")")


_HANDLE = re.compile(r'^domain "((?:[^"\\]|\\.)*)" \{$', re.MULTILINE)
# rc.conf.local keys whose change means: start the daemon (it is now enabled at boot), or
# restart it (its flags changed). spamd's flags are its command line (spamd.md 6.1).
_RC_ACTIONS = {"httpd_flags": ("httpd", "start"), "smtpd_flags": ("smtpd", "start"),
               "spamd_flags": ("spamd", "restart")}


def plan(changed: list[LiveFile]) -> list[Step]:
    """What each changed file asks of its service, once each: daemons newly enabled at boot
    start first, then reloads and restarts, acme-client last (it needs httpd serving the
    challenge folder of the new configuration)."""
    steps: dict[tuple[str, str], Step] = {}
    for f in changed:
        out = f.output
        if out.ownership == "rc_line":
            for key, value in rcconf.wanted_lines(out.text):
                old, new = rcconf.value_of(f.live or "", key), rcconf.value_of(f.wanted, key)
                if key == rcconf.PKG_SCRIPTS:
                    added = set((new or "").split()) - set((old or "").split())
                    for name in value.split():
                        if name in added:
                            steps.setdefault((name, "start"), Step(name, "start"))
                elif old != new and key in _RC_ACTIONS:
                    service, action = _RC_ACTIONS[key]
                    steps.setdefault((service, action), Step(service, action))
        elif out.service == "acme-client":
            steps[("acme-client", "run")] = Step("acme-client", "run",
                                                 tuple(_HANDLE.findall(out.text)), out.after)
        elif out.service and out.action:
            steps.setdefault((out.service, out.action), Step(out.service, out.action))
    # `rcctl restart` also starts a stopped daemon (rc.subr: stop of a stopped one succeeds);
    # `rcctl reload` of a stopped one fails, so a newly enabled daemon starts first
    kept = [step for step in steps.values()
            if not (step.action == "start" and (step.service, "restart") in steps)]
    order = {"start": 0, "acme-client": 2}
    return sorted(kept, key=lambda step: order.get(
        "acme-client" if step.service == "acme-client" else step.action, 1))


def run(step: Step) -> None:
    if step.service != "acme-client":
        _rcctl(step.action, step.service)
        return
    renewed = False
    for handle in step.handles:
        # acme-client(1): 0 a certificate was written, 2 nothing to do, 1 failed
        code = _command(["acme-client", handle], "acme-client", f"acme-client {handle}",
                        ok=(0, 2))
        renewed = renewed or code == 0
    if renewed:
        for service, action in step.after:
            _rcctl(action, service)


def _command(argv: list[str], program: str, shown: str, ok: tuple[int, ...] = (0,)) -> int:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise HostgenError(f"{program} not found, '{shown}' not run; the files are "
                           "written") from None
    if done.returncode not in ok:
        said = (done.stderr + done.stdout).strip()
        failure = f"failed (exit {done.returncode})" + (f": {said}" if said else "")
        raise HostgenError(f"{shown} {failure}; the files are written")
    return done.returncode


def _rcctl(action: str, service: str) -> None:
    _command(["rcctl", action, service], "rcctl", f"rcctl {action} {service}")
