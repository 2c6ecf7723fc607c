"""Rules of the family "kpis" (docs/rules.md): thresholds that rate consistently, targets worth reaching."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from opsgov.i18n import N_, _
from opsgov.load.documents import Path
from opsgov.model.entities import Model, entity_words
from opsgov.report.finding import Finding
from opsgov.rules.base import Rule, rule

FAMILY = "kpis"

HIGHER = "higher-is-better"
LOWER = "lower-is-better"


def _number(value: Any) -> str:
    """30 and 30.0 both as `30`, 57.6 as `57.6`."""
    return str(int(value)) if float(value).is_integer() else str(value)


def rating(direction: str, green: float, yellow: float, value: float) -> str:
    """The light a value gets (docs/format.md, KPI thresholds): green, yellow or red."""
    if direction == HIGHER:
        return "green" if value >= green else "yellow" if value >= yellow else "red"
    return "green" if value <= green else "yellow" if value <= yellow else "red"


_LIGHTS = {"green": N_("green"), "yellow": N_("yellow"), "red": N_("red")}
_LABELS = {"target": N_("target"), "green threshold": N_("green threshold"), "yellow threshold": N_("yellow threshold")}


@rule(
    "kpi-thresholds",
    "error",
    "thresholds out of order for the direction (higher-is-better needs green >= yellow), or percent outside 0..100",
    family=FAMILY,
    reads=("KPI",),
)
def kpi_thresholds(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The red/yellow/green lights only mean something when the thresholds follow the direction:
    for higher-is-better, green >= yellow; for lower-is-better, green <= yellow. Otherwise a value
    can be green and yellow at once, or never yellow at all. A KPI in percent must keep its
    target and thresholds within 0..100. A KPI without a direction is only checked for percent.

    Passes:
        kind: KPI
        metadata: {name: on-time-delivery, title: 准时交付率}
        spec:
          owner: ceo
          measures: [company]
          unit: percent
          direction: higher-is-better
          target: 98
          thresholds: {green: 98, yellow: 90}
    Fails:
        kind: KPI
        metadata: {name: on-time-delivery, title: 准时交付率}
        spec:
          owner: ceo
          measures: [company]
          unit: percent
          direction: higher-is-better
          target: 98
          thresholds: {green: 90, yellow: 98}   # green below yellow
    """
    for kpi in model.entities("KPI"):
        spec = kpi.spec
        thresholds = spec.get("thresholds")
        direction = spec.get("direction")
        if thresholds is not None and direction in (HIGHER, LOWER):
            green, yellow = thresholds["green"], thresholds["yellow"]
            if (green < yellow) if direction == HIGHER else (green > yellow):
                need = ">=" if direction == HIGHER else "<="
                yield kpi.finding(
                    ("spec", "thresholds"),
                    _(
                        "KPI {kpi} is {direction}, so green must be {need} yellow, but green is {green} "
                        "and yellow {yellow}"
                    ).format(
                        kpi=entity_words(kpi),
                        direction=direction,
                        need=need,
                        green=_number(green),
                        yellow=_number(yellow),
                    ),
                    hint=_("swap green and yellow, or correct the direction"),
                    identity=(direction, f"green {_number(green)}", f"yellow {_number(yellow)}"),
                )
        if spec.get("unit") == "percent":
            values: list[tuple[Path, str, Any]] = [(("spec", "target"), "target", spec.get("target"))]
            if thresholds is not None:
                values.append((("spec", "thresholds", "green"), "green threshold", thresholds["green"]))
                values.append((("spec", "thresholds", "yellow"), "yellow threshold", thresholds["yellow"]))
            for path, label, value in values:
                if value is not None and not 0 <= value <= 100:
                    yield kpi.finding(
                        path,
                        _("the {label} of KPI {kpi} is {value}, outside 0..100 for a percent").format(
                            label=_(_LABELS[label]), kpi=entity_words(kpi), value=_number(value)
                        ),
                        hint=_("write percentages as 0..100 (98 for 98%), or choose another unit such as ratio"),
                        identity=(label, _number(value)),
                    )


@rule(
    "kpi-target-not-green", "warning", "the target itself would be rated yellow or red", family=FAMILY, reads=("KPI",)
)
def kpi_target_not_green(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Reaching the target should turn the light green. A target that the thresholds would rate
    yellow or red means either the target or the thresholds are wrong, and teams will argue about
    which. Needs a direction, a target and thresholds; otherwise there is nothing to compare.

    Passes:
        kind: KPI
        metadata: {name: approval-lead-time, title: 审批时效}
        spec:
          owner: ceo
          measures: [company]
          unit: hours
          direction: lower-is-better
          target: 48
          thresholds: {green: 48, yellow: 57.6}
    Fails:
        kind: KPI
        metadata: {name: approval-lead-time, title: 审批时效}
        spec:
          owner: ceo
          measures: [company]
          unit: hours
          direction: lower-is-better
          target: 48
          thresholds: {green: 40, yellow: 57.6}   # 48 is yellow
    """
    for kpi in model.entities("KPI"):
        spec = kpi.spec
        thresholds = spec.get("thresholds")
        direction = spec.get("direction")
        target = spec.get("target")
        if thresholds is None or target is None or direction not in (HIGHER, LOWER):
            continue
        green = thresholds["green"]
        light = rating(direction, green, thresholds["yellow"], target)
        if light != "green":
            need = ">=" if direction == HIGHER else "<="
            yield kpi.finding(
                ("spec", "target"),
                _(
                    "the target {target} of KPI {kpi} would be rated {light} ({direction}: green needs {need} {green})"
                ).format(
                    target=_number(target),
                    kpi=entity_words(kpi),
                    light=_(_LIGHTS[light]),
                    direction=direction,
                    need=need,
                    green=_number(green),
                ),
                hint=_("set the green threshold to the target ({target}), or correct the target").format(
                    target=_number(target)
                ),
                identity=(direction, f"target {_number(target)}", f"green {_number(green)}", light),
            )


@rule(
    "kpi-unlinked", "info", "a KPI that measures nothing and no process lists", family=FAMILY, reads=("KPI", "Process")
)
def kpi_unlinked(model: Model, options: Mapping[str, Any]) -> Iterator[Finding]:
    """A KPI that neither measures a process, duty or unit nor appears in any process's `kpis`
    is not tied to anything the organisation does: nobody can tell what it steers. A `measures`
    list counts even when its references are broken (dangling-ref reports those).

    Passes:
        kind: KPI
        metadata: {name: approval-lead-time, title: 审批时效}
        spec: {owner: ceo, measures: [company]}
    Fails:
        kind: KPI
        metadata: {name: approval-lead-time, title: 审批时效}
        spec: {owner: ceo}                  # measures nothing, and no Process lists it in kpis
    """
    listed = {ref.target for process in model.entities("Process") for ref in process.refs.values() if ref.edge == "kpi"}
    for kpi in model.entities("KPI"):
        if kpi.spec.get("measures") or kpi.key in listed:
            continue
        yield kpi.finding(
            ("metadata", "name"),
            _("KPI {kpi} measures nothing and no process lists it").format(kpi=entity_words(kpi)),
            hint=_("add spec.measures (a Process, Responsibility or Unit), or list it in a process's kpis"),
            identity=(),
        )


RULES: tuple[Rule, ...] = (kpi_thresholds, kpi_target_not_green, kpi_unlinked)
