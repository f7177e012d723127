"""What one operation of a script may cost: the sizes and bit lengths an operator, a format
or a builtin may produce, checked before the work is done in C code, where no tracer or
deadline can interrupt it. Also the two exceptions the whole sandbox raises.

Part of the run-time half of the sandbox (guards.py holds attribute access and the names
scripts run with)."""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from typing import Any

MAX_SIZE = 10_000_000  # bytes one operation may produce (chars; 8 per container slot)
MAX_INT_BITS = 100_000  # ~30,000 digits: keeps int multiply/divide in the millisecond range
MAX_POWMOD_BITS = 4096  # three-argument pow: RSA-sized operands at most
MAX_RANGE = 100_000
MAX_ROUND_DIGITS = 4300  # round(x, -n) computes 10**n in C


class ScriptRefused(Exception):
    """A script is statically forbidden or broke the sandbox rules at run time.

    A plain Exception on purpose: SpiffWorkflow wraps those into
    WorkflowTaskException (an incident); it swallows some of its own types.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Abort(BaseException):
    """Raised inside the sandbox.  BaseException keeps it out of a script's
    ``except Exception``; `run` turns it into ScriptRefused on the way out."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- size estimates -----------------------------------------------------


def size_of(value: Any) -> int:
    """Shallow size of a sequence (0 for anything else): cheap enough for `+`."""
    if isinstance(value, (str, bytes, bytearray)):
        return len(value)
    if isinstance(value, (list, tuple)):
        return 8 * len(value)
    return 0


def _deep_size(value: Any, budget: int) -> int:
    """What repr()/JSON would see, counting shared references every time they
    occur; stops as soon as `budget` is exceeded (so cycles terminate)."""
    total, stack = 0, [value]
    while stack and total <= budget:
        item = stack.pop()
        total += size_of(item) or 8
        if isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
    return total


def check_size(size: int) -> None:
    if size > MAX_SIZE:
        raise Abort(f"result would exceed {MAX_SIZE:,} bytes")


def _check_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise Abort(f"integer result would exceed {MAX_INT_BITS:,} bits")


def _is_int(value: Any) -> bool:
    return isinstance(value, int)  # bool included, as Python does


def _too_big(digits: str) -> bool:
    return len(digits) > 8 or int(digits) > MAX_SIZE


# --- operators ------------------------------------------------------------

_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")


def _check_percent_format(template: str | bytes, args: Any) -> None:
    """`'%*s' % (10**9, '')` or `'%.999999999f'` allocate inside C."""
    text = template if isinstance(template, str) else template.decode("latin-1")
    star = False
    for width, precision in _PRINTF.findall(text):
        star = star or "*" in (width, precision)
        if any(n.isdigit() and _too_big(n) for n in (width, precision)):
            raise Abort("format width or precision too large")
    values = args if isinstance(args, tuple) else (args,)
    if star and any(_is_int(v) and v > MAX_SIZE for v in values):
        raise Abort("format width or precision too large")


def _check_multiply(a: Any, b: Any) -> None:
    if _is_int(a) and _is_int(b):
        _check_bits(a.bit_length() + b.bit_length())
        return
    seq, count = (a, b) if _is_int(b) else (b, a)
    if _is_int(count) and count > 1 and isinstance(seq, (str, bytes, bytearray, list, tuple)):
        check_size(_deep_size(seq, MAX_SIZE // count + 1) * count)


def check_operation(symbol: str, a: Any, b: Any) -> None:
    """Refuse operations whose cost or result is out of proportion to their operands."""
    if symbol == "+":
        if size_of(a) and size_of(b):
            check_size(size_of(a) + size_of(b))
    elif symbol == "*":
        _check_multiply(a, b)
    elif symbol == "**":
        if _is_int(a) and _is_int(b) and b > 0 and abs(a) > 1:
            _check_bits(a.bit_length() * b)
    elif symbol == "<<":
        if _is_int(a) and _is_int(b) and b > 0:
            _check_bits(a.bit_length() + b)
    elif symbol == "%" and isinstance(a, (str, bytes)):
        _check_percent_format(a, b)
    elif symbol in ("%", "//") and _is_int(a) and _is_int(b):
        _check_bits(max(a.bit_length(), b.bit_length()))  # long division is quadratic


_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "*": operator.mul,
    "**": operator.pow,
    "<<": operator.lshift,
    "%": operator.mod,
    "//": operator.floordiv,
}
_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
    "**=": operator.ipow,
    "<<=": operator.ilshift,
    ">>=": operator.irshift,
    "&=": operator.iand,
    "|=": operator.ior,
    "^=": operator.ixor,
    "@=": operator.imatmul,
}
GUARDED_AST_OPS: dict[type, str] = {
    ast.Add: "+",
    ast.Mult: "*",
    ast.Pow: "**",
    ast.LShift: "<<",
    ast.Mod: "%",
    ast.FloorDiv: "//",
}


def guarded_binary(symbol: str, a: Any, b: Any) -> Any:
    check_operation(symbol, a, b)
    return _BINARY[symbol](a, b)


def guarded_inplace(op: str, target: Any, value: Any) -> Any:
    check_operation(op[:-1], target, value)
    return _INPLACE[op](target, value)  # in place, so `lst += x` still mutates lst


# --- builtins that take sizes -------------------------------------------


def guarded_format(value: Any, spec: str = "") -> str:
    if isinstance(spec, str) and any(_too_big(d) for d in re.findall(r"\d+", spec)):
        raise Abort("format width or precision too large")
    return format(value, spec)


_CONVERSIONS: dict[int, Callable[[Any], str]] = {ord("s"): str, ord("r"): repr, ord("a"): ascii}


def format_value(value: Any, conversion: int, spec: str) -> str:
    """f-string field with a format spec: `f"{x!r:>{w}}"`."""
    if conversion in _CONVERSIONS:
        value = _CONVERSIONS[conversion](value)
    return guarded_format(value, spec)


def guarded_pow(base: Any, exp: Any, mod: Any = None) -> Any:
    if mod is None:
        return guarded_binary("**", base, exp)
    if _is_int(exp) and _is_int(mod) and max(exp.bit_length(), mod.bit_length()) > MAX_POWMOD_BITS:
        raise Abort(f"pow() operands over {MAX_POWMOD_BITS} bits")
    return pow(base, exp, mod)


def guarded_divmod(a: Any, b: Any) -> Any:
    check_operation("//", a, b)
    return divmod(a, b)


def guarded_round(number: Any, ndigits: Any = None) -> Any:
    if ndigits is None:
        return round(number)
    if _is_int(ndigits) and abs(ndigits) > MAX_ROUND_DIGITS:
        raise Abort("round() precision too large")
    return round(number, ndigits)


def limited_range(*args: int) -> range:
    span = range(*args)
    try:
        too_long = len(span) > MAX_RANGE
    except OverflowError:
        too_long = True
    if too_long:
        raise Abort(f"range() longer than {MAX_RANGE:,} elements")
    return span
