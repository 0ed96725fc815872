"""The loopback web server the benchmarks fetch from.

nginx (Debian's nginx-light) when it is installed: real ETag / Last-Modified / 304 handling,
and fast enough that it is not what is measured (`bench/run.py` times it alone). It listens on
every loopback host the corpus uses and serves `site/<address>/` for each. Without nginx (a CI
smoke run), a small threaded Python server with the same validators stands in.
"""

import email.utils
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

NGINX_CONF = """
worker_processes 1;
daemon off;
error_log {root}/error.log warn;
pid {root}/nginx.pid;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {root}/tmp; proxy_temp_path {root}/tmp; fastcgi_temp_path {root}/tmp;
  uwsgi_temp_path {root}/tmp; scgi_temp_path {root}/tmp;
  types {{ application/rss+xml xml; text/html html; }}
  keepalive_requests 100000;
  server {{
{listens}
    root {root_folder};
{validators}
  }}
}}
"""


class Server:
    def __init__(
        self, site: Path, port: int, hosts: list[str], *, per_host: bool = True, kind: str = "",
        conditional: bool = True,
    ):  # fmt: skip
        """per_host: serve site/<address>/ on each address (the corpus); else site/ itself.
        kind: "nginx", "python", or "" for nginx when it is installed. conditional=False:
        never a 304, as from many news sites' generated feeds."""
        self.site, self.port, self.hosts, self.per_host = site, port, hosts, per_host
        self.conditional = conditional
        self.kind = kind or ("nginx" if shutil.which("nginx") else "python")
        self._process: subprocess.Popen[bytes] | None = None
        self._servers: list[ThreadingHTTPServer] = []
        self._folder = tempfile.TemporaryDirectory(prefix="feeds-bench-nginx-")

    def __enter__(self) -> "Server":
        if self.kind == "nginx":
            self._start_nginx()
        else:
            self._start_python()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process:
            self._process.send_signal(signal.SIGQUIT)
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._folder.cleanup()

    def _start_nginx(self) -> None:
        root = Path(self._folder.name)
        (root / "tmp").mkdir()
        listens = "\n".join(f"    listen {host}:{self.port};" for host in self.hosts)
        conf = root / "nginx.conf"
        folder = f"{self.site.resolve()}/$server_addr" if self.per_host else self.site.resolve()
        # No ETag, and If-Modified-Since ignored: every request a 200 (Last-Modified is still
        # sent; nothing in nginx-light removes it).
        validators = "" if self.conditional else "    etag off; if_modified_since off;"
        conf.write_text(NGINX_CONF.format(root=root, root_folder=folder, listens=listens,
                                          validators=validators))  # fmt: skip
        self._process = subprocess.Popen(
            [shutil.which("nginx") or "nginx", "-c", str(conf), "-p", str(root)],
            stderr=subprocess.DEVNULL,
        )
        wait_listening(self.hosts[0], self.port, self._process)

    def _start_python(self) -> None:
        for host in self.hosts:
            folder = self.site / host if self.per_host else self.site
            server = ThreadingHTTPServer((host, self.port), handler_for(folder, self.conditional))
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self._servers.append(server)


def wait_listening(host: str, port: int, process: subprocess.Popen[bytes]) -> None:
    import socket

    for _ in range(200):  # bounded: 10 s
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited with {process.returncode}")
        try:
            socket.create_connection((host, port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nginx did not start listening within 10 s")


def handler_for(folder: Path, conditional: bool = True) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            path = folder / self.path.lstrip("/").split("?")[0]
            try:
                stat = path.stat()
                body = path.read_bytes()
            except OSError:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            etag = f'"{int(stat.st_mtime):x}-{stat.st_size:x}"'
            if conditional and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            kind = "text/html" if path.suffix == ".html" else "application/rss+xml"
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            if conditional:
                self.send_header("ETag", etag)
                modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
                self.send_header("Last-Modified", modified)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def touch_all(site: Path) -> None:
    """Give every file a new mtime (whole seconds later), so ETags change as on a real edit."""
    later = time.time() + 2
    for path in site.rglob("*.xml"):
        os.utime(path, (later, later))
