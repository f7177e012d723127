"""Run-time half of the script sandbox: the names and guards scripts execute with.

Scripts and expressions come from uploaded BPMN, i.e. from administrators'
desks, so they run under RestrictedPython plus our own guards:

1. static refusals (RestrictedPython's policy, plus imports, classes, bare
   ``except:``, calls to exec/eval/open/getattr/..., constant blow-ups);
2. runtime guards for attribute/item access, iteration and the operators and
   methods whose cost can explode inside C code (``** * << + % //``,
   ``str.ljust`` and friends), where no tracer can interrupt them;
3. a deadline (see scripts.run).

Layer 1 lives in policy.py and layer 3 in scripts.py; layer 2 is this module (attribute
access, the builtins and guards scripts run with) and limits.py (what one operation may cost).
"""

from __future__ import annotations

import operator
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

from .limits import (
    Abort,
    check_size,
    format_value,
    guarded_binary,
    guarded_divmod,
    guarded_format,
    guarded_inplace,
    guarded_pow,
    guarded_round,
    limited_range,
    size_of,
)

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
    "extend": lambda lst, items: size_of(lst) + size_of(items),
    "to_bytes": lambda n, length=1, *_, **__: length,
}
_SIZED_OWNERS = (str, bytes, bytearray, list, int)


def _sized_method(method: Callable[..., Any], bound_to: Any, name: str) -> Callable[..., Any]:
    estimate = _ESTIMATES[name]

    def call(*args: Any, **kwargs: Any) -> Any:
        full = args if bound_to is None else (bound_to, *args)
        if name == "join" and len(full) == 2:
            full = (full[0], list(full[1]))  # a generator can only be consumed once
        check_size(estimate(*full, **kwargs))
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
    sandbox's plumbing; the policy in policy.py accepts those calls in that test only."""
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
