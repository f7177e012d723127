"""Every piece of code a parsed process holds (scripts, conditions, expressions, the properties
that are expressions), found for the deploy checks, which compile each in the sandbox before a
version is stored. Finding them reads the specs, so it sits with the definitions, not the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask, StandardLoopTask

from . import task_properties

PROPERTY_EXPRESSIONS = ("candidateGroups", "candidateUsers", "excludeUsers", "dueDate")


def _event_expressions(definition: Any) -> Iterator[str | None]:
    yield getattr(definition, "expression", None)  # timers, conditions, message payloads
    for inner in getattr(definition, "event_definitions", None) or ():
        yield from _event_expressions(inner)


def _task_expressions(task_spec: Any) -> Iterator[tuple[str | None, str]]:
    for attribute in ("script", "prescript", "postscript"):
        yield getattr(task_spec, attribute, None), "exec"
    for condition, _ in getattr(task_spec, "cond_task_specs", None) or ():
        if condition is not None:
            yield condition.args[0], "eval"
    if isinstance(task_spec, MultiInstanceTask):
        yield task_spec.cardinality, "eval"
    if isinstance(task_spec, (MultiInstanceTask, StandardLoopTask)):
        yield task_spec.condition, "eval"
    for expression in _event_expressions(getattr(task_spec, "event_definition", None)):
        yield expression, "eval"
    for param in (getattr(task_spec, "operation_params", None) or {}).values():
        yield param.get("value"), "eval"
    properties = task_properties.properties(task_spec)
    for name in PROPERTY_EXPRESSIONS:
        yield properties.get(name), "eval"


def collect_expressions(spec: Any) -> list[tuple[str, str, str]]:
    """(element_id, source, mode) of every piece of code in a BpmnProcessSpec.

    Sub-process and call-activity specs are separate specs: pass each one."""
    found: list[tuple[str, str, str]] = []
    for task_spec in spec.task_specs.values():
        element_id = getattr(task_spec, "bpmn_id", None) or task_spec.name
        for source, mode in _task_expressions(task_spec):
            if isinstance(source, str) and source.strip():
                found.append((element_id, source, mode))
    return found
