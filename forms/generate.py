"""Made-up but valid submission data for a form, for simulations that drive whole cycles.

``generate`` walks a form the way the validator does (groups and dynamiclists with a
``path`` open a level, groups without one do not, ``disabled`` fields are skipped), keeps
whatever ``base`` already holds, invents the rest from each component's type and rules, and
finally merges ``overrides`` at the top level. Every invented value is checked with the
validator's own per-field check (``forms.fields.converter_for``) and drawn again if it fails,
so the rules live in one place.

Numbers whose range covers 60–98 are mostly drawn from 60–98, so that simulated ratings
spread over the grades instead of piling up around 50.
"""

from __future__ import annotations

import copy
import random
import string
from datetime import date, timedelta
from decimal import Decimal
from math import ceil, floor

# typeshed has no stubs for the private module
from re import _parser  # type: ignore[attr-defined]  # the stdlib's own regex parser (public alias sre_parse is deprecated)
from typing import Any

from forms.fields import converter_for
from forms.schema import (
    CONTAINER_TYPES,
    KEYED_TYPES,
    OPTION_TYPES,
    check_form,
    decimal_or_none,
    is_expression,
)

__all__ = ["generate"]

_ATTEMPTS = 100
_WORD = string.ascii_letters + string.digits + "_"
_CATEGORIES = {
    _parser.CATEGORY_DIGIT: string.digits,
    _parser.CATEGORY_WORD: _WORD,
    _parser.CATEGORY_SPACE: " ",
}
_REPEATS = (_parser.MAX_REPEAT, _parser.MIN_REPEAT, _parser.POSSESSIVE_REPEAT)
# Dates fall in an assessment window (November to February); simulations override them.
_FIRST_DAY = date(2025, 11, 1)
_DAYS = 120
_SHORT_TEXTS = ("云南省社会科学院", "省乡村振兴局", "张明", "李华", "王芳", "乡村振兴研究中心")
_SENTENCES = (
    "防止返贫动态监测和帮扶机制有效运行，监测对象应纳尽纳。",
    "脱贫人口和监测对象人均纯收入持续增长，增速高于全省农村居民平均水平。",
    "“两不愁三保障”及饮水安全成果持续巩固，未发生规模性返贫。",
    "易地扶贫搬迁后续扶持不断加强，搬迁群众就业总体稳定。",
    "产业帮扶和就业帮扶成效明显，村级集体经济进一步壮大。",
    "衔接资金使用管理规范，项目资产管理制度逐步健全。",
    "部分监测对象帮扶措施针对性不强，需进一步精准施策。",
    "群众认可度调查总体较高，个别村满意度有待提升。",
    "下一步将压实各级责任，持续开展排查整改，巩固拓展脱贫攻坚成果。",
)


def generate(
    form: dict, base: dict | None = None, *, rng: random.Random, overrides: dict | None = None
) -> dict:
    """Submission data for ``form`` that ``validate_submission`` accepts.

    Values in ``base`` are kept at their paths (a prefilled dynamiclist keeps its rows, and
    only their missing fields are filled); an empty or missing dynamiclist gets 0–2 rows.
    ``overrides`` is merged at the top level last, and is not checked.
    Raises FormSchemaError for an unusable form, ValueError for a ``pattern`` too
    complex to generate text for (lookarounds, back references).
    """
    check_form(form)
    data = copy.deepcopy(base) if base else {}
    _fill(form["components"], data, rng)
    data.update(overrides or {})
    return data


def _fill(components: list, data: dict, rng: random.Random) -> None:
    for comp in components:
        kind = comp["type"]
        if kind in CONTAINER_TYPES:
            path, children = comp.get("path"), comp.get("components") or []
            if not path:
                _fill(children, data, rng)
            elif kind == "group":
                if not isinstance(data.get(path), dict):
                    data[path] = {}
                _fill(children, data[path], rng)
            else:
                if not isinstance(data.get(path), list) or not data[path]:
                    data[path] = [{} for _ in range(rng.randint(0, 2))]
                for row in data[path]:
                    if isinstance(row, dict):
                        _fill(children, row, rng)
        elif kind in KEYED_TYPES and comp.get("disabled") is not True:
            if _missing(comp, data.get(comp["key"])):
                value = _valid_value(comp, rng)
                if value is not None:
                    data[comp["key"]] = value


def _missing(comp: dict, value: Any) -> bool:
    # As the validator sees it: empty, or an unticked checkbox that must be ticked.
    if value is None or (isinstance(value, (str, list)) and not value):
        return True
    return comp["type"] == "checkbox" and value is False and _required(comp)


def _required(comp: dict) -> bool:
    return (comp.get("validate") or {}).get("required") is True


def _rule(comp: dict, name: str) -> Any:
    value = (comp.get("validate") or {}).get(name)
    return None if value in (None, "") or is_expression(value) else value


def _valid_value(comp: dict, rng: random.Random) -> Any:
    convert = converter_for(comp)
    for _ in range(_ATTEMPTS):
        value = _value(comp, rng)
        if value is None or not convert(value)[1]:
            return value
    raise ValueError(f'cannot generate a valid value for "{comp["key"]}"')


def _value(comp: dict, rng: random.Random) -> Any:
    kind = comp["type"]
    if kind in ("textfield", "textarea"):
        return _text(comp, rng)
    if kind == "number":
        return _number(comp, rng)
    if kind == "checkbox":
        return _required(comp) or rng.random() < 0.1
    if kind in OPTION_TYPES:
        # Options from valuesKey / valuesExpression are unknown here; any scalar passes.
        options = [v["value"] for v in comp.get("values") or []] or ["option"]
        if kind in ("checklist", "taglist"):
            return rng.sample(options, rng.randint(1, len(options)))
        return rng.choice(options)
    if kind == "datetime":
        day = (_FIRST_DAY + timedelta(days=rng.randrange(_DAYS))).isoformat()
        clock = f"{rng.randint(8, 17):02d}:{rng.choice((0, 30)):02d}"
        return {"date": day, "time": clock, "datetime": f"{day}T{clock}"}[comp.get("subtype", "date")]
    # expression / filepicker: made in the browser; anything non-empty passes a required one.
    return "generated" if _required(comp) else None


def _text(comp: dict, rng: random.Random) -> str:
    pattern, kind = _rule(comp, "pattern"), (comp.get("validate") or {}).get("validationType")
    if pattern:
        return "".join(_emit(_parser.parse(pattern), rng))
    if kind == "email":
        return f"user{rng.randint(1, 9999)}@example.com"
    if kind == "phone":
        return f"+86{rng.randint(13000000000, 19999999999)}"
    low, high = _rule(comp, "minLength") or 0, _rule(comp, "maxLength")
    if comp["type"] == "textarea":
        text = "".join(rng.sample(_SENTENCES, rng.randint(1, 3)))
    else:
        text = rng.choice(_SHORT_TEXTS)
    while len(text) < low:
        text += rng.choice(_SENTENCES)
    return text if high is None else text[:high]


def _number(comp: dict, rng: random.Random) -> int | float | str:
    low, high = _rule(comp, "min"), _rule(comp, "max")
    if low is None:
        low = 0 if high is None else min(0, high - 100)
    if high is None:
        high = low + 100
    if low <= 60 and high >= 98 and rng.random() < 0.85:
        low, high = 60, 98  # a score: skew toward the range where the grades differ
    digits = comp.get("decimalDigits")
    step = decimal_or_none(comp.get("increment")) or Decimal(1).scaleb(-(2 if digits is None else digits))
    first, last = ceil(Decimal(str(low)) / step), floor(Decimal(str(high)) / step)
    number = step * rng.randint(first, last) if first <= last else Decimal(str(low))
    value = int(number) if number == number.to_integral_value() else float(number)
    return str(value) if comp.get("serializeToString") is True else value


def _emit(items: list, rng: random.Random) -> list[str]:
    """Characters matching a parsed regex (the common subset: literals, classes, repeats, groups)."""
    out: list[str] = []
    for op, arg in items:
        if op is _parser.LITERAL:
            out.append(chr(arg))
        elif op is _parser.NOT_LITERAL:
            out.append(rng.choice(_WORD.replace(chr(arg), "")))
        elif op is _parser.ANY:
            out.append(rng.choice(_WORD))
        elif op is _parser.IN:
            out.append(rng.choice(_class_chars(arg)))
        elif op in _REPEATS:
            low, high, sub = arg
            for _ in range(rng.randint(low, min(high, low + 8))):
                out += _emit(sub, rng)
        elif op is _parser.SUBPATTERN:
            out += _emit(arg[-1], rng)
        elif op is _parser.BRANCH:
            out += _emit(rng.choice(arg[1]), rng)
        elif op is not _parser.AT:  # anchors emit nothing
            raise ValueError(f"pattern too complex to generate text for ({op})")
    return out


def _class_chars(items: list) -> str:
    chars = ""
    for op, arg in items:
        if op is _parser.LITERAL:
            chars += chr(arg)
        elif op is _parser.RANGE:
            chars += "".join(map(chr, range(arg[0], min(arg[1], arg[0] + 200) + 1)))
        elif op is _parser.CATEGORY:
            chars += _CATEGORIES.get(arg, "")
    if items and items[0][0] is _parser.NEGATE:
        chars = "".join(c for c in _WORD if c not in chars)
    return chars or _WORD
