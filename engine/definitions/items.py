"""Multi-instance data items named by their `name`.

SpiffWorkflow takes an input or output data item's `id` as the variable it reads or writes. A
task that updates its items in place (the prefilled form of each prefecture, given back
completed) needs the same variable in and out, and XML ids must be unique, so here the item's
`name` is the variable (the `id` when there is no name)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser
from SpiffWorkflow.bpmn.specs.data_spec import TaskDataReference
from SpiffWorkflow.spiff.parser.task_spec import SpiffTaskParser, UserTaskParser

if TYPE_CHECKING:  # the mixins' SpiffWorkflow base as mypy sees it (Any: it has no types)
    from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser as _ParserBase
else:
    _ParserBase = object

_ITEMS = ("inputDataItem", "outputDataItem")


class _NamedItems(_ParserBase):
    def create_data_spec(self, item, cls):
        if item.tag.endswith(_ITEMS) and item.attrib.get("name"):
            return cls(item.attrib["name"], item.attrib["name"])
        return super().create_data_spec(item, cls)


class UserTaskItemsParser(_NamedItems, UserTaskParser):
    pass


class TaskItemsParser(_NamedItems, SpiffTaskParser):
    pass


class BpmnTaskItemsParser(_NamedItems, TaskParser):
    """Plain BPMN's user, manual and untyped tasks (definitions/dialects.py)."""


class _CollectionRead(_ParserBase):
    """Camunda's `camunda:collection` multi-instance. SpiffWorkflow's Camunda task only learns
    that the collection is also its input when it first runs, by changing its own spec; that
    change lives in the spec object SpiffWorkflow's serializer writes into every state. Ours
    leaves the spec out (definitions/serializer.py), so a step in another process would read the
    spec unchanged and append the items to the collection instead of putting each back in its
    place. The change is the same whatever the data, so it is made here, when the model is read."""

    def _add_multiinstance_task(self, loop_characteristics):
        super()._add_multiinstance_task(loop_characteristics)
        task = self.task
        if task.cardinality is None and task.data_output is not None and task.output_item is not None:
            task.data_input = TaskDataReference(task.data_output.bpmn_id)
            task.input_item = TaskDataReference(task.output_item.bpmn_id)


_CAMUNDA_PARSERS: dict[type, type] = {}


def camunda_collection(parser: type) -> type:
    """`parser` (one of SpiffWorkflow's Camunda task parsers) reading collections as above."""
    if parser not in _CAMUNDA_PARSERS:
        _CAMUNDA_PARSERS[parser] = type(parser.__name__, (_CollectionRead, parser), {"__module__": __name__})
    return _CAMUNDA_PARSERS[parser]
