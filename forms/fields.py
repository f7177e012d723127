"""Per-type value checks for form-js fields, and the messages they give.

Each keyed component compiles once into a ``Convert``: a function taking the
submitted value (known to be non-empty) and returning ``(cleaned, messages)``.
Messages are bilingual, Chinese first then English, and name the rule's
limit so the page can show them beside the field without further context.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from forms.schema import OPTION_TYPES, decimal_or_none, is_expression

__all__ = ["Convert", "converter_for", "REQUIRED", "NOT_LIST", "NOT_OBJECT"]

Convert = Callable[[Any], tuple[Any, list[str]]]
Check = Callable[[Any], "str | None"]

REQUIRED = "必填 / required"
NOT_NUMBER = "须为数字 / must be a number"
NOT_TEXT = "须为文本 / must be text"
NOT_BOOL = "须为是或否 / must be true or false"
NOT_LIST = "须为列表 / must be a list"
NOT_OBJECT = "须为对象 / must be an object"
NOT_SCALAR = "须为单个值 / must be a single plain value"
BAD_EMAIL = "须为有效的电子邮箱地址 / must be a valid email address"
BAD_PHONE = "须为有效的国际电话号码，如 +4930664040900 / must be a valid international phone number, e.g. +4930664040900"
BAD_DATETIME = {
    "date": "须为日期 YYYY-MM-DD / must be a date YYYY-MM-DD",
    "time": "须为时间 HH:mm / must be a time HH:mm",
    "datetime": "须为日期时间 YYYY-MM-DDTHH:mm / must be a date-time YYYY-MM-DDTHH:mm",
}

# The HTML standard's definition of a valid e-mail address, as form-js uses.
_EMAIL = re.compile(
    r"[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*"
)
# form-js wants an international number: "+" or "00", country code, digits.
_PHONE = re.compile(r"(?:\+|00)[1-9]\d{5,22}")
_NUMERIC_TEXT = re.compile(r"-?\d+(?:\.\d+)?")
_TZ = r"(?:Z|[+-]\d{2}:\d{2})?"
# The shapes form-js writes; anything else could not be shown back in the page.
_DATETIME_SHAPES = {
    "date": (re.compile(r"\d{4}-\d{2}-\d{2}"), date.fromisoformat),
    "time": (re.compile(r"\d{2}:\d{2}(?::\d{2})?" + _TZ), time.fromisoformat),
    "datetime": (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?" + _TZ), datetime.fromisoformat),
}


def converter_for(comp: dict) -> Convert:
    """The value check for one keyed component (its type and ``validate``)."""
    kind = comp["type"]
    rules = comp.get("validate") or {}
    if kind in ("textfield", "textarea"):
        return _text_converter(rules)
    if kind == "number":
        return _number_converter(comp, rules)
    if kind == "checkbox":
        return _bool_converter
    if kind in OPTION_TYPES:
        return _option_converter(comp, many=kind in ("checklist", "taglist"))
    if kind == "datetime":
        return _datetime_converter(comp.get("subtype", "date"))
    return _pass_through  # expression / filepicker: computed or referenced in the browser


def _rule(rules: dict, name: str) -> Any:
    value = rules.get(name)
    return None if value in (None, "") or is_expression(value) else value


def _apply(checks: list[Check], value: Any) -> list[str]:
    return [message for check in checks if (message := check(value))]


def _text_converter(rules: dict) -> Convert:
    checks = _text_checks(rules)

    def convert(value: Any) -> tuple[Any, list[str]]:
        if not isinstance(value, str):
            return None, [NOT_TEXT]
        return value, _apply(checks, value)

    return convert


def _js_length(text: str) -> int:
    # form-js counts trimmed UTF-16 units; counting the same way keeps the
    # browser and the server agreeing on texts with emoji.
    return len(text.strip().encode("utf-16-le")) // 2


def _text_checks(rules: dict) -> list[Check]:
    checks: list[Check] = []
    if (low := _rule(rules, "minLength")) is not None:
        msg = f"长度不得少于 {low} 个字符 / must be at least {low} characters"
        checks.append(lambda v: msg if _js_length(v) < low else None)
    if (high := _rule(rules, "maxLength")) is not None:
        msg_hi = f"长度不得超过 {high} 个字符 / must be at most {high} characters"
        checks.append(lambda v: msg_hi if _js_length(v) > high else None)
    if (pattern := _rule(rules, "pattern")) is not None:
        regex = re.compile(pattern)
        msg_re = f"须符合格式 {pattern} / must match pattern {pattern}"
        checks.append(lambda v: None if regex.fullmatch(v) else msg_re)
    kind = rules.get("validationType")
    if kind in ("email", "phone"):
        regex_t, msg_t = (_EMAIL, BAD_EMAIL) if kind == "email" else (_PHONE, BAD_PHONE)
        checks.append(lambda v: None if regex_t.fullmatch(v) else msg_t)
    return checks


def _as_number(value: Any, as_text: bool) -> int | float | Decimal | None:
    # form-js's serializeToString option submits numbers as decimal strings.
    if as_text and isinstance(value, str) and _NUMERIC_TEXT.fullmatch(value):
        return Decimal(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value if math.isfinite(value) else None


def _number_converter(comp: dict, rules: dict) -> Convert:
    checks = _number_checks(comp, rules)
    as_text = comp.get("serializeToString") is True

    def convert(value: Any) -> tuple[Any, list[str]]:
        number = _as_number(value, as_text)
        if number is None:
            return None, [NOT_NUMBER]
        return value, _apply(checks, number)

    return convert


def _number_checks(comp: dict, rules: dict) -> list[Check]:
    checks: list[Check] = []
    if (low := _rule(rules, "min")) is not None:
        msg = f"不得小于 {low} / must be at least {low}"
        checks.append(lambda n: msg if n < low else None)
    if (high := _rule(rules, "max")) is not None:
        msg_hi = f"不得大于 {high} / must be at most {high}"
        checks.append(lambda n: msg_hi if n > high else None)
    digits = comp.get("decimalDigits")
    if digits is not None:
        msg_d = (
            f"小数不得超过 {digits} 位 / must have at most {digits} decimal places"
            if digits
            else "须为整数 / must be an integer"
        )
        checks.append(lambda n: msg_d if _decimal_places(n) > digits else None)
    step = decimal_or_none(comp.get("increment"))
    if step is not None:
        msg_s = f"须为 {step} 的整数倍 / must be a multiple of {step}"
        checks.append(lambda n: None if _is_multiple(n, step) else msg_s)
    return checks


def _exact(number: int | float | Decimal) -> Decimal:
    # repr gives the shortest decimal that round-trips, i.e. what the user typed.
    return number if isinstance(number, Decimal) else Decimal(repr(number))


def _decimal_places(number: int | float | Decimal) -> int:
    exponent = _exact(number).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _is_multiple(number: int | float | Decimal, step: Decimal) -> bool:
    try:
        return _exact(number) % step == 0
    except InvalidOperation:  # quotient too large to compute exactly
        return False


def _bool_converter(value: Any) -> tuple[Any, list[str]]:
    return (value, []) if isinstance(value, bool) else (None, [NOT_BOOL])


def _pass_through(value: Any) -> tuple[Any, list[str]]:
    return value, []


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool))


def _option_converter(comp: dict, many: bool) -> Convert:
    values = comp.get("values")
    allowed = None if values is None else [v["value"] for v in values]
    listing = "" if allowed is None else ", ".join(str(v) for v in allowed)
    msg = f"须为以下之一：{listing} / must be one of: {listing}"

    def ok(item: Any) -> bool:
        if not _is_scalar(item):
            return False
        # True == 1 in Python; an option 1 must not accept true, nor option true 1.
        return allowed is None or any(
            item == a and isinstance(item, bool) == isinstance(a, bool) for a in allowed
        )

    def convert(value: Any) -> tuple[Any, list[str]]:
        if many and not isinstance(value, list):
            return None, [NOT_LIST]
        good = all(ok(item) for item in value) if many else ok(value)
        if not good:
            return None, [msg if allowed is not None else NOT_SCALAR]
        return (list(value) if many else value), []

    return convert


def _datetime_converter(subtype: str) -> Convert:
    shape, parse = _DATETIME_SHAPES[subtype]
    msg = BAD_DATETIME[subtype]

    def convert(value: Any) -> tuple[Any, list[str]]:
        if not isinstance(value, str) or not shape.fullmatch(value):
            return None, [msg]
        try:
            parse(value)  # the shape is right; is it a real date (no 13th month)?
        except ValueError:
            return None, [msg]
        return value, []

    return convert
