"""What a BPMN task says about the people who do it, read from SpiffWorkflow's extensions
(`spiffworkflow:properties`), in one place for deployment checks and the runtime alike."""

from __future__ import annotations

import keyword

from SpiffWorkflow.bpmn.specs.mixins.manual_task import ManualTask as ManualTaskMixin
from SpiffWorkflow.bpmn.specs.mixins.none_task import NoneTask as NoneTaskMixin
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask as UserTaskMixin

HUMAN_TASK_TYPES = (UserTaskMixin, ManualTaskMixin, NoneTaskMixin)


def is_human(task_spec) -> bool:
    """API.md: user tasks, manual tasks and untyped tasks are done by people."""
    return isinstance(task_spec, HUMAN_TASK_TYPES)


def properties(task_spec) -> dict[str, str]:
    extensions = getattr(task_spec, "extensions", None) or {}
    found = extensions.get("properties")
    # a Camunda task's extensions are its camunda:property values by name, one may be "properties"
    return found if isinstance(found, dict) else {}


def form_key(task_spec) -> str | None:
    """`formKey` property, or spiff-arena's `formJsonSchemaFilename` without its extension."""
    props = properties(task_spec)
    if props.get("formKey"):
        return props["formKey"].strip()
    filename = (getattr(task_spec, "extensions", None) or {}).get("formJsonSchemaFilename")
    if filename:
        return filename.rsplit("/", 1)[-1].removesuffix(".json").removesuffix(".form")
    return None


def candidate_groups_expression(task_spec) -> str | None:
    return properties(task_spec).get("candidateGroups")


def candidate_users_expression(task_spec) -> str | None:
    return properties(task_spec).get("candidateUsers")


def completed_by(task_spec) -> str | None:
    """`completedBy`: the variable that the completing user's name is written to."""
    return (properties(task_spec).get("completedBy") or "").strip() or None


def completed_by_problem(task_spec) -> str | None:
    """Why a task's `completedBy` cannot work, or None (also when it has none). Its value is a
    variable that scripts read by name, and the sandbox refuses names beginning with `_`."""
    if "completedBy" not in properties(task_spec):
        return None
    name = completed_by(task_spec) or ""
    if not is_human(task_spec):
        return "completedBy is for tasks people complete (user, manual or untyped tasks)"
    if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
        return f"completedBy {name!r} is not a variable name (a Python identifier, no keyword, no leading _)"
    return None
