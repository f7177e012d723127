"""The BPMN/DMN parser we hand uploads to: SpiffWorkflow's spiff dialect (lanes, properties,
DMN) with its XSD validator, fed only trees that xml.parse_xml has already hardened, and with
timer events that read the engine's clock (timers.py), business rule tasks that decide per
item (rules.py), multi-instance items named by their names (items.py), registered in
SpiffWorkflow's table, and lanes read per process and subprocess (lanes.py)."""
from __future__ import annotations

from SpiffWorkflow.bpmn.parser.ProcessParser import AdHocParser
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent, IntermediateCatchEvent, StartEvent
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser, SpiffProcessParser
from SpiffWorkflow.spiff.specs.defaults import ManualTask, NoneTask, UserTask

from . import items, timers
from .lanes import document_lanes
from .rules import KaopingBusinessRuleTask, RulesTaskParser


class _OwnLanes:
    """Every node asks the document's lane map (lanes.py) for its lane. SpiffWorkflow would
    hand a subprocess's lane to all the nodes inside it; that lane is already the fallback in
    the map, so none is handed down here."""
    parser: "KaopingParser"
    document_root: object

    def __init__(self, p, node, nsmap, data_stores, filename=None, lane=None):
        super().__init__(p, node, nsmap, data_stores, filename=filename, lane=None)  # type: ignore[call-arg]
        self.lanes_by_node_id = p.lanes_of(self.document_root)


class KaopingProcessParser(_OwnLanes, SpiffProcessParser):
    pass


class KaopingAdHocParser(_OwnLanes, AdHocParser):
    pass


class KaopingParser(SpiffBpmnParser):
    PROCESS_PARSER_CLASS = KaopingProcessParser
    AD_HOC_PARSER_CLASS = KaopingAdHocParser
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lanes: dict[int, dict[str, str | None]] = {}

    def lanes_of(self, root) -> dict[str, str | None]:
        # keyed like SpiffWorkflow's own per-document indexes: the trees live as long as the parser
        key = id(root)
        if key not in self._lanes:
            self._lanes[key] = document_lanes(root)
        return self._lanes[key]


def new_parser() -> KaopingParser:
    return KaopingParser(validator=VALIDATOR)
