"""Scripts and expressions of uploaded BPMN, run so that they cannot do harm.

Uploaded BPMN comes from administrators' desks, so every script task body,
condition and expression is compiled with RestrictedPython under
`SandboxPolicy` (the same policy for the upload-time `check_source` and for
run time, so they agree) and executed with the guards of `guards.py` under
a deadline.  `make_script_engine` plugs this into SpiffWorkflow through its
documented extension point, a `BasePythonScriptEngineEnvironment` subclass.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import CodeType
from typing import Any, TypeGuard, cast
from zoneinfo import ZoneInfo

from RestrictedPython import (
    RestrictingNodeTransformer,
    compile_restricted_eval,
    compile_restricted_exec,
)
from RestrictedPython.compile import CompileResult
from RestrictedPython.transformer import copy_locations
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from ...clock import monotonic
from ...config import DEFAULT_TIMEZONE
from .guards import (
    GUARDED_AST_OPS,
    GUARDS,
    RESERVED,
    SAFE_BUILTINS,
    Abort,
    ScriptRefused,
    guarded_binary,
)

__all__ = ["ScriptRefused", "check_source", "make_script_engine", "last_day_of_february"]

SCRIPT_FILENAME = "<string>"  # SpiffWorkflow looks for this name to report the failing line
TIMEOUT_MESSAGE = "script exceeded its time limit"
DEFAULT_TIME_LIMIT = 1.0
# Not in the sandbox's builtins anyway; refusing the call up front gives the
# administrator a clear message at upload instead of a NameError at run time.
DENIED_CALLS = frozenset(
    {
        "exec",
        "eval",
        "compile",
        "open",
        "globals",
        "locals",
        "vars",
        "getattr",
        "setattr",
        "delattr",
        "hasattr",
        "dir",
        "input",
        "breakpoint",
        "help",
        "memoryview",
        "exit",
        "quit",
        "iter",
        "type",
        "super",
        "object",
        "bytearray",
        "bytes",
        "classmethod",
        "staticmethod",
    }
)
# `'name' in vars()` (or globals(), locals()) is how models ask whether a variable was given,
# and SpiffWorkflow runs it. The namespace itself must never reach a script, so only that
# membership test is accepted, asked of `_names_` (guards.py), which answers with names alone.
NAMESPACE_CALLS = frozenset({"vars", "globals", "locals"})


class _NotConstant(Exception):
    pass


def _fold(node: ast.AST) -> Any:
    """Value of a constant arithmetic expression, computed with the runtime guards."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_fold(node.operand)
    if isinstance(node, ast.BinOp) and type(node.op) in GUARDED_AST_OPS:
        return guarded_binary(GUARDED_AST_OPS[type(node.op)], _fold(node.left), _fold(node.right))
    raise _NotConstant


def _call(name: str, where: ast.stmt | ast.expr, *args: ast.expr) -> ast.Call:
    """`name(*args)` located at `where`; only the new nodes get locations."""
    func = ast.Name(id=name, ctx=ast.Load())
    call = ast.Call(func=func, args=list(args), keywords=[])
    for new in (func, call):
        copy_locations(new, where)
    return call


def _is_namespace_call(node: ast.AST) -> TypeGuard[ast.Call]:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in NAMESPACE_CALLS
        and not node.args
        and not node.keywords
    )


class SandboxPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy, plus: no imports, classes or bare `except:`,
    no calls to DENIED_CALLS, guarded `** * << + % //` and format specs, and a
    deadline checkpoint (`_tick_()`) in every loop, comprehension, function
    and lambda, so the deadline holds even if the tracer is lost."""

    def visit_Import(self, node: ast.AST) -> ast.AST:
        self.error(node, "imports are not allowed")
        return node

    visit_ImportFrom = visit_Import

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.error(node, "class definitions are not allowed")
        return node

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.AST:
        if node.type is None:  # would catch the sandbox's own abort
            self.error(node, 'a bare "except:" is not allowed; name the exception')
        return cast(ast.AST, super().visit_ExceptHandler(node))  # RestrictedPython returns the node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if isinstance(node.func, ast.Name) and node.func.id in DENIED_CALLS:
            only = f" (only \"'name' in {node.func.id}()\" is)" if node.func.id in NAMESPACE_CALLS else ""
            self.error(node, f'calling "{node.func.id}" is not allowed{only}')
        return cast(ast.AST, super().visit_Call(node))  # RestrictedPython returns the node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        asked = {
            i: right
            for i, (op, right) in enumerate(zip(node.ops, node.comparators, strict=True))
            if isinstance(op, (ast.In, ast.NotIn)) and _is_namespace_call(right)
        }
        for i in asked:  # a stand-in while the rest of the comparison is checked
            # a tuple is a valid constant node; typeshed's Constant does not list it
            node.comparators[i] = ast.Constant(())  # type: ignore[arg-type]
        node = cast(ast.Compare, super().visit_Compare(node))  # RestrictedPython returns the node
        for i, call in asked.items():
            node.comparators[i] = _call("_names_", call, ast.Constant(cast(ast.Name, call.func).id))
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self._refuse_constant_blowup(node)
        node = cast(ast.BinOp, super().visit_BinOp(node))  # RestrictedPython returns the node
        symbol = GUARDED_AST_OPS.get(type(node.op))
        if symbol is None:
            return node
        return _call("_op_", node, ast.Constant(symbol), node.left, node.right)

    def _refuse_constant_blowup(self, node: ast.BinOp) -> None:
        try:
            _fold(node)
        except Abort as refused:
            message = f"Line {getattr(node, 'lineno', None)}: {refused.message}"
            if message not in self.errors:  # nested constants report once
                self.errors.append(message)
        except Exception:
            pass  # not constant, or fails harmlessly: run time decides

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        node = cast(
            ast.FormattedValue, super().visit_FormattedValue(node)
        )  # RestrictedPython returns the node
        if node.format_spec is None:
            return node
        call = _call("_fmt_", node, node.value, ast.Constant(node.conversion), node.format_spec)
        new = ast.FormattedValue(value=call, conversion=-1, format_spec=None)
        copy_locations(new, node)
        return new

    def _tick_statement(self, where: ast.stmt | ast.expr) -> ast.Expr:
        statement = ast.Expr(value=_call("_tick_", where))
        copy_locations(statement, where)
        return statement

    def visit_While(self, node: ast.While) -> ast.AST:
        node = cast(ast.While, super().visit_While(node))  # RestrictedPython returns the node
        node.body.insert(0, self._tick_statement(node))
        return node

    def visit_For(self, node: ast.For) -> ast.AST:
        node = cast(ast.For, super().visit_For(node))  # RestrictedPython returns the node
        node.body.insert(0, self._tick_statement(node))
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node = cast(ast.FunctionDef, super().visit_FunctionDef(node))  # RestrictedPython returns the node
        node.body.insert(0, self._tick_statement(node))
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        node = cast(ast.Lambda, super().visit_Lambda(node))  # RestrictedPython returns the node
        node.body = ast.BoolOp(op=ast.And(), values=[_call("_tick_", node.body), node.body])
        copy_locations(node.body, node.body.values[1])
        return node

    def visit_comprehension(self, node: ast.comprehension) -> ast.AST:
        node = cast(ast.comprehension, super().visit_comprehension(node))  # RestrictedPython returns the node
        node.ifs.insert(0, _call("_tick_", node.iter))
        return node


def _compile(source: str, mode: str) -> CompileResult:
    if mode == "eval":  # like eval(): surrounding blanks of a BPMN text node are fine
        return compile_restricted_eval(source.strip(), SCRIPT_FILENAME, policy=SandboxPolicy)
    if mode == "exec":
        return compile_restricted_exec(source, SCRIPT_FILENAME, policy=SandboxPolicy)
    raise ValueError(f'mode must be "exec" or "eval", not {mode!r}')


def check_source(source: str, mode: str) -> list[str]:
    """Human-readable reasons why `source` may not run (empty if it may)."""
    return list(_compile(source, mode).errors)


@lru_cache(maxsize=2048)
def compile_sandboxed(source: str, mode: str) -> CodeType:
    """Compiled code, cached per source: the same conditions are evaluated over and over."""
    result = _compile(source, mode)
    if result.errors:
        raise ScriptRefused("; ".join(result.errors))
    assert result.code is not None  # RestrictedPython compiles whatever it does not refuse
    return result.code


def run(code: CodeType, namespace: dict[str, Any], time_limit: float) -> Any:
    """Evaluate `code` in `namespace` (task data + names) before a deadline.

    The deadline is checked on every line of script code by a tracer and in
    every compiled-in `_tick_()`.  Sandbox plumbing is added last, so data
    keys cannot shadow it, and taken out again afterwards."""
    deadline = monotonic() + time_limit

    def tick() -> bool:
        if monotonic() > deadline:
            raise Abort(TIMEOUT_MESSAGE)
        return True

    def trace_lines(frame: Any, event: str, arg: Any) -> Any:
        if monotonic() > deadline:
            raise Abort(TIMEOUT_MESSAGE)
        return trace_lines

    def trace_calls(frame: Any, event: str, arg: Any) -> Any:
        # Only script frames are interrupted: trusted helpers never stop halfway.
        return trace_lines if frame.f_code.co_filename == SCRIPT_FILENAME else None

    shadowed = {name: namespace[name] for name in RESERVED if name in namespace}
    namespace.update(GUARDS)
    namespace["_tick_"] = tick
    namespace["__builtins__"] = SAFE_BUILTINS
    previous = sys.gettrace()
    sys.settrace(trace_calls)
    try:
        return eval(code, namespace)
    except Abort as abort:
        # Keep the script frames in the traceback: SpiffWorkflow reports the line.
        raise ScriptRefused(abort.message).with_traceback(abort.__traceback__) from None
    finally:
        sys.settrace(previous)
        for name in RESERVED:
            namespace.pop(name, None)
        namespace.update(shadowed)


class SandboxedEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow's TaskDataEnvironment semantics, executed in the sandbox."""

    def __init__(self, names: dict[str, Any], time_limit: float = DEFAULT_TIME_LIMIT) -> None:
        super().__init__(names)
        # Seconds per evaluate/execute, fixed for the environment's life: every step of a
        # runtime runs its scripts under the one limit its settings give.
        self._time_limit = time_limit

    @property
    def time_limit(self) -> float:
        return self._time_limit

    def evaluate(
        self, expression: str, context: dict[str, Any], external_context: dict[str, Any] | None = None
    ) -> Any:
        code = compile_sandboxed(expression, "eval")
        namespace = dict(self.globals)
        namespace.update(external_context or {})
        namespace.update(context)
        return run(code, namespace, self.time_limit)

    def execute(
        self, script: str, context: dict[str, Any], external_context: dict[str, Any] | None = None
    ) -> bool:
        external_context = external_context or {}
        code = compile_sandboxed(script or "", "exec")
        self.check_for_overwrite(context, external_context)
        # Work on a copy so a script that fails halfway leaves no top-level
        # assignments behind; on success the result is TaskDataEnvironment's.
        scratch = {**context, **self.globals, **external_context}
        run(code, scratch, self.time_limit)
        self._remove_globals_and_functions_from_context(scratch, external_context)
        context.clear()
        context.update(scratch)
        return True

    def _remove_globals_and_functions_from_context(
        self, context: dict[str, Any], external_context: dict[str, Any]
    ) -> None:
        # Same rule as TaskDataEnvironment: new plain values stay in the task
        # data; names we provided, functions and builtins do not.
        for key in list(context):
            if (
                key == "__builtins__"
                or callable(context[key])
                or key in self.globals
                or key in external_context
            ):
                context.pop(key)

    def check_for_overwrite(self, context: dict[str, Any], external_context: dict[str, Any]) -> None:
        clashes = (set(self.globals) | set(external_context)) & set(context)
        if clashes:  # same fail-fast as TaskDataEnvironment
            raise ValueError(
                "You have task data that overwrites a predefined function(s). Please "
                f"change the following variable or field name(s): {sorted(clashes)}"
            )


def last_day_of_february(year: int) -> date:
    return date(year, 3, 1) - timedelta(days=1)


def _clocked_datetime(now: Callable[[], datetime]) -> type:
    """`datetime` as scripts see it: `datetime.now()` asks the engine's clock, not the system."""

    class ClockedDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            current = now()
            return current.astimezone(tz) if tz is not None else current

        @classmethod
        def today(cls):
            return now()

    ClockedDatetime.__name__ = ClockedDatetime.__qualname__ = "datetime"
    return ClockedDatetime


def _clocked_date(now: Callable[[], datetime]) -> type:
    class ClockedDate(date):
        @classmethod
        def today(cls):
            return now().date()

    ClockedDate.__name__ = ClockedDate.__qualname__ = "date"
    return ClockedDate


def make_script_engine(
    now: Callable[[], datetime],
    helpers: dict[str, Any] | None = None,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    zone: ZoneInfo | None = None,
) -> PythonScriptEngine:
    """A SpiffWorkflow script engine running everything in the sandbox.

    `now` is the injected clock; `helpers` are trusted callables/values made
    available to scripts by name; `time_limit` is the seconds each script or expression may
    run, and `zone` the clock's (the default zone when not given)."""

    def script_now() -> datetime:
        return now()

    names: dict[str, Any] = {
        "now": script_now,
        "datetime": _clocked_datetime(now),
        "timedelta": timedelta,
        "date": _clocked_date(now),
        "last_day_of_february": last_day_of_february,
        **(helpers or {}),
    }
    engine = PythonScriptEngine(environment=SandboxedEnvironment(names, time_limit))
    # Timers (definitions/timers.py) read the same clock and zone through the engine they run on.
    engine.now, engine.zone = now, zone or ZoneInfo(DEFAULT_TIMEZONE)
    return engine
