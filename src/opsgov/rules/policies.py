"""Rules reported by the policy and waiver stages (opsgov.policy.cel, opsgov.policy.waivers)."""

from __future__ import annotations

from opsgov.rules.base import Rule

FAMILY = "policies"

RULES = (
    Rule(
        "policy-invalid",
        "error",
        "a policy whose CEL does not compile, names an unknown variable, or fails at run time",
        FAMILY,
        docs="""
        A Policy's expressions are CEL (the language of Kubernetes ValidatingAdmissionPolicy)
        over three variables: `object` (the matched entity's document as written), `facts`
        (derived from the graph: docs/rules.md, "Facts available to policies") and `params`
        (the policy's spec.params). An expression that does not compile, names another
        variable, or fails on an entity (a missing key, adding a string to a number, a result
        that is not true or false) is reported here, at the expression, with the CEL error. A
        runtime failure is reported once per expression, with how many entities it failed on
        and the first of them. The run carries on; the other policies still apply.

        No policy can take the run down. Refused before CEL runs, at the expression: more than
        4,000 characters, brackets nested more than 32 deep, comprehensions (all, exists,
        exists_one, map, filter) nested more than 2 deep or more than 8 in one expression; at
        spec.params: params larger than 16,000 (values plus characters) or nested more than 8
        deep. A policy that runs longer than 20 s over the organisation, or crashes the CEL
        library, is stopped and reported at its spec.validations. A result that is not a bool
        is named by its type (and size, for a list or a map), the same on every run. A
        `facts.chain` or `facts.ancestors` longer than 200 names is a failure on that entity.

        Given:
            kind: Unit
            metadata: {name: finance, title: 财务部}
            spec: {parent: company}
        Passes:
            kind: Policy
            metadata: {name: unit-head, title: 部门负责人}
            spec:
              severity: warning
              match: {kinds: [Unit]}
              validations:
                - expression: "!has(object.spec.head) || object.spec.head != ''"
        Fails:
            kind: Policy
            metadata: {name: unit-head, title: 部门负责人}
            spec:
              severity: warning
              match: {kinds: [Unit]}
              validations:
                - expression: "object.spec.head != ''"      # fails on finance: it has no head
                - expression: "facts.directReports <= max"  # unknown variable: params.max
        """,
    ),
    Rule(
        "waiver-expired",
        "error",
        "a Waiver past its expires date (the findings it covered count again)",
        FAMILY,
        docs="""
        A waiver holds up to and including its `expires` day. After it, it covers nothing: the
        findings it covered are reported (and fail the run) again, and the waiver itself is
        this error, at its `expires`, until it is renewed or deleted. `opsgov check --today
        YYYY-MM-DD` fixes the date for reproducible CI runs and tests.

        Given:
            kind: Responsibility
            metadata: {name: pricing, title: 定价}
            spec: {}
            ---
            kind: Unit
            metadata: {name: sales, title: 销售部}
            spec: {parent: company, owns: [pricing]}
            ---
            kind: Unit
            metadata: {name: marketing, title: 市场部}
            spec: {parent: company, owns: [pricing]}
        Passes:
            kind: Waiver
            metadata: {name: pricing-overlap, title: 定价过渡期}
            spec: {rule: duty-overlap, targets: [Responsibility/pricing], reason: 过渡期,
                   approvedBy: ceo, expires: 2099-12-31}
        Fails:
            kind: Waiver
            metadata: {name: pricing-overlap, title: 定价过渡期}
            spec: {rule: duty-overlap, targets: [Responsibility/pricing], reason: 过渡期,
                   approvedBy: ceo, expires: 2020-01-31}
        """,
    ),
    Rule(
        "waiver-unused",
        "warning",
        "a Waiver that matches no finding",
        FAMILY,
        docs="""
        A waiver covers a finding when its rule (aliases accepted) is the finding's rule and
        one of its `targets` is the finding's entity. A live waiver that covers nothing is
        stale (the problem was fixed) or wrong (a mistyped rule or target) and is reported, so
        exceptions do not outlive their reason. A waiver for a rule that was not run (switched
        off in opsgov.yaml, or left out by --select/--ignore) is not judged. The findings of
        the waiver stage itself, and internal errors, cannot be waived.

        Given:
            kind: Responsibility
            metadata: {name: pricing, title: 定价}
            spec: {}
            ---
            kind: Unit
            metadata: {name: sales, title: 销售部}
            spec: {parent: company, owns: [pricing]}
        Passes:
            kind: Unit
            metadata: {name: marketing, title: 市场部}
            spec: {parent: company, owns: [pricing]}
            ---
            kind: Waiver
            metadata: {name: pricing-overlap, title: 定价过渡期}
            spec: {rule: duty-overlap, targets: [Responsibility/pricing], reason: 过渡期,
                   approvedBy: ceo, expires: 2099-12-31}   # pricing overlaps
        Fails:
            kind: Waiver
            metadata: {name: pricing-overlap, title: 定价过渡期}
            spec: {rule: duty-overlap, targets: [Responsibility/pricing], reason: 过渡期,
                   approvedBy: ceo, expires: 2099-12-31}   # pricing has one owner
        """,
    ),
)
