"""One resolver for every command (opsgov.model.find): explain, render process, render orgchart
--root and who-approves accept the same spellings and fail with the same messages."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from opsgov.cli import main
from opsgov.config.project import load_settings
from opsgov.model.entities import Model
from opsgov.model.find import ResolveError, find
from opsgov.pipeline import load_model
from tests.util import TODAY

ROOT = Path(__file__).resolve().parents[1]


@cache
def model() -> Model:
    return load_model(load_settings(ROOT, as_of=TODAY))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--lang", "en", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    "ref",
    ["monthly-ops-review", "Process/monthly-ops-review", "process/monthly-ops-review", "PROCESS/monthly-ops-review"],
)
def test_a_kind_prefix_in_any_letter_case_a_bare_name_or_kind_and_name(ref: str) -> None:
    assert find(model(), ref, ("Process",)).key == "Process/monthly-ops-review"
    assert find(model(), ref).key == "Process/monthly-ops-review"


def test_an_exact_title() -> None:
    assert find(model(), "营销活动费用审批", ("ApprovalMatrix",)).key == "ApprovalMatrix/marketing-spend"


@pytest.mark.parametrize(
    ("ref", "kinds", "message"),
    [
        (
            "monthly-ops-reveiw",
            ("Process",),
            "'monthly-ops-reveiw' names no Process in this repository; did you mean 'monthly-ops-review'?",
        ),
        ("Unit/ops", ("Process",), "'Unit/ops' names a Unit; a Process is wanted here"),
        ("Widget/ops", ("Process",), "unknown kind 'Widget' in 'Widget/ops'; kinds are Process"),
        (
            "zzzzzzzzzzzz",
            ("Organization",),
            "'zzzzzzzzzzzz' names no Organization in this repository; the Organization names",
        ),
    ],
)
def test_what_names_nothing_says_why(ref: str, kinds: tuple[str, ...], message: str) -> None:
    with pytest.raises(ResolveError) as raised:
        find(model(), ref, kinds)
    assert str(raised.value).startswith(message)


def test_render_process_takes_a_lower_case_kind_prefix_like_explain() -> None:
    status, out, _ = run("render", "process", "process/monthly-ops-review", str(ROOT), "--format", "dot")
    assert status == 0 and out.startswith("digraph process {")
    status, out, _ = run("explain", "process/monthly-ops-review", str(ROOT))
    assert status == 0 and "(Process/monthly-ops-review)" in out.splitlines()[0]


def test_who_approves_takes_a_lower_case_kind_prefix_like_explain() -> None:
    status, out, _ = run("who-approves", "approvalmatrix/marketing-spend", "1000", str(ROOT))
    assert status == 0 and out.startswith("营销活动费用审批 (marketing-spend), 1,000 CNY\n")


def test_orgchart_root_resolves_the_same_way() -> None:
    status, out, _ = run("render", "orgchart", str(ROOT), "--root", "unit/finance", "--format", "dot")
    assert status == 0 and '"Unit/finance"' in out


@pytest.mark.parametrize(
    ("args", "kind"),
    [
        (("explain", "monthly-ops-reveiw"), None),
        (("render", "process", "monthly-ops-reveiw"), "Process"),
        (("who-approves", "monthly-ops-reveiw", "1"), "ApprovalMatrix"),
    ],
)
def test_every_command_fails_with_the_same_message(args: tuple[str, ...], kind: str | None) -> None:
    status, _, err = run(*args, str(ROOT))
    what = f"no {kind}" if kind else "nothing"
    assert status == 2
    assert err.startswith(f"opsgov: 'monthly-ops-reveiw' names {what} in this repository")
