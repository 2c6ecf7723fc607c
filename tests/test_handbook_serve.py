"""`opsgov handbook --serve`: starts on 127.0.0.1, serves the handbook, rebuilds when a file changes."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from opsgov.config.project import load_settings
from opsgov.pipeline import check
from opsgov.render.handbook import build_site, write_site
from opsgov.render.preview import SOURCE_ROOT, Preview, snapshot
from tests.render.fixtures import TINY
from tests.util import TODAY, write_repo


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        body: bytes = response.read()
        return body.decode("utf-8")


def test_preview_serves_and_rebuilds_on_a_change(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", TINY)
    out = tmp_path / "site"
    builds: list[int] = []

    def build() -> None:
        settings = load_settings(repo, as_of=TODAY)
        write_site(build_site(check(settings), source_root=SOURCE_ROOT), out)
        builds.append(1)

    preview = Preview(build, out, lambda: snapshot(repo, ("ops",)), source_root=repo, port=0)
    try:
        assert preview.url.startswith("http://127.0.0.1:")  # never another interface
        assert preview._server.server_address[0] == "127.0.0.1"
        assert preview.rebuild() and builds == [1]
        preview.start()
        page = get(preview.url + "units/finance.html")
        assert "财务部" in page and '<script src="/__opsgov__/reload.js"></script>' in page
        assert "reload.js" not in (out / "units" / "finance.html").read_text(encoding="utf-8")  # only as served
        assert get(preview.url + "__opsgov__/version") == "1"
        assert "location.reload()" in get(preview.url + "__opsgov__/reload.js")
        assert get(preview.url + "__opsgov__/source/ops/tiny.yaml").startswith("apiVersion: opsgov/v1")
        with pytest.raises(urllib.error.HTTPError):  # nothing outside the repository, nothing but YAML
            get(preview.url + "__opsgov__/source/../site/index.html")
        assert not preview.poll()  # nothing changed: no rebuild

        tiny = repo / "ops" / "tiny.yaml"
        tiny.write_text(tiny.read_text(encoding="utf-8").replace("财务部", "财务管理部"), encoding="utf-8")
        assert preview.poll() and builds == [1, 1]
        assert get(preview.url + "__opsgov__/version") == "2"  # the open page sees it and reloads
        assert "财务管理部" in get(preview.url + "units/finance.html")

        tiny.write_text("kind: [unclosed\n", encoding="utf-8")  # a broken file: reported in the handbook
        assert preview.poll()
        assert '<code translate="no">yaml-syntax</code>' in get(preview.url + "findings.html")
    finally:
        preview.close()


def test_a_failed_build_keeps_the_last_handbook(tmp_path: Path) -> None:
    out = tmp_path / "site"
    messages: list[str] = []
    calls = iter([True, False])

    def build() -> None:
        if next(calls):
            write_site({"index.html": "<html><body>first</body></html>"}, out)
        else:
            raise OSError("disk full")

    edits: list[int] = []
    preview = Preview(build, out, lambda: {"x": (len(edits), 0)}, port=0, log=messages.append)
    try:
        assert preview.rebuild() and preview.version == 1
        preview.start()
        assert not preview.poll()  # the watcher saw no change since the build
        edits.append(1)  # a file changed
        assert not preview.poll() and preview.version == 1
        assert "handbook not rebuilt: disk full" in messages
        assert "first" in get(preview.url)
    finally:
        preview.close()


def test_the_command_asks_for_a_folder_or_serve_and_serves_html_only(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from opsgov.cli import main

    repo = write_repo(tmp_path / "repo", TINY)
    result = CliRunner().invoke(main, ["handbook", str(repo)], catch_exceptions=False)
    assert result.exit_code == 2 and "give the folder to write with -o DIR (or preview with --serve)" in result.output
    result = CliRunner().invoke(main, ["handbook", str(repo), "--serve", "--format", "md"], catch_exceptions=False)
    assert result.exit_code == 2 and "--serve previews the HTML handbook" in result.output
