"""Which deployed processes are assessment cycles, and which stage each of their elements
belongs to: data in the BPMN, not element ids or process keys in Python.

A cycle's (timer) start event carries, beside its `businessKey`:

- `cycleKind`: `annual` or `transition`;
- `cycleKey`: the business key's shape, e.g. `annual-{period}`;
- `resultsCycle`: the name its results are published under, e.g. `{period}`;
- `cycleTitle`: the page's title, with `{period}` (and `{period_range}`: the period with an
  en dash, `2021–2025`).

An element of the cycle the dashboard follows carries `stage`, one of STAGES' keys."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from engine.definitions.cache import LoadedDefinition

# Stages in the order a cycle passes them: (key, 中文, English).
STAGES = (
    ("opening", "启动", "Opening"),
    ("plan", "实施方案", "Plan"),
    ("self_assessment", "自评与评价", "Self-assessment and evaluations"),
    ("spot_check", "抽考核实", "Spot checks"),
    ("comprehensive", "综合评价", "Comprehensive evaluation"),
    ("review", "审议", "Leading-group review"),
    ("sign_off", "审定", "Provincial sign-off"),
    ("publication", "通报", "Publication"),
    ("rectification", "整改", "Rectification"),
    ("closed", "已结束", "Closed"),
)
ORDER = {key: n for n, (key, _, _) in enumerate(STAGES)}
LABELS = {key: f"{zh} / {en}" for key, zh, en in STAGES}
# The page opens on the newest cycle of this kind: the yearly one is what officials work on.
LANDING_KIND = "annual"


@dataclass(frozen=True)
class CycleDefinition:
    key: str  # the definition's key
    kind: str
    key_pattern: str
    results_pattern: str
    title_pattern: str
    stages: Mapping[str, str]  # element id → stage

    def period(self, business_key: str) -> str | None:
        """What `{period}` stands for in this business key; None if it has another shape."""
        head, _, tail = self.key_pattern.partition("{period}")
        if (
            len(business_key) > len(head) + len(tail)
            and business_key.startswith(head)
            and business_key.endswith(tail)
        ):
            return business_key[len(head) : len(business_key) - len(tail)]
        return None

    def results_cycle(self, business_key: str) -> str:
        """The published-results key of a cycle: `annual-2021` → `2021`; a key of another
        shape is its own."""
        period = self.period(business_key)
        return business_key if period is None else self.results_pattern.format(period=period)

    def title(self, business_key: str) -> str:
        period = self.period(business_key)
        if period is None:
            return business_key
        return self.title_pattern.format(period=period, period_range=period.replace("-", "–"))

    def stage_of(self, element_id: str | None) -> str | None:
        return self.stages.get(element_id) if element_id else None


def cycle_definition(loaded: LoadedDefinition) -> CycleDefinition | None:
    """The cycle a deployed definition declares, or None for any other process."""
    declared = next((p for p in loaded.properties.values() if p.get("cycleKind")), None)
    if declared is None:
        return None
    return CycleDefinition(
        key=loaded.key,
        kind=declared["cycleKind"],
        key_pattern=declared.get("cycleKey") or "{period}",
        results_pattern=declared.get("resultsCycle") or "{period}",
        title_pattern=declared.get("cycleTitle") or "{period}",
        # A stage the page does not know is left out rather than guessed at.
        stages={element: p["stage"] for element, p in loaded.properties.items() if p.get("stage") in ORDER},
    )
