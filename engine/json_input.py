"""JSON and text that come from outside, held to what every layer below can take.

Whatever a caller sends ends up in SpiffWorkflow's task data, in scripts, and in JSON columns of
SQLite and PostgreSQL. Each of those has limits the JSON grammar does not: Python recurses once
per nesting level, `int()` refuses more than 4,300 digits, PostgreSQL's jsonb and text refuse
NUL and unpaired surrogates and its integer columns stop at 64 bits, and NaN/Infinity are not
JSON at all (SQLite would keep them and serve them back as bare `NaN`). So input is refused
here, once, with a 400 that names the rule, before any of those layers sees it.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .errors import BadRequest

MAX_DEPTH = 64  # far beyond any form or payload, far below Python's recursion limit
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# 19 digits hold every 64-bit integer; longer literals are refused before int() reads them.
_MAX_INT_DIGITS = 19
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def loads(data: bytes | str) -> Any:
    """Parse a request body; raise BadRequest if it breaks any of the rules above."""
    try:
        text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
    except UnicodeDecodeError:
        raise BadRequest("the body is not UTF-8", code="invalid_json") from None
    try:
        document = json.loads(text, parse_constant=_no_constant, parse_int=_int, parse_float=_float)
    except RecursionError:
        raise _too_deep() from None
    except json.JSONDecodeError as exc:
        raise BadRequest(
            f"the body is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", code="invalid_json"
        ) from None
    _check_tree(document)
    return document


def unstorable_text(text: str) -> bool:
    """True for text no database column can hold: a NUL or a lone UTF-16 surrogate."""
    return _UNSTORABLE.search(text) is not None


def text_error(where: str) -> BadRequest:
    return BadRequest(
        f"{where} contains a NUL character or an unpaired surrogate",
        code="unstorable_text",
        details={where: ["NUL and unpaired surrogates are not allowed"]},
    )


def _no_constant(name: str) -> Any:
    raise BadRequest(f"{name} is not a JSON number", code="number_out_of_range")


def _int(literal: str) -> int:
    digits = literal.lstrip("-")
    if len(digits) > _MAX_INT_DIGITS or not INT64_MIN <= (value := int(literal)) <= INT64_MAX:
        raise BadRequest("integers must fit in 64 bits", code="number_out_of_range")
    return value


def _float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise BadRequest(f"{literal[:40]} is beyond the range of a double", code="number_out_of_range")
    return value


def _too_deep() -> BadRequest:
    return BadRequest(f"the body nests deeper than {MAX_DEPTH} levels", code="json_too_deep")


def _check_tree(document: Any) -> None:
    # Iterative, so checking a deep document cannot itself overflow the stack.
    stack: list[tuple[Any, int]] = [(document, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if unstorable_text(value):
                raise text_error("the body")
        elif isinstance(value, (dict, list)):
            if depth >= MAX_DEPTH:
                raise _too_deep()
            if isinstance(value, dict):
                stack.extend((key, depth) for key in value)
                stack.extend((item, depth + 1) for item in value.values())
            else:
                stack.extend((item, depth + 1) for item in value)
