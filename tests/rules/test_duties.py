from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.util import check_repo, doc, docs, only, rules_of

Repo = Callable[..., Path]

INVENTORY = doc("Responsibility", "inventory-management", "{category: 供应链}", title="库存管理")
INVENTORY_SHARED = doc(
    "Responsibility",
    "inventory-management",
    "{shared: {lead: supply-chain, with: [sales]}}",
    title="库存管理",
)


def units(*extra: str) -> str:
    """supply-chain and sales under the root, both owning inventory management (the seed's case)."""
    return docs(
        doc("Unit", "supply-chain", "{type: department, parent: company, owns: [inventory-management]}", "供应链部"),
        doc("Unit", "sales", "{type: department, parent: company, owns: [inventory-management]}", "销售部"),
        *extra,
    )


def test_two_departments_owning_inventory_overlap(repo: Repo) -> None:
    root = repo({"ops/duties.yaml": INVENTORY, "ops/units.yaml": units()})
    [finding] = only(check_repo(root), "duty-overlap")
    assert finding.entity == "Responsibility/inventory-management"
    assert finding.message.startswith(
        "responsibility 库存管理 (inventory-management) is owned by 销售部 (sales) and 供应链部 (supply-chain)"
    )
    # reported at sales' owns item (the second owner), with supply-chain's as related
    assert (finding.file, finding.line, finding.path) == ("ops/units.yaml", 9, "$.spec.owns[0]")
    [related] = finding.related
    assert (related.file, related.line, related.message) == ("ops/units.yaml", 4, "also owned here")
    assert finding.level == "error"


def test_shared_declaration_suppresses_overlap_between_parties(repo: Repo) -> None:
    root = repo({"ops/duties.yaml": INVENTORY_SHARED, "ops/units.yaml": units()})
    assert only(check_repo(root), "duty-overlap") == []


def test_owner_outside_shared_parties_still_overlaps(repo: Repo) -> None:
    marketing = doc("Unit", "marketing", "{type: department, parent: company, owns: [inventory-management]}")
    root = repo({"ops/duties.yaml": INVENTORY_SHARED, "ops/units.yaml": units(marketing)})
    [finding] = only(check_repo(root), "duty-overlap")
    assert finding.path == "$.spec.owns[0]" and finding.line == 14
    assert (
        "declared shared between 供应链部 (supply-chain) (lead) and 销售部 (sales), but marketing owns it too"
        in finding.message
    )
    assert "but marketing owns it too" in finding.message
    assert len(finding.related) == 2


def test_post_inside_a_shared_party_counts_as_that_party(repo: Repo) -> None:
    director = doc("Position", "sales-director", "{unit: sales, reportsTo: ceo, owns: [inventory-management]}")
    sales = doc("Unit", "sales", "{type: department, parent: company}")
    supply = doc("Unit", "supply-chain", "{type: department, parent: company, owns: [inventory-management]}")
    root = repo({"ops/duties.yaml": INVENTORY_SHARED, "ops/units.yaml": docs(supply, sales, director)})
    assert only(check_repo(root), "duty-overlap") == []


def test_nested_ownership_is_delegation(repo: Repo) -> None:
    ops = doc("Unit", "operations", "{type: department, parent: company, owns: [inventory-management]}")
    team = doc("Unit", "stock-team", "{type: team, parent: operations, owns: [inventory-management]}")
    clerk = doc("Position", "stock-clerk", "{unit: stock-team, reportsTo: ceo, owns: [inventory-management]}")
    root = repo({"ops/duties.yaml": INVENTORY, "ops/units.yaml": docs(ops, team, clerk)})
    assert only(check_repo(root), "duty-overlap") == []


def test_post_in_one_unit_and_another_unit_overlap(repo: Repo) -> None:
    clerk = doc("Position", "stock-clerk", "{unit: supply-chain, reportsTo: ceo, owns: [inventory-management]}")
    sales = doc("Unit", "sales", "{type: department, parent: company, owns: [inventory-management]}")
    supply = doc("Unit", "supply-chain", "{type: department, parent: company}")
    root = repo({"ops/duties.yaml": INVENTORY, "ops/units.yaml": docs(supply, sales, clerk)})
    [finding] = only(check_repo(root), "duty-overlap")
    assert "owned by stock-clerk and sales, and neither contains the other" in finding.message
    # units come first: sales is the rightful owner, the post is reported
    assert finding.line == 14


def test_three_owners_give_two_findings(repo: Repo) -> None:
    marketing = doc("Unit", "marketing", "{type: department, parent: company, owns: [inventory-management]}")
    root = repo({"ops/duties.yaml": INVENTORY, "ops/units.yaml": units(marketing)})
    findings = only(check_repo(root), "duty-overlap")
    assert [f.line for f in findings] == [9, 14]
    assert all("marketing, 销售部 (sales) and 供应链部 (supply-chain)" in f.message for f in findings)


def test_unowned_duty_is_a_warning_at_its_name(repo: Repo) -> None:
    root = repo({"ops/duties.yaml": INVENTORY})
    [finding] = only(check_repo(root), "duty-unowned")
    assert (finding.entity, finding.file, finding.line, finding.level) == (
        "Responsibility/inventory-management",
        "ops/duties.yaml",
        3,
        "warning",
    )
    assert "库存管理" in finding.message


def test_owned_duty_is_not_unowned(repo: Repo) -> None:
    ops = doc("Unit", "operations", "{type: department, parent: company, owns: [inventory-management]}")
    root = repo({"ops/duties.yaml": INVENTORY, "ops/units.yaml": ops})
    assert rules_of(check_repo(root)) == []


BOUNDARY_DUTIES = docs(INVENTORY, doc("Responsibility", "budgeting", "{}", "预算管理"))


def test_excluding_an_owned_duty_contradicts(repo: Repo) -> None:
    finance = doc(
        "Unit",
        "finance",
        """
        type: department
        parent: company
        owns: [budgeting, inventory-management]
        excludes:
          - {responsibility: inventory-management, ownedBy: finance}
        """,
    )
    root = repo({"ops/duties.yaml": BOUNDARY_DUTIES, "ops/finance.yaml": finance})
    [finding] = only(check_repo(root), "boundary-contradiction")
    assert (finding.entity, finding.line, finding.path) == ("Unit/finance", 9, "$.spec.excludes[0].responsibility")
    assert finding.message == "finance excludes responsibility 库存管理 (inventory-management), which it also owns"
    assert finding.related[0].line == 7


def test_excluding_a_duty_owned_elsewhere_is_fine(repo: Repo) -> None:
    finance = doc(
        "Unit",
        "finance",
        """
        type: department
        parent: company
        owns: [budgeting]
        excludes:
          - {responsibility: inventory-management, ownedBy: supply-chain}
        """,
    )
    supply = doc("Unit", "supply-chain", "{type: department, parent: company, owns: [inventory-management]}")
    root = repo({"ops/duties.yaml": BOUNDARY_DUTIES, "ops/finance.yaml": docs(finance, supply)})
    assert rules_of(check_repo(root)) == []


def test_excludes_owned_by_an_entity_that_does_not_own_it(repo: Repo) -> None:
    finance = doc(
        "Unit",
        "finance",
        """
        type: department
        parent: company
        owns: [budgeting]
        excludes:
          - {responsibility: inventory-management, ownedBy: ceo}
        """,
    )
    supply = doc("Unit", "supply-chain", "{type: department, parent: company, owns: [inventory-management]}")
    root = repo({"ops/duties.yaml": BOUNDARY_DUTIES, "ops/finance.yaml": docs(finance, supply)})
    [finding] = only(check_repo(root), "boundary-mismatch")
    assert (finding.entity, finding.line, finding.path) == ("Unit/finance", 9, "$.spec.excludes[0].ownedBy")
    assert "owned by 总经理 (ceo), but 总经理 (ceo) does not own it" in finding.message
    assert finding.hint == "it is owned by supply-chain; name that owner, or add it to the owns of ceo"
    assert finding.related[0].file == "ops/finance.yaml" and finding.related[0].line == 14


def test_dangling_references_are_not_reported_again(repo: Repo) -> None:
    finance = doc(
        "Unit",
        "finance",
        "{type: department, parent: company, owns: [budgeting], excludes: [{responsibility: budgeting, ownedBy: nob}]}",
    )
    root = repo({"ops/duties.yaml": BOUNDARY_DUTIES, "ops/finance.yaml": finance})
    assert "boundary-mismatch" not in rules_of(check_repo(root))


def test_a_duty_owned_by_many_units_stays_readable(repo: Repo) -> None:
    many = docs(
        *(doc("Unit", f"store-{n}", "{type: store, parent: company, owns: [inventory-management]}") for n in range(8))
    )
    findings = only(check_repo(repo({"ops/duties.yaml": INVENTORY, "ops/units.yaml": many})), "duty-overlap")
    assert len(findings) == 7
    assert findings[0].message.startswith(
        "responsibility 库存管理 (inventory-management) is owned by store-1 and 7 other units or posts"
    )
    assert all(len(f.related) == 5 for f in findings)
