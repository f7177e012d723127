"""Business rule tasks that decide once per item of a collection.

A rating is decided for each of 129 counties. SpiffWorkflow would do that as a multi-instance
task, copying the whole task data into each of 129 child tasks that the workflow state then
carries; instead, a `decideEach` property (with `as` and `into`) makes one task evaluate its
decision table for every item, each item seen under the name `as`, and collect every item
with its outputs merged into the list `into`. Registered through SpiffWorkflow's parser table
(definitions/parser.py) and serializer table (definitions/serializer.py)."""

from __future__ import annotations

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.task_spec import BusinessRuleTaskParser
from SpiffWorkflow.spiff.specs.defaults import BusinessRuleTask


class KaopingBusinessRuleTask(BusinessRuleTask):
    def _run_hook(self, my_task):
        props = (self.extensions or {}).get("properties") or {}
        if not props.get("decideEach"):
            return super()._run_hook(my_task)
        name, into = props.get("as", "item"), props.get("into", "decided")
        data = my_task.data
        decided = []
        try:
            for item in data.get(props["decideEach"]) or []:
                my_task.data = {**data, name: item}
                decided.append(_merged(item, self.dmnEngine.result(my_task)))
        except SpiffWorkflowException as error:
            error.add_note(f"Business Rule Task '{self.bpmn_name}', deciding each of {props['decideEach']}.")
            raise
        except Exception as error:
            raise WorkflowTaskException(str(error), task=my_task) from error
        finally:
            my_task.data = data
        data[into] = decided
        return super(BusinessRuleTaskMixin, self)._run_hook(my_task)


def _merged(item: dict, outputs: dict) -> dict:
    """The item with the decision's outputs: an output named `flags.x` sets `x` within the
    item's `flags` and keeps the rest of it, as an assignment to `flags.x` would."""
    merged = dict(item)
    for key, value in outputs.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


class RulesTaskParser(BusinessRuleTaskParser):
    """SpiffWorkflow's parser names its spec class in code; this one builds ours."""

    def create_task(self):
        extensions = self.parse_extensions()
        return KaopingBusinessRuleTask(
            self.spec,
            self.bpmn_id,
            dmnEngine=self.process_parser.parser.get_engine(self.get_decision_ref(self.node), self.node),
            prescript=extensions.get("preScript"),
            postscript=extensions.get("postScript"),
            **self.bpmn_attributes,
        )
