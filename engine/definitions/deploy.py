"""Deploying: validate an upload as a whole, then store each executable process it defines as
a new version of its key, or answer with the existing version when nothing changed."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.defaults import StartEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..persistence.models import AuditEvent, Definition
from . import calls, lanes, task_properties
from .bundle import Bundle, read_bundle, shipped_forms
from .expressions import collect_expressions
from .parser import KaopingParser, new_parser
from .problems import DeployRejected, Problem
from .sandbox.policy import check_source
from .serializer import StateSerializer
from .timers import is_literal
from .xml import parse_xml

_DEPLOYED = "deployed:"


@dataclass(frozen=True)
class Deployed:
    definition: Definition
    created: bool


def deploy(
    session: Session,
    files: Sequence[tuple[str | None, bytes]],
    *,
    actor: str,
    now: datetime,
    forms_dir: Path,
    serializer: StateSerializer,
) -> list[Deployed]:
    bundle = read_bundle(files)
    _refuse_if(bundle.problems)
    _carry_over_decisions(session, bundle)
    parser = new_parser()
    _refuse_if(_feed(parser, bundle) + _lane_problems(bundle))
    own = [
        pid
        for pid, p in parser.process_parsers.items()
        if p.process_executable and not str(p.filename).startswith(_DEPLOYED)
    ]
    if not own:
        _refuse_if([Problem(None, None, None, "the BPMN defines no executable process")])
    called_hashes = _add_called_processes(session, parser, own)
    _refuse_if(calls.cycles(parser.process_parsers, own))
    forms = {**shipped_forms(forms_dir), **bundle.forms}
    results: list[tuple[Any, ...]] = []
    problems: list[Problem] = []
    for pid in own:
        parsed = _parse_process(parser, pid, forms, problems)
        if parsed and not problems:
            results.append((pid, *parsed))
    _refuse_if(problems)
    return [
        _store(
            session,
            parser,
            bundle,
            called_hashes,
            pid,
            spec,
            subs,
            used_forms,
            actor=actor,
            now=now,
            serializer=serializer,
        )
        for pid, spec, subs, used_forms in results
    ]


_SPIFF = {"spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
_CAMUNDA = {"camunda": "http://camunda.org/schema/1.0/bpmn"}


def _carry_over_decisions(session: Session, bundle: Bundle) -> None:
    """A BPMN edited in the modeler comes alone: the decisions it calls that the upload lacks
    are taken from the DMN files of deployed definitions (their latest versions)."""
    wanted = {
        ref.text.strip()
        for _, tree in bundle.bpmn.values()
        for ref in tree.xpath("//spiffworkflow:calledDecisionId", namespaces=_SPIFF)
        if ref.text
    }
    wanted |= {
        ref.strip()
        for _, tree in bundle.bpmn.values()  # the Camunda dialect's
        for ref in tree.xpath("//@camunda:decisionRef", namespaces=_CAMUNDA)
        if ref.strip()
    }
    wanted -= {d for _, tree in bundle.dmn.values() for d in _decision_ids(tree)}
    if not wanted:
        return
    for files in session.scalars(select(Definition.files).order_by(Definition.created_at.desc())):
        for name, text in (files or {}).get("dmn", {}).items():
            tree = parse_xml(text.encode(), name)
            if wanted & set(_decision_ids(tree)) and name not in bundle.dmn:
                bundle.dmn[name] = (text.encode(), tree)
                wanted -= set(_decision_ids(tree))
        if not wanted:
            return


def _decision_ids(tree) -> list[str]:
    return [node.get("id") for node in tree.iter() if str(node.tag).endswith("}decision")]


def _refuse_if(problems: list[Problem]) -> None:
    if problems:
        raise DeployRejected(problems)


def _feed(parser: KaopingParser, bundle: Bundle) -> list[Problem]:
    problems: list[Problem] = []
    filename: str | None
    for filename, (_, tree) in bundle.dmn.items():
        try:
            parser.add_dmn_xml(tree, filename=filename)
        except (ValidationException, SpiffWorkflowException) as exc:
            problems.append(_problem(exc, filename))
    for filename, (_, tree) in bundle.bpmn.items():
        try:
            parser.add_bpmn_xml(tree, filename=filename)
        except (ValidationException, SpiffWorkflowException) as exc:
            problems.append(_problem(exc, filename))
    return problems


def _lane_problems(bundle: Bundle) -> list[Problem]:
    """A lane's `group` property that names no group (lanes.group_problems), at the lane."""
    return [
        Problem(filename, lane.sourceline, lane.get("id"), message)
        for filename, (_, tree) in bundle.bpmn.items()
        for lane, message in lanes.group_problems(tree)
    ]


def _add_called_processes(session: Session, parser: KaopingParser, own: list[str]) -> dict[str, str]:
    """Call activities may name processes deployed earlier: their latest version joins the parse."""
    hashes: dict[str, str] = {}
    missing = set(parser.get_process_dependencies()) - set(parser.process_parsers)
    while missing:
        key = missing.pop()
        latest = _latest(session, key)
        if latest is None:
            continue  # get_subprocess_specs names the call activity that wants it
        parser.add_bpmn_xml(parse_xml(latest.bpmn_xml.encode(), None), filename=_DEPLOYED + key)
        hashes[key] = latest.content_hash
        missing |= set(parser.get_process_dependencies()) - set(parser.process_parsers)
    return hashes


def _parse_process(parser, pid, forms, problems):
    filename = parser.get_process_parser(pid).filename
    try:
        spec = parser.get_spec(pid)
        subs = parser.get_subprocess_specs(pid)
    except (ValidationException, SpiffWorkflowException) as exc:
        problems.append(_problem(exc, filename))
        return None
    used_forms: dict[str, str] = {}
    for each in [spec, *subs.values()]:
        tree = parser.get_process_parser(each.name).node if parser.get_process_parser(each.name) else None
        for task_spec in each.task_specs.values():
            key = task_properties.form_key(task_spec) if task_properties.is_human(task_spec) else None
            if key and key not in forms:
                problems.append(
                    Problem(
                        filename,
                        _line_of(tree, task_spec.bpmn_id),
                        task_spec.bpmn_id,
                        f"form '{key}' is neither in the deployment nor shipped in forms/",
                    )
                )
            elif key:
                used_forms[key] = forms[key]
            refused = task_properties.completed_by_problem(task_spec)
            if refused:
                problems.append(
                    Problem(filename, _line_of(tree, task_spec.bpmn_id), task_spec.bpmn_id, refused)
                )
        for element, source, mode in collect_expressions(each):
            if is_literal(source):
                continue  # plain ISO 8601 timer text is read as text, never run (timers.py)
            for message in check_source(source, mode):
                problems.append(
                    Problem(filename, _line_of(tree, element), element, f"script refused: {message}")
                )
    return spec, subs, used_forms


def _store(
    session, parser, bundle, called_hashes, pid, spec, subs, used_forms, *, actor, now, serializer
) -> Deployed:
    filename = parser.get_process_parser(pid).filename
    bpmn_bytes = bundle.bpmn[filename][0]
    dmn = {name: content.decode() for name, (content, _) in bundle.dmn.items()}
    digest = _content_hash(bpmn_bytes, dmn, used_forms, called_hashes)
    latest = _latest(session, pid)
    if latest is not None and latest.content_hash == digest:
        return Deployed(latest, created=False)
    definition = Definition(
        id=uuid.uuid4().hex,
        key=pid,
        version=(latest.version + 1) if latest else 1,
        name=parser.get_process_parser(pid).node.get("name") or pid,
        content_hash=digest,
        bpmn_xml=bpmn_bytes.decode(),
        files={"dmn": dmn, "forms": used_forms},
        spec_cache=serializer.specs_to_text(spec, subs),
        start_groups=_start_groups(spec),
        deployed_by=actor,
        created_at=now,
    )
    session.add(definition)
    session.add(
        AuditEvent(
            instance_id=None,
            at=now,
            type="definition.deployed",
            actor=actor,
            element=pid,
            data={"key": pid, "version": definition.version, "id": definition.id},
        )
    )
    session.flush()
    return Deployed(definition, created=True)


def _latest(session: Session, key: str) -> Definition | None:
    return session.scalars(
        select(Definition).where(Definition.key == key).order_by(Definition.version.desc()).limit(1)
    ).first()


def _content_hash(bpmn: bytes, dmn: dict, forms: dict, called: dict) -> str:
    digest = hashlib.sha256(bpmn)
    for part in (dmn, forms, called):
        for name in sorted(part):
            digest.update(b"\0" + name.encode() + b"\0" + part[name].encode())
    return digest.hexdigest()


def _start_groups(spec) -> list[str]:
    """The groups of the lanes that hold the start events (a lane's group property, else its
    name: lanes.py)."""
    return sorted({ts.lane for ts in spec.task_specs.values() if isinstance(ts, StartEvent) and ts.lane})


def _line_of(tree, element_id: str | None) -> int | None:
    if tree is None or not element_id:
        return None
    found = tree.getroottree().xpath("//*[@id=$id]", id=element_id)
    return found[0].sourceline if found else None


def _problem(exc: Exception, filename: str | None) -> Problem:
    line = getattr(exc, "line_number", None)
    return Problem(
        file=getattr(exc, "file_name", None) or filename,
        line=int(str(line)) if str(line or "").isdigit() else None,
        element=getattr(exc, "id", None) or None,
        message=str(exc.args[0]) if exc.args else str(exc),
    )
