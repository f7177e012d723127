"""An instance's diagram as the page draws it: every element, flow and lane with its layout,
and none of the logic (scripts, expressions, the extension properties that hold forms, candidate
groups and pre/post scripts). The logic is the definition's, which only administrators read;
the participants of an instance see the picture of where it stands. A lane keeps its name, the
label people read (`省乡村振兴局 / Provincial office`); the group key its `group` property routes
to goes with the rest of the extensions."""

from __future__ import annotations

from lxml import etree

from .xml import parse_xml

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
LOGIC = frozenset(
    f"{{{BPMN}}}{name}"
    for name in (
        "script",
        "extensionElements",
        "conditionExpression",
        "completionCondition",
        "loopCardinality",
        "timeDate",
        "timeDuration",
        "timeCycle",
        "correlationPropertyRetrievalExpression",
    )
)


def picture(bpmn_xml: str | bytes) -> bytes:
    data = bpmn_xml.encode() if isinstance(bpmn_xml, str) else bpmn_xml
    root = parse_xml(data, None)  # deployed XML, already checked: this cannot refuse it
    for element in [e for e in root.iter() if e.tag in LOGIC]:
        element.getparent().remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
