"""The dialect a BPMN document is read in, and each dialect's parser table with ours in it.

SpiffWorkflow reads a model with the parser of the dialect it was written in: SpiffBpmnParser
for spiff-arena's `spiffworkflow:` extensions, CamundaParser for Camunda Modeler's `camunda:`
ones, BpmnParser (with DMN) for plain BPMN. The three disagree on what the same element means (a
message's payload, a business rule task's decision, a multi-instance's collection, whether a
service task needs an operator), so one parser for all would refuse or change models. Here each
document chooses its own table (definitions/parser.py looks it up while reading that document's
processes), and every table has our timers on the engine's clock; the spiff one also our
per-item business rules and named multi-instance items, the plain one the named items, the
Camunda one its collections read once and for all (items.py).

A document that uses the spiffworkflow namespace is spiff (what Kaoping always read; modelers of
spiff-arena leave `camunda:versionTag` and the like behind, so spiff wins over Camunda); else one
that uses the Camunda namespace is Camunda; else it is plain BPMN. "Uses" means an element or an
attribute in the namespace: Camunda Modeler declares its namespace on every document, used or
not. What a lane's extensionElements hold does not count: a lane's `group` property
(lanes.py) is read in every dialect, so giving a lane its group key leaves the rest of a plain
BPMN document plain."""

from __future__ import annotations

from lxml import etree
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.specs.defaults import (
    BoundaryEvent,
    IntermediateCatchEvent,
    ManualTask,
    NoneTask,
    StartEvent,
    UserTask,
)
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.camunda.parser.task_spec import CamundaTaskParser
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.specs import defaults as spiff_specs

from . import items, timers
from .rules import KaopingBusinessRuleTask, RulesTaskParser

SPIFF, CAMUNDA, BPMN = "spiff", "camunda", "bpmn"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def dialect_of(root: etree._Element) -> str:
    used = _namespaces_used(root)
    return SPIFF if SPIFF_NS in used else CAMUNDA if CAMUNDA_NS in used else BPMN


def _namespaces_used(root: etree._Element) -> set[str]:
    found: set[str] = set()
    lane_extensions = {
        element
        for lane in root.iter(f"{{{BPMN_NS}}}lane")
        for extensions in lane.iterchildren(f"{{{BPMN_NS}}}extensionElements")
        for element in extensions.iter()
    }
    for element in root.iter():
        if not isinstance(element.tag, str) or element in lane_extensions:
            continue  # processing instructions; a lane's group property
        for name in (element.tag, *element.attrib):
            if name.startswith("{"):
                found.add(name[1 : name.index("}")])
    return found


TABLES: dict[str, dict] = {
    SPIFF: {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("startEvent"): (timers.StartEventParser, StartEvent),
        full_tag("intermediateCatchEvent"): (timers.IntermediateCatchEventParser, IntermediateCatchEvent),
        full_tag("boundaryEvent"): (timers.BoundaryEventParser, BoundaryEvent),
        full_tag("businessRuleTask"): (RulesTaskParser, KaopingBusinessRuleTask),
        full_tag("userTask"): (items.UserTaskItemsParser, spiff_specs.UserTask),
        full_tag("manualTask"): (items.TaskItemsParser, spiff_specs.ManualTask),
        full_tag("task"): (items.TaskItemsParser, spiff_specs.NoneTask),
    },
    CAMUNDA: {
        **{
            tag: (items.camunda_collection(parser) if issubclass(parser, CamundaTaskParser) else parser, spec)
            for tag, (parser, spec) in CamundaParser.OVERRIDE_PARSER_CLASSES.items()
        },
        full_tag("startEvent"): (timers.CamundaStartEventParser, StartEvent),
        full_tag("intermediateCatchEvent"): (
            timers.CamundaIntermediateCatchEventParser,
            IntermediateCatchEvent,
        ),
        full_tag("boundaryEvent"): (timers.CamundaBoundaryEventParser, BoundaryEvent),
    },
    BPMN: {
        full_tag("startEvent"): (timers.BpmnStartEventParser, StartEvent),
        full_tag("intermediateCatchEvent"): (timers.BpmnIntermediateCatchEventParser, IntermediateCatchEvent),
        full_tag("boundaryEvent"): (timers.BpmnBoundaryEventParser, BoundaryEvent),
        full_tag("userTask"): (items.BpmnTaskItemsParser, UserTask),
        full_tag("manualTask"): (items.BpmnTaskItemsParser, ManualTask),
        full_tag("task"): (items.BpmnTaskItemsParser, NoneTask),
    },
}
