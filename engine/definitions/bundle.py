"""An upload, read: each file classified, hardened and parsed, every problem collected so the
administrator sees them all at once."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from forms.schema import FormSchemaError, form_id, parse_form

from .problems import Problem
from .xml import HostileOrMalformed, parse_xml

BPMN_SUFFIXES = (".bpmn", ".bpmn20.xml", ".xml")
DMN_SUFFIXES = (".dmn",)
FORM_SUFFIXES = (".json", ".form")


@dataclass
class Bundle:
    bpmn: dict[str | None, tuple[bytes, etree._Element]] = field(default_factory=dict)
    dmn: dict[str, tuple[bytes, etree._Element]] = field(default_factory=dict)
    forms: dict[str, str] = field(default_factory=dict)  # form key -> canonical JSON text
    problems: list[Problem] = field(default_factory=list)


def read_bundle(files: Sequence[tuple[str | None, bytes]]) -> Bundle:
    """`files` are (filename, content); a filename of None is an application/xml body."""
    bundle = Bundle()
    for filename, content in files:
        name = (filename or "").lower()
        try:
            if filename is None or name.endswith(BPMN_SUFFIXES):
                bundle.bpmn[filename] = (content, parse_xml(content, filename))
            elif name.endswith(DMN_SUFFIXES):
                bundle.dmn[filename] = (content, parse_xml(content, filename))
            elif name.endswith(FORM_SUFFIXES):
                _read_form(bundle, filename, content)
            else:
                bundle.problems.append(
                    Problem(
                        filename,
                        None,
                        None,
                        "unknown file type: expected .bpmn, .dmn or a form (.json, .form)",
                    )
                )
        except HostileOrMalformed as exc:
            bundle.problems.append(exc.problem)
    if not bundle.bpmn and not bundle.problems:
        bundle.problems.append(Problem(None, None, None, "no BPMN file in the deployment"))
    return bundle


def _read_form(bundle: Bundle, filename: str, content: bytes) -> None:
    try:
        form = parse_form(content)
    except FormSchemaError as exc:
        bundle.problems.append(Problem(filename, None, None, f"form refused: {exc}"))
        return
    key = Path(filename).name.removesuffix(".json").removesuffix(".form")
    text = json.dumps(form, ensure_ascii=False, sort_keys=True)
    bundle.forms[key] = text
    if (named := form_id(form)) and named != key:
        bundle.forms[named] = text


def shipped_forms(forms_dir: Path) -> dict[str, str]:
    """Forms that ship with Kaoping, by key, so a BPMN may reference them without uploading."""
    found: dict[str, str] = {}
    for path in sorted(forms_dir.glob("*.json")):
        try:
            form = parse_form(path.read_bytes())
        except FormSchemaError:
            continue
        text = json.dumps(form, ensure_ascii=False, sort_keys=True)
        found[path.stem] = text
        if named := form_id(form):
            found.setdefault(named, text)
    return found
