"""Loading many files: serially, or in forked processes when there is enough YAML to pay for them."""

from __future__ import annotations

import gc
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path as FsPath

from opsgov import collector
from opsgov.i18n import current, speaking
from opsgov.load.discover import load_file
from opsgov.load.documents import Document
from opsgov.load.limits import DEFAULT_LIMITS, Limits
from opsgov.progress import Progress, ignore
from opsgov.report.finding import Finding


@dataclass(slots=True)
class LoadResult:
    documents: list[Document] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    files: int = 0


PARALLEL_MIN_BYTES = 2 * 1024 * 1024
"""Below this much YAML, starting a second process costs more than it saves."""

_FileResult = tuple[list[Document], list[Finding]]


def _load_chunk(
    chunk: Sequence[tuple[int, FsPath, str]], limits: Limits, language: str
) -> list[tuple[int, _FileResult]]:
    """Load files in a forked process, their findings worded in the language of the process that asked."""
    gc.disable()
    with speaking(language):
        return [(index, load_file(path, rel, limits)) for index, path, rel in chunk]


def _size(path: FsPath) -> int:
    try:
        return path.stat().st_size
    except OSError:  # reported when the file is read
        return 0


def _chunks(
    files: Sequence[tuple[FsPath, str]], sizes: Sequence[int], jobs: int
) -> list[list[tuple[int, FsPath, str]]]:
    """Files dealt into `jobs` bins of about equal size, largest first."""
    order = sorted(range(len(files)), key=lambda index: (-sizes[index], index))
    bins: list[list[tuple[int, FsPath, str]]] = [[] for _ in range(jobs)]
    totals = [0] * jobs
    for index in order:
        lightest = totals.index(min(totals))
        bins[lightest].append((index, *files[index]))
        totals[lightest] += sizes[index]
    return [chunk for chunk in bins if chunk]


def _load_parallel(
    files: Sequence[tuple[FsPath, str]], sizes: Sequence[int], limits: Limits, jobs: int, progress: Progress
) -> list[_FileResult] | None:
    """Parse in this process and `jobs - 1` forked ones; None where that is not possible here."""
    import multiprocessing  # only for over PARALLEL_MIN_BYTES of YAML: a small check does not pay for it
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    chunks = _chunks(files, sizes, jobs)
    results: list[_FileResult | None] = [None] * len(files)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=len(chunks) - 1, mp_context=context) as pool:
            futures = [pool.submit(_load_chunk, chunk, limits, current()) for chunk in chunks[1:]]
            done = 0
            for index, path, rel in chunks[0]:
                progress("load", done, len(files))
                results[index] = load_file(path, rel, limits)
                done += 1
            for future in futures:  # the other processes' files are counted as their chunks come back
                for index, result in future.result():
                    results[index] = result
                    done += 1
                progress("load", done, len(files))
    except (OSError, BrokenProcessPool):
        return None
    return [result for result in results if result is not None]


def load_files(
    files: Sequence[tuple[FsPath, str]], limits: Limits = DEFAULT_LIMITS, *, jobs: int = 1, progress: Progress = ignore
) -> LoadResult:
    """Load every file, in file order; the garbage collector stays off meanwhile (nothing here makes cycles).

    With `jobs` > 1 and enough YAML to pay for it, files are parsed in forked processes too and
    the documents come back pickled; the result is the same as a serial load.
    """
    result = LoadResult(files=len(files))
    with collector.paused():
        per_file: list[_FileResult] | None = None
        sizes = [_size(path) for path, _ in files] if jobs > 1 and len(files) > 1 else []
        if sizes and sum(sizes) >= PARALLEL_MIN_BYTES:
            # parsing is CPU-bound: processes beyond a few per core only cost forks (`-j 100000` is no fork bomb)
            per_file = _load_parallel(files, sizes, limits, min(jobs, len(files), 4 * (os.cpu_count() or 1)), progress)
        if per_file is None:
            per_file = []
            for done, (path, rel) in enumerate(files):
                progress("load", done, len(files))
                per_file.append(load_file(path, rel, limits))
        for documents, findings in per_file:
            result.documents.extend(documents)
            result.findings.extend(findings)
    return result
