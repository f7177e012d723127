"""The commands that change an instance. Each is a thin rule over one unit of work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Connection, Row, bindparam, select
from sqlalchemy.exc import IntegrityError

from forms.validation import FormInvalid, validate_submission

from ..definitions.cache import LoadedDefinition
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..persistence import store, timer_rows
from ..persistence.models import Definition, Instance
from ..persistence.store import TaskRecord
from . import access, deferral, task_hooks
from .principal import Principal
from .runtime import Runtime
from .unit_of_work import ANY_STATUS, Step, new_instance, on_instance


def start(
    rt: Runtime,
    actor: Principal,
    key: str,
    *,
    version: int | None = None,
    business_key: str | None = None,
    variables: dict[str, Any] | None = None,
) -> Step:
    try:
        with rt.db.transaction() as conn:
            row = _definition(conn, key, version)
            definition = rt.definitions.get(conn, row.id)
            if not access.may_start(actor, definition.start_groups):
                raise Forbidden(f"you may not start {key}", code="start_not_allowed")
            return start_in(rt, conn, actor, definition, business_key, variables or {})
    except IntegrityError:  # the unique index settles a race the check in start_in could not see
        raise _duplicate(key, business_key) from None


def start_in(
    rt: Runtime,
    conn: Connection,
    actor: Principal,
    definition: LoadedDefinition,
    business_key: str | None,
    variables: dict[str, Any],
    before: Callable[[Step], None] | None = None,
) -> Step:
    """Starts an instance inside the caller's transaction (the API's, or the scheduler's
    together with its claim on a start occurrence)."""
    if business_key is not None and business_key_taken(conn, definition.key, business_key):
        raise _duplicate(definition.key, business_key)
    with new_instance(rt, conn, definition, actor, business_key, variables) as step:
        if before is not None:
            before(step)
        step.record(
            "instance.started",
            data={
                "definition": definition.key,
                "version": definition.version,
                "business_key": business_key,
                "variables": step.instance.variables,
            },
        )
        step.advance()
    return step


def business_key_taken(conn: Connection, key: str, business_key: str) -> bool:
    return conn.execute(_TAKEN, {"key": key, "business_key": business_key}).first() is not None


def _duplicate(key: str, business_key: str | None) -> Conflict:
    return Conflict(f"business key {business_key!r} is taken for {key}", code="duplicate_business_key")


_LATEST = (
    select(Definition.id, Definition.version)
    .where(Definition.key == bindparam("key"))
    .order_by(Definition.version.desc())
    .limit(1)
)
_VERSION = select(Definition.id, Definition.version).where(
    Definition.key == bindparam("key"), Definition.version == bindparam("version")
)
_TAKEN = select(Instance.id).where(
    Instance.definition_key == bindparam("key"), Instance.business_key == bindparam("business_key")
)


def _definition(conn: Connection, key: str, version: int | None) -> Row[str, int]:
    query = _VERSION if version else _LATEST
    row = conn.execute(query, {"key": key, "version": version} if version else {"key": key}).first()
    if row is None:
        raise NotFound(
            f"definition {key}" + (f" version {version}" if version else "") + " not found",
            code="definition_not_found",
        )
    return row


def _task_instance(conn: Connection, task_id: str) -> str:
    instance_id = store.instance_of_task(conn, task_id)
    if instance_id is None:
        raise NotFound(f"task {task_id} not found", code="task_not_found")
    return instance_id


def _ready_task(step: Step, task_id: str) -> TaskRecord:
    """Refusals in the order that tells the caller the most they may know: not theirs (403),
    already done (409), instance not running (409)."""
    task = store.get_task(step.conn, task_id)
    if task is None:  # its instance was found by it, in this transaction: never, in practice
        raise NotFound(f"task {task_id} not found", code="task_not_found")
    access.require_candidate(step.actor, task)
    if task.state != "ready":
        raise Conflict(f"task is {task.state}", code="task_not_ready")
    step.require_status("running")
    return task


def complete(rt: Runtime, actor: Principal, task_id: str, data: dict[str, Any]) -> TaskRecord:
    with on_instance(rt, lambda conn: _task_instance(conn, task_id), actor, allow=ANY_STATUS) as step:
        task = _ready_task(step, task_id)
        access.require_unclaimed_by_others(actor, task)
        cleaned = _validated(step, task, data)
        decision = task_hooks.approval(step.definition, task.element_id, cleaned)
        cleaned = task_hooks.with_completer(step.definition, task.element_id, cleaned, actor.username)
        deferred = deferral.may_defer(step, task, cleaned)
        spiff_task = None if deferred else step.workflow.get_task_from_id(UUID(task_id))
        if step.instance.status != "running":
            # Loading applied the stage's recorded units and one failed: the incident is
            # kept, and this completion is not applied on top of it.
            current = store.get_task(step.conn, task_id)
            assert current is not None  # _ready_task read it in this transaction
            return current
        if not deferred and (spiff_task is None or not spiff_task.has_state(TaskState.READY)):
            raise Conflict("task is no longer ready", code="task_not_ready")
        task.assignee = task.assignee or actor.username
        task.state, task.completed_by, task.completed_at = "completed", actor.username, step.now
        step.record("task.completed", element=task.element_id, task_id=task_id, data={"data": cleaned})
        if decision is not None:
            step.record("approval.decided", element=task.element_id, task_id=task_id, data=decision)
        if deferred:
            deferral.defer(step, task, cleaned)
            return task
        assert spiff_task is not None  # not deferred: found and ready, or refused above
        task.result = cleaned
        store.complete_task(step.conn, task)
        timer_rows.remove_task_due_dates(step.conn, [task.id] if task.due_at else [])
        spiff_task.data.update(cleaned)
        step.advance(spiff_task.run, task=spiff_task)
    return task


def _validated(step: Step, task: TaskRecord, data: dict[str, Any]) -> dict[str, Any]:
    """The submission cleaned to its form's fields, then held to the extensions' checks of that
    form (rules across fields and against the task's data, which a field's own rules cannot
    say); every message of every check is answered at once, as the form's are."""
    if not task.form_key:
        return data
    form = step.definition.forms.get(task.form_key)
    if form is None:
        raise Invalid(f"form {task.form_key} is missing from the definition", code="form_missing")
    try:
        cleaned = validate_submission(form, data)
    except FormInvalid as exc:
        raise Invalid("the form has errors", code="invalid_form_data", details=exc.errors) from None
    errors: dict[str, list[str]] = {}
    for check in step.rt.extensions.form_checks(task.form_key):
        for path, messages in check(cleaned, task.data or {}).items():
            if messages:
                errors.setdefault(path, []).extend(messages)
    if errors:
        raise Invalid("the form has errors", code="invalid_form_data", details=errors)
    return cleaned


def claim(rt: Runtime, actor: Principal, task_id: str) -> TaskRecord:
    with on_instance(rt, lambda conn: _task_instance(conn, task_id), actor, allow=ANY_STATUS) as step:
        task = _ready_task(step, task_id)
        access.require_unclaimed_by_others(actor, task)
        if task.assignee != actor.username:
            task.assignee = actor.username
            store.assign_task(step.conn, task_id, task.assignee)
            step.record("task.claimed", element=task.element_id, task_id=task_id)
    return task


def unclaim(rt: Runtime, actor: Principal, task_id: str) -> TaskRecord:
    with on_instance(rt, lambda conn: _task_instance(conn, task_id), actor, allow=ANY_STATUS) as step:
        task = _ready_task(step, task_id)
        if task.assignee is not None:
            access.require_may_unclaim(actor, task)
            task.assignee = None
            store.assign_task(step.conn, task_id, None)
            step.record("task.unclaimed", element=task.element_id, task_id=task_id)
    return task
