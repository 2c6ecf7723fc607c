from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from opsgov.cli import main
from opsgov.model.approvals import bands_table, who_approves
from tests.util import BASE, check_repo, doc, docs

EXAMPLE = str(Path(__file__).resolve().parents[1])

Repo = Callable[..., Path]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--lang", "en", "who-approves", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_example_marketing_spend_300k() -> None:
    status, out, _ = invoke("marketing-spend", "300000", EXAMPLE)
    assert status == 0
    assert out == (
        "营销活动费用审批 (marketing-spend), 300,000 CNY\n"
        "band 2: from 100,000 CNY up to 500,000 CNY inclusive\n"
        "mode: countersign (all must approve)\n"
        "approvers: 市场总监 (marketing-director), 财务总监 (finance-director)\n"
        "escalation: after 24h to 总经理 (general-manager)\n"
    )


@pytest.mark.parametrize(
    ("amount", "band"),
    [("0", 1), ("99999.99", 1), ("100000", 2), ("500000", 2), ("500000.01", 3), ("123456789", 3)],
)
def test_example_boundaries(amount: str, band: int) -> None:
    status, out, _ = invoke("marketing-spend", amount, EXAMPLE, "--format", "json")
    assert status == 0
    answer = json.loads(out)
    assert answer["band"]["band"] == band
    assert answer["problem"] is None


def test_json_has_the_same_data() -> None:
    status, out, _ = invoke("marketing-spend", "600000", EXAMPLE, "--format", "json")
    answer = json.loads(out)
    assert status == 0
    assert (answer["matrix"], answer["title"], answer["amount"], answer["currency"]) == (
        "marketing-spend",
        "营销活动费用审批",
        "600000",
        "CNY",
    )
    band = answer["band"]
    assert band["words"] == "over 500,000 CNY"
    assert band["interval"] == {"low": "500000", "lowInclusive": False, "high": None, "highInclusive": False}
    assert band["approvers"] == [
        {
            "name": "gm-office-meeting",
            "kind": "Unit",
            "entity": "Unit/gm-office-meeting",
            "title": "总经理办公会",
            "vote": "decided by a vote of 总经理办公会: quorum 3 of 5, simple majority",
        }
    ]
    assert (band["mode"], band["escalation"]) == ("any", None)


FLAWED = doc(
    "ApprovalMatrix",
    "spend",
    """
    subject: s
    bands:
      - {upTo: 100000, approvers: [ceo]}
      - {from: 100000, below: 200000, approvers: [ceo]}
      - {over: 200000, approvers: [ceo]}
    """,
)


def test_amount_in_two_bands_or_none_exits_1(repo: Repo) -> None:
    root = str(repo({"ops/m.yaml": FLAWED}))
    status, out, _ = invoke("spend", "100000", root)
    assert status == 1
    assert "100,000 CNY falls in 2 bands of spend (an approval-overlap): band 1" in out
    status, out, _ = invoke("spend", "200000", root)
    assert status == 1
    assert "no band of spend covers 200,000 CNY (an approval-gap)" in out
    status, out, _ = invoke("spend", "200000", root, "--format", "json")
    assert (status, json.loads(out)["bands"], json.loads(out)["band"]) == (1, [], None)
    assert invoke("spend", "150000", root)[0] == 0


@pytest.mark.parametrize("amount", ["nan", "NaN", "abc", "1e5", "10万", "", "inf", "-5", "-0.01"])
def test_bad_amounts_are_usage_errors(amount: str) -> None:
    status, out, err = invoke("marketing-spend", "--", amount, EXAMPLE)
    assert status == 2
    assert out == ""
    assert "amount" in err
    assert "Traceback" not in err


def test_the_documents_are_where_opsgov_yaml_says(repo: Repo) -> None:
    files = {
        "opsgov.yaml": "paths: [governance]\n",
        "governance/org.yaml": BASE["ops/org.yaml"],
        "governance/m.yaml": FLAWED,
    }
    root = repo(files, base=False)
    status, out, err = invoke("spend", "150000", str(root))
    assert (status, err) == (0, "")
    assert "band 2: from 100,000 CNY and below 200,000 CNY" in out


def test_the_matrix_can_be_named_by_its_title_or_kind_and_name() -> None:
    by_name = invoke("marketing-spend", "300000", EXAMPLE)
    assert invoke("营销活动费用审批", "300000", EXAMPLE) == by_name
    assert invoke("ApprovalMatrix/marketing-spend", "300000", EXAMPLE) == by_name
    assert by_name[0] == 0


def test_unknown_matrix_suggests_the_closest(repo: Repo) -> None:
    status, _, err = invoke("marketing-spnd", "5", EXAMPLE)
    assert status == 2
    assert "'marketing-spnd' names no ApprovalMatrix in this repository; did you mean 'marketing-spend'?" in err


def test_invalid_matrix_says_so(repo: Repo) -> None:
    root = str(repo({"ops/m.yaml": FLAWED.replace("subject: s", "subject: s\n  colour: red")}))
    status, _, err = invoke("spend", "5", root)
    assert status == 2
    assert "ApprovalMatrix/spend is declared but its document is invalid; `opsgov check` says why" in err


def test_bands_table_is_one_call(repo: Repo) -> None:
    root = repo(
        {
            "ops/m.yaml": docs(
                FLAWED,
                doc("Unit", "board", "{type: committee, parent: company}", title="董事会"),
                doc(
                    "ApprovalMatrix",
                    "capex",
                    """
                    subject: s
                    currency: USD
                    bands:
                      - {below: 0.01, approvers: [ceo], mode: sequential, escalation: {after: 2d, to: board}}
                      - {from: 0.01, approvers: [board, nobody]}
                    """,
                ),
            )
        }
    )
    model = check_repo(root).model
    assert model is not None
    matrix = model.by_kind["ApprovalMatrix"]["capex"]
    rows = bands_table(model, matrix)
    assert [(r.number, r.words, r.mode_words, r.line) for r in rows] == [
        (1, "below 0.01 USD", "sequential (all approve, in order)", 23),
        (2, "from 0.01 USD upward", "any (one approver suffices)", 24),
    ]
    assert (
        rows[0].escalation is not None
        and rows[0].escalation.words() == "after 2d to board 董事会 (Unit, deciding as one)"
    )
    assert [a.words() for a in rows[1].approvers] == ["board 董事会 (Unit, deciding as one)", "nobody (unresolved)"]
    assert [r.number for r in who_approves(model, matrix, Decimal("0.01")).bands] == [2]
    assert [r.number for r in who_approves(model, matrix, Decimal("0.009")).bands] == [1]
