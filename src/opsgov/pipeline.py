"""The pipeline, top to bottom: load -> schema -> model -> graph -> rules -> policies -> waivers -> report.

The graph stage is `model.structure` (typed indexes of every edge, built once per run); the
networkx graph (`model.graph`) is not a stage: only `explain` and `graph export` build it.
"""

from __future__ import annotations

import bisect
import multiprocessing
import os
import time
import traceback
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from pathlib import Path as FsPath

from opsgov import collector
from opsgov.config.settings import ConfigError, Settings
from opsgov.i18n import ENGLISH, _, choose, current, speaking
from opsgov.load.discover import discover, load_file
from opsgov.load.documents import Document
from opsgov.load.limits import Limits
from opsgov.load.parallel import load_files
from opsgov.load.schema import Validator, entity_key
from opsgov.model.dates import Window, change_dates, document_window, holding_window
from opsgov.model.entities import Model, build_model, references_never_checked
from opsgov.policy.cel import Prepared, Seen, prepare_policies, run_policies, run_prepared
from opsgov.policy.waivers import apply_waivers
from opsgov.progress import Progress, ignore
from opsgov.report.baseline import apply_baseline, load_baseline
from opsgov.report.finding import Finding
from opsgov.report.fingerprint import fingerprint, identity_of, in_document
from opsgov.report.report import Report
from opsgov.rules import REGISTRY, canonical
from opsgov.rules.base import Rule
from opsgov.suggest import RULE_IDS, closest


def internal_error(where: str, error: BaseException) -> Finding:
    """A stage or rule that raised; `where` is what failed, in the run's language (`_("rule {rule}")`)."""
    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    place = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else ""
    return Finding(
        ".",
        1,
        1,
        "internal-error",
        _("{where} failed: {error}").format(where=where, error=f"{type(error).__name__}: {error}{place}"),
        level="error",
        hint=_(
            "this is a bug in opsgov; the other results are still reported; "
            "`opsgov --traceback` or --format json shows the whole stack"
        ),
        trace="".join(traceback.format_exception(error)),
    )


def validate_selectors(selectors: Iterable[str], rules: Mapping[str, Rule] = REGISTRY) -> None:
    """`--select`/`--ignore` take a rule id or a family prefix; anything else is a usage error."""
    known_ids = {**REGISTRY, **rules}
    for selector in selectors:
        rule_id = canonical(selector)
        if rule_id in known_ids or rule_id.startswith("policy/") or rule_id == "policy-":
            continue
        if any(known.startswith(selector) for known in known_ids) and selector.endswith(("-", "/")):
            continue
        close = closest(selector, known_ids, cutoff=RULE_IDS)
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


def run_rules(
    model: Model,
    settings: Settings,
    progress: Progress = ignore,
    rules: Mapping[str, Rule] = REGISTRY,
    *,
    since: bool = False,
) -> list[Finding]:
    """Every enabled rule of `rules` over the model; a rule that raises becomes an internal-error finding.

    With `since` (the caller has the findings of the model this one was patched from), a rule that
    reads none of the kinds the patch changed (`Rule.reads`, `Model.changed`) is not run: it could
    only give those findings again.
    """
    findings: list[Finding] = []
    changed = model.changed if since else None
    for done, rule in enumerate(rules.values()):
        progress("rules", done, len(rules))
        if rule.check is None or not runs(rule.id, settings):
            continue
        if changed is not None and rule.reads is not None and changed.isdisjoint(rule.reads):
            continue
        options = {**rule.options, **settings.options.get(rule.id, {})}
        try:
            findings.extend(f.replace(rule=rule.id) for f in rule.check(model, options))
        except Exception as error:  # a broken rule must be visible, never silent
            findings.append(internal_error(_("rule {rule}").format(rule=rule.id), error))
    return findings


def _ran(rule_id: str, settings: Settings, rules: Mapping[str, Rule]) -> bool:
    """Whether a rule ran: selected, and not a built-in check left out of `rules` (stages always run)."""
    built_in = REGISTRY.get(rule_id)
    if built_in is not None and built_in.check is not None and rule_id not in rules:
        return False
    return runs(rule_id, settings)


def run_policy_stage(model: Model, settings: Settings, seen: Seen | None = None) -> list[Finding]:
    """The organisation's own Policies; a crash of the stage is an internal-error, never a silent pass."""
    try:
        return run_policies(model, skip=_skipped(settings), seen=seen)
    except Exception as error:
        return [internal_error(_("the policy stage"), error)]


def _skipped(settings: Settings) -> list[str]:
    return [rule_id for rule_id, level in settings.levels.items() if level == "off"]


def prepare_policy_stage(model: Model, settings: Settings, seen: Seen) -> Prepared | Finding:
    """A later date's policies, ready to run with the other dates' (run_prepared_stage), or the
    internal-error of preparing them."""
    try:
        return prepare_policies(model, skip=_skipped(settings), seen=seen)
    except Exception as error:
        return internal_error(_("the policy stage"), error)


def run_prepared_stage(dates: Sequence[Prepared | Finding]) -> list[list[Finding]]:
    """The policy findings of each date prepared by prepare_policy_stage, all run by one worker; a
    crash of the stage is an internal-error on every date that had policies to run."""
    prepared = [entry for entry in dates if isinstance(entry, Prepared)]
    try:
        results = iter(run_prepared(prepared))
    except Exception as error:
        failed = internal_error(_("the policy stage"), error)
        return [[entry] if isinstance(entry, Finding) else [failed] if entry.compiled else [] for entry in dates]
    return [[entry] if isinstance(entry, Finding) else next(results) for entry in dates]


def finalize(findings: Iterable[Finding], settings: Settings, rules: Mapping[str, Rule] = REGISTRY) -> list[Finding]:
    """Stamp levels (a rule of `rules` that is not built in keeps its own), drop what is off or unselected, sort."""
    kept: list[Finding] = []
    for finding in findings:
        rule_id = finding.rule
        configured = settings.levels.get(rule_id)
        if configured == "off" or (rule_id != "internal-error" and not runs(rule_id, settings)):
            continue  # an internal error is shown whatever --select/--ignore say
        known = rules.get(rule_id) or REGISTRY.get(rule_id)
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


def check(
    settings: Settings,
    rules: Mapping[str, Rule] | None = None,
    *,
    progress: Progress | None = None,
    incremental: bool = True,
) -> Report:
    """Run the whole pipeline over the repository at `settings.root`; `progress` hears how far it is.

    `rules` (id -> Rule) are the rules to run: the built-in registry when None, or a subset, or
    rules of the caller's own. Loading, schema, model and policy findings come from their stages
    whatever `rules` holds.

    On a later change date only what the date changes is re-evaluated (`incremental`, docs/design.md,
    "Dates"); `incremental=False` re-runs everything on every date, the reference the tests hold it to.

    The garbage collector stays off for the run and is restored after it (docs/api.md): the
    pipeline builds millions of small objects and no reference cycles worth collecting, and a
    collection pass over them all costs more than the rest of a stage (docs/design.md:
    composing took 4x longer with it on).
    """
    rules = REGISTRY if rules is None else rules
    validate_selectors((*settings.select, *settings.ignore), rules)
    language_of(settings, None)  # an unknown --lang or opsgov.yaml lang is a usage error before any reading
    baseline = load_baseline(settings.baseline) if settings.baseline is not None else None
    with collector.paused():
        return _pipeline(settings, baseline, progress or ignore, rules, incremental)


def load_model(settings: Settings) -> Model:
    """Load, validate and build the model only: what the diagram and table commands draw.

    Rules, policies and waivers do not change the model, so a render does not run them.
    """
    with collector.paused():
        return _read(settings, _Stopwatch(), ignore).model


@dataclass(slots=True)
class _Read:
    files: int
    documents: int
    findings: list[Finding]
    """Of reading, validating and building the model of the as-of date."""
    model: Model
    valid: list[Document]
    invalid: list[Document]
    language: str
    """The run's language, which every finding of the run is worded in."""


def _read(settings: Settings, clock: _Stopwatch, progress: Progress) -> _Read:
    """Files, documents, the findings of reading them, and the model built from the valid ones.

    Every finding here is worded in the run's language (opsgov.i18n, "Findings made before the
    language is known"): reading speaks the language known before reading (--lang, opsgov.yaml,
    the environment); the Organization's locale is read from the loaded documents before the
    schema and model stages; the few loader findings made in another language are made again.
    """
    if not settings.root.is_dir():
        raise ConfigError(f"{settings.root}: not a folder")
    before = language_of(settings, None)
    validator = Validator(fast=not settings.reference)
    with speaking(before):
        files, found = discover(settings.root, settings.paths)
        loaded = load_files(files, settings.limits, jobs=settings.jobs, progress=progress)
    locale = "" if settings.lang else organization_locale(loaded.documents, validator, settings.as_of)
    language = _spoken(settings, locale) if locale else before
    if language != before:
        with speaking(language):
            found = discover(settings.root, settings.paths)[1] if found else []
            loaded.findings = reworded(loaded.findings, files, settings.limits)
    read = _identified_by_documents(loaded.findings, loaded.documents)
    if language != ENGLISH and (found or read):
        # A loader finding is identified by its message: the English one, so that its fingerprint does not
        # depend on the language (report/fingerprint.py); only the files with findings are read again.
        with speaking(ENGLISH):
            english_found = discover(settings.root, settings.paths)[1] if found else []
            english_read = _identified_by_documents(reworded(read, files, settings.limits), loaded.documents)
        found, read = identified_as(found, english_found), identified_as(read, english_read)
    findings = [*found, *read]
    clock.lap("load")

    with speaking(language):
        valid, invalid, problems = validate_documents(loaded.documents, validator, progress)
        findings.extend(problems)
        clock.lap("schema")
        progress("model", 0, 0)

        model = build_model(valid, invalid, as_of=settings.as_of)
        findings.extend(model.findings)
    clock.lap("model")
    return _Read(len(files), len(loaded.documents), findings, model, valid, invalid, language)


def organization_locale(documents: Iterable[Document], validator: Validator, as_of: date) -> str:
    """The `spec.locale` of the Organization the model will stand on (`model.organizations[0]`): the
    first valid Organization document in force on `as_of`, read before the schema stage so that its
    findings, and the model's, are worded in the run's language."""
    for document in documents:
        data = document.data
        if not (document.ok and type(data) is dict and data.get("kind") == "Organization"):
            continue
        window = document_window(data)
        if window.contains(as_of) and not window.inverted and not validator.validate(document):
            return str(data["spec"].get("locale") or "")
    return ""


def identified_as(findings: Sequence[Finding], english: Sequence[Finding]) -> list[Finding]:
    """`findings` with the identities of the same findings worded in English (the same loader, file for file)."""
    if [(f.file, f.line, f.column, f.rule) for f in findings] != [(f.file, f.line, f.column, f.rule) for f in english]:
        return list(findings)  # never seen: the loader is deterministic
    return [f.replace(identity=identity_of(e)) for f, e in zip(findings, english, strict=True)]


def reworded(findings: Sequence[Finding], files: Sequence[tuple[FsPath, str]], limits: Limits) -> list[Finding]:
    """The loader's findings made again in the language now spoken: only the files that had any are read again."""
    troubled = {finding.file for finding in findings}
    again: list[Finding] = []
    for path, rel in files:
        if rel in troubled:
            again.extend(load_file(path, rel, limits)[1])
    return again


def model_on(valid: Sequence[Document], invalid: Sequence[Document], day: date, previous: Model | None = None) -> Model:
    """The organisation as of `day`: the documents in force that day (docs/format.md, Effective dating);
    patched from `previous`, the model of an earlier date, when given (build_model)."""
    return build_model(valid, invalid, as_of=day, previous=previous)


def windows(valid: Iterable[Document]) -> Iterator[Window]:
    """Every dated window of the valid documents and of their holdings: what makes the change dates."""
    for document in valid:
        data = document.data
        own = document_window(data)
        if own.dated:
            yield own
        if data.get("kind") == "Person":
            for item in (data.get("spec") or {}).get("holds") or ():
                held = holding_window(item)
                if held.dated:
                    yield held


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


def language_of(settings: Settings, model: Model | None) -> str:
    """The run's language (opsgov.i18n.choose): asked for, else the first Organization's locale, else LANG."""
    locale = ""
    if model is not None and model.organizations:
        locale = str(model.organizations[0].spec.get("locale") or "")
    return _spoken(settings, locale)


def _spoken(settings: Settings, locale: str) -> str:
    try:
        return choose(settings.lang, locale)
    except ValueError as error:
        raise ConfigError(str(error)) from None


def evaluate(
    model: Model,
    settings: Settings,
    clock: _Stopwatch,
    rules: Mapping[str, Rule],
    seen: Seen | None = None,
    progress: Progress = ignore,
) -> list[Finding]:
    """The rules and policies over the organisation of one date (policies: see `Seen`); with `seen`, a
    model patched from an earlier date's runs only the rules that read what it changed (run_rules)."""
    findings = run_rules(model, settings, progress, rules, since=seen is not None)
    clock.lap("rules")
    progress("policies", 0, 0)
    findings.extend(run_policy_stage(model, settings, seen))
    clock.lap("policies")
    return findings


def later_findings(
    read: _Read,
    settings: Settings,
    days: Sequence[date],
    now: Iterable[Finding],
    clock: _Stopwatch,
    rules: Mapping[str, Rule],
    policies: Seen | None = None,
) -> list[Finding]:
    """The findings that first hold on a later change date, each once, stamped with that date.

    A finding is known by its fingerprint (fingerprint.py): one that holds on the as-of date, or
    on an earlier change date, is not reported again.
    """
    known = {fingerprint(f) for f in now}
    later: list[Finding] = []
    per_day = _in_parallel(read, settings, days, rules, policies) if settings.jobs > 1 and len(days) > 1 else None
    if per_day is not None:
        clock.lap("later dates")
    if per_day is None:
        per_day = found_on(read, settings, days, clock, rules, policies)
    for day, found in zip(days, per_day, strict=True):
        new = [f for f in found if fingerprint(f) not in known]
        known.update(fingerprint(f) for f in new)
        stamp = day.isoformat()
        later.extend(f.replace(as_of=stamp) for f in new)
    return later


_FORKED: tuple[_Read, Settings, Mapping[str, Rule], Seen | None] | None = None
"""What a forked process evaluating later dates works on: inherited, never pickled."""


def _found_on(days: Sequence[date]) -> list[list[Finding]]:
    """Every finding on each of `days` (in a process forked by `_in_parallel`, or in this one)."""
    assert _FORKED is not None
    read, settings, rules, policies = _FORKED
    with collector.paused(), speaking(read.language):
        return found_on(read, settings, days, _Stopwatch(), rules, policies)


def found_on(
    read: _Read,
    settings: Settings,
    days: Sequence[date],
    clock: _Stopwatch,
    rules: Mapping[str, Rule],
    policies: Seen | None,
) -> list[list[Finding]]:
    """Every finding on each of `days`, later change dates in order, the model of each patched from
    the one before when incremental (`policies` given). Incremental, the policies of every date are
    prepared with its model and all run at the end by one forked worker, instead of one per date."""
    found: list[list[Finding]] = []
    prepared: list[Prepared | Finding] = []
    previous = read.model
    for day in days:
        model = model_on(read.valid, read.invalid, day, previous if policies is not None else None)
        previous = model
        clock.lap("model")
        if policies is None:
            found.append([*model.findings, *evaluate(model, settings, clock, rules)])
            continue
        found.append([*model.findings, *run_rules(model, settings, ignore, rules, since=True)])
        clock.lap("rules")
        prepared.append(prepare_policy_stage(model, settings, policies))
        clock.lap("policies")
    if policies is not None:
        for day_found, more in zip(found, run_prepared_stage(prepared), strict=True):
            day_found.extend(more)
        clock.lap("policies")
    return found


def _in_parallel(
    read: _Read, settings: Settings, days: Sequence[date], rules: Mapping[str, Rule], policies: Seen | None
) -> list[list[Finding]] | None:
    """The findings of each later date, the dates shared among `settings.jobs` forked processes;
    None where forking is not possible here. This process only waits: the policies fork a worker
    of their own (policy.isolate), which a process must not do while it runs the pool's threads."""
    global _FORKED
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    jobs = min(settings.jobs, len(days), 4 * (os.cpu_count() or 1))
    chunks = [list(days[i::jobs]) for i in range(jobs)]  # interleaved: early and late dates cost alike
    _FORKED = (read, settings, rules, policies)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            results = list(pool.map(_found_on, chunks))
    except (OSError, BrokenProcessPool):
        return None
    finally:
        _FORKED = None
    by_day = {
        day: found
        for chunk, result in zip(chunks, results, strict=True)
        for day, found in zip(chunk, result, strict=True)
    }
    return [by_day[day] for day in days]


def _pipeline(
    settings: Settings,
    baseline: frozenset[str] | None,
    progress: Progress,
    rules: Mapping[str, Rule],
    incremental: bool,
) -> Report:
    clock = _Stopwatch()
    read = _read(settings, clock, progress)
    with speaking(read.language):  # the judging stages word their findings in it
        return _judge(read, settings, baseline, progress, rules, incremental, clock)


def _judge(
    read: _Read,
    settings: Settings,
    baseline: frozenset[str] | None,
    progress: Progress,
    rules: Mapping[str, Rule],
    incremental: bool,
    clock: _Stopwatch,
) -> Report:
    """Rules and policies on every date, waivers and the baseline, in the run's language."""
    files, documents, findings, model = read.files, read.documents, read.findings, read.model
    dated = list(windows(read.valid))
    days = change_dates(dated, settings.as_of, settings.horizon)
    policies = Seen() if incremental and len(days) > 1 else None
    findings.extend(references_never_checked(model, days))
    findings.extend(evaluate(model, settings, clock, rules, policies, progress))
    findings.extend(later_findings(read, settings, days[1:], findings, clock, rules, policies))
    progress("report", 0, 0)
    # Levels are stamped (and switched-off rules dropped) before waivers judge anything.
    findings = finalize(findings, settings, rules)
    findings = apply_waivers(model, findings, settings.as_of, lambda rule_id: _ran(rule_id, settings, rules))
    findings = finalize(findings, settings, rules)  # stamps the waiver stage's own findings
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
        as_of=settings.as_of if dated else None,
        dates=tuple(days) if dated else (),
        lang=current(),
    )
