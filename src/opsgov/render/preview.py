"""`opsgov handbook --serve`: the handbook rebuilt while you edit, the open page reloading itself.

As `mkdocs serve` does, with the standard library only: `http.server` serves the handbook
folder on 127.0.0.1 (never another interface), a polling watcher compares the size and mtime of
the repository's files every half second (no inotify dependency, and it works on any file
system), and each served HTML page gets one extra script that asks the server for the build
number and reloads when it changes. The files on disk stay the static, offline handbook:
the reload script exists only in what the server sends. The repository's YAML is served under
/__opsgov__/source/ so that a page's source link opens while previewing.
"""

from __future__ import annotations

import contextlib
import http.server
import os
import threading
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from opsgov.config.settings import ConfigError
from opsgov.render.safe import RenderError

PREFIX = "/__opsgov__/"
SOURCE_ROOT = PREFIX + "source/"
RELOAD_SCRIPT = b"""(function () {
  var seen = null;
  function poll() {
    fetch("/__opsgov__/version", { cache: "no-store" }).then(function (r) { return r.text(); }).then(function (v) {
      if (seen !== null && v !== seen) { location.reload(); return; }
      seen = v;
      setTimeout(poll, 700);
    }).catch(function () { setTimeout(poll, 1500); });
  }
  poll();
})();
"""
_INJECT = f'<script src="{PREFIX}reload.js"></script>\n'.encode()

Snapshot = dict[str, tuple[int, int]]


def snapshot(root: Path, paths: Iterable[str], also: Iterable[str] = ("opsgov.yaml",)) -> Snapshot:
    """(mtime, size) of every file under the watched paths: what a change of the repository changes."""
    found: Snapshot = {}
    for rel in [*paths, *also]:
        top = root / rel
        if top.is_file():
            stat = top.stat()
            found[str(top)] = (stat.st_mtime_ns, stat.st_size)
            continue
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                path = os.path.join(folder, name)
                with contextlib.suppress(OSError):
                    stat = os.stat(path)
                    found[path] = (stat.st_mtime_ns, stat.st_size)
    return found


class _Handler(http.server.SimpleHTTPRequestHandler):
    preview: Preview

    def __init__(self, *args: Any, preview: Preview, **kwargs: Any) -> None:
        self.preview = preview
        super().__init__(*args, directory=str(preview.out_dir), **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def _send(self, body: bytes, content_type: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == PREFIX + "version":
            self._send(str(self.preview.version).encode(), "text/plain; charset=utf-8")
            return
        if path == PREFIX + "reload.js":
            self._send(RELOAD_SCRIPT, "text/javascript; charset=utf-8")
            return
        if path.startswith(SOURCE_ROOT):
            source = self.preview.source_file(path.removeprefix(SOURCE_ROOT))
            if source is None:
                self.send_error(404)
            else:
                self._send(source, "text/plain; charset=utf-8")
            return
        local = Path(self.translate_path(path))
        if local.is_dir():
            local = local / "index.html"
        if local.suffix == ".html" and local.is_file():
            page = local.read_bytes()
            at = page.rfind(b"</body>")
            page = page[:at] + _INJECT + page[at:] if at >= 0 else page + _INJECT
            self._send(page, "text/html; charset=utf-8")
            return
        super().do_GET()


class Preview:
    """A handbook server and the watcher that rebuilds it; `build` writes the handbook into `out_dir`."""

    def __init__(
        self,
        build: Callable[[], None],
        out_dir: Path,
        watch: Callable[[], Snapshot],
        *,
        source_root: Path | None = None,
        port: int = 8000,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.build = build
        self.out_dir = out_dir
        self.watch = watch
        self.source_root = source_root.resolve() if source_root is not None else None
        self.log = log or (lambda _message: None)
        self.version = 0
        self._seen: Snapshot = {}
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", port), partial(_Handler, preview=self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def source_file(self, rel: str) -> bytes | None:
        """A YAML file of the repository (nothing outside it, nothing but YAML)."""
        if self.source_root is None:
            return None
        path = (self.source_root / unquote(rel)).resolve()
        if not path.is_relative_to(self.source_root) or path.suffix not in (".yaml", ".yml") or not path.is_file():
            return None
        return path.read_bytes()

    def rebuild(self) -> bool:
        """Build once; a failed build is reported and the last good handbook stays served."""
        self._seen = self.watch()
        started = time.monotonic()
        try:
            self.build()
        except (RenderError, ConfigError, OSError) as error:
            self.log(f"handbook not rebuilt: {error}")
            return False
        self.version += 1
        self.log(f"handbook built in {time.monotonic() - started:.1f} s")
        return True

    def poll(self) -> bool:
        """Rebuild when a watched file changed since the last build; True when it rebuilt."""
        if self.watch() == self._seen:
            return False
        return self.rebuild()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever, name="opsgov-preview", daemon=True)
        self._thread.start()

    def run(self, interval: float = 0.5) -> None:
        """Serve and watch until interrupted (Ctrl-C)."""
        self.start()
        try:
            while True:
                time.sleep(interval)
                self.poll()
        finally:
            self.close()

    def close(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()
