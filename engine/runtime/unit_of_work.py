"""The one path for every change of state (DESIGN.md): lock the instance, load its workflow,
let the command act, then save the state, refresh the projections and append audit and outbox
rows, all in one transaction. If anything raises before the commit, nothing of it remains."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import EscalationEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import ThrowingEvent
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.exclusive_gateway import ExclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.inclusive_gateway import InclusiveGateway
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from ..definitions.cache import LoadedDefinition
from ..definitions.timers import TIMER_DEFINITIONS, KaopingCycle
from ..errors import Conflict, KaopingError, NotFound
from ..persistence import store, timer_rows
from ..persistence.store import InstanceRecord, TaskRecord
from . import deferral, projections, task_hooks
from .audit import Journal
from .budget import StepBudget
from .jsonable import jsonable
from .principal import Principal
from .retention import drop_spent_data
from .runtime import Runtime
from .variables import instance_variables


def _fire_start_timers(workflow: BpmnWorkflow) -> None:
    """A start event with a timer waits for nothing once an instance exists: the scheduler (or
    whoever started it by hand) has decided the moment. Caught as SpiffWorkflow's own event
    manager catches an event: the spec catches it, then the task is updated."""
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(task.task_spec, StartEvent) and isinstance(definition, TIMER_DEFINITIONS):
            if isinstance(definition, KaopingCycle) and not task.children:
                # its cycle's first occurrence is still to come: this instance is that occurrence
                definition.start_once(task)
                definition.update_task(task)
            task.task_spec.catch(task, BpmnEvent(definition))
            task.task_spec._update(task)


ANY_STATUS = ("running", "suspended", "error", "completed", "cancelled")

# Raised inside a step but not by the workflow: a refusal meant for the caller (4xx) or the
# database failing under it. Anything else SpiffWorkflow (or a script) raises is an incident.
NOT_INCIDENTS = (KaopingError, SQLAlchemyError)


class Step:
    """What a command works with while it holds the instance."""

    def __init__(
        self,
        rt: Runtime,
        conn: Connection,
        instance: InstanceRecord,
        definition: LoadedDefinition,
        actor: Principal,
        workflow: BpmnWorkflow | None = None,
    ):
        self.rt, self.conn, self.instance = rt, conn, instance
        self.definition, self.actor = definition, actor
        self._workflow = workflow
        self.now = rt.clock.now()
        self.journal = Journal()
        self.opened: list[TaskRecord] = []  # tasks this step made ready, for the caller's answer
        self.budget = StepBudget(rt.settings.step_task_limit, rt.settings.step_time_limit)
        self._running: Task | None = None  # the task SpiffWorkflow is running, to name it in an incident
        self.saved_state: str | None = None  # the text save() wrote, once it has

    @property
    def loaded(self) -> bool:
        return self._workflow is not None

    @property
    def workflow(self) -> BpmnWorkflow:
        """Loaded on first use: commands that only touch rows (claims, suspensions, deferred
        unit completions) never pay for deserializing the workflow."""
        if self._workflow is None:
            state, version = store.load_state(self.conn, self.instance.id)
            workflow = self.rt.warm.take(self.instance.id, self.definition.id, state, version)
            if workflow is None:
                workflow = self.rt.serializer.workflow_from_text(
                    state, version, self.definition.spec, self.definition.subprocess_specs
                )
                workflow.script_engine = self.rt.script_engine
            self._workflow = workflow
            if self.instance.deferred_count:
                try:
                    deferral.replay(self, workflow)
                except NOT_INCIDENTS:
                    raise
                except Exception as exc:  # noqa: BLE001 - whatever the library raises
                    self.incident(exc)
        return self._workflow

    def record(
        self,
        type: str,
        *,
        actor: str | None = None,
        element: str | None = None,
        task_id: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        self.journal.record(
            instance_id=self.instance.id,
            at=self.now,
            type=type,
            actor=actor or self.actor.username,
            element=element,
            task_id=task_id,
            data=data,
        )

    def require_status(self, *allowed: str) -> None:
        _require_status(self.instance, allowed)

    def advance(self, action: Callable[[], object] | None = None, *, task: Task | None = None) -> None:
        """Apply `action` (if any, acting on `task`) and run engine steps within the step's
        budget. Whatever SpiffWorkflow raises (a failing script, a rule of the sandbox, data it
        cannot merge, its own faults, the budget) becomes an incident on the instance, not an
        error of the request. An instance that had one while loading (a recorded unit that
        could not be applied) is left as it is."""
        if self.workflow is not None and self.instance.status == "error":
            return
        try:
            self._running = task
            if action is not None:
                action()
                if task is not None and task.has_state(TaskState.COMPLETED):
                    self._observe(task)  # a task completed by hand runs the hooks as any other
            self.workflow.do_engine_steps(will_complete_task=self._charge, did_complete_task=self._observe)
        except NOT_INCIDENTS:
            raise
        except Exception as exc:  # noqa: BLE001 - whatever the library raises
            self.incident(exc, getattr(exc, "task", None) or _task_in(exc) or self._running)

    def _charge(self, task: Task) -> None:
        self._running = task
        self.budget.charge(task)

    def _observe(self, task: Task) -> None:
        task_hooks.after_run(self, task)
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, EscalationEventDefinition) and isinstance(task.task_spec, ThrowingEvent):
            # DOMAIN.md: the deadline escalates whatever is still open.
            still_open = [t.task_spec.bpmn_id for t in projections.ready_human_tasks(self.workflow).values()]
            self.record(
                "deadline.escalated",
                actor="system",
                element=task.task_spec.bpmn_id,
                task_id=str(task.id),
                data={"code": definition.code, "open": still_open},
            )
        elif isinstance(task.task_spec, (ExclusiveGateway, InclusiveGateway)):
            taken = [
                child.task_spec.bpmn_id for child in task.children if not child.has_state(TaskState.CANCELLED)
            ]
            self.record(
                "gateway.decided",
                actor="system",
                element=task.task_spec.bpmn_id,
                task_id=str(task.id),
                data={"taken": taken},
            )

    def incident(self, exc: Exception, task: Task | None = None) -> None:
        task = task or getattr(exc, "task", None) or _task_in(exc)
        element = task.task_spec.bpmn_id if task is not None else None
        message = str(exc.args[0]) if exc.args else type(exc).__name__
        self.instance.status = "error"
        self.instance.error = {"element": element, "message": message, "type": type(exc).__name__}
        self.record(
            "instance.error",
            actor="system",
            element=element,
            task_id=str(task.id) if task is not None else None,
            data={"message": message},
        )

    def save(self, *, new: bool = False) -> None:
        if self.rt.before_save is not None:
            self.rt.before_save()
        instance = self.instance
        instance.updated_at = self.now
        if not self.loaded:  # only rows changed; the workflow is as it was
            store.save_instance(self.conn, instance)
            if instance.status != "running":
                timer_rows.remove_for_instance(self.conn, instance.id)
            store.append_events(self.conn, self.journal.events, self.journal.messages)
            return
        if instance.status == "running" and self.workflow.is_completed():
            instance.status, instance.ended_at = "completed", self.now
            self.record("instance.completed", actor="system")
        instance.variables = instance_variables(self.workflow, ended=instance.status == "completed")
        drop_spent_data(self.workflow)
        state = self.rt.serializer.workflow_to_text(self.workflow)
        self.saved_state = state
        if new:
            store.insert_instance(self.conn, instance, state, self.rt.serializer.version)
        else:
            store.save_instance(self.conn, instance)
            store.save_state(self.conn, instance, state, self.rt.serializer.version)
        projections.refresh(self, new=new)
        store.append_events(self.conn, self.journal.events, self.journal.messages)


def _task_in(exc: Exception) -> Task | None:
    """The innermost task SpiffWorkflow was working on when a plain Python error escaped it:
    its task spec methods name it `my_task`, and running one task may update the next (a
    stage creates its copies while its predecessor completes), which is the one at fault."""
    found, tb = None, exc.__traceback__
    while tb is not None:
        candidate = tb.tb_frame.f_locals.get("my_task")
        if isinstance(candidate, Task):
            found = candidate
        tb = tb.tb_next
    return found


def _require_status(instance: InstanceRecord, allowed: tuple[str, ...]) -> None:
    if instance.status not in allowed:
        raise Conflict(f"instance is {instance.status}", code=f"instance_{instance.status}")


class Busy(Exception):
    """Another transaction holds the instance (raised only when asked not to wait)."""


@contextmanager
def on_instance(
    rt: Runtime,
    instance_id: str | Callable[[Connection], str],
    actor: Principal,
    *,
    allow: tuple[str, ...] = ("running",),
    wait: bool = True,
) -> Iterator[Step]:
    """`instance_id` may be a function that finds it inside the transaction (a task's
    instance), so the lookup costs no transaction of its own."""
    with rt.db.transaction() as conn:
        if callable(instance_id):
            instance_id = instance_id(conn)
        instance = store.lock_instance(conn, instance_id, skip_locked=not wait)
        if instance is None:
            if not wait and store.instance_exists(conn, instance_id):
                raise Busy(instance_id)
            raise NotFound(f"instance {instance_id} not found", code="instance_not_found")
        _require_status(instance, allow)
        step = Step(rt, conn, instance, rt.definitions.get(conn, instance.definition_id), actor)
        yield step
        step.save()
    _keep_warm(step)


def _keep_warm(step: Step) -> None:
    """After the commit, never before: a workflow whose step rolled back is not what is stored."""
    if step.saved_state is not None:
        step.rt.warm.keep(
            step.instance.id, step.definition.id, step.saved_state, step.rt.serializer.version, step.workflow
        )


@contextmanager
def new_instance(
    rt: Runtime,
    conn: Connection,
    definition: LoadedDefinition,
    actor: Principal,
    business_key: str | None,
    variables: dict[str, Any],
) -> Iterator[Step]:
    """A start is a step too, on an instance that exists from this transaction on."""
    now = rt.clock.now()
    workflow = BpmnWorkflow(definition.spec, definition.subprocess_specs, script_engine=rt.script_engine)
    root = workflow.get_next_task(state=TaskState.READY)
    root.data.update(variables)
    instance = InstanceRecord(
        id=uuid.uuid4().hex,
        definition_id=definition.id,
        definition_key=definition.key,
        version=definition.version,
        business_key=business_key,
        status="running",
        variables=jsonable(variables),
        error=None,
        started_by=actor.username,
        lock_version=1,
        deferred_count=0,
        created_at=now,
        updated_at=now,
        ended_at=None,
    )
    step = Step(rt, conn, instance, definition, actor, workflow)
    try:
        root.run()  # reaches the start events and no further: nothing of the process has run yet
        _fire_start_timers(workflow)
    except NOT_INCIDENTS:
        raise
    except Exception as exc:  # noqa: BLE001 - a start event's own expressions may raise anything
        step.incident(exc, getattr(exc, "task", None) or _task_in(exc) or root)
    yield step
    step.save(new=True)
