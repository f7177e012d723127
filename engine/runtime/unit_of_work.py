"""The one path for every change of state (DESIGN.md): lock the instance, load its workflow,
let the command act, then save the state, refresh the projections and append audit and outbox
rows, all in one transaction. If anything raises before the commit, nothing of it remains."""
from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.exclusive_gateway import ExclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.inclusive_gateway import InclusiveGateway
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from ..definitions.cache import LoadedDefinition
from ..errors import Conflict, NotFound
from ..persistence.models import Instance, WorkflowState
from . import audit, projections
from .jsonable import jsonable, public_data
from .principal import Principal
from .runtime import Runtime
from .scripts import ScriptRefused

ENDED = ("completed", "cancelled")


class Step:
    """What a command works with while it holds the instance."""

    def __init__(self, rt: Runtime, session: Session, instance: Instance, state: WorkflowState,
                 workflow: BpmnWorkflow, definition: LoadedDefinition, actor: Principal):
        self.rt, self.session, self.instance, self.state = rt, session, instance, state
        self.workflow, self.definition, self.actor = workflow, definition, actor
        self.now: datetime = rt.clock.now()

    def record(self, type: str, *, actor: str | None = None, element: str | None = None,
               task_id: str | None = None, data: dict[str, Any] | None = None) -> None:
        audit.record(self.session, instance_id=self.instance.id, at=self.now, type=type,
                     actor=actor or self.actor.username, element=element, task_id=task_id,
                     data=data)

    def require_status(self, *allowed: str) -> None:
        _require_status(self.instance, allowed)

    def advance(self, action=None) -> None:
        """Apply `action` (if any) and run engine steps; a script that fails or breaks the
        sandbox's rules becomes an incident on the instance, not an error of the request."""
        try:
            if action is not None:
                action()
            self.workflow.do_engine_steps(did_complete_task=self._observe)
        except (SpiffWorkflowException, ScriptRefused) as exc:
            self._incident(exc)

    def _observe(self, task) -> None:
        if isinstance(task.task_spec, (ExclusiveGateway, InclusiveGateway)):
            taken = [child.task_spec.bpmn_id for child in task.children
                     if not child.has_state(TaskState.CANCELLED)]
            self.record("gateway.decided", actor="system", element=task.task_spec.bpmn_id,
                        task_id=str(task.id), data={"taken": taken})

    def _incident(self, exc: Exception) -> None:
        task = getattr(exc, "task", None)
        element = task.task_spec.bpmn_id if task is not None else None
        message = str(exc.args[0]) if exc.args else type(exc).__name__
        self.instance.status = "error"
        self.instance.error = {"element": element, "message": message,
                               "type": type(exc).__name__}
        self.record("instance.error", actor="system", element=element,
                    task_id=str(task.id) if task is not None else None,
                    data={"message": message})

    def save(self) -> None:
        if self.rt.before_save is not None:
            self.rt.before_save()
        self.state.state = self.rt.serializer.workflow_to_text(self.workflow)
        self.state.serializer_version = self.rt.serializer.version
        projections.refresh(self)
        last = self.workflow.last_task
        self.instance.variables = public_data(last.data if last is not None else self.workflow.data)
        self.instance.updated_at = self.now
        if self.instance.status == "running" and self.workflow.is_completed():
            self.instance.status = "completed"
            self.instance.ended_at = self.now
            self.record("instance.completed", actor="system")


ANY_STATUS = ("running", "suspended", "error", "completed", "cancelled")


def _require_status(instance: Instance, allowed: tuple[str, ...]) -> None:
    if instance.status not in allowed:
        raise Conflict(f"instance is {instance.status}", code=f"instance_{instance.status}")


@contextmanager
def on_instance(rt: Runtime, instance_id: str, actor: Principal,
                *, allow: tuple[str, ...] = ("running",)) -> Iterator[Step]:
    with rt.db.write() as session:
        instance = session.scalars(select(Instance).where(Instance.id == instance_id)
                                   .with_for_update()).first()
        if instance is None:
            raise NotFound(f"instance {instance_id} not found", code="instance_not_found")
        _require_status(instance, allow)
        definition = rt.definitions.get(session, instance.definition_id)
        state = session.get(WorkflowState, instance_id)
        workflow = rt.serializer.workflow_from_text(state.state, state.serializer_version,
                                                    definition.spec, definition.subprocess_specs)
        workflow.script_engine = rt.script_engine
        step = Step(rt, session, instance, state, workflow, definition, actor)
        yield step
        step.save()


@contextmanager
def new_instance(rt: Runtime, session: Session, definition: LoadedDefinition, actor: Principal,
                 business_key: str | None, variables: dict) -> Iterator[Step]:
    """A start is a step too, on an instance that exists from this transaction on."""
    now = rt.clock.now()
    workflow = BpmnWorkflow(definition.spec, definition.subprocess_specs,
                            script_engine=rt.script_engine)
    workflow.get_next_task(state=TaskState.READY).data.update(variables)
    instance = Instance(id=uuid.uuid4().hex, definition_id=definition.id,
                        definition_key=definition.key, version=definition.version,
                        business_key=business_key, status="running",
                        variables=jsonable(variables), started_by=actor.username,
                        created_at=now, updated_at=now)
    state = WorkflowState(instance_id=instance.id, serializer_version=rt.serializer.version, state="")
    session.add(instance)
    session.flush()
    session.add(state)
    step = Step(rt, session, instance, state, workflow, definition, actor)
    yield step
    step.save()
