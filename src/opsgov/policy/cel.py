"""The policy stage: an organisation's own rules, as CEL expressions over each matching entity.

Each expression is compiled once per run; facts are computed once per run, only for the kinds
some policy matches. A policy that cannot run (its CEL does not compile, names an unknown
variable, or fails on an entity) is a `policy-invalid` finding at the expression in the Policy
document, never an aborted run; a runtime failure is reported once per expression, with the
number of entities it failed on.

No policy can take the run down: an expression beyond the static limits of `opsgov.policy.celguard`
(length, nesting, comprehensions) or params beyond theirs is `policy-invalid` before the CEL
library sees it, and the policies run in a forked worker (`opsgov.policy.isolate`) where one that runs
longer than POLICY_SECONDS or crashes the library is `policy-invalid` too, while the others still
report. A result that is not a bool is named by its type (a map's order is not stable).

Converting Python values into CEL costs far more than evaluating a small expression, so an
entity's variables are converted once per policy, and only the variables (and, for `facts`,
only the fact names) that the policy's expressions mention.
"""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from opsgov.i18n import _, in_english
from opsgov.load.documents import Document, Path
from opsgov.load.schema import KINDS
from opsgov.model.entities import Entity, Model, entity_words
from opsgov.model.facts import Facts, TooLong, compute_facts
from opsgov.policy.celguard import expression_problem, params_problem
from opsgov.policy.isolate import run_isolated
from opsgov.report.finding import Finding
from opsgov.report.fingerprint import item_path, plain_message

VARIABLES = ("object", "facts", "params")
POLICY_SECONDS = 20.0
"""Time one policy may take over the whole organisation (the example policies take 0.05 s each
at 10,000 posts); past it, the policy is policy-invalid and the run goes on."""
_FACT_NAME = re.compile(r"\bfacts\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)")
_FACTS_WORD = re.compile(r"\bfacts\b")
_MACRO_BINDER = r"\.\s*(?:all|exists|exists_one|map|filter)\s*\(\s*{name}\s*,"


@dataclass(slots=True)
class Expression:
    """One CEL expression of a policy, where it stands, and what went wrong with it on which entities."""

    source: str
    path: Path
    program: Any
    failures: list[tuple[str, str]] = field(default_factory=list)
    """(entity key, error text) of each entity it failed on."""


@dataclass(slots=True)
class Needs:
    """The variables some expressions mention, and for `facts` which fact names (None: all of them)."""

    variables: set[str] = field(default_factory=set)
    fact_names: set[str] | None = field(default_factory=set)

    def add(self, expression: Expression) -> None:
        mentioned = expression.program.variables()
        self.variables.update(n for n in mentioned if n in VARIABLES)
        if self.fact_names is not None and "facts" in mentioned:
            named = _FACT_NAME.findall(expression.source)
            if len(named) == len(_FACTS_WORD.findall(expression.source)):
                self.fact_names.update(named)
            else:
                self.fact_names = None


@dataclass(slots=True)
class CompiledPolicy:
    entity: Entity
    kinds: tuple[str, ...]
    labels: dict[str, str]
    params: dict[str, Any]
    severity: str
    match: Expression | None
    validations: list[tuple[Expression, str, Expression | None]]
    """(expression, message, messageExpression) per validation."""
    needs: Needs
    """What the match and validations need: converted for every matching entity."""
    message_needs: Needs
    """What every expression needs, messages included: converted only for an entity that fails."""

    @property
    def rule(self) -> str:
        return f"policy/{self.entity.name}"

    def expressions(self) -> Iterator[Expression]:
        if self.match is not None:
            yield self.match
        for expression, _message, message_expression in self.validations:
            yield expression
            if message_expression is not None:
                yield message_expression


def cel_error(error: BaseException) -> str:
    """The CEL library's error text, on one line; a bare KeyError becomes a sentence."""
    if isinstance(error, KeyError):
        return _("no such key: {key}").format(key=error.args[0] if error.args else error)
    text = " ".join(str(error).split())
    text = text.split(" | ", 1)[0]  # the parser appends the source and a caret line
    return re.sub(r"^Failed to parse expression .*?ERROR: <input>:", "at ", text) or type(error).__name__


def _cel() -> Any:
    """The CEL library, imported on first use, without its command line.

    `cel/__init__.py` imports `cel.cli`, which loads prompt_toolkit and rich: about 0.3 s, three
    quarters of a small check, for an interactive shell opsgov never opens. A placeholder stands
    in for `cel.cli` while the package initialises and is removed afterwards, so a later
    `import cel.cli` elsewhere still gets the real module (benchmarks/startup.py).
    """
    if "cel" not in sys.modules:
        placeholder = types.ModuleType("cel.cli")
        sys.modules["cel.cli"] = placeholder
        try:
            import cel
        finally:
            if sys.modules.get("cel.cli") is placeholder:
                del sys.modules["cel.cli"]
        if getattr(cel, "cli", None) is placeholder:
            del cel.cli
    import cel

    return cel


def _invalid(
    policy: Entity, path: Path, words: Callable[[], str], hint: str, identity: tuple[str, ...] | None = None
) -> Finding:
    """A policy-invalid finding; `words()` makes its message, said once more in English for the identity."""
    if identity is None:
        identity = (item_path(policy.doc.data, path), plain_message(in_english(words)))
    return policy.finding(path, words(), hint=hint, identity=identity).replace(rule="policy-invalid", level="error")


def _compile(policy: Entity, source: str, path: Path, findings: list[Finding]) -> Expression | None:
    refused = expression_problem(source)
    if refused is not None:
        findings.append(
            _invalid(
                policy,
                path,
                lambda: _("policy {policy}: {problem}").format(
                    policy=entity_words(policy), problem=expression_problem(source)
                ),
                _("split the check into several validations or policies, or compute less in one expression"),
            )
        )
        return None
    try:
        program = _cel().compile(source)
    except Exception as error:  # the library raises ValueError, but a bad expression must never abort the run
        failed = error
        findings.append(
            _invalid(
                policy,
                path,
                lambda: _("policy {policy}: CEL does not compile: {error}").format(
                    policy=entity_words(policy), error=cel_error(failed)
                ),
                _("fix the expression; the CEL language is described at https://cel.dev"),
            )
        )
        return None
    unknown = [
        name
        for name in program.variables()
        if name not in VARIABLES and not re.search(_MACRO_BINDER.format(name=re.escape(name)), source)
    ]
    if unknown:
        findings.append(
            _invalid(
                policy,
                path,
                lambda: _(
                    "policy {policy}: unknown variable {names}; the variables are object, facts and params"
                ).format(policy=entity_words(policy), names=", ".join(repr(n) for n in unknown)),
                _(
                    "write object.spec.<field> for the document, facts.<name> for derived facts, params.<name> for "
                    "the policy's params"
                ),
            )
        )
        return None
    return Expression(source, path, program)


def compile_policy(policy: Entity, findings: list[Finding]) -> CompiledPolicy | None:
    """Compile every expression of a Policy, reporting each broken one.

    A broken validation is left out and the others still apply; a broken match expression
    leaves the whole policy out (it would match the wrong entities). A broken messageExpression
    falls back to the message.
    """
    spec = policy.spec
    match = spec.get("match") or {}
    ok = True
    match_expression = None
    if "expression" in match:
        match_expression = _compile(policy, match["expression"], ("spec", "match", "expression"), findings)
        ok = match_expression is not None
    validations: list[tuple[Expression, str, Expression | None]] = []
    refused = params_problem(spec.get("params") or {})
    if refused is not None:
        hint = _("keep params to a few small values")
        params = spec.get("params") or {}

        def message() -> str:
            return _("policy {policy}: {problem}").format(policy=entity_words(policy), problem=params_problem(params))

        findings.append(_invalid(policy, ("spec", "params"), message, hint))
        ok = False
    for index, validation in enumerate(spec["validations"]):
        base: Path = ("spec", "validations", index)
        expression = _compile(policy, validation["expression"], (*base, "expression"), findings)
        message_expression = None
        if "messageExpression" in validation:
            message_expression = _compile(
                policy, validation["messageExpression"], (*base, "messageExpression"), findings
            )
        if expression is None:
            continue
        validations.append((expression, validation.get("message") or "", message_expression))
    if not ok:
        return None
    compiled = CompiledPolicy(
        entity=policy,
        kinds=tuple(match.get("kinds") or (k for k in KINDS if k not in ("Policy", "Waiver"))),
        labels=dict(match.get("labels") or {}),
        params=dict(spec.get("params") or {}),
        severity=spec["severity"],
        match=match_expression,
        validations=validations,
        needs=Needs(),
        message_needs=Needs(),
    )
    for expression in compiled.expressions():
        compiled.message_needs.add(expression)
    if match_expression is not None:
        compiled.needs.add(match_expression)
    for expression, _message, _message_expression in validations:
        compiled.needs.add(expression)
    return compiled


def _bind(context: Any, needs: Needs, entity: Entity, facts: dict[str, Any] | None) -> Any:
    """Set an entity's variables in `context` (which holds params already), overwriting the last entity's."""
    if "object" in needs.variables:
        context.add_variable("object", entity.doc.data)
    if "facts" in needs.variables:
        facts = facts or {}
        if needs.fact_names is not None:
            facts = {name: facts[name] for name in needs.fact_names if name in facts}
        context.add_variable("facts", facts)
    return context


def _fresh(needs: Needs, entity: Entity, facts: dict[str, Any] | None, params: dict[str, Any]) -> Any:
    return _bind(_cel().Context({"params": params}), needs, entity, facts)


def _evaluate(expression: Expression, context: Any, entity: Entity) -> tuple[bool, Any]:
    try:
        return True, expression.program.execute(context)
    except Exception as error:  # CEL runtime errors come as KeyError, TypeError, RuntimeError, ...
        expression.failures.append((entity.key, cel_error(error)))
        return False, None


_TYPE_NAMES = {
    bool: "a bool",
    int: "an int",
    float: "a double",
    str: "a string",
    bytes: "bytes",
    list: "a list",
    dict: "a map",
    type(None): "null",
}


def describe(value: Any) -> str:
    """A CEL result in a few words, the same on every run: scalars by value, lists and maps by type
    and size only (the library returns a map's keys in an order that changes from run to run)."""
    name = _TYPE_NAMES.get(type(value), f"a {type(value).__name__}")
    if isinstance(value, list | dict):
        return f"{name} of {len(value)}"
    if value is None:
        return name
    if isinstance(value, bool):
        return f"{name} {str(value).lower()}"
    if isinstance(value, int | float):
        return f"{name} {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:40] + "..."
        return f"{name} {shown!r}" if shown else "an empty string"
    return name


def _check_entity(
    policy: CompiledPolicy, entity: Entity, context: Any, full_context: Callable[[], Any]
) -> Iterator[Finding]:
    if policy.match is not None:
        ran, selected = _evaluate(policy.match, context, entity)
        if not ran:
            return
        if selected is not True:
            if selected is not False:
                policy.match.failures.append((entity.key, _gave(selected)))
            return
    for expression, message, message_expression in policy.validations:
        ran, result = _evaluate(expression, context, entity)
        if not ran or result is True:
            continue
        if result is not False:
            expression.failures.append((entity.key, _gave(result)))
            continue
        if message_expression is not None:
            ran, text = _evaluate(message_expression, full_context(), entity)
            if ran and isinstance(text, str) and text:
                message = text
            elif ran:
                message_expression.failures.append(
                    (entity.key, _("gave {value}, not a string").format(value=describe(text)))
                )
        # Without a message of the policy's own: opsgov's words, identified by their English.
        found = entity.finding(("metadata", "name"), message) if message else _not_met(policy, expression, entity)
        yield found.replace(rule=policy.rule, level=policy.severity)


def _not_met(policy: CompiledPolicy, expression: Expression, entity: Entity) -> Finding:
    def words() -> str:
        return _("policy {policy} is not met: {expression}").format(
            policy=entity_words(policy.entity), expression=expression.source
        )

    path: Path = ("metadata", "name")
    return entity.finding(path, words(), identity=(item_path(entity.doc.data, path), plain_message(in_english(words))))


def _gave(value: Any) -> str:
    return _("gave {value}, not true or false").format(value=describe(value))


def _failure_finding(policy: CompiledPolicy, expression: Expression) -> Finding:
    failures = expression.failures
    first_entity, first_error = failures[0]
    message = (
        _("policy {policy}: CEL failed on 1 entity (first {entity}): {error}")
        if len(failures) == 1
        else _("policy {policy}: CEL failed on {count} entities (first {entity}): {error}")
    )
    return _invalid(
        policy.entity,
        expression.path,
        lambda: message.format(
            policy=entity_words(policy.entity), count=len(failures), entity=first_entity, error=first_error
        ),
        _("guard optional fields with has(object.spec.field), and compare values of the same type"),
        # Not the count or the first entity it failed on: those depend on what else changed and on file order.
        identity=(item_path(policy.entity.doc.data, expression.path), "fails at run time"),
    )


def names_fact(expression: Expression, fact: str) -> bool:
    """Whether the expression reads `facts.<fact>` (or `facts` as a whole)."""
    named = _FACT_NAME.findall(expression.source)
    mentions = len(_FACTS_WORD.findall(expression.source))
    return fact in named or (mentions > 0 and len(named) != mentions)


def _fact_names(policies: Sequence[CompiledPolicy]) -> set[str] | None:
    """Every fact name some policy's expressions mention; None when one reads `facts` as a whole."""
    names: set[str] = set()
    for policy in policies:
        if policy.message_needs.fact_names is None:
            return None
        names |= policy.message_needs.fact_names
    return names


def _too_long(policy: CompiledPolicy, own: dict[str, Any] | None) -> TooLong | None:
    """A chain fact the policy would read that is too long to give to CEL (facts.MAX_CHAIN)."""
    if own is None or "facts" not in policy.message_needs.variables:
        return None
    names = policy.message_needs.fact_names
    for name, value in own.items():
        if isinstance(value, TooLong) and (names is None or name in names):
            return value
    return None


@dataclass(slots=True)
class Seen:
    """What the policies saw on the as-of date, so that a later date evaluates only what changed.

    A policy's result on an entity depends only on the policy, the entity's document and its facts
    (params are the policy's own). On a later change date an entity whose document and facts are
    those of the as-of date can only give the findings already reported for the as-of date (same
    fingerprints), so it is skipped; a change of the Policy documents themselves evaluates everything.
    """

    policies: tuple[int, ...] | None = None
    """Identity of the Policy documents run (None: nothing recorded yet)."""
    documents: dict[str, Document] = field(default_factory=dict)
    facts: Facts = field(default_factory=dict)

    def unchanged(self, entity: Entity, own: dict[str, Any] | None) -> bool:
        return self.documents.get(entity.key) is entity.doc and self.facts.get(entity.key) == own


def matching(model: Model, policy: CompiledPolicy, among: dict[str, list[Entity]] | None = None) -> Iterator[Entity]:
    """The entities of the policy's kinds (`among` them, by kind, or all) with its labels; its match
    expression is judged when it runs."""
    labels = policy.labels.items()
    for kind in policy.kinds:
        for entity in among.get(kind, ()) if among is not None else model.entities(kind):
            if not labels or all(entity.labels.get(k) == v for k, v in labels):
                yield entity


def _run_policy(
    model: Model | None, facts: Facts, chosen: dict[int, list[Entity]] | None, policy: CompiledPolicy
) -> list[Finding]:
    """One policy over every entity it matches (or those `chosen` for it: the changed ones), and a
    policy-invalid finding per expression that failed."""
    findings: list[Finding] = []
    params = policy.params
    # One context per policy, params converted once; each entity's variables overwrite the last one's.
    context = _cel().Context({"params": params})
    if chosen is not None:
        entities: Iterable[Entity] = chosen[id(policy)]
    else:
        assert model is not None, "Prepared keeps the model when it chose no entities"
        entities = matching(model, policy)
    for entity in entities:
        own = facts.get(entity.key)
        too_long = _too_long(policy, own)
        if too_long is not None:  # a failure of every expression that reads it, as a CEL error would be
            for expression in policy.expressions():
                if names_fact(expression, too_long.fact):
                    expression.failures.append((entity.key, str(too_long)))
            continue
        full = partial(_fresh, policy.message_needs, entity, own, params)
        findings.extend(_check_entity(policy, entity, _bind(context, policy.needs, entity, own), full))
    for expression in policy.expressions():
        if expression.failures:
            findings.append(_failure_finding(policy, expression))
    return findings


def _stopped(policy: CompiledPolicy, why: str) -> list[Finding]:
    return [
        _invalid(
            policy.entity,
            ("spec", "validations"),
            lambda: _("policy {policy}: {why}; it was stopped and reports nothing").format(
                policy=entity_words(policy.entity), why=why
            ),
            _("make the expressions cheaper: fewer comprehensions, over shorter lists"),
            identity=(item_path(policy.entity.doc.data, ("spec", "validations")), "stopped"),
        )
    ]


@dataclass(slots=True)
class Prepared:
    """The policies of one date, ready to run (`prepare_policies`): compiled, with the facts they read
    and the entities chosen for each (None: every entity it matches)."""

    model: Model | None
    """None when every policy has its entities chosen: a later date's model need not stay alive."""
    compiled: list[CompiledPolicy]
    facts: Facts
    chosen: dict[int, list[Entity]] | None
    findings: list[Finding]
    """Of compiling them (policy-invalid)."""


def prepare_policies(model: Model, skip: Sequence[str] = (), seen: Seen | None = None) -> Prepared:
    """Every Policy not in `skip` (rule ids switched off) compiled, and what each is to evaluate.

    With `seen` (a multi-date check, pipeline.py): the first call records what it saw; a later
    call, for a later date, chooses only the entities whose document or facts differ from it, and
    keeps only their facts, so that a later date's policies hold no more than they run on.
    """
    findings: list[Finding] = []
    compiled: list[CompiledPolicy] = []
    for document in model.entities("Policy"):
        if f"policy/{document.name}" in skip:
            continue
        result = compile_policy(document, findings)
        if result is not None:
            compiled.append(result)
    if not compiled:
        return Prepared(model, compiled, {}, None, findings)
    needs_facts = {kind for policy in compiled if "facts" in policy.message_needs.variables for kind in policy.kinds}
    facts = compute_facts(model, needs_facts, _fact_names(compiled))
    chosen: dict[int, list[Entity]] | None = None
    if seen is not None:
        ran = tuple(id(policy.entity.doc) for policy in compiled)
        if seen.policies is None:
            seen.policies = ran
            seen.documents = {entity.key: entity.doc for entity in model}
            seen.facts = facts
        elif seen.policies == ran:
            # Chosen here, not in the worker: it then touches (and copies) only the changed entities.
            kinds = {kind for policy in compiled for kind in policy.kinds}
            changed = {
                kind: [e for e in model.entities(kind) if not seen.unchanged(e, facts.get(e.key))] for kind in kinds
            }
            chosen = {id(policy): list(matching(model, policy, changed)) for policy in compiled}
            if not any(chosen.values()):
                return Prepared(model, [], {}, None, findings)  # nothing changed: nothing to run
            facts = {e.key: facts[e.key] for among in changed.values() for e in among if e.key in facts}
            return Prepared(None, compiled, facts, chosen, findings)
    return Prepared(model, compiled, facts, chosen, findings)


def run_prepared(dates: Sequence[Prepared]) -> list[list[Finding]]:
    """The findings of each date's prepared policies; all of them run in one forked worker
    (policy.isolate), each policy of each date within POLICY_SECONDS."""
    items = [(index, policy) for index, prepared in enumerate(dates) for policy in prepared.compiled]

    def run(item: tuple[int, CompiledPolicy]) -> list[Finding]:
        prepared = dates[item[0]]
        return _run_policy(prepared.model, prepared.facts, prepared.chosen, item[1])

    found = [list(prepared.findings) for prepared in dates]
    results = run_isolated(items, run, lambda item, why: _stopped(item[1], why), POLICY_SECONDS)
    for (index, _policy), result in zip(items, results, strict=True):
        found[index].extend(result)
    return found


def run_policies(model: Model, skip: Sequence[str] = (), seen: Seen | None = None) -> list[Finding]:
    """Every Policy over every entity it matches; `skip` lists rule ids switched off; `seen`: see
    `prepare_policies`."""
    return run_prepared([prepare_policies(model, skip, seen)])[0]
