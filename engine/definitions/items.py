"""Multi-instance data items named by their `name`.

SpiffWorkflow takes an input or output data item's `id` as the variable it reads or writes. A
task that updates its items in place (the prefilled form of each prefecture, given back
completed) needs the same variable in and out, and XML ids must be unique, so here the item's
`name` is the variable (the `id` when there is no name)."""
from __future__ import annotations

from SpiffWorkflow.spiff.parser.task_spec import SpiffTaskParser, UserTaskParser

_ITEMS = ("inputDataItem", "outputDataItem")


class _NamedItems:
    def create_data_spec(self, item, cls):
        if item.tag.endswith(_ITEMS) and item.attrib.get("name"):
            return cls(item.attrib["name"], item.attrib["name"])
        return super().create_data_spec(item, cls)


class UserTaskItemsParser(_NamedItems, UserTaskParser):
    pass


class TaskItemsParser(_NamedItems, SpiffTaskParser):
    pass
