"""Run each policy under a time limit, in a forked worker, so no policy can take the run down.

The CEL library cannot be interrupted (its Rust interpreter holds the GIL and never checks for
signals) and a crash in it kills the process. So the policies run in one forked child, which
sends each policy's findings back as soon as that policy is done. When a policy runs longer than
the limit, or the child dies (a signal, an exception), the parent kills the child, reports that
policy with `on_failure`, and forks a new child for the policies after it. Forking shares the
model copy-on-write; the child's collector is off, so it does not copy every page it walks.

Where `os.fork` does not exist (Windows), policies run in this process without a time limit;
the static limits of `opsgov.policy.celguard` still apply.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import os
import pickle
import select
import signal
import time
import traceback
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from opsgov.i18n import _

T = TypeVar("T")
R = TypeVar("R")

_HEADER = 8


def _send(fd: int, payload: object) -> None:
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(len(data).to_bytes(_HEADER, "big") + data)
    while view:
        view = view[os.write(fd, view) :]


def _child(fd: int, items: Sequence[T], run: Callable[[T], R]) -> None:
    gc.disable()
    faulthandler.disable()  # a crash is reported as a finding, not as a dump on the shared stderr
    import resource  # Unix only, as fork is

    with contextlib.suppress(ValueError, OSError):  # a crash is reported as a finding: no core file of a big process
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    status = 0
    try:
        for item in items:
            try:
                _send(fd, ("ok", run(item)))
            except Exception as error:
                _send(fd, ("error", f"{type(error).__name__}: {error}\n{traceback.format_exc()}"))
    except BaseException:
        status = 1
    finally:
        os._exit(status)


class _Reader:
    """Length-prefixed records from the child, each awaited until a deadline."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray()

    def _fill(self, count: int, deadline: float) -> bool:
        while len(self.buffer) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.fd], [], [], remaining)[0]:
                raise TimeoutError
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                return False
            self.buffer += chunk
        return True

    def record(self, deadline: float) -> object | None:
        """The next record; None when the child is gone; TimeoutError past the deadline."""
        if not self._fill(_HEADER, deadline):
            return None
        size = int.from_bytes(self.buffer[:_HEADER], "big")
        if not self._fill(_HEADER + size, deadline):
            return None
        data = bytes(self.buffer[_HEADER : _HEADER + size])
        del self.buffer[: _HEADER + size]
        return pickle.loads(data)  # written by our own forked child


def _end(pid: int, kill: bool) -> int:
    if kill:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return os.waitpid(pid, 0)[1]


def _why(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = str(number)
        return _("crashed the CEL library (signal {number}, {name})").format(number=number, name=name)
    return _("stopped the policy worker (exit status {status})").format(status=os.WEXITSTATUS(status))


def run_isolated(
    items: Sequence[T], run: Callable[[T], R], on_failure: Callable[[T, str], R], seconds: float
) -> list[R]:
    """`run(item)` for each item, in order, each within `seconds`; `on_failure(item, why)` for one that
    runs too long or crashes. An exception `run` raises is raised here, as a RuntimeError."""
    if not hasattr(os, "fork"):
        return [run(item) for item in items]
    results: list[R] = []
    while len(results) < len(items):
        pending = items[len(results) :]
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child, which never returns
            os.close(read_fd)
            _child(write_fd, pending, run)
        os.close(write_fd)
        reader = _Reader(read_fd)
        why = ""
        try:
            for _item in pending:
                try:
                    record = reader.record(time.monotonic() + seconds)
                except TimeoutError:
                    why = _("ran longer than {seconds} s").format(seconds=f"{seconds:g}")
                    break
                if record is None:
                    why = "?"
                    break
                state, value = cast(tuple[str, Any], record)
                if state == "error":
                    raise RuntimeError(value)
                results.append(value)
        finally:
            os.close(read_fd)
            status = _end(pid, kill=len(results) < len(items))
        if len(results) < len(items):
            item = items[len(results)]
            results.append(on_failure(item, _why(status) if why == "?" else why))
    return results
