"""The pipeline, top to bottom: load -> schema -> model -> graph -> rules -> policies -> waivers -> report.

The graph stage is `model.structure` (typed indexes of every edge, built once per run); the
networkx graph (`model.graph`) is not a stage: only `explain` and `graph export` build it.
"""

from __future__ import annotations

import bisect
import time
import traceback
from collections.abc import Iterable, Sequence

from opsgov import collector
from opsgov.config.settings import ConfigError, Settings
from opsgov.load.documents import Document
from opsgov.load.loader import discover, load_files
from opsgov.load.schema import Validator, entity_key
from opsgov.model.entities import Model, build_model
from opsgov.policy.cel import run_policies
from opsgov.policy.waivers import apply_waivers
from opsgov.progress import Progress, ignore
from opsgov.report.baseline import apply_baseline, load_baseline
from opsgov.report.finding import Finding
from opsgov.report.fingerprint import in_document
from opsgov.report.report import Report
from opsgov.rules import REGISTRY, canonical
from opsgov.suggest import RULE_IDS, closest


def internal_error(where: str, error: BaseException) -> Finding:
    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    place = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else ""
    return Finding(
        ".",
        1,
        1,
        "internal-error",
        f"{where} failed: {type(error).__name__}: {error}{place}",
        level="error",
        hint="this is a bug in opsgov; the other results are still reported; "
        "`opsgov --traceback` or --format json shows the whole stack",
        trace="".join(traceback.format_exception(error)),
    )


def validate_selectors(selectors: Iterable[str]) -> None:
    """`--select`/`--ignore` take a rule id or a family prefix; anything else is a usage error."""
    for selector in selectors:
        rule_id = canonical(selector)
        if rule_id in REGISTRY or rule_id.startswith("policy/") or rule_id == "policy-":
            continue
        if any(known.startswith(selector) for known in REGISTRY) and selector.endswith(("-", "/")):
            continue
        close = closest(selector, REGISTRY, cutoff=RULE_IDS)
        hint = f"; did you mean '{close}'?" if close else "; `opsgov rules` lists them"
        raise ConfigError(f"unknown rule '{selector}'{hint}")


def _matches(rule_id: str, selectors: Sequence[str]) -> bool:
    return any(rule_id == canonical(s) or (s.endswith(("-", "/")) and rule_id.startswith(s)) for s in selectors)


def runs(rule_id: str, settings: Settings) -> bool:
    """Whether a rule's findings can be reported at all: not switched off, selected, not ignored."""
    if settings.levels.get(rule_id) == "off":
        return False
    if settings.select and not _matches(rule_id, settings.select):
        return False
    return not _matches(rule_id, settings.ignore)


def run_rules(model: Model, settings: Settings, progress: Progress = ignore) -> list[Finding]:
    """Every enabled rule over the model; a rule that raises becomes an internal-error finding."""
    findings: list[Finding] = []
    for done, rule in enumerate(REGISTRY.values()):
        progress("rules", done, len(REGISTRY))
        if rule.check is None or not runs(rule.id, settings):
            continue
        options = {**rule.options, **settings.options.get(rule.id, {})}
        try:
            findings.extend(f.replace(rule=rule.id) for f in rule.check(model, options))
        except Exception as error:  # a broken rule must be visible, never silent
            findings.append(internal_error(f"rule {rule.id}", error))
    return findings


def run_policy_stage(model: Model, settings: Settings) -> list[Finding]:
    """The organisation's own Policies; a crash of the stage is an internal-error, never a silent pass."""
    try:
        return run_policies(model, skip=[rule_id for rule_id, level in settings.levels.items() if level == "off"])
    except Exception as error:
        return [internal_error("the policy stage", error)]


def finalize(findings: Iterable[Finding], settings: Settings) -> list[Finding]:
    """Stamp levels, drop what is switched off or not selected, sort."""
    kept: list[Finding] = []
    for finding in findings:
        rule_id = finding.rule
        configured = settings.levels.get(rule_id)
        if configured == "off" or (rule_id != "internal-error" and not runs(rule_id, settings)):
            continue  # an internal error is shown whatever --select/--ignore say
        known = REGISTRY.get(rule_id)
        level = configured or finding.level or (known.level if known else "error")
        kept.append(finding if finding.level == level else finding.replace(level=level))
    return sorted(kept)


def validate_documents(
    documents: Sequence[Document], validator: Validator, progress: Progress = ignore
) -> tuple[list[Document], list[Document], list[Finding]]:
    """Split documents into valid and invalid ones; the schema findings of the invalid ones."""
    valid: list[Document] = []
    invalid: list[Document] = []
    findings: list[Finding] = []
    for done, document in enumerate(documents):
        if not done % 1000:
            progress("schema", done, len(documents))
        if not document.ok:
            invalid.append(document)
            continue
        problems = validator.validate(document)
        if problems:
            findings.extend(problems)
            invalid.append(document)
        else:
            valid.append(document)
    return valid, invalid, findings


class _Stopwatch:
    """Seconds per pipeline stage, for `benchmarks/run.py` and profiling."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - self._last
        self._last = now


def check(settings: Settings, *, progress: Progress | None = None) -> Report:
    """Run the whole pipeline over the repository at `settings.root`; `progress` hears how far it is.

    The garbage collector stays off for the run: the pipeline builds millions of small objects
    and no reference cycles worth collecting, and a collection pass over them all costs more
    than the rest of a stage (docs/design.md: composing took 4x longer with it on).
    """
    validate_selectors((*settings.select, *settings.ignore))
    baseline = load_baseline(settings.baseline) if settings.baseline is not None else None
    with collector.paused():
        return _pipeline(settings, baseline, progress or ignore)


def load_model(settings: Settings) -> Model:
    """Load, validate and build the model only: what the diagram and table commands draw.

    Rules, policies and waivers do not change the model, so a render does not run them.
    """
    with collector.paused():
        return _read(settings, _Stopwatch(), ignore)[3]


def _read(settings: Settings, clock: _Stopwatch, progress: Progress) -> tuple[int, int, list[Finding], Model]:
    """Files, documents, the findings of reading them, and the model built from the valid ones."""
    if not settings.root.is_dir():
        raise ConfigError(f"{settings.root}: not a folder")
    files, findings = discover(settings.root, settings.paths)
    loaded = load_files(files, settings.limits, jobs=settings.jobs, progress=progress)
    findings.extend(_identified_by_documents(loaded.findings, loaded.documents))
    clock.lap("load")

    valid, invalid, problems = validate_documents(loaded.documents, Validator(fast=not settings.reference), progress)
    findings.extend(problems)
    clock.lap("schema")
    progress("model", 0, 0)

    model = build_model(valid, invalid, as_of=settings.as_of)
    findings.extend(model.findings)
    clock.lap("model")
    return len(files), len(loaded.documents), findings, model


def _identified_by_documents(findings: Sequence[Finding], documents: Sequence[Document]) -> list[Finding]:
    """Loader findings inside a document that names its Kind/name get that entity as identity (fingerprint.py)."""
    starts: dict[str, tuple[list[int], list[str]]] = {}
    for document in documents:  # in file order, so each file's start lines ascend
        lines, keys = starts.setdefault(document.file, ([], []))
        lines.append(document.line)
        keys.append(entity_key(document.data))
    identified: list[Finding] = []
    for finding in findings:
        place = starts.get(finding.file)
        if place is not None and not finding.identity and not finding.entity:
            index = bisect.bisect_right(place[0], finding.line) - 1
            if index >= 0 and place[1][index]:
                finding = in_document(finding, place[1][index])
        identified.append(finding)
    return identified


def _pipeline(settings: Settings, baseline: frozenset[str] | None, progress: Progress) -> Report:
    clock = _Stopwatch()
    files, documents, findings, model = _read(settings, clock, progress)
    findings.extend(run_rules(model, settings, progress))
    clock.lap("rules")
    progress("policies", 0, 0)
    findings.extend(run_policy_stage(model, settings))
    clock.lap("policies")
    progress("report", 0, 0)
    # Levels are stamped (and switched-off rules dropped) before waivers judge anything.
    findings = finalize(findings, settings)
    findings = apply_waivers(model, findings, settings.as_of, lambda rule_id: runs(rule_id, settings))
    findings = finalize(findings, settings)  # stamps the waiver stage's own findings
    baselined = 0
    if baseline is not None:
        findings, baselined = apply_baseline(findings, baseline)
    clock.lap("report")
    return Report(
        files=files,
        documents=documents,
        findings=findings,
        model=model,
        baselined=baselined,
        timings=clock.timings,
    )
