"""Workflows this process saved, kept restored for the next step on the same instance.

Restoring a large state from JSON is most of a step's cost (an assessment cycle's state holds
dozens of sub-processes: 0.18 s of a 0.26 s completion). A step that saved a workflow hands it
here once its transaction has committed; the next step on that instance takes it back instead
of restoring it, but only when the state it has just read under the instance's lock is exactly
the text this workflow was saved as. Whatever else happened in between — another process's
step, a rollback, a migration, a repair — wrote a different text, and the state is restored
from the database as before: the database stays the one truth, this is only a shortcut to it.
A workflow is taken out while a step uses it, so no two steps ever share one.

A workflow is kept only if restoring it would give back the same data: JSON turns a tuple into
a list and a dict's number keys into strings, so a script that made either would see other data
in a kept workflow than in a restored one (after a restart, in another process). Such a
workflow is not kept; the check walks the data once, a quarter of what restoring it costs."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from SpiffWorkflow.bpmn import BpmnWorkflow


@dataclass(frozen=True)
class _Kept:
    definition_id: str
    serializer_version: str
    state: str
    workflow: BpmnWorkflow


class WarmWorkflows:
    def __init__(self, budget_chars: int):
        """`budget_chars`: the states' total length kept (their restored objects take about ten
        times as much memory); the newest is kept even alone over it, 0 keeps none."""
        self._budget = budget_chars
        self._kept: OrderedDict[str, _Kept] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def take(
        self, instance_id: str, definition_id: str, state: str, serializer_version: str
    ) -> BpmnWorkflow | None:
        kept = self._pop(instance_id)
        if kept is None or (kept.definition_id, kept.serializer_version, kept.state) != (
            definition_id,
            serializer_version,
            state,
        ):
            return None
        return kept.workflow

    def keep(
        self,
        instance_id: str,
        definition_id: str,
        state: str,
        serializer_version: str,
        workflow: BpmnWorkflow,
    ) -> None:
        self._pop(instance_id)
        if self._budget <= 0 or not restores_alike(workflow):
            return
        with self._lock:
            self._kept[instance_id] = _Kept(definition_id, serializer_version, state, workflow)
            self._chars += len(state)
            while self._chars > self._budget and len(self._kept) > 1:
                _, evicted = self._kept.popitem(last=False)
                self._chars -= len(evicted.state)

    def _pop(self, instance_id: str) -> _Kept | None:
        with self._lock:
            kept = self._kept.pop(instance_id, None)
            if kept is not None:
                self._chars -= len(kept.state)
            return kept


def restores_alike(workflow: BpmnWorkflow) -> bool:
    """Whether every task's and (sub-)workflow's data would come back from JSON as it is: no
    tuples, no dict keys but strings, at any depth."""
    seen: set[int] = set()
    stack: list[object] = []
    for each in (workflow, *workflow.subprocesses.values()):  # every task, however deep or finished
        stack.append(each.data)
        stack.extend(task.data for task in each.tasks.values())
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if id(value) in seen:
                continue
            seen.add(id(value))
            for key, item in value.items():
                if type(key) is not str:
                    return False
                if isinstance(item, _CONTAINERS):
                    stack.append(item)
        elif isinstance(value, tuple):
            return False
        elif isinstance(value, list):
            stack.extend(item for item in value if isinstance(item, _CONTAINERS))
    return True


_CONTAINERS = (dict, list, tuple)
