"""The BPMN/DMN parser we hand uploads to: SpiffWorkflow's spiff dialect (lanes, properties,
DMN) with its XSD validator, fed only trees that xml.parse_xml has already hardened, and with
timer events that read the engine's clock (timers.py), business rule tasks that decide per
item (rules.py) and multi-instance items named by their names (items.py), registered in
SpiffWorkflow's table."""
from __future__ import annotations

from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent, IntermediateCatchEvent, StartEvent
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser


from SpiffWorkflow.spiff.specs.defaults import ManualTask, NoneTask, UserTask

from . import items, timers
from .rules import KaopingBusinessRuleTask, RulesTaskParser


class KaopingParser(SpiffBpmnParser):
    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("startEvent"): (timers.StartEventParser, StartEvent),
        full_tag("intermediateCatchEvent"): (timers.IntermediateCatchEventParser, IntermediateCatchEvent),
        full_tag("boundaryEvent"): (timers.BoundaryEventParser, BoundaryEvent),
        full_tag("businessRuleTask"): (RulesTaskParser, KaopingBusinessRuleTask),
        full_tag("userTask"): (items.UserTaskItemsParser, UserTask),
        full_tag("manualTask"): (items.TaskItemsParser, ManualTask),
        full_tag("task"): (items.TaskItemsParser, NoneTask),
    }


def new_parser() -> KaopingParser:
    return KaopingParser(validator=VALIDATOR)
