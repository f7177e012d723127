"""The BPMN/DMN parser we hand uploads to: SpiffWorkflow's parser with its XSD validator (the
spiff dialect's, which knows the spiffworkflow extensions), fed only trees that xml.parse_xml has
already hardened. Each document is read in its own dialect (dialects.py: spiff, Camunda or plain
BPMN, each with timer events that read the engine's clock (timers.py), and in the spiff dialect
business rule tasks that decide per item (rules.py) and multi-instance items named by their
names (items.py)); lanes are read per process and subprocess (lanes.py) in all of them. One
parser holds every document of a deployment, so a process of one dialect may call one of
another."""

from __future__ import annotations

from contextlib import contextmanager

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.bpmn.parser.ProcessParser import AdHocParser, ProcessParser
from SpiffWorkflow.bpmn.parser.util import DEFAULT_NSMAP, full_tag
from SpiffWorkflow.dmn.parser.BpmnDmnParser import BpmnDmnParser
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffProcessParser

from .dialects import CAMUNDA_NS, SPIFF, TABLES, dialect_of
from .lanes import document_lanes


class _OwnLanes:
    """Every node asks the document's lane map (lanes.py) for its lane, which becomes the task
    spec's `lane`: the lane's group (its `group` property, else its name). SpiffWorkflow would
    hand a subprocess's lane to all the nodes inside it; that lane is already the fallback in
    the map, so none is handed down here. The process is read with its document's dialect."""

    parser: KaopingParser
    document_root: object

    def __init__(self, p, node, nsmap, data_stores, filename=None, lane=None):
        super().__init__(p, node, nsmap, data_stores, filename=filename, lane=None)  # type: ignore[call-arg]
        self.lanes_by_node_id = p.lanes_of(self.document_root)
        self.dialect = p.dialect_of(self.document_root)

    def _parse(self):
        with self.parser.reading(self.dialect):
            super()._parse()  # type: ignore[misc]

    def parse_data_object(self, obj):
        if self.dialect == SPIFF:  # spiff's data objects carry a category
            return super().parse_data_object(obj)  # type: ignore[misc]
        return ProcessParser.parse_data_object(self, obj)


class KaopingProcessParser(_OwnLanes, SpiffProcessParser):
    pass


class KaopingAdHocParser(_OwnLanes, AdHocParser):
    pass


class KaopingParser(BpmnDmnParser):
    PROCESS_PARSER_CLASS = KaopingProcessParser
    AD_HOC_PARSER_CLASS = KaopingAdHocParser
    # What is read outside any document's processes (and by subclasses that read no dialect).
    OVERRIDE_PARSER_CLASSES = TABLES[SPIFF]

    def __init__(self, namespaces=None, validator=None, **kwargs):
        super().__init__(namespaces or {**DEFAULT_NSMAP, "camunda": CAMUNDA_NS}, validator, **kwargs)
        self._lanes: dict[int, dict[str, str | None]] = {}
        self._dialects: dict[int, str] = {}
        self._reading: list[str] = []

    def lanes_of(self, root) -> dict[str, str | None]:
        # keyed like SpiffWorkflow's own per-document indexes: the trees live as long as the parser
        key = id(root)
        if key not in self._lanes:
            self._lanes[key] = document_lanes(root)
        return self._lanes[key]

    def dialect_of(self, root) -> str:
        key = id(root)
        if key not in self._dialects:
            self._dialects[key] = dialect_of(root)
        return self._dialects[key]

    @contextmanager
    def reading(self, dialect: str):
        """While a process is read, SpiffWorkflow asks the parser (not the process) for each
        element's parser class: the dialect of the document being read answers. A stack, since
        reading a process reads its embedded subprocesses (same document) within it."""
        self._reading.append(dialect)
        try:
            yield
        finally:
            self._reading.pop()

    def _get_parser_class(self, tag):
        table = TABLES[self._reading[-1]] if self._reading else self.OVERRIDE_PARSER_CLASSES
        if tag in table:
            return table[tag]
        return self.PARSER_CLASSES.get(tag, (None, None))

    def _find_dependencies(self, process):
        with self.reading(self.dialect_of(process.getroottree().getroot())):
            if self._get_parser_class(full_tag("businessRuleTask"))[0] is None:
                # plain BPMN names no decision; reading the task refuses it with its element
                BpmnParser._find_dependencies(self, process)
            else:
                super()._find_dependencies(process)


def new_parser() -> KaopingParser:
    return KaopingParser(validator=VALIDATOR)
