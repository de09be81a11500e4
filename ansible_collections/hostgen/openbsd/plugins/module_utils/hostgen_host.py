"""The host side of hostgen.openbsd.site: read the live files, then apply a staged set.

Runs on the managed host with Python's standard library only (no hostgen there). It keeps
`hostgen apply`'s guarantees and on-disk formats, so that `hostgen diff` and `hostgen apply`
run on the host later agree with what Ansible did (hostgen/host/files.py and state.py):

* one apply at a time: flock(2) on `lock` beside the state file, refused at once when held;
* nothing written unless the whole set is staged in a temporary folder and every validator
  passes: `httpd -n -f` on the staged httpd.conf with its includes pointed at the staged
  fragments, `smtpd -n -f` on the staged smtpd.conf (on OpenBSD where the program exists, or
  the commands the task names);
* a live file that changed since the controller read it is refused (the diff shown would
  not be the change made);
* the state file (`{"version": 1, "files": {PATH: [sha256, ...]}}`) records old and new
  hashes before the first write, the new ones after the last: a crash between two files is
  never taken for a hand edit;
* each file is replaced atomically (temporary file in its folder, fsync, rename, fsync of the
  folder), keeping its mode and owner; a new file gets 0644; the previous version is saved as
  backups/NAME.YYYYmmddTHHMMSSZ[-N] beside the state file, the newest KEEP kept.

Everything the controller computed (what to write, the hashes to accept) comes in as data;
the host decides nothing about hostgen's formats.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import glob
import hashlib
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
from datetime import datetime, timezone

NEW_FILE_MODE = 0o644
VALIDATOR_TIMEOUT = 120
STAMP = "%Y%m%dT%H%M%SZ"
ETC = "/etc/"
# httpd.conf names its fragments by absolute path; the staged copy points them at the stage
INCLUDE = re.compile(r'^(\s*include\s+)"(/etc/[^"]*)"', re.MULTILINE)


class HostError(Exception):
    """A refusal or failure, reported as the task's message; nothing more is written."""


def digest(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_text(path):
    """The text of `path`, or None when it does not exist."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise HostError(f"{path}: is a directory, expected a file") from None
    except OSError as exc:
        raise HostError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HostError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def read(root, names, state_path):
    """The live text of every output (None: missing) and the state file's text."""
    if not os.path.isdir(root):
        raise HostError(f"{root}: no such directory")
    return {"files": {name: read_text(os.path.join(root, name)) for name in names},
            "state": read_text(state_path)}


# ---- writing -------------------------------------------------------------------------------

def fsync_dir(directory):
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(path, data, mode=None):
    """Replace `path` by `data` (bytes) atomically, keeping an existing file's mode and owner;
    a symbolic link is followed so the file it points at is replaced."""
    if os.path.islink(path):
        path = os.path.realpath(path)
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    try:
        old = os.stat(path)
    except FileNotFoundError:
        old = None
    tmp = os.path.join(folder, f".{os.path.basename(path)}.hostgen-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if old is None:
            os.chmod(tmp, NEW_FILE_MODE if mode is None else mode)
        else:
            here = os.stat(tmp)
            if (here.st_uid, here.st_gid) != (old.st_uid, old.st_gid):
                try:
                    os.chown(tmp, old.st_uid, old.st_gid)
                except PermissionError:
                    raise HostError(f"{path}: cannot keep its owner ({old.st_uid}:"
                                    f"{old.st_gid}) as this user; become root") from None
            os.chmod(tmp, stat.S_IMODE(old.st_mode))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(folder)


def remove_stale_temporaries(path):
    pattern = f".{glob.escape(os.path.basename(path))}.hostgen-*"
    for stale in glob.glob(os.path.join(glob.escape(os.path.dirname(path)), pattern)):
        with contextlib.suppress(OSError):
            os.unlink(stale)


def backups_of(name, folder):
    pattern = re.compile(re.escape(name) + r"\.(\d{8}T\d{6}Z)(?:-(\d+))?")
    found = []
    if os.path.isdir(folder):
        for entry in os.listdir(folder):
            hit = pattern.fullmatch(entry)
            if hit:
                found.append((hit.group(1), int(hit.group(2) or 0), os.path.join(folder, entry)))
    return [entry for _, _, entry in sorted(found)]


def backup(path, folder, keep, now):
    """Copy `path` to FOLDER/NAME.TIMESTAMP (-N when taken), then drop the oldest beyond
    `keep`; the copy keeps the file's mode."""
    os.makedirs(folder, exist_ok=True)
    name = os.path.basename(path)
    base = f"{name}.{now.strftime(STAMP)}"
    target, counter = os.path.join(folder, base), 1
    while os.path.exists(target):
        target = os.path.join(folder, f"{base}-{counter}")
        counter += 1
    with open(path, "rb") as handle:
        data = handle.read()
    write_atomic(target, data, mode=stat.S_IMODE(os.stat(path).st_mode))
    for old in backups_of(name, folder)[:-keep]:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(old)
    return target


@contextlib.contextmanager
def locked(lock_file):
    os.makedirs(os.path.dirname(lock_file), exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
                raise HostError(f"{lock_file}: another hostgen apply is running; "
                                "nothing written") from None
            raise
        yield
    finally:
        os.close(fd)


# ---- state ---------------------------------------------------------------------------------

def load_state(path):
    text = read_text(path)
    if text is None:
        return {}
    try:
        data = json.loads(text)
        files = data["files"]
        if data.get("version") != 1 or not isinstance(files, dict):
            raise ValueError("unexpected shape")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise HostError(f"{path}: not a hostgen state file ({exc}); move it away to start "
                        "afresh") from None
    return {str(k): list(v) for k, v in files.items()}


def save_state(path, files):
    text = json.dumps({"version": 1, "files": dict(sorted(files.items()))}, indent=2) + "\n"
    write_atomic(path, text.encode("utf-8"), mode=0o644)


# ---- validation ----------------------------------------------------------------------------

def _point_includes(text, staged, root, names):
    def repoint(hit):
        name = hit.group(2)[len(ETC):]
        target = os.path.join(staged, name) if name in names else os.path.join(root, name)
        return '{}"{}"'.format(hit.group(1), target.replace("\\", "\\\\").replace('"', '\\"'))
    return INCLUDE.sub(repoint, text)


def _program(name):
    """The daemon's own checker on OpenBSD (another system's httpd is another program)."""
    if not sys.platform.startswith("openbsd"):
        return None
    return shutil.which(name, path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin"]))


def validator_command(option, default, config):
    """The task's command (`{}` is the staged file, else it is appended), or the default."""
    if option:
        words = shlex.split(option)
        if any("{}" in word for word in words):
            return [word.replace("{}", config) for word in words]
        return words + [config]
    found = _program(default)
    return [found, "-n", "-f", config] if found else None


def run_validator(command):
    shown = " ".join(shlex.quote(word) for word in command)
    try:
        done = subprocess.run(command, capture_output=True, text=True,
                              timeout=VALIDATOR_TIMEOUT, check=False)
    except FileNotFoundError:
        raise HostError(f"validator not found: {command[0]}; nothing written") from None
    except subprocess.TimeoutExpired:
        raise HostError(f"validator '{shown}' did not finish in {VALIDATOR_TIMEOUT}s; "
                        "nothing written") from None
    if done.returncode != 0:
        said = (done.stderr + done.stdout).strip()
        raise HostError(f"validator '{shown}' failed (exit {done.returncode})"
                        + (f": {said}" if said else "") + "; nothing written")
    return shown


def validate(staged_texts, root, validate_httpd, validate_smtpd):
    """Stage the whole set and run each daemon's checker on it; the commands that ran."""
    ran = []
    staged = tempfile.mkdtemp(prefix="hostgen-staged-")
    try:
        for name, text in staged_texts.items():
            write_atomic(os.path.join(staged, name), text.encode("utf-8"))
        if "httpd.conf" in staged_texts:
            copy = os.path.join(staged, "httpd.conf.check")
            text = _point_includes(staged_texts["httpd.conf"], staged, root, set(staged_texts))
            write_atomic(copy, text.encode("utf-8"))
            command = validator_command(validate_httpd, "httpd", copy)
            if command:
                ran.append(run_validator(command))
        if "mail/smtpd.conf" in staged_texts:
            command = validator_command(validate_smtpd, "smtpd",
                                        os.path.join(staged, "mail/smtpd.conf"))
            if command:
                ran.append(run_validator(command))
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return ran


# ---- apply ---------------------------------------------------------------------------------

def apply(p, check_mode, now=None):
    """Apply the controller's plan `p` (see the module's internal options); returns what was
    written, or raises HostError with nothing written."""
    root, state_path = p["root"], p["state"]
    if not os.path.isdir(root):
        raise HostError(f"{root}: no such directory")
    folder = os.path.dirname(state_path)
    lock = contextlib.nullcontext() if check_mode else locked(os.path.join(folder, "lock"))
    with lock:
        for name, expected in p["expected"].items():
            live = read_text(os.path.join(root, name))
            if (None if live is None else digest(live)) != expected:
                raise HostError(f"{os.path.join(root, name)} changed on the host while this "
                                "task ran; nothing written, run it again")
        ran = validate(p["staged"], root, p.get("validate_httpd"), p.get("validate_smtpd")) \
            if p["write"] else []
        if check_mode:
            return {"written": [], "validated": ran}
        files = load_state(state_path)
        before = dict(files)
        files.update(p["accept_before"])
        if files != before:
            save_state(state_path, files)
        written = []
        when = now or datetime.now(timezone.utc)
        for name in p["write"]:
            path = os.path.join(root, name)
            remove_stale_temporaries(path)
            saved = None
            if os.path.exists(path):
                saved = backup(path, os.path.join(folder, "backups"), p["keep"], when)
            write_atomic(path, p["staged"][name].encode("utf-8"))
            written.append({"path": path, "backup": saved})
        pending = dict(files)
        files.update(p["accept_after"])
        if files != pending:
            save_state(state_path, files)
    return {"written": written, "validated": ran}
