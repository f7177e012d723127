"""Which units of a process may have their completion deferred (runtime/deferral.py says why
and how): read from the parsed spec once per version, with the definition's cache, since it
depends on the model alone."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import ParallelMultiInstanceTask

from . import task_properties


def deferrable_elements(
    spec: BpmnProcessSpec, subprocess_specs: Mapping[str, BpmnProcessSpec] | None = None
) -> Mapping[str, str | None]:
    """Deferrable elements, each with the output item its completions must carry (None when
    the stage merges whole copies, which cannot fail)."""
    elsewhere = {
        getattr(ts, "bpmn_id", None)
        for sub in (subprocess_specs or {}).values()
        for ts in sub.task_specs.values()
    }
    found: dict[str, str | None] = {}
    for task_spec in spec.task_specs.values():
        if not isinstance(task_spec, ParallelMultiInstanceTask) or task_spec.condition:
            continue
        child = spec.task_specs.get(task_spec.task_spec)
        if (
            child is None
            or not task_properties.is_human(child)
            or child.bpmn_id in elsewhere
            or any(_completes_with_data(each) for each in (task_spec, child))
        ):
            continue
        collects = task_spec.data_output is not None and task_spec.output_item is not None
        found[child.bpmn_id] = task_spec.output_item.bpmn_id if collects else None
    return MappingProxyType(found)


def _completes_with_data(task_spec) -> bool:
    return bool(
        getattr(task_spec, "postscript", None)
        or task_spec.io_specification is not None
        or task_spec.data_input_associations
        or task_spec.data_output_associations
    )
