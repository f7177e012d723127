"""What one step may cost. A step holds its instance's lock (and on SQLite the database's write
lock) until it commits, so no BPMN may keep it busy for long: a loop of scripts and gateways
with no wait state, a call activity that calls itself, or a stage of a billion copies must end
as an incident after a bounded amount of work, and the lock be released with the commit.

Two bounds, both from Settings: the engine tasks a step may run, and the seconds it may spend
running them. Both are checked before each task SpiffWorkflow runs. A parallel stage creates
all of its copies at once, inside one task's run, so its cardinality is checked when it is
evaluated, against the same number of tasks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import ParallelMultiInstanceTask

from ..clock import monotonic


# SpiffWorkflow has no type hints: its exception is Any to mypy, and subclassing it is the point.
class StepBudgetExceeded(WorkflowTaskException):  # type: ignore[misc]
    """The step ran more tasks, or for longer, than a step may."""


class StepBudget:
    def __init__(self, max_tasks: int, seconds: float, clock: Callable[[], float] = monotonic):
        self.max_tasks, self.seconds, self._clock = max_tasks, seconds, clock
        # Counted from the first engine task: waiting for the lock and loading the state are not
        # the BPMN's doing, and a large state on a busy machine must not turn into an incident.
        self.deadline: float | None = None
        self.ran = 0

    def charge(self, task: Any) -> None:
        """Called before SpiffWorkflow runs `task`; refuses the task that would go over."""
        if self.deadline is None:
            self.deadline = self._clock() + self.seconds
        self.ran += 1
        if self.ran > self.max_tasks:
            raise StepBudgetExceeded(
                f"the step ran {self.max_tasks} engine tasks without reaching a wait state "
                "(a loop with no wait state, or a call activity that calls itself?)",
                task=task,
            )
        if self._clock() > self.deadline:
            raise StepBudgetExceeded(
                f"the step ran for more than {self.seconds:g} s without reaching a wait state "
                f"({self.ran - 1} engine tasks)",
                task=task,
            )


def bound_cardinality(engine: PythonScriptEngine, max_tasks: int) -> None:
    """Makes `engine` refuse a parallel stage's cardinality above `max_tasks`, before any copy
    is created (SpiffWorkflow creates them all in one go, with no point to stop in between)."""
    evaluate = engine.evaluate

    def bounded(task: Any, expression: str, external_context: dict[str, Any] | None = None) -> Any:
        value = evaluate(task, expression, external_context)
        spec = task.task_spec
        if (
            isinstance(spec, ParallelMultiInstanceTask)
            and spec.data_input is None
            and expression == spec.cardinality
            and isinstance(value, int)
            and value > max_tasks
        ):
            raise StepBudgetExceeded(
                f"loop cardinality {value} is more than the {max_tasks} tasks a step may create", task=task
            )
        return value

    engine.evaluate = bounded
