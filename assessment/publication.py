"""The task hook that publishes a cycle's results (通报) in the step that runs its task.

A task with the `publishResults` property (an expression giving the cycle, e.g. `cycle` or
`str(year)`) and `cycleKind` (`annual` or `transition`) has its `prefecture_results` and
`county_results` stored as the cycle's published results, through the step's connection, so
they commit or roll back with the step. The step also sends the BPMN message
`results.published` (payload: the cycle and its kind) to whichever process waits for a cycle's
results (the five-year evaluation waits for 2025's): kept in the same transaction and delivered
by the scheduler's next pass, each catcher in its own transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from engine.runtime.messages import send_from_step

from . import results

if TYPE_CHECKING:
    from SpiffWorkflow.task import Task

    from engine.runtime.unit_of_work import Step


PUBLISHED = "results.published"


def publish_results(step: Step, task: Task, properties: Mapping[str, str]) -> None:
    if properties.get("publishResults"):
        cycle = str(step.rt.script_engine.evaluate(task, properties["publishResults"]))
        kind = properties.get("cycleKind", "annual")
        results.publish(step, cycle, kind, task.data)
        send_from_step(step, PUBLISHED, payload={"cycle": cycle, "kind": kind})
