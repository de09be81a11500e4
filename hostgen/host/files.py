"""Writing files so that a crash leaves each one whole-old or whole-new.

Everything here is plain POSIX: a temporary file in the target's own directory (rename(2) is
atomic only within one file system), fsync of the data, rename, fsync of the directory so the
rename itself survives a power cut. Backups and the apply lock live here too.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import re
import stat
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from hostgen.errors import HostgenError, Refused

NEW_FILE_MODE = 0o644   # rc.conf.local, resolv.conf, httpd.conf: 0644 root:wheel (spamd.md 6.3)


def write_atomic(path: Path, text: str | bytes, mode: int | None = None, *,
                 durable: bool = True) -> None:
    """Replace `path` by `text` atomically.

    An existing file keeps its mode and owner; a new one gets `mode` (default 0644). A symbolic
    link is followed, so the file it points at is replaced and the link stays. Without `durable`
    the data and the rename are not forced to disk (fsync): readers still see whole-old or
    whole-new, but a power cut may lose the write (for `render`'s out folder, not /etc)."""
    path = Path(os.path.realpath(path)) if path.is_symlink() else path
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        old: os.stat_result | None = path.stat()
    except FileNotFoundError:
        old = None
    data = text.encode("utf-8") if isinstance(text, str) else text
    tmp = path.with_name(f".{path.name}.hostgen-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        _copy_metadata(tmp, path, old, NEW_FILE_MODE if mode is None else mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if durable:
        fsync_dir(path.parent)


def _copy_metadata(tmp: Path, path: Path, old: os.stat_result | None, mode: int) -> None:
    if old is None:
        os.chmod(tmp, mode)
        return
    here = tmp.stat()
    if (here.st_uid, here.st_gid) != (old.st_uid, old.st_gid):
        try:
            os.chown(tmp, old.st_uid, old.st_gid)
        except PermissionError:
            raise HostgenError(
                f"{path}: cannot keep its owner ({old.st_uid}:{old.st_gid}) as this user; "
                "run as root") from None
    os.chmod(tmp, stat.S_IMODE(old.st_mode))


def remove_stale_temporaries(path: Path) -> None:
    """Remove what a killed write_atomic left beside `path` (its temporary, never renamed)."""
    for stale in path.parent.glob(f".{glob.escape(path.name)}.hostgen-*"):
        with contextlib.suppress(OSError):
            stale.unlink()


def fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read_text(path: Path) -> str | None:
    """The file's text, or None when it does not exist. Not UTF-8 is an error, not a guess."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise HostgenError(f"{path}: is a directory, expected a file") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HostgenError(f"{path}: not UTF-8 text (byte {exc.start})") from None


# ---- backups -------------------------------------------------------------------------------

_STAMP = "%Y%m%dT%H%M%SZ"


def backup(path: Path, folder: Path, keep: int, now: datetime) -> Path:
    """Copy `path` to `folder/NAME.TIMESTAMP` (`-N` added when that name is taken: an older
    backup is never overwritten), durably, then drop the oldest beyond `keep`."""
    folder.mkdir(parents=True, exist_ok=True)
    base = f"{path.name}.{now.strftime(_STAMP)}"
    target = folder / base
    counter = 1
    while target.exists():
        target = folder / f"{base}-{counter}"
        counter += 1
    write_atomic(target, path.read_bytes(), mode=stat.S_IMODE(path.stat().st_mode))
    for old in backups_of(path.name, folder)[:-keep]:
        with contextlib.suppress(FileNotFoundError):
            old.unlink()
    return target


def backups_of(name: str, folder: Path) -> list[Path]:
    """The backups of file NAME in `folder`, oldest first."""
    pattern = re.compile(re.escape(name) + r"\.(\d{8}T\d{6}Z)(?:-(\d+))?")
    found: list[tuple[str, int, Path]] = []
    if folder.is_dir():
        for entry in folder.iterdir():
            hit = pattern.fullmatch(entry.name)
            if hit:
                found.append((hit.group(1), int(hit.group(2) or 0), entry))
    return [entry for *_, entry in sorted(found)]


# ---- the lock ------------------------------------------------------------------------------

@contextlib.contextmanager
def locked(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive flock(2) on `lock_file`; a second holder is refused at once (exit 1,
    as nothing is wrong with the input and retrying later is safe). The kernel drops the lock
    when the process dies, so a killed apply never leaves a stale lock behind."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Refused(f"{lock_file}: another hostgen apply is running; "
                          "nothing written") from None
        yield
    finally:
        os.close(fd)


def check_root(root: Path, *, writable: bool = False) -> None:
    """A clear error (exit 2) for a ROOT that is missing, not a folder, unreadable, or
    read-only when it must be written."""
    if not root.exists():
        raise HostgenError(f"{root}: no such directory")
    if not root.is_dir():
        raise HostgenError(f"{root}: not a directory")
    if not os.access(root, os.R_OK | os.X_OK):
        raise HostgenError(f"{root}: cannot read this directory (permission denied)")
    if writable and not os.access(root, os.W_OK):
        raise HostgenError(f"{root}: read-only here (no permission to write); nothing written")
