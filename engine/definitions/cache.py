"""Parsed specs and forms per definition version, kept in memory: a version never changes, so
its parse is done once per process and reused by every step of every instance on it."""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from ..errors import NotFound
from ..persistence.models import Definition
from . import task_properties
from .deferrable import deferrable_elements
from .serializer import StateSerializer
from .timers import TIMER_DEFINITIONS


@dataclass(frozen=True)
class LoadedDefinition:
    id: str
    key: str
    version: int
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    forms: dict[str, dict]
    start_groups: tuple[str, ...]
    catches_messages: bool
    deferrable: Mapping[str, str | None]  # units whose completion may wait for their stage's last one
    has_timers: bool
    properties: dict[str, dict[str, str]]  # spiffworkflow:properties by element id
    # Each form's view of the data: the multi-instance collections it does not name are left out
    # of a task's data (see `shown_data`); None is the view of a task without a form.
    hidden: Mapping[str | None, frozenset[str]] = field(default_factory=dict)

    def shown_data(self, form_key: str | None, data: dict) -> dict:
        """A task's data as its form shows it. The input and output collections of the multi-
        instance stages (every prefecture's self-assessment, every department's scores, every
        unit's rectification) are each unit's own work, carried by its own task: a task shows
        only the collections its form names, or a 145-unit stage would copy every unit's work
        into every task, and every list of tasks would read it back."""
        hidden = self.hidden.get(form_key, self.hidden.get(None, frozenset()))
        return {k: v for k, v in data.items() if k not in hidden} if hidden else data


class DefinitionCache:
    def __init__(self, serializer: StateSerializer, size: int = 128):
        self._serializer = serializer
        self._size = size
        self._items: OrderedDict[str, LoadedDefinition] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, source: Session | Connection, definition_id: str) -> LoadedDefinition:
        """`source` is whatever the caller holds, a session or the step's connection."""
        with self._lock:
            if definition_id in self._items:
                self._items.move_to_end(definition_id)
                return self._items[definition_id]
        row = source.execute(
            select(
                Definition.id,
                Definition.key,
                Definition.version,
                Definition.spec_cache,
                Definition.files,
                Definition.start_groups,
            ).where(Definition.id == definition_id)
        ).first()
        if row is None:
            raise NotFound(f"definition {definition_id} not found")
        spec, subs = self._serializer.specs_from_text(row.spec_cache)
        forms = {key: json.loads(text) for key, text in (row.files or {}).get("forms", {}).items()}
        loaded = LoadedDefinition(
            row.id,
            row.key,
            row.version,
            spec,
            subs,
            forms,
            tuple(row.start_groups or ()),
            _has(spec, subs, MessageEventDefinition),
            deferrable_elements(spec, subs),
            _has(spec, subs, TIMER_DEFINITIONS),
            _properties(spec, subs),
            _hidden(spec, subs, forms),
        )
        with self._lock:
            self._items[definition_id] = loaded
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return loaded


def _has(spec, subprocess_specs: dict, kinds) -> bool:
    """Whether any element of the process waits for such an event (checked once per version)."""
    for each in (spec, *subprocess_specs.values()):
        for task_spec in each.task_specs.values():
            definition = getattr(task_spec, "event_definition", None)
            inner = [definition, *(getattr(definition, "event_definitions", None) or ())]
            if any(isinstance(d, kinds) for d in inner if d is not None):
                return True
    return False


def _hidden(spec, subprocess_specs: dict, forms: dict[str, dict]) -> dict[str | None, frozenset[str]]:
    collections: set[str] = set()
    for each in (spec, *subprocess_specs.values()):
        for task_spec in each.task_specs.values():
            for ref in (getattr(task_spec, "data_input", None), getattr(task_spec, "data_output", None)):
                name = getattr(ref, "bpmn_id", None)
                if name:
                    collections.add(name)
    hidden: dict[str | None, frozenset[str]] = {None: frozenset(collections)}
    for key, form in forms.items():
        named = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", json.dumps(form)))
        hidden[key] = frozenset(collections - named)
    return hidden


def _properties(spec, subprocess_specs: dict) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for each in (spec, *subprocess_specs.values()):
        for task_spec in each.task_specs.values():
            props = task_properties.properties(task_spec)
            if props and getattr(task_spec, "bpmn_id", None):
                found.setdefault(task_spec.bpmn_id, {}).update(props)
    return found
