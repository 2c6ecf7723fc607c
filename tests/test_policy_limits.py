"""No policy can take the run down: static limits before the CEL library, a time limit while it runs,
and results that are the same on every run."""

from __future__ import annotations

import json
import os
import resource
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

import opsgov.policy.cel
import opsgov.policy.celguard
from opsgov.policy.celguard import expression_problem, params_problem
from opsgov.policy.isolate import run_isolated
from tests.util import check_repo, doc, docs, only

Repo = Callable[..., Path]


def policy(name: str, expression: str, params: str = "{}") -> str:
    """A Policy over Units whose one validation is `expression` (written as a JSON string: valid YAML)."""
    validation = f"validations:\n  - expression: {json.dumps(expression)}\n"
    spec = f"severity: error\nparams: {params}\nmatch: {{kinds: [Unit]}}\n{validation}"
    return doc("Policy", name, spec)


OK = policy("ok", "object.metadata.name != 'company'")
"""A policy that fails on the root unit, to show the other policies still report."""


def invalid(root: Path) -> list[tuple[str, int, str, str]]:
    report = check_repo(root)
    assert only(report, "internal-error") == []
    assert [f.entity for f in only(report, "policy/ok")] == ["Unit/company"]
    return [(f.file, f.line, f.path, f.message) for f in only(report, "policy-invalid")]


def test_a_30_kb_operator_chain_is_refused_before_the_parser(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    # 15,000 terms crash the library's interpreter with SIGSEGV (measured); compiling it is not even tried.
    compiled: list[str] = []
    real = opsgov.policy.cel._cel

    class Spy:
        Context = real().Context

        @staticmethod
        def compile(source: str) -> object:
            compiled.append(source)
            return real().compile(source)

    monkeypatch.setattr(opsgov.policy.cel, "_cel", Spy)
    expression = "1" + "+1" * 15000 + " > 0"
    root = repo({"policies/p.yaml": docs(policy("long", expression), OK)})
    assert invalid(root) == [
        (
            "policies/p.yaml",
            9,
            "$.spec.validations[0].expression",
            "policy long: the expression is 30,005 characters long; the limit is 4,000",
        )
    ]
    assert expression not in compiled


def test_nested_comprehensions_beyond_two_and_deep_brackets_are_refused(repo: Repo) -> None:
    ten = "[1,2,3,4,5,6,7,8,9,10]"
    eight = "".join(f"{ten}.all(v{i}, " for i in range(8)) + "true" + ")" * 8  # ran past 30 s
    brackets = "(" * 40 + "true" + ")" * 40
    chained = "[[1]]" + ".map(x, x + x)" * 9 + ".size() > 0"  # each map doubles the list
    root = repo(
        {"policies/p.yaml": docs(policy("nested", eight), policy("brackets", brackets), policy("chained", chained), OK)}
    )
    found = {message for _, _, _, message in invalid(root)}
    assert found == {
        "policy nested: comprehensions (all, exists, exists_one, map, filter) are nested 3 deep; the limit is 2",
        "policy brackets: brackets are nested more than 32 deep",
        "policy chained: the expression has more than 8 comprehensions",
    }


def test_the_limits_read_strings_and_comments_as_text() -> None:
    assert expression_problem("'((((' + \"[[[[\" + '''.all(x, .map(y, .map(z, '''.size() > 0") is None
    assert expression_problem("r'\\' + '.all(a, .all(b, .all(c,' == '' // .all(a, .all(b, .all(c,\n") is None
    two = "[1].all(a, [2].exists(b, a < b))"
    assert expression_problem(two) is None
    assert expression_problem(f"[1].all(a, {two})") is not None
    assert expression_problem("object.all_of(x) && x.mapping (1)") is None


def test_params_too_big_or_too_deep_are_refused(repo: Repo) -> None:
    big = json.dumps({"names": ["x" * 100] * 200})
    deep = "[" * 10 + "]" * 10
    root = repo({"policies/p.yaml": docs(policy("big", "true", big), policy("deep", "true", f"{{d: {deep}}}"), OK)})
    assert invalid(root) == [
        (
            "policies/p.yaml",
            6,
            "$.spec.params",
            "policy big: params are larger than 16,000 (values plus characters of keys and strings)",
        ),
        ("policies/p.yaml", 16, "$.spec.params", "policy deep: params are nested more than 8 deep"),
    ]
    assert params_problem({"max": 8, "roles": ["a", "b"]}) is None


def test_a_policy_past_the_time_limit_is_stopped_and_the_others_report(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(opsgov.policy.cel, "POLICY_SECONDS", 1.0)
    big = "[" + ",".join(["1"] * 900) + "]"
    slow = f"{big}.all(a, {big}.all(b, a == b))"  # 0.6 s for each unit (3.6 s in all), within the static limits
    units = docs(*(doc("Unit", f"u{i}", "{parent: company}") for i in range(6)))
    root = repo({"policies/p.yaml": docs(policy("slow", slow), OK), "ops/units.yaml": units})
    assert invalid(root) == [
        (
            "policies/p.yaml",
            8,
            "$.spec.validations",
            "policy slow: ran longer than 1 s; it was stopped and reports nothing",
        )
    ]


def _crash_on_one(item: int) -> int:
    if item == 1:  # the worker has switched core files off: this leaves none behind
        os.kill(os.getpid(), signal.SIGSEGV)
    return item * 10


def test_a_crash_in_the_worker_is_that_item_s_failure_and_the_rest_run() -> None:
    results = run_isolated([0, 1, 2], _crash_on_one, lambda item, why: -item if "signal 11" in why else 99, 5.0)
    assert results == [0, -1, 20]


def test_an_exception_in_the_worker_is_raised_here() -> None:
    def broken(item: int) -> int:
        raise KeyError(item)

    with pytest.raises(RuntimeError, match="KeyError: 3"):
        run_isolated([3], broken, lambda item, why: 0, 5.0)


def test_a_result_that_is_not_a_bool_gives_the_same_message_on_every_run(repo: Repo) -> None:
    # The library returns a map's keys in an order that changes between processes.
    mapping = policy("mapping", "{'a': 1, 'b': 2, 'c': 3, 'd': 4}")
    listing = policy("listing", "[{'x': 1, 'y': 2}]")
    text = policy("text", "'yes'")
    nothing = policy("nothing", "null")
    root = repo({"policies/p.yaml": docs(mapping, listing, text, nothing, OK)})
    expected = [
        "policy mapping: CEL failed on 1 entity (first Unit/company): gave a map of 4, not true or false",
        "policy listing: CEL failed on 1 entity (first Unit/company): gave a list of 1, not true or false",
        "policy text: CEL failed on 1 entity (first Unit/company): gave a string 'yes', not true or false",
        "policy nothing: CEL failed on 1 entity (first Unit/company): gave null, not true or false",
    ]
    assert [message for _, _, _, message in invalid(root)] == expected


@pytest.mark.skipif(
    not hasattr(os, "fork") or resource.getrlimit(resource.RLIMIT_STACK)[0] != 8 << 20,
    reason="measured with an 8 MB stack: a smaller one could crash compiling it, a larger one not at all",
)
def test_a_crash_of_the_cel_library_is_the_policy_s_finding(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    # Past the length limit (lifted here), 15,000 terms compile but overflow the interpreter's stack
    # when run; the forked worker dies of it, not this process.
    monkeypatch.setattr(opsgov.policy.celguard, "MAX_CHARACTERS", 100_000)
    root = repo({"policies/p.yaml": docs(policy("long", "1" + "+1" * 15000 + " > 0"), OK)})
    assert invalid(root) == [
        (
            "policies/p.yaml",
            8,
            "$.spec.validations",
            "policy long: crashed the CEL library (signal 11, SIGSEGV); it was stopped and reports nothing",
        )
    ]
