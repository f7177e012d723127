"""The task hook that publishes a cycle's results (通报) in the step that runs its task.

A task with the `publishResults` property (an expression giving the cycle, e.g. `cycle` or
`str(year)`) and `cycleKind` (`annual` or `transition`) has its `prefecture_results` and
`county_results` stored as the cycle's published results, through the step's connection, so
they commit or roll back with the step."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from . import results

if TYPE_CHECKING:
    from SpiffWorkflow.task import Task

    from engine.runtime.unit_of_work import Step


def publish_results(step: Step, task: Task, properties: Mapping[str, str]) -> None:
    if properties.get("publishResults"):
        cycle = str(step.rt.script_engine.evaluate(task, properties["publishResults"]))
        results.publish(step, cycle, properties.get("cycleKind", "annual"), task.data)
