"""Where an instance stands, element by element, for its diagram: read from its workflow state
without locking (a view, not a step)."""

from __future__ import annotations

from SpiffWorkflow.util.task import TaskState

from ..persistence import store
from ..persistence.models import Instance
from .runtime import Runtime


def element_states(rt: Runtime, instance_id: str) -> dict[str, list[str]]:
    with rt.db.connect() as conn:
        instance = conn.execute(Instance.__table__.select().where(Instance.id == instance_id)).first()
        if instance is None:
            return {"completed": [], "active": [], "waiting": []}
        definition = rt.definitions.get(conn, instance.definition_id)
        state, version = store.load_state(conn, instance_id)
    workflow = rt.serializer.workflow_from_text(state, version, definition.spec, definition.subprocess_specs)
    marks: dict[str, set[str]] = {"completed": set(), "active": set(), "waiting": set()}
    for task in workflow.get_tasks():
        element = getattr(task.task_spec, "bpmn_id", None)
        if not element:
            continue
        if task.has_state(TaskState.COMPLETED):
            marks["completed"].add(element)
        elif task.has_state(TaskState.READY | TaskState.STARTED):
            marks["active"].add(element)
        elif task.has_state(TaskState.WAITING):
            marks["waiting"].add(element)
    marks["completed"] -= marks["active"] | marks["waiting"]  # a loop's current round wins
    return {name: sorted(elements) for name, elements in marks.items()}
