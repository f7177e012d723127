"""The static half of the script sandbox: what a script or expression may say at all.

`SandboxPolicy` is RestrictedPython's policy made stricter; the same policy compiles a
script at upload (`check_source`, for the deploy checks) and at run time
(`compile_sandboxed`), so the two always agree. Run-time guards are in guards.py and
limits.py, the deadline in scripts.py.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from types import CodeType
from typing import Any, TypeGuard, cast

from RestrictedPython import (
    RestrictingNodeTransformer,
    compile_restricted_eval,
    compile_restricted_exec,
)
from RestrictedPython.compile import CompileResult
from RestrictedPython.transformer import copy_locations

from .limits import GUARDED_AST_OPS, Abort, ScriptRefused, guarded_binary

SCRIPT_FILENAME = "<string>"  # SpiffWorkflow looks for this name to report the failing line
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
