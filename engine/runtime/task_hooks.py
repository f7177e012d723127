"""What some BPMN tasks ask of the engine, by `spiffworkflow:property`, beyond running:

- `approval` (a gate: 审议, 审定): the decision is `approve` or `return`, a return needs a
  comment (422 otherwise), and `approval.decided` is recorded and sent (who, when, why);
- `auditEvent` + `auditData` (an expression): an audit event of that type when the task has
  run, e.g. `sample.drawn` with the seed and the counties drawn;
- `completedBy` (a variable name, checked at deploy): the task runs with that variable set to
  the completing user's name, whatever the submission said, so scripts and later tasks know
  who did it (and an `excludeUsers` expression can keep them from the gate that decides it).

Then the extensions' task hooks (engine/extensions.py) read the properties they own, in the
same step and transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from SpiffWorkflow.task import Task as SpiffTask

from ..definitions import task_properties
from ..definitions.cache import LoadedDefinition
from ..errors import Invalid

if TYPE_CHECKING:  # unit_of_work imports this module
    from .unit_of_work import Step

DECISIONS = ("approve", "return")


def approval(definition: LoadedDefinition, element_id: str, data: dict[str, Any]) -> dict[str, Any] | None:
    """The gate decision in a completion, checked; None for a task that is no gate."""
    if "approval" not in definition.properties.get(element_id, {}):
        return None
    decision, comment = data.get("decision"), str(data.get("comment") or "").strip()
    if decision not in DECISIONS:
        raise Invalid(
            "a gate is approved or returned",
            code="invalid_form_data",
            details={"decision": ["须为同意或退回 / must be approve or return"]},
        )
    if decision == "return" and not comment:
        raise Invalid(
            "a return needs a comment",
            code="invalid_form_data",
            details={"comment": ["退回时必须填写意见 / a comment is required on return"]},
        )
    return {"decision": decision, "comment": comment, "gate": definition.properties[element_id]["approval"]}


def with_completer(
    definition: LoadedDefinition, element_id: str, data: dict[str, Any], username: str
) -> dict[str, Any]:
    """The completion's data with the `completedBy` variable, if the task has one, naming its
    completer. It joins the data rather than being set on the workflow's task alone, so the
    recorded result, the audit event and a deferred unit's replay carry the real actor too."""
    name = (definition.properties.get(element_id, {}).get("completedBy") or "").strip()
    return {**data, name: username} if name else data


def after_run(step: Step, task: SpiffTask) -> None:
    props = task_properties.properties(task.task_spec)
    if not props:
        return
    element = task.task_spec.bpmn_id
    if props.get("auditEvent"):
        data = step.rt.script_engine.evaluate(task, props["auditData"]) if props.get("auditData") else {}
        step.record(props["auditEvent"], actor="system", element=element, task_id=str(task.id), data=data)
    for hook in step.rt.extensions.task_hooks():
        hook(step, task, props)
