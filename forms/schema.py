"""Reading and checking form-js form definitions.

A user task names a form written in the bpmn.io form-js JSON schema (what the
form-js editor saves). The web page renders that file with form-js as-is, and
the server validates task completions against it (see ``validation.py``), so a
form file must be usable by both. ``parse_form`` refuses, up front, anything the
server could not validate reliably, naming the offending component.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = [
    "FormSchemaError",
    "parse_form",
    "check_form",
    "form_id",
    "is_expression",
    "decimal_or_none",
    "KEYED_TYPES",
    "OPTION_TYPES",
    "DATA_FREE_TYPES",
]


class FormSchemaError(ValueError):
    """A form file that is not a usable form-js schema."""


# Components that bind one value under their ``key``.
KEYED_TYPES = frozenset(
    {
        "textfield",
        "textarea",
        "number",
        "checkbox",
        "checklist",
        "radio",
        "select",
        "taglist",
        "datetime",
        "expression",
        "filepicker",
    }
)
# Keyed components whose value is chosen from ``values`` (or dynamic options).
OPTION_TYPES = frozenset({"radio", "select", "checklist", "taglist"})
# Layout / display components: any ``key`` they carry (old form-js buttons
# had one) binds no data, so it is ignored rather than checked.
DATA_FREE_TYPES = frozenset(
    {
        "text",
        "html",
        "image",
        "spacer",
        "separator",
        "button",
        "iframe",
        "table",
        "documentPreview",
    }
)
CONTAINER_TYPES = frozenset({"group", "dynamiclist"})
_KNOWN_TYPES = KEYED_TYPES | DATA_FREE_TYPES | CONTAINER_TYPES

# Keys become process variable names and parts of error paths such as
# "rows[2].name", so dots, brackets and spaces would make both ambiguous.
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_VALIDATION_TYPES = frozenset({"", "custom", "email", "phone"})
_DATETIME_SUBTYPES = frozenset({"date", "time", "datetime"})
_NUMERIC_RULES = ("min", "max", "minLength", "maxLength")


def parse_form(text: str | bytes) -> dict:
    """Decode a form-js JSON document and check it; return the form dict."""
    if isinstance(text, bytes):
        # Editors on Windows like to prepend a BOM; json refuses it.
        text = text.decode("utf-8-sig")
    try:
        form = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormSchemaError(f"form is not valid JSON: {exc}") from None
    check_form(form)
    return form


def form_id(form: dict) -> str | None:
    """The form's ``id`` (what a user task refers to), if it has one."""
    value = form.get("id")
    return value if isinstance(value, str) and value else None


def check_form(form: Any) -> None:
    """Raise FormSchemaError unless ``form`` is a usable form-js schema dict."""
    if not isinstance(form, dict):
        raise FormSchemaError("form must be a JSON object")
    _check_children(form, "form", set())


def _check_children(parent: dict, where: str, scope: set[str]) -> None:
    components = parent.get("components")
    if components is None and parent.get("type") in CONTAINER_TYPES:
        return  # the editor writes empty containers without the list
    if not isinstance(components, list):
        raise FormSchemaError(f'{where} needs a "components" list')
    for index, comp in enumerate(components):
        _check_component(comp, f"{where} > components[{index}]", scope)


def _check_component(comp: Any, where: str, scope: set[str]) -> None:
    if not isinstance(comp, dict):
        raise FormSchemaError(f"{where} must be a JSON object")
    kind = comp.get("type")
    if not isinstance(kind, str) or not kind:
        raise FormSchemaError(f'{where} has no "type"')
    where = _describe(comp, where)
    if kind not in _KNOWN_TYPES:
        # form-js itself refuses the whole form on an unknown type.
        raise FormSchemaError(f'{where}: unknown component type "{kind}"')
    if kind in KEYED_TYPES:
        _claim(comp.get("key"), "key", where, scope)
        _check_validate(comp, where)
        _check_kind_specific(comp, kind, where)
    elif kind in CONTAINER_TYPES:
        _check_container(comp, kind, where, scope)


def _check_container(comp: dict, kind: str, where: str, scope: set[str]) -> None:
    path = comp.get("path")
    if kind == "dynamiclist" and not path:
        raise FormSchemaError(f'{where}: a dynamiclist needs a "path" for its rows')
    if path:
        _claim(path, "path", where, scope)
        # A path opens a fresh level: the children's keys live under it.
        _check_children(comp, where, set())
    else:
        # A group without path puts its children at the current level.
        _check_children(comp, where, scope)


def _claim(name: Any, attr: str, where: str, scope: set[str]) -> None:
    if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
        raise FormSchemaError(
            f'{where}: "{attr}" must be an identifier-like string '
            f"(letters, digits, underscore; not starting with a digit), got {name!r}"
        )
    if name in scope:
        raise FormSchemaError(f'{where}: duplicate key "{name}" at the same level')
    scope.add(name)


def _check_validate(comp: dict, where: str) -> None:
    rules = comp.get("validate")
    if rules is None:
        return
    if not isinstance(rules, dict):
        raise FormSchemaError(f'{where}: "validate" must be an object')
    for name in _NUMERIC_RULES:
        value = rules.get(name)
        if value is None or is_expression(value):
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise FormSchemaError(f"{where}: validate.{name} must be a number")
    kind = rules.get("validationType")
    if kind is not None and kind not in _VALIDATION_TYPES:
        raise FormSchemaError(f'{where}: unknown validate.validationType "{kind}"')
    _check_pattern(rules.get("pattern"), where)


def _check_pattern(pattern: Any, where: str) -> None:
    if pattern in (None, "") or is_expression(pattern):
        return
    if not isinstance(pattern, str):
        raise FormSchemaError(f"{where}: validate.pattern must be a string")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise FormSchemaError(f"{where}: validate.pattern does not compile: {exc}") from None


def _check_kind_specific(comp: dict, kind: str, where: str) -> None:
    if kind in OPTION_TYPES:
        _check_values(comp, where)
    elif kind == "datetime":
        subtype = comp.get("subtype", "date")
        if subtype not in _DATETIME_SUBTYPES:
            raise FormSchemaError(f'{where}: unknown datetime subtype "{subtype}"')
    elif kind == "number":
        digits = comp.get("decimalDigits")
        if digits is not None and (type(digits) is not int or digits < 0):
            raise FormSchemaError(f"{where}: decimalDigits must be a whole number >= 0")
        increment = comp.get("increment")
        if increment not in (None, "") and decimal_or_none(increment) is None:
            raise FormSchemaError(f"{where}: increment must be a positive number")


def _check_values(comp: dict, where: str) -> None:
    values = comp.get("values")
    if values is None:
        # Options fed from process data or an expression are legal form-js;
        # the server then cannot enforce membership, only the value's shape.
        if comp.get("valuesKey") or comp.get("valuesExpression"):
            return
        raise FormSchemaError(f'{where}: needs "values" (or valuesKey / valuesExpression)')
    if not isinstance(values, list) or not all(isinstance(v, dict) and "value" in v for v in values):
        raise FormSchemaError(f'{where}: "values" must be a list of {{"label", "value"}} objects')


def decimal_or_none(value: Any) -> Decimal | None:
    """A positive finite Decimal from a number or numeric string, else None.

    The editor saves ``increment`` as a string ("0.01"), so both are accepted.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() and number > 0 else None


def is_expression(value: Any) -> bool:
    """form-js FEEL expressions ("=...") are evaluated in the browser only."""
    return isinstance(value, str) and value.startswith("=")


def _describe(comp: dict, where: str) -> str:
    label = comp.get("key") or comp.get("path") or comp.get("id")
    kind = comp.get("type")
    return f'{where} ({kind} "{label}")' if isinstance(label, str) else f"{where} ({kind})"
