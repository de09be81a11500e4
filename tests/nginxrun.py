"""Real nginx for the nginx import tests, and the answers compared with the simulator's.

A case folder (tests/nginx/NAME/) holds an nginx configuration written as on a server
(`listen 80`, roots under /var/www, sockets under /var/www/run, certificates under /etc/ssl),
`files.txt` (the files under /var/www: each one's content is its own path, so a response
names the file that answered) and `urls.txt`. `NginxRun` copies the configuration into a
temporary prefix, moving /var/www and /etc/ssl there and each listened port to a free port on
127.0.0.1, and starts nginx in the foreground; a tiny FastCGI responder on the case's
socket (or TCP address, moved to a free port) answers with the SCRIPT_FILENAME it received
(404 when that is not a file, as php-fpm does). Both are stopped by the finalizer.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import socketserver
import ssl
import struct
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

NGINX = "/usr/sbin/nginx"
OPENSSL = "/usr/bin/openssl"
SKIP = "install nginx-light (apt-get install -y nginx-light)"

_FASTCGI_PARAMS = """\
fastcgi_param  QUERY_STRING       $query_string;
fastcgi_param  REQUEST_METHOD     $request_method;
fastcgi_param  CONTENT_TYPE       $content_type;
fastcgi_param  CONTENT_LENGTH     $content_length;
fastcgi_param  SCRIPT_NAME        $fastcgi_script_name;
fastcgi_param  REQUEST_URI        $request_uri;
fastcgi_param  DOCUMENT_URI       $document_uri;
fastcgi_param  DOCUMENT_ROOT      $document_root;
fastcgi_param  SERVER_PROTOCOL    $server_protocol;
"""
_MIME = "types {\n    text/html html;\n    text/css css;\n    image/png png;\n}\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


# ---- a FastCGI responder that names the script it was asked to run ------------------------

def _record(kind: int, content: bytes) -> bytes:
    return struct.pack("!BBHHBx", 1, kind, 1, len(content), 0) + content


def _params(data: bytes) -> dict[str, str]:
    out, i = {}, 0
    while i < len(data):
        lengths = []
        for _ in range(2):
            n = data[i]
            if n >> 7:
                n = struct.unpack("!I", data[i:i + 4])[0] & 0x7FFFFFFF
                i += 4
            else:
                i += 1
            lengths.append(n)
        name = data[i:i + lengths[0]].decode()
        i += lengths[0]
        out[name] = data[i:i + lengths[1]].decode("utf-8", "surrogateescape")
        i += lengths[1]
    return out


class _Responder(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        params, stdin_done = b"", False
        while not stdin_done:
            header = self.rfile.read(8)
            if len(header) < 8:
                return
            _, kind, _, length, padding = struct.unpack("!BBHHBx", header)
            content = self.rfile.read(length)
            self.rfile.read(padding)
            if kind == 4:
                params += content
            stdin_done = kind == 5 and length == 0
        script = _params(params).get("SCRIPT_FILENAME", "")
        # as php-fpm: a script that is not a file is "Primary script unknown", a 404
        status = "200 OK" if os.path.isfile(script) else "404 Not Found"
        body = f"Status: {status}\r\nContent-Type: text/plain\r\n\r\nfastcgi {script}\n"
        self.wfile.write(_record(6, body.encode()) + _record(6, b"") +
                         _record(3, struct.pack("!IB3x", 0, 0)))


class FastcgiServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


class FastcgiTcpServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True


# ---- nginx ---------------------------------------------------------------------------------

@dataclass
class Reply:
    status: int | str
    location: str | None
    body: str


class NginxRun:
    def __init__(self, case: Path, tmp: Path) -> None:
        self.case, self.tmp = case, tmp
        self.www = tmp / "var" / "www"
        self.ports: dict[int, int] = {}   # the case's port -> the test's
        self.first: int | None = None   # the first port the configuration listens on
        self.proc: subprocess.Popen[bytes] | None = None
        self.fastcgi: list[FastcgiServer | FastcgiTcpServer] = []
        self.tcp: dict[str, int] = {}   # `fastcgi_pass HOST:PORT` -> the test's port

    def start(self) -> None:
        conf = self.tmp / "conf"
        shutil.copytree(self.case, conf)
        (conf / "fastcgi_params").write_text(_FASTCGI_PARAMS)
        (conf / "mime.types").write_text(_MIME)
        for line in (self.case / "files.txt").read_text().split():
            target = self.www / line.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            if line.endswith("/"):
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.write_text(line + "\n")
        for path in conf.rglob("*.conf"):
            path.write_text(self._localize(path.read_text()))
        (self.tmp / "logs").mkdir()
        self.proc = subprocess.Popen(
            [NGINX, "-p", str(self.tmp), "-c", str(conf / "nginx.conf"), "-e", "stderr",
             "-g", f"daemon off; pid {self.tmp}/nginx.pid;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(self.proc.stderr.read().decode() if self.proc.stderr else "")
            try:
                socket.create_connection(("127.0.0.1", self.ports[self.first or 80]),
                                         0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)   # the master we started, by its pid
            self.proc.wait(10)
        for server in self.fastcgi:
            server.shutdown()
            server.server_close()

    def _localize(self, text: str) -> str:
        """The case's configuration, moved into the prefix and onto 127.0.0.1."""
        text = re.sub(r"^\s*listen\s+\[::\][^;]*;\n", "", text, flags=re.M)
        text = re.sub(r"listen\s+(?:\*:|0\.0\.0\.0:|127\.0\.0\.1:)?(\d+)\b", self._listen, text)
        text = re.sub(r"fastcgi_pass\s+([\w.-]+|\[[\w:]+\]):(\d+);", self._tcp, text)
        text = text.replace("/var/www", str(self.www))
        text = text.replace("/var/log/nginx/", f"{self.tmp}/logs/")
        text = re.sub(r"^(user|pid)\s[^;]*;\n", "", text, flags=re.M)
        for cert, key in re.findall(r"ssl_certificate\s+(\S+);.*?ssl_certificate_key\s+(\S+);",
                                    text, flags=re.S):
            self._certificate(cert, key)
        text = text.replace("/etc/ssl/", f"{self.tmp}/ssl/")
        for sock in set(re.findall(r"unix:([^;\s]+)", text)):
            self._responder(Path(sock))
        if os.geteuid() == 0 and "events" in text:
            text = "user root root;\n" + text   # workers must read the tmp folder (mode 700)
        return text

    def _listen(self, found: re.Match[str]) -> str:
        port = int(found[1])
        if port not in self.ports:
            self.ports[port] = free_port()
        self.first = port if self.first is None else self.first
        return f"listen 127.0.0.1:{self.ports[port]}"

    def _tcp(self, found: re.Match[str]) -> str:
        """A FastCGI responder over TCP: the case's HOST:PORT, answered on 127.0.0.1."""
        if found[0] not in self.tcp:
            server = FastcgiTcpServer(("127.0.0.1", 0), _Responder)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.fastcgi.append(server)
            self.tcp[found[0]] = server.server_address[1]
        return f"fastcgi_pass 127.0.0.1:{self.tcp[found[0]]};"

    def _certificate(self, cert: str, key: str) -> None:
        paths = [self.tmp / "ssl" / p.removeprefix("/etc/ssl/") for p in (cert, key)]
        for path in paths:
            path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=test", "-days", "2",
                        "-keyout", str(paths[1]), "-out", str(paths[0])],
                       check=True, capture_output=True)

    def _responder(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        server = FastcgiServer(str(path), _Responder)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.fastcgi.append(server)

    def get(self, url: str) -> Reply:
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        port = self.ports[parts.port or (443 if parts.scheme == "https" else 80)]
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            context = ssl.create_default_context()
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
            connection = http.client.HTTPSConnection("127.0.0.1", port, context=context,
                                                     timeout=5)
        else:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", target, headers={"Host": parts.hostname or ""})
            response = connection.getresponse()
            body = response.read().decode("utf-8", "replace")
            return Reply(response.status, response.getheader("Location"), body)
        except (http.client.RemoteDisconnected, ConnectionResetError):
            return Reply("drop", None, "")
        finally:
            connection.close()

    def port_free(self, location: str | None) -> str | None:
        """nginx's Location without the test's ports (it names the port it listens on)."""
        if location is None:
            return None
        for port, test in self.ports.items():
            location = location.replace(f":{test}/", "/" if port in (80, 443) else f":{port}/")
        return location
