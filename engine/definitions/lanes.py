"""Which lane each flow node of a BPMN document stands in, and the group that lane routes to:
the lane's `group` property when it has one (`spiffworkflow:property` or `camunda:property`
in its extensionElements, in any dialect), else its name. With the property the name is only
the label the diagram shows (`省乡村振兴局 / Provincial office`) and the property the group key
(`provincial_office`); without it the name is the group, as before the property existed.

SpiffWorkflow 3.2.0 reads lanes from flat flowNodeRef lists and hands a subprocess's lane down
to every node inside it, so a subprocess with a laneSet of its own (the leading group's review
inside the assessment) would route all its tasks to the lane the subprocess stands in. Here
each process and subprocess reads its own laneSet: the innermost lane that names a group (by
its property or its name) and lists a node wins, at any depth of childLaneSet; an inner lane
without the property routes by its own name, never by its outer lane's property. A node that
no lane of its container lists takes its activity's lane if it is a boundary event (modelers
seldom list those), else the lane its container stands in."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

_BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
_CONTAINERS = {_BPMN + "subProcess", _BPMN + "transaction", _BPMN + "adHocSubProcess"}
# Where a lane's group property may stand: spiff-arena's and Camunda Modeler's properties.
_PROPERTIES = (
    "{http://spiffworkflow.org/bpmn/schema/1.0/core}",
    "{http://camunda.org/schema/1.0/bpmn}",
)
_GROUP_PROPERTY = "group"
# The keys a user's groups may have (engine/auth/users.py, a layer above): a property spelled
# otherwise would route the lane's tasks to nobody.
_GROUP_KEY = re.compile(r"^[A-Za-z0-9_.@:-]{1,255}$")


def _group_properties(lane: etree._Element) -> list[str]:
    """The values of the lane's own `group` properties, as written."""
    return [
        prop.get("value") or ""
        for extensions in lane.iterchildren(_BPMN + "extensionElements")
        for namespace in _PROPERTIES
        for properties in extensions.iterchildren(namespace + "properties")
        for prop in properties.iterchildren(namespace + "property")
        if prop.get("name") == _GROUP_PROPERTY
    ]


def lane_group(lane: etree._Element) -> str | None:
    """The group a lane routes to: its `group` property, else its name; None for an unnamed
    lane without the property."""
    given = next((value.strip() for value in _group_properties(lane) if value.strip()), None)
    return given or lane.get("name") or None


def group_problems(root: etree._Element) -> list[tuple[etree._Element, str]]:
    """(lane, message) for each lane whose `group` property names no group: one that is empty
    or no group key, or two that disagree. Refused at deploy: routing by the name instead would
    send the lane's tasks to a group named like its label."""
    found: list[tuple[etree._Element, str]] = []
    for lane in root.iter(_BPMN + "lane"):
        values = [value.strip() for value in _group_properties(lane)]
        wrong = [value for value in values if not _GROUP_KEY.match(value)]
        if "" in values:
            problem = "its group property is empty (give the group key, or leave it out)"
        elif wrong:
            problem = f"its group property {wrong[0]!r} is no group key (letters, digits, _ . @ : -)"
        elif len(set(values)) > 1:
            problem = f"its group properties disagree ({', '.join(sorted(set(values)))})"
        else:
            continue
        found.append((lane, f"lane '{lane.get('name') or lane.get('id')}': {problem}"))
    return found


def document_lanes(root: etree._Element) -> dict[str, str | None]:
    """Element id → the group of its lane (lane_group) for every element inside every process
    of the document."""
    found: dict[str, str | None] = {}
    for process in root.iter(_BPMN + "process"):
        _read_container(process, None, found)
    return found


def _read_container(container: etree._Element, enclosing: str | None, found: dict[str, str | None]) -> None:
    own = _own_lanes(container)
    attached = {
        child.get("id"): child.get("attachedToRef")
        for child in container.iterchildren(_BPMN + "boundaryEvent")
    }
    for child in container.iterchildren():
        node_id = child.get("id") if isinstance(child.tag, str) else None
        if node_id is None or child.tag == _BPMN + "laneSet":
            continue
        lane = own.get(node_id) or own.get(attached.get(node_id) or "") or enclosing
        found[node_id] = lane
        if child.tag in _CONTAINERS:
            _read_container(child, lane, found)


def _own_lanes(container: etree._Element) -> dict[str, str]:
    """Node id → lane group from the laneSets directly inside `container`; those of the
    subprocesses nested in it are theirs."""
    found: dict[str, str] = {}
    for lane_set in container.iterchildren(_BPMN + "laneSet"):
        _read_lane_set(lane_set, found)
    return found


def _read_lane_set(lane_set: etree._Element, found: dict[str, str], outer: str | None = None) -> None:
    for lane in lane_set.iterchildren(_BPMN + "lane"):
        # a lane that names no group (no property, no name) is its outer lane's
        group = lane_group(lane) or outer
        if group:
            for ref in lane.iterchildren(_BPMN + "flowNodeRef"):
                if ref.text and ref.text.strip():
                    found[ref.text.strip()] = group
        for child_set in lane.iterchildren(_BPMN + "childLaneSet"):
            _read_lane_set(child_set, found, group)  # after the parent's refs: the inner lane wins


@dataclass(frozen=True)
class LaneChange:
    old: str
    new: str | None
    routes: bool  # the lane names the task's group (no candidateGroups property replaces it)


def correct_cached_specs(cached: dict, documents: list[etree._Element]) -> dict[str, LaneChange]:
    """Brings specs cached by an earlier parse (the JSON of spec_cache) in line with
    document_lanes, in place. Each process or subprocess takes its lanes from the first of
    `documents` that holds it; one found in none keeps its lanes. Returns the changed lanes by
    element id, leaving out ids that name different elements in different processes."""
    maps = [(document_lanes(root), {p.get("id") for p in root.iter(_BPMN + "process")}) for root in documents]
    changed: dict[str, LaneChange] = {}
    ambiguous: set[str] = set()
    for process in [cached["spec"], *cached.get("subprocess_specs", {}).values()]:
        lanes = next(
            (
                found
                for found, processes in maps
                if process.get("name") in found or process.get("name") in processes
            ),
            None,
        )
        if lanes is None:
            continue
        for task_spec in process.get("task_specs", {}).values():
            element, old = task_spec.get("bpmn_id"), task_spec.get("lane")
            # a null lane is SpiffWorkflow's own (a multi-instance wrapper), not one read wrongly
            if element not in lanes or old is None or lanes[element] == old:
                continue
            task_spec["lane"] = lanes[element]
            properties = (task_spec.get("extensions") or {}).get("properties") or {}
            change = LaneChange(old, lanes[element], not properties.get("candidateGroups"))
            if changed.get(element, change) != change:
                ambiguous.add(element)
            changed[element] = change
    return {element: change for element, change in changed.items() if element not in ambiguous}
