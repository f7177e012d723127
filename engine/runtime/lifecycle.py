"""Administrators' commands on a whole instance: cancel, suspend, resume, and retry after an
incident (optionally onto a newer version of its definition, once the fault is fixed there)."""

from __future__ import annotations

from SpiffWorkflow.bpmn.util.diff import WorkflowDiff, diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from ..errors import Conflict, NotFound
from ..persistence.models import Definition
from . import access
from .principal import Principal
from .runtime import Runtime
from .unit_of_work import Step, on_instance


def _admin(rt: Runtime, actor: Principal, instance_id: str) -> None:
    with rt.db.connect() as conn:
        access.require_instance_admin(conn, actor, instance_id)


def cancel(rt: Runtime, actor: Principal, instance_id: str) -> None:
    _admin(rt, actor, instance_id)
    with on_instance(rt, instance_id, actor, allow=("running", "suspended", "error")) as step:
        step.workflow.cancel()
        step.instance.status, step.instance.ended_at = "cancelled", step.now
        step.record("instance.cancelled")


def suspend(rt: Runtime, actor: Principal, instance_id: str) -> None:
    _admin(rt, actor, instance_id)
    with on_instance(rt, instance_id, actor, allow=("running",)) as step:
        step.instance.status = "suspended"
        step.record("instance.suspended")


def resume(rt: Runtime, actor: Principal, instance_id: str) -> None:
    _admin(rt, actor, instance_id)
    with on_instance(rt, instance_id, actor, allow=("suspended",)) as step:
        step.instance.status = "running"
        step.record("instance.resumed")
        step.advance()


def retry(rt: Runtime, actor: Principal, instance_id: str, version: int | None = None) -> None:
    """Run the failed tasks again; with `version`, first move the instance onto that version
    of its definition (SpiffWorkflow's diff and migration), which is how a fixed script reaches
    an instance that failed on the old one."""
    _admin(rt, actor, instance_id)
    with on_instance(rt, instance_id, actor, allow=("error",)) as step:
        if version is not None and version != step.instance.version:
            _migrate(step, version)
        failed = step.workflow.get_tasks(state=TaskState.ERROR)
        step.instance.status, step.instance.error = "running", None
        step.record(
            "instance.retried",
            data={"version": step.instance.version, "tasks": [t.task_spec.bpmn_id for t in failed]},
        )
        for task in failed:
            step.workflow.reset_from_task_id(task.id)
        step.advance()


def _migrate(step: Step, version: int) -> None:
    row = step.conn.execute(
        select(Definition.id, Definition.version).where(
            Definition.key == step.instance.definition_key, Definition.version == version
        )
    ).first()
    if row is None:
        raise NotFound(
            f"version {version} of {step.instance.definition_key} not found", code="definition_not_found"
        )
    target = step.rt.definitions.get(step.conn, row.id)
    registry = step.rt.serializer.registry
    diff, sp_diffs = diff_workflow(registry, step.workflow, target.spec, target.subprocess_specs)
    if not _movable(diff) or not all(d is not None and _movable(d) for d in sp_diffs.values()):
        raise Conflict(
            f"the instance cannot move to version {version}: elements it stands on "
            "were removed or changed type",
            code="migration_impossible",
        )
    migrate_workflow(diff, step.workflow, target.spec)
    step.workflow.subprocess_specs = target.subprocess_specs
    for sp_id, sp_diff in sp_diffs.items():
        subprocess = step.workflow.subprocesses[sp_id]
        migrate_workflow(sp_diff, subprocess, target.subprocess_specs.get(subprocess.spec.name))
    step.instance.definition_id, step.instance.version = row.id, row.version
    step.definition = target


def _movable(diff: WorkflowDiff) -> bool:
    """Finished history may refer to removed elements; unfinished work may not."""
    return not [t for t in diff.removed if not t.has_state(TaskState.FINISHED_MASK)]
