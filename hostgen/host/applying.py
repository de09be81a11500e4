"""Apply rendered outputs to a live root: plan, refuse, stage, validate, then write.

Order of events (DESIGN.md "Safety of apply"):

1. take the lock (flock on `lock` next to the state file): two applies never run at once;
2. read the live root and the state; refuse files changed by hand since the last apply
   unless --force;
3. stage every output in a temporary folder, read each one back with hostgen's own parsers,
   and run `httpd -n -f` (OpenBSD, when httpd is installed) or the --validate-httpd command on
   a copy whose includes point at the staged fragments, and `smtpd -n -f` on the staged
   mail/smtpd.conf (OpenBSD, when smtpd is installed); any failure refuses, nothing written;
4. record old and new hashes as accepted (so a crash below is never taken for a hand edit),
   then per changed file: backup, atomic replace; httpd.conf last, after the fragments it
   includes; then record the new hashes only;
5. say which services need what, and with --reload run rcctl.

Unchanged files are not touched. A crash leaves each file whole-old or whole-new.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from hostgen.errors import HostgenError, LiveFileError, Refused
from hostgen.host import files as fs
from hostgen.host import reloads
from hostgen.host import state as statefile
from hostgen.host.files import check_root
from hostgen.host.liveview import ETC, LiveFile, include_reader, read_root
from hostgen.render.outputs import Output
from hostgen.render.quoting import httpd_quote

VALIDATOR_TIMEOUT = 120   # seconds; httpd -n parses and loads certificates, nothing more


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ApplyOptions:
    root: Path
    state_path: Path
    dry_run: bool = False
    force: bool = False
    keep: int = 5
    reload: bool = False
    validate_httpd: str | None = None


def apply(outputs: dict[str, Output], opts: ApplyOptions, out: TextIO | None = None,
          err: TextIO | None = None, now: datetime | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    check_root(opts.root, writable=True)
    folder = opts.state_path.parent
    lock = contextlib.nullcontext() if opts.dry_run else fs.locked(folder / "lock")
    with lock:
        live = read_root(opts.root, outputs.values())
        state = statefile.load(opts.state_path)
        _check_drift(live, state, opts, err)
        validate(live, opts.root, opts.validate_httpd)
        changed = sorted((f for f in live if f.changed), key=lambda f: f.name == "httpd.conf")
        if opts.dry_run:
            for f in changed:
                print(f"would {'update' if f.live is not None else 'create'} {f.path}", file=out)
        else:
            _write(live, changed, state, folder / "backups", opts.keep, now or _now(), out)
        for f in live:
            if not f.changed:
                print(f"unchanged {f.path}", file=out)
    return _services(changed, opts, out)


def _check_drift(live: list[LiveFile], state: statefile.State, opts: ApplyOptions,
                 err: TextIO) -> None:
    drifted = [f for f in live if f.drifted(state)]
    if not drifted:
        return
    if opts.force:
        for f in drifted:
            print(f"hostgen: overwriting {f.path}, changed on the host since the last apply "
                  "(--force)", file=err)
        return
    for f in drifted[:-1]:
        print(f"hostgen: {_drift_message(f, opts.root)}", file=err)
    raise Refused(f"{_drift_message(drifted[-1], opts.root)}; nothing written")


def _drift_message(f: LiveFile, root: Path) -> str:
    return (f"{f.path} was changed on the host since the last apply; see the change with "
            f"'hostgen diff {shlex.quote(str(root))}', fold it into site.yaml, or overwrite "
            "it with 'hostgen apply --force'")


# ---- staging and validation ----------------------------------------------------------------

def validate(live: list[LiveFile], root: Path, validator: str | None) -> None:
    """Stage every output, read each back, run the httpd validator; Refused on any failure."""
    with tempfile.TemporaryDirectory(prefix="hostgen-staged-") as tmp:
        staged = Path(tmp)
        for f in live:
            fs.write_atomic(staged / f.name, f.wanted)
        texts = {f.name: fs.read_text(staged / f.name) or "" for f in live}
        read_back(live, texts, root)
        if "httpd.conf" in texts:
            copy = staged / "httpd.conf.check"
            copy.write_text(_point_includes(texts["httpd.conf"], staged, root, set(texts)))
            command = validator_command(validator, copy)
            if command is not None:
                _run_validator(command)
        if "mail/smtpd.conf" in texts:
            command = system_validator("smtpd", staged / "mail" / "smtpd.conf")
            if command is not None:
                _run_validator(command)


def system_validator(daemon: str, config: Path) -> list[str] | None:
    """`DAEMON -n -f FILE` on OpenBSD when DAEMON is installed (another system's program of
    that name is another program): smtpd -n loads the pki and table files the staged
    smtpd.conf names from the host, as smtpd will (smtpd-conf.md 0.2)."""
    if not sys.platform.startswith("openbsd"):
        return None
    found = shutil.which(daemon, path=os.pathsep.join([os.environ.get("PATH", ""),
                                                       "/usr/sbin"]))
    return [found, "-n", "-f", str(config)] if found else None


def read_back(live: list[LiveFile], texts: dict[str, str], root: Path) -> None:
    """Read every staged text with hostgen's own parsers (includes from the staged set, else
    under ROOT); Refused on the first that does not parse."""
    from hostgen.host import semantic  # the parsers and deepdiff: imported when used (start-up)

    reader = include_reader(root, texts)
    for f in live:
        try:
            semantic.structure(f.name, texts[f.name], f"{f.path} (staged)", reader)
        except LiveFileError as exc:
            raise Refused(f"validation failed: {exc}; nothing written") from None


_INCLUDE = re.compile(r'^(\s*include\s+)"(/etc/[^"]*)"', re.MULTILINE)


def _point_includes(text: str, staged: Path, root: Path, names: set[str]) -> str:
    """httpd.conf with `include "/etc/NAME"` pointing at the staged NAME (or at ROOT/NAME for
    a file hostgen does not write), so httpd -n checks the set that is about to be installed."""
    def repoint(hit: re.Match[str]) -> str:
        name = hit.group(2)[len(ETC):]
        target = staged / name if name in names else root.resolve() / name
        return hit.group(1) + httpd_quote(str(target))
    return _INCLUDE.sub(repoint, text)


def validator_command(option: str | None, config: Path) -> list[str] | None:
    """--validate-httpd CMD (`{}` is replaced by the staged file, else it is appended), or
    `httpd -n -f FILE` on OpenBSD when httpd is installed (another system's httpd is another
    program), or None."""
    if option:
        words = shlex.split(option)
        if any("{}" in word for word in words):
            return [word.replace("{}", str(config)) for word in words]
        return [*words, str(config)]
    return system_validator("httpd", config)


def _run_validator(command: list[str]) -> None:
    shown = shlex.join(command)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=VALIDATOR_TIMEOUT,
                              check=False)
    except FileNotFoundError:
        raise HostgenError(f"validator not found: {command[0]}; nothing written") from None
    except subprocess.TimeoutExpired:
        raise Refused(f"validator '{shown}' did not finish in {VALIDATOR_TIMEOUT}s; "
                      "nothing written") from None
    if done.returncode != 0:
        raise Refused(f"validator '{shown}' {_failure(done)}; nothing written")


def _failure(done: subprocess.CompletedProcess[str]) -> str:
    """`failed (exit N): what it printed`, for a command that failed."""
    said = (done.stderr + done.stdout).strip()
    return f"failed (exit {done.returncode})" + (f": {said}" if said else "")


# ---- writing -------------------------------------------------------------------------------

def _write(live: list[LiveFile], changed: list[LiveFile], state: statefile.State,
           backups: Path, keep: int, now: datetime, out: TextIO) -> None:
    for f in live:
        fs.remove_stale_temporaries(f.path)
    before = state.snapshot()
    for f in live:
        state.accept(f.path, f.owned_wanted, *([f.owned] if f.changed else []))
    if state.files != before:
        state.save()
    for f in changed:
        if f.live is not None and f.path.exists():
            saved = fs.backup(f.path, backups, keep, now)
            fs.write_atomic(f.path, f.wanted)
            print(f"updated {f.path} (backup: {saved})", file=out)
        else:
            fs.write_atomic(f.path, f.wanted)
            print(f"created {f.path}", file=out)
    pending = state.snapshot()
    for f in live:
        state.accept(f.path, f.owned_wanted)
    if state.files != pending:
        state.save()


def _services(changed: list[LiveFile], opts: ApplyOptions, out: TextIO) -> int:
    steps = reloads.plan(changed)
    for step in steps:
        print(step, file=out)
    if not changed:
        print("nothing to do", file=out)
    if opts.reload and not opts.dry_run:
        for step in steps:
            reloads.run(step)
    return 0
