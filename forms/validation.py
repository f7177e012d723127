"""Server-side validation of user-task submissions against a form-js form.

The browser validates with form-js too, but the server is the authority: every
task completion passes through ``validate_submission``. Rules follow form-js's
own validator wherever that is observable to the user (required, trimmed
lengths counted in UTF-16 units, unchecked checkbox counts as missing when
required), so a form the page accepts is not then refused here.

Decisions worth knowing:
- Keys the form does not declare are dropped, not refused: the form is the
  contract for which process variables a task may write, and clients (form-js
  included) echo back the data they were given, so refusing would break them.
- ``disabled`` fields are dropped (form-js never submits them).
- ``pattern`` must match the whole value (``re.fullmatch``).
- FEEL parts ("=..." rules, ``conditional`` hiding) run in the browser only; a
  field that may be hidden is not required here, and "=..." rules are skipped.
- Options from ``valuesKey``/``valuesExpression`` are not known here, so only
  the value's shape (scalar / list of scalars) is checked for them.
- Row indices in error paths are 0-based: ``rows[2].name`` is the third row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from forms.fields import NOT_LIST, NOT_OBJECT, REQUIRED, Convert, converter_for
from forms.schema import CONTAINER_TYPES, KEYED_TYPES, FormSchemaError, check_form

__all__ = ["FormInvalid", "validate_submission"]

Errors = dict[str, list[str]]
_EMPTY_TYPE = {"textfield": str, "textarea": str, "checklist": list, "taglist": list}
_MISSING: Any = object()


class FormInvalid(Exception):
    """A submission broke the form's rules; ``errors`` maps field path -> messages.

    A submission that is not an object at all is reported under the key "".
    """

    def __init__(self, errors: Errors):
        super().__init__("; ".join(f"{path}: {', '.join(msgs)}" for path, msgs in errors.items()))
        self.errors = errors


def validate_submission(form: dict, data: dict) -> dict:
    """Return ``data`` cleaned to the form's fields, or raise FormInvalid.

    Raises FormSchemaError if ``form`` itself is unusable.
    """
    nodes = _compiled(form)
    if not isinstance(data, dict):
        raise FormInvalid({"": [NOT_OBJECT]})
    errors: Errors = {}
    cleaned = _run_nodes(nodes, data, "", errors)
    if errors:
        raise FormInvalid(errors)
    return cleaned


# -- compiled form tree -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Leaf:
    key: str
    required: bool
    checkbox: bool
    empty_type: type | None
    convert: Convert

    def run(self, value: Any, path: str, errors: Errors) -> Any:
        if _is_empty(value) or (self.checkbox and self.required and value is False):
            if self.required:
                errors[path] = [REQUIRED]
                return _MISSING
            return _MISSING if value is _MISSING else self._clean_empty(value)
        cleaned, messages = self.convert(value)
        if messages:
            errors[path] = messages
            return _MISSING
        return cleaned

    def _clean_empty(self, value: Any) -> Any:
        # A cleared field keeps its type's own empty value ("" / []); else None.
        if self.empty_type is not None and isinstance(value, self.empty_type):
            return self.empty_type()
        return None


@dataclass(frozen=True, slots=True)
class _Group:
    key: str
    nodes: tuple

    def run(self, value: Any, path: str, errors: Errors) -> Any:
        given = value is not _MISSING and value is not None
        if given and not isinstance(value, dict):
            errors[path] = [NOT_OBJECT]
            return _MISSING
        # Even an absent group is walked, so its required fields are reported.
        out = _run_nodes(self.nodes, value if given else {}, path + ".", errors)
        return out if out or given else _MISSING


@dataclass(frozen=True, slots=True)
class _Rows:
    key: str
    nodes: tuple

    def run(self, value: Any, path: str, errors: Errors) -> Any:
        if value is _MISSING or value is None:
            return _MISSING
        if not isinstance(value, list):
            errors[path] = [NOT_LIST]
            return _MISSING
        rows = []
        for index, row in enumerate(value):
            row_path = f"{path}[{index}]"
            if isinstance(row, dict):
                rows.append(_run_nodes(self.nodes, row, row_path + ".", errors))
            else:
                errors[row_path] = [NOT_OBJECT]
        return rows


def _run_nodes(nodes: tuple, data: dict, prefix: str, errors: Errors) -> dict:
    out = {}
    for node in nodes:
        cleaned = node.run(data.get(node.key, _MISSING), prefix + node.key, errors)
        if cleaned is not _MISSING:
            out[node.key] = cleaned
    return out


def _is_empty(value: Any) -> bool:
    return value is _MISSING or value is None or (isinstance(value, (str, list)) and not value)


# -- compiling ----------------------------------------------------------------


def _compiled(form: dict) -> tuple:
    if not isinstance(form, dict):
        raise FormSchemaError("form must be a JSON object")
    # Keyed by content, so an edited form file is never validated by a stale tree.
    return _compile_text(json.dumps(form, sort_keys=True, ensure_ascii=False, separators=(",", ":")))


@lru_cache(maxsize=256)
def _compile_text(text: str) -> tuple:
    form = json.loads(text)
    check_form(form)
    return _compile_nodes(form["components"], hideable=False)


def _compile_nodes(components: list, hideable: bool) -> tuple:
    nodes: list = []
    for comp in components:
        kind = comp["type"]
        hidden = hideable or bool(comp.get("conditional"))
        if kind in KEYED_TYPES and comp.get("disabled") is not True:
            nodes.append(_leaf(comp, kind, hidden))
        elif kind in CONTAINER_TYPES:
            children = _compile_nodes(comp.get("components") or [], hidden)
            path = comp.get("path")
            if not path:
                nodes.extend(children)
            else:
                nodes.append((_Group if kind == "group" else _Rows)(path, children))
    return tuple(nodes)


def _leaf(comp: dict, kind: str, hidden: bool) -> _Leaf:
    rules = comp.get("validate") or {}
    required = rules.get("required") is True and not hidden
    return _Leaf(comp["key"], required, kind == "checkbox", _EMPTY_TYPE.get(kind), converter_for(comp))
