"""Run-time half of the script sandbox: the names and guards scripts execute with.

Scripts and expressions come from uploaded BPMN, i.e. from administrators'
desks, so they run under RestrictedPython plus our own guards:

1. static refusals (RestrictedPython's policy, plus imports, classes, bare
   ``except:``, calls to exec/eval/open/getattr/..., constant blow-ups);
2. runtime guards for attribute/item access, iteration and the operators and
   methods whose cost can explode inside C code (``** * << + % //``,
   ``str.ljust`` and friends), where no tracer can interrupt them;
3. a deadline (see scripts.run).

Layer 1 and 3 live in scripts.py; this module is layer 2.
"""

from __future__ import annotations

import ast
import operator
import re
import sys
from collections.abc import Callable
from typing import Any

from RestrictedPython import safe_builtins, utility_builtins
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
)
from RestrictedPython.transformer import INSPECT_ATTRIBUTES

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


def _size(value: Any) -> int:
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
        total += _size(item) or 8
        if isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
    return total


def _check_size(size: int) -> None:
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
        _check_size(_deep_size(seq, MAX_SIZE // count + 1) * count)


def check_operation(symbol: str, a: Any, b: Any) -> None:
    """Refuse operations whose cost or result is out of proportion to their operands."""
    if symbol == "+":
        if _size(a) and _size(b):
            _check_size(_size(a) + _size(b))
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


# --- attribute access --------------------------------------------------


def _longest_value(table: Any) -> int:
    values = table.values() if isinstance(table, dict) else table if isinstance(table, (list, tuple)) else ()
    return max([len(v) for v in values if isinstance(v, str)] + [1])


def _expanded_tabs(s: str | bytes, tabsize: int = 8) -> int:
    tabs = s.count("\t") if isinstance(s, str) else s.count(b"\t")
    return len(s) + tabs * max(tabsize, 0)


def _replaced(s: str | bytes, old: Any, new: Any, count: int = -1) -> int:
    hits = s.count(old) if len(old) else len(s) + 1
    hits = min(hits, count) if count >= 0 else hits
    return len(s) + hits * max(len(new) - len(old), 0)


def _joined(sep: str | bytes, items: list[Any]) -> int:
    return len(sep) * max(len(items) - 1, 0) + sum(len(i) for i in items if isinstance(i, (str, bytes)))


# Methods whose result size is a *product* of their inputs, with estimators
# mirroring their signatures (so Python binds arguments exactly as the real call).
_ESTIMATES: dict[str, Callable[..., int]] = {
    "center": lambda s, width, *_: width,
    "ljust": lambda s, width, *_: width,
    "rjust": lambda s, width, *_: width,
    "zfill": lambda s, width: width,
    "expandtabs": _expanded_tabs,
    "replace": _replaced,
    "join": _joined,
    "translate": lambda s, table, *_, **__: len(s) * _longest_value(table),
    "extend": lambda lst, items: _size(lst) + _size(items),
    "to_bytes": lambda n, length=1, *_, **__: length,
}
_SIZED_OWNERS = (str, bytes, bytearray, list, int)


def _sized_method(method: Callable[..., Any], bound_to: Any, name: str) -> Callable[..., Any]:
    estimate = _ESTIMATES[name]

    def call(*args: Any, **kwargs: Any) -> Any:
        full = args if bound_to is None else (bound_to, *args)
        if name == "join" and len(full) == 2:
            full = (full[0], list(full[1]))  # a generator can only be consumed once
        _check_size(estimate(*full, **kwargs))
        return method(*(full if bound_to is None else full[1:]), **kwargs)

    return call


def guarded_getattr(obj: Any, name: str) -> Any:
    """`a.b` in a script.  Names starting with "_" never resolve; str.format is
    out because its field syntax (`{0.__class__}`) walks attributes unguarded."""
    if (
        not isinstance(name, str)
        or name.startswith("_")
        or name in INSPECT_ATTRIBUTES
        or name == "mro"
        or (name in ("format", "format_map") and (obj is str or isinstance(obj, str)))
    ):
        raise Abort(f'access to attribute "{name}" is not allowed')
    value = getattr(obj, name)
    owner = obj if isinstance(obj, type) else type(obj)
    if name in _ESTIMATES and issubclass(owner, _SIZED_OWNERS):
        return _sized_method(value, None if isinstance(obj, type) else obj, name)
    return value


class DiscardPrint:
    """print() is accepted but goes nowhere, so it formats (and allocates) nothing."""

    def __init__(self, _getattr_: Any = None) -> None:
        pass

    def __call__(self) -> str:
        return ""

    def _call_print(self, *objects: Any, **kwargs: Any) -> None:
        pass


def namespace_names(kind: str) -> frozenset[str]:
    """What `'name' in vars()` (`globals()`, `locals()`) asks, answered for the scope that
    asks it (a function's own names inside a function), with the names alone and without the
    sandbox's plumbing; the policy in scripts.py accepts those calls in that test only."""
    frame = sys._getframe(1)
    scope = frame.f_globals if kind == "globals" else frame.f_locals
    return frozenset(name for name in scope if name not in RESERVED)


def _apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


_NOT_PROVIDED = {
    "__build_class__",
    "setattr",
    "delattr",
    "_getattr_",
    # A script raising these would get past SpiffWorkflow's `except Exception`.
    "BaseException",
    "KeyboardInterrupt",
    "SystemExit",
    "GeneratorExit",
}
SAFE_BUILTINS: dict[str, Any] = {k: v for k, v in safe_builtins.items() if k not in _NOT_PROVIDED}
# utility_builtins minus its modules: math.factorial, random.randbytes & co run unbounded in C.
SAFE_BUILTINS.update({k: utility_builtins[k] for k in ("same_type", "test", "reorder")})
SAFE_BUILTINS.update(
    len=len,
    min=min,
    max=max,
    sum=sum,
    sorted=sorted,
    any=any,
    all=all,
    abs=abs,
    enumerate=enumerate,
    zip=zip,
    map=map,
    filter=filter,
    reversed=reversed,
    next=next,
    dict=dict,
    list=list,
    set=set,
    frozenset=frozenset,
    tuple=tuple,
    ascii=ascii,
    bin=bin,
    str=str,
    int=int,
    float=float,
    bool=bool,
    isinstance=isinstance,
    RecursionError=RecursionError,
    range=limited_range,
    pow=guarded_pow,
    divmod=guarded_divmod,
    round=guarded_round,
    format=guarded_format,
)
# Guards the compiled code calls; set in the globals, after the task data, so
# data keys of the same name cannot shadow them.
GUARDS: dict[str, Any] = {
    "_getattr_": guarded_getattr,
    "_getitem_": operator.getitem,
    "_getiter_": iter,
    "_write_": full_write_guard,
    "_inplacevar_": guarded_inplace,
    "_apply_": _apply,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_print_": DiscardPrint,
    "_op_": guarded_binary,
    "_fmt_": format_value,
    "_names_": namespace_names,
}
RESERVED = (*GUARDS, "_tick_", "__builtins__")
