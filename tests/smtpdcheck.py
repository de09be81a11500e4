"""Run the real OpenSMTPD parser, `smtpd -n -f FILE`, on a rendered smtpd.conf.

`smtpd -n` loads the pki files and the table files the configuration names and resolves every
listen address (smtpd-conf.md 0.2). So the file is moved into a tmp folder first: every quoted
absolute path of a `pki` or `table` line is re-rooted under the folder, and the file it names is
made there (a test key and certificate, an empty table, a makemap(8) database); `egress`, the
interface group of OpenBSD's default route, does not exist on Linux and becomes `lo`. Nothing
else in the text changes, so what smtpd parses is the rendered file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

SMTPD = "/usr/sbin/smtpd"
_QUOTED = r'"((?:[^"\\]|\\.)*)"'
_PKI = re.compile(rf'^(pki {_QUOTED} (cert|key) ){_QUOTED}$', re.MULTILINE)
_TABLE = re.compile(rf'^(table \S+ ){_QUOTED}$', re.MULTILINE)


@dataclass(frozen=True)
class Verdict:
    code: int
    said: str           # stderr and stdout, the tmp folder shown as ROOT
    text: str           # the file smtpd read


def needs_smtpd() -> None:
    if shutil.which(SMTPD) is None:
        pytest.skip("needs OpenSMTPD's smtpd -n: apt-get install -y opensmtpd")


def _unquote(text: str) -> str:
    return text.replace('\\"', '"')


def _quote(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'


def _material(folder: Path) -> tuple[bytes, bytes]:
    key, cert = folder / "test.key", folder / "test.crt"
    if not key.exists():
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-keyout", str(key), "-out",
                        str(cert), "-subj", "/CN=mx.example.org", "-days", "30"],
                       check=True, capture_output=True)
    return cert.read_bytes(), key.read_bytes()


def _place(root: Path, host_path: str, data: bytes, mode: int) -> Path:
    path = root / host_path.lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(mode)
    return path


def relocate(text: str, root: Path) -> str:
    """The text with its pki and table files made under `root` and pointing there."""
    cert, key = _material(root.parent)

    def pki(hit: re.Match[str]) -> str:
        host_path = _unquote(hit[4])
        made = _place(root, host_path, cert if hit[3] == "cert" else key, 0o600)
        return hit[1] + _quote(str(made))

    def table(hit: re.Match[str]) -> str:
        backend, _, host_path = _unquote(hit[2]).partition(":")
        made = _place(root, host_path, b"", 0o644)
        if backend == "db":
            made.unlink()
            subprocess.run(["makemap", "-o", str(made), "/dev/null"], check=True,
                           capture_output=True)
        return hit[1] + _quote(f"{backend}:{made}")

    text = _PKI.sub(pki, text)
    text = _TABLE.sub(table, text)
    return re.sub(r'^(listen on )"egress"', r'\1"lo"', text, flags=re.MULTILINE)


def smtpd_n(text: str, folder: Path) -> Verdict:
    """What `smtpd -n -f FILE` says of `text` (skips when smtpd is not installed)."""
    needs_smtpd()
    root = folder / "root"
    root.mkdir(parents=True, exist_ok=True)
    moved = relocate(text, root)
    conf = folder / "smtpd.conf"
    conf.write_text(moved)
    done = subprocess.run([SMTPD, "-n", "-f", str(conf)], capture_output=True, text=True,
                          check=False, timeout=60)
    said = (done.stderr + done.stdout).replace(str(root), "ROOT").replace(str(conf), "FILE")
    return Verdict(done.returncode, said.strip(), moved)
