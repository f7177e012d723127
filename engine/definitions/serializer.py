"""Workflow state ⇄ text. SpiffWorkflow's serializer would write the whole parsed spec into
every instance's state and parse it back on every step; our converter (registered through
SpiffWorkflow's own converter table) leaves the specs out, and loading takes them from the
definition's spec cache instead. The state then holds only where the run is. It is the
definitions' because its converter table is theirs (timers.py, rules.py); the database keeps
only the text."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from copy import deepcopy
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.config import DEFAULT_CONFIG
from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter,
    TaskConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.serializer.helpers.registry import DefaultRegistry
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.serializer.task_spec import BusinessRuleTaskConverter
from SpiffWorkflow.task import Task

from .rules import KaopingBusinessRuleTask
from .timers import TIMER_DEFINITIONS


class SpecFreeWorkflowConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        if spec is None:
            raise ValueError("a workflow state is restored with its definition's spec")
        workflow = self.target_class(spec, subprocess_specs or {}, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class EmptyDataTaskConverter(TaskConverter):
    """SpiffWorkflow writes a task's data as its changes from its parent's, so an emptied task
    (runtime/retention.py) would be written as the deletion of each of its parent's keys, and
    loading would copy the parent's data only to delete it all. Empty is written as empty."""

    def to_dict(self, task):
        dct = super().to_dict(task)
        if not task.data:
            dct["data"], dct["delta"] = {}, {}
        return dct


def _config() -> dict:
    config = deepcopy(SPIFF_CONFIG)
    config[BpmnWorkflow] = SpecFreeWorkflowConverter
    config[Task] = EmptyDataTaskConverter
    for definition in TIMER_DEFINITIONS:  # timers on the engine's clock (timers.py)
        config[definition] = TimerConditionalEventDefinitionConverter
    config[KaopingBusinessRuleTask] = BusinessRuleTaskConverter  # rules.py
    return config


def _other_dialects() -> list[tuple[str, dict]]:
    """The spec classes of the Camunda and plain BPMN dialects (dialects.py) that
    the spiff configuration lacks. SpiffWorkflow's own plain configuration has no converter for
    its ServiceTask (the spiff one replaces it), hence the one added here."""
    # plain first: the classes it shares with Camunda's are SpiffWorkflow's plain ones
    return [("bpmn", {**DEFAULT_CONFIG, ServiceTask: BpmnTaskSpecConverter}), ("camunda", CAMUNDA_CONFIG)]


def _registry() -> DefaultRegistry:
    """One registry for specs and states of every dialect, so a spiff process may call a
    Camunda one. SpiffWorkflow names a class in the JSON by its class name, and the dialects
    share names (three UserTasks, two MessageEventDefinitions...): the spiff dialect's classes
    (and ours) keep their bare names, as every state and spec cache already stored has them, and
    any other class whose name is taken is written `camunda:UserTask`, `bpmn:UserTask`. The
    converters are SpiffWorkflow's own, registered as BpmnWorkflowSerializer.configure does."""
    registry = DefaultRegistry()
    spiff = _config()
    first = [
        (None, {t: c for t, c in spiff.items() if _spiff_dialect(t)}),
        ("bpmn", {t: c for t, c in spiff.items() if not _spiff_dialect(t)}),
    ]
    taken: set[str] = set()
    for dialect, config in [*first, *_other_dialects()]:
        for target, converter in config.items():
            if target in registry.typenames:
                continue  # shared by the dialects (events, gateways, the workflow...)
            name = target.__name__
            converter(target, registry, f"{dialect}:{name}" if name in taken else None)
            taken.add(name)
    return registry


def _spiff_dialect(target: type) -> bool:
    return target.__module__.startswith(("SpiffWorkflow.spiff.", "engine."))


class StateSerializer:
    def __init__(self) -> None:
        self._inner = BpmnWorkflowSerializer(_registry())
        self.version = self._inner.VERSION
        self.registry = self._inner.registry
        self._encoding = threading.Lock()

    # Specs: written once per definition version, read once per process into the cache.
    def specs_to_text(self, spec: BpmnProcessSpec, subprocess_specs: dict) -> str:
        return self._dumps(
            lambda: {
                "spec": self._inner.to_dict(spec),
                "subprocess_specs": {k: self._inner.to_dict(v) for k, v in subprocess_specs.items()},
            }
        )

    def specs_from_text(self, text: str) -> tuple[BpmnProcessSpec, dict]:
        dct = json.loads(text)
        subprocess_specs = {k: self._inner.from_dict(v) for k, v in dct["subprocess_specs"].items()}
        return self._inner.from_dict(dct["spec"]), subprocess_specs

    # Workflows: every step.
    def workflow_to_text(self, workflow: BpmnWorkflow) -> str:
        return self._dumps(lambda: self._inner.to_dict(workflow))

    def workflow_from_text(
        self, text: str, version: str, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]
    ) -> BpmnWorkflow:
        dct = json.loads(text)
        if version != self.version:
            dct[self._inner.VERSION_KEY] = version
            self._inner.migrate(dct)
        return self._inner.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)

    def _dumps(self, to_dict: Callable[[], dict]) -> str:
        # BpmnWorkflowSerializer.serialize_json flips the registry into encoder mode (nested
        # values are left to the JSON encoder); the flag lives on the shared registry, hence
        # the lock for the threads of one process.
        registry = self._inner.registry
        with self._encoding:
            registry._encoder_mode = True
            try:
                return json.dumps(to_dict(), cls=self._inner._encoder_cls, separators=(",", ":"))
            finally:
                registry._encoder_mode = False
