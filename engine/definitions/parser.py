"""The BPMN/DMN parser we hand uploads to: SpiffWorkflow's spiff dialect (lanes, properties,
DMN) with its XSD validator, fed only trees that xml.parse_xml has already hardened."""
from __future__ import annotations

from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser


class KaopingParser(SpiffBpmnParser):
    """Named so that our own task parsers (due dates, forms) have one place to be registered
    through OVERRIDE_PARSER_CLASSES when they need to be."""


def new_parser() -> KaopingParser:
    return KaopingParser(validator=VALIDATOR)
