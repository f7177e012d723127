"""Hardened XML: uploaded BPMN and DMN come from outside, so no document type declarations,
no entities (billion laughs), no external references, no network. defusedxml refuses the
hostile constructs; lxml, configured to resolve nothing, then builds the tree SpiffWorkflow
reads (with line numbers for error messages)."""

from __future__ import annotations

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from lxml import etree

from .problems import Problem

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
)


class HostileOrMalformed(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def parse_xml(data: bytes, filename: str | None) -> etree._Element:
    """The root element of a safe, well-formed document, or HostileOrMalformed."""
    try:
        SafeElementTree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise HostileOrMalformed(
            Problem(
                file=filename, line=_dtd_line(data), element=None, message=f"XML refused: {_describe(exc)}"
            )
        ) from None
    except SafeElementTree.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise HostileOrMalformed(
            Problem(file=filename, line=line, element=None, message=f"XML is not well-formed: {exc}")
        ) from None
    try:
        return etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise HostileOrMalformed(
            Problem(
                file=filename, line=exc.lineno, element=None, message=f"XML is not well-formed: {exc.msg}"
            )
        ) from None


def _describe(exc: DefusedXmlException) -> str:
    name = type(exc).__name__
    return {
        "DTDForbidden": "document type declarations are not allowed",
        "EntitiesForbidden": "entity declarations are not allowed",
        "ExternalReferenceForbidden": "external references are not allowed",
    }.get(name, str(exc))


def _dtd_line(data: bytes) -> int | None:
    position = data.find(b"<!DOCTYPE")
    return data.count(b"\n", 0, position) + 1 if position >= 0 else None
