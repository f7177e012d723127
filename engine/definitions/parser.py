"""The BPMN/DMN parser we hand uploads to: SpiffWorkflow's spiff dialect (lanes, properties,
DMN) with its XSD validator, fed only trees that xml.parse_xml has already hardened, and with
timer events that read the engine's clock (timers.py), registered in SpiffWorkflow's table."""
from __future__ import annotations

from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent, IntermediateCatchEvent, StartEvent
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from . import timers


class KaopingParser(SpiffBpmnParser):
    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("startEvent"): (timers.StartEventParser, StartEvent),
        full_tag("intermediateCatchEvent"): (timers.IntermediateCatchEventParser, IntermediateCatchEvent),
        full_tag("boundaryEvent"): (timers.BoundaryEventParser, BoundaryEvent),
    }


def new_parser() -> KaopingParser:
    return KaopingParser(validator=VALIDATOR)
