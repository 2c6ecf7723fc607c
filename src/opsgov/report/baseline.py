"""Baselines: adopt opsgov on a large existing organisation without fixing everything first.

`opsgov check --write-baseline FILE` records today's findings; `--baseline FILE` then reports
only findings not in it. Findings are recorded by fingerprint (fingerprint.py: the rule and what
the finding is about, never list indexes, lines, file names or document order), so reordering a
list, moving a document to another file or adding lines above it does not bring an accepted
finding back, while a new problem of the same rule, or a change to what it is about, is reported.

Version 1 baselines hashed the JSON path with its list indexes; their fingerprints cannot be
matched any more, so reading one is a usage error that says to write the baseline again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from opsgov import escape
from opsgov.atomic import write_atomic
from opsgov.config.settings import ConfigError
from opsgov.report.finding import Finding
from opsgov.report.fingerprint import fingerprint

FORMAT_KEY = "opsgov-baseline"
VERSION = 2
MAX_BASELINE_BYTES = 256 * 1024 * 1024
"""Far above the baseline of 100,000 findings (about 30 MB)."""


def _entries(findings: Iterable[Finding]) -> list[dict[str, str]]:
    """Unwaived findings only (a waiver already accounts for the others), sorted, one per fingerprint."""
    entries = {
        key: {"fingerprint": key, "rule": f.rule, "entity": f.entity, "message": f.message}
        for f in findings
        if not f.waived and f.rule != "internal-error"
        for key in (fingerprint(f),)
    }
    return [entries[key] for key in sorted(entries, key=lambda k: (entries[k]["rule"], entries[k]["entity"], k))]


def write_baseline(path: Path, findings: Iterable[Finding]) -> int:
    """Write the baseline atomically; the number of findings recorded."""
    entries = _entries(findings)
    text = escape.json_dumps({FORMAT_KEY: VERSION, "findings": entries})
    try:
        write_atomic(path, text)
    except OSError as error:
        raise ConfigError(f"cannot write baseline {path}: {error.strerror or error}") from None
    return len(entries)


def load_baseline(path: Path) -> frozenset[str]:
    """The fingerprints recorded in a baseline file; a missing or malformed file is a usage error."""
    try:
        with open(path, "rb") as stream:
            raw = stream.read(MAX_BASELINE_BYTES + 1)  # bounded: `--baseline /dev/zero` must not eat memory
        if len(raw) > MAX_BASELINE_BYTES:
            raise ConfigError(f"baseline {path}: over {MAX_BASELINE_BYTES // (1024 * 1024)} MB; not an opsgov baseline")
        data = json.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"baseline {path}: no such file (write one with --write-baseline)") from None
    except OSError as error:
        raise ConfigError(f"baseline {path}: cannot read: {error.strerror or error}") from None
    except RecursionError:  # a baseline is three levels deep; `[[[[...` 100,000 deep is not one
        raise ConfigError(f"baseline {path}: nested too deeply; not an opsgov baseline") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(f"baseline {path}: not a JSON baseline file: {error}") from None
    except ValueError:  # json refuses an integer of over 4,300 digits
        raise ConfigError(f"baseline {path}: holds a number with too many digits; not an opsgov baseline") from None
    if type(data) is dict and type(data.get(FORMAT_KEY)) is int and data[FORMAT_KEY] < VERSION:
        raise ConfigError(
            f"baseline {path}: written by an older opsgov (version {data[FORMAT_KEY]}), whose fingerprints "
            "depended on list order; write it again with --write-baseline"
        )
    if type(data) is not dict or data.get(FORMAT_KEY) != VERSION or type(data.get("findings")) is not list:
        raise ConfigError(f'baseline {path}: not an opsgov baseline (expected {{"{FORMAT_KEY}": {VERSION}, ...}})')
    prints: set[str] = set()
    for index, entry in enumerate(data["findings"]):
        if type(entry) is not dict or type(entry.get("fingerprint")) is not str:
            raise ConfigError(f"baseline {path}: findings[{index}] has no fingerprint")
        prints.add(entry["fingerprint"])
    return frozenset(prints)


def apply_baseline(findings: Iterable[Finding], known: frozenset[str]) -> tuple[list[Finding], int]:
    """The findings not in the baseline, and how many were left out because they are."""
    kept: list[Finding] = []
    dropped = 0
    for finding in findings:
        if finding.rule != "internal-error" and fingerprint(finding) in known:
            dropped += 1
        else:
            kept.append(finding)
    return kept, dropped
