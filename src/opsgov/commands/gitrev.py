"""Read a repository's tree at a git revision into a temporary folder, never touching the working tree.

`git archive` streams the committed files of one subfolder; they are unpacked with tarfile's
`data` filter (no absolute paths, no links out of the folder, no device files), so a hostile
revision cannot write outside the temporary folder. The user's checkout, index and stash stay
exactly as they were.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from opsgov.config.settings import ConfigError

_ENV = {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, env={**os.environ, **_ENV}, check=False, timeout=300
        )
    except FileNotFoundError:
        raise ConfigError("git is not installed; --base and diff need git") from None
    except subprocess.TimeoutExpired:
        raise ConfigError(f"git {args[0]} took too long in {cwd}") from None


def _first_line(output: bytes) -> str:
    lines = output.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else ""


def _safe_member(member: tarfile.TarInfo, destination: str) -> tarfile.TarInfo | None:
    """tarfile's `data` filter, skipping (not failing on) a member it refuses, e.g. a link to /etc/passwd."""
    try:
        return tarfile.data_filter(member, destination)
    except tarfile.FilterError:
        return None


@dataclass(frozen=True, slots=True)
class Checkout:
    """Where PATH sits in its git repository: the top level and PATH's prefix inside it ('' or 'a/b/')."""

    top: Path
    prefix: str


def locate(path: Path) -> Checkout:
    """The git repository that holds `path`; a usage error when there is none."""
    if not path.is_dir():
        raise ConfigError(f"{path}: not a folder")
    done = _git(path, "rev-parse", "--show-toplevel", "--show-prefix")
    if done.returncode != 0:
        problem = _first_line(done.stderr)
        if "not a git repository" in problem.lower() or not problem:
            raise ConfigError(f"{path} is not inside a git repository (needed to read another revision)")
        raise ConfigError(f"git cannot read {path}: {problem.removeprefix('fatal: ')}")
    lines = done.stdout.decode("utf-8", "surrogateescape").splitlines()
    top = Path(lines[0])
    prefix = lines[1] if len(lines) > 1 else ""
    return Checkout(top, prefix)


def resolve(checkout: Checkout, rev: str) -> str:
    """The commit id `rev` names; an unknown revision is a usage error, never a silent empty tree."""
    if not rev or rev.startswith("-"):
        raise ConfigError(f"'{rev}' is not a git revision")
    done = _git(checkout.top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if done.returncode != 0:
        raise ConfigError(f"unknown git revision '{rev}' in {checkout.top}")
    return done.stdout.decode().strip()


def commit_date(path: Path, rev: str) -> datetime.date:
    """The day the commit `rev` names was made (its committer date, in the committer's time zone)."""
    checkout = locate(path)
    commit = resolve(checkout, rev)
    done = _git(checkout.top, "show", "-s", "--format=%cs", commit)
    try:
        return datetime.date.fromisoformat(done.stdout.decode().strip())
    except ValueError:
        raise ConfigError(f"git cannot tell the date of revision '{rev}'") from None


def extract(checkout: Checkout, commit: str, into: Path, only: Iterable[str] = ()) -> None:
    """Unpack PATH's subfolder as of `commit` into `into`; a subfolder missing then leaves `into` empty.

    With `only`, just those top-level entries of the subfolder (ops/, policies/, opsgov.yaml):
    a monorepo's other files are never read. The archive is streamed, never held in memory.
    """
    listed = _git(checkout.top, "ls-tree", "--name-only", "-z", commit, "--", checkout.prefix or ".")
    if listed.returncode != 0:
        raise ConfigError(f"git ls-tree failed: {_first_line(listed.stderr)}")
    prefix = checkout.prefix.encode("utf-8", "surrogateescape")
    present = {
        entry.removeprefix(prefix).decode("utf-8", "surrogateescape") for entry in listed.stdout.split(b"\0") if entry
    }
    wanted = {part.strip("/").split("/", 1)[0] for part in only}
    entries = sorted(present & wanted) if wanted else []
    if not present or (wanted and not entries):
        return
    tree = f"{commit}:{checkout.prefix}" if checkout.prefix else commit
    command = ["git", "archive", "--format=tar", tree, "--", *entries]
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                command, cwd=checkout.top, stdout=subprocess.PIPE, stderr=errors, env={**os.environ, **_ENV}
            )
        except FileNotFoundError:
            raise ConfigError("git is not installed; --base and diff need git") from None
        assert process.stdout is not None
        try:
            with tarfile.open(fileobj=process.stdout, mode="r|") as archive:
                archive.extractall(into, filter=_safe_member)
            # tarfile stops at the end-of-archive blocks; git may still be writing the record's
            # padding, and closing the pipe under it kills git with SIGPIPE (a spurious failure)
            while process.stdout.read(65536):
                pass
        except tarfile.TarError as error:
            process.kill()
            raise ConfigError(f"cannot read git archive of {commit[:12]}: {error}") from None
        finally:
            process.stdout.close()
            status = process.wait()
        if status != 0:
            errors.seek(0)
            raise ConfigError(f"git archive failed: {_first_line(errors.read())}")


@contextmanager
def tree_at(path: Path, rev: str, only: Iterable[str] = ()) -> Iterator[Path]:
    """A temporary folder holding PATH as it was at `rev` (with `only`: those entries), removed on exit."""
    checkout = locate(path)
    commit = resolve(checkout, rev)
    with tempfile.TemporaryDirectory(prefix="opsgov-rev-") as folder:
        root = Path(folder)
        extract(checkout, commit, root, only)
        yield root
