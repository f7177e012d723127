"""Scripts and expressions of uploaded BPMN, run so that they cannot do harm.

Uploaded BPMN comes from administrators' desks, so every script task body,
condition and expression is compiled with RestrictedPython under
`SandboxPolicy` (policy.py: the same policy for the upload-time `check_source`
and for run time, so they agree) and executed with the guards of guards.py and
limits.py under the deadline kept here.  `make_script_engine` plugs this into SpiffWorkflow through its
documented extension point, a `BasePythonScriptEngineEnvironment` subclass.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from types import CodeType
from typing import Any
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from ...clock import monotonic, thread_time
from ...config import DEFAULT_TIMEZONE
from .guards import GUARDS, RESERVED, SAFE_BUILTINS
from .limits import Abort, ScriptRefused
from .policy import SCRIPT_FILENAME, compile_sandboxed

__all__ = ["make_script_engine", "last_day_of_february"]

TIMEOUT_MESSAGE = "script exceeded its time limit"
DEFAULT_TIME_LIMIT = 1.0


def run(code: CodeType, namespace: dict[str, Any], time_limit: float) -> Any:
    """Evaluate `code` in `namespace` (task data + names) before a deadline.

    The deadline is checked on every line of script code by a tracer and in
    every compiled-in `_tick_()`.  It bounds the script's own work: once the
    wall clock passes it, the thread's CPU time decides, and time spent waiting
    for a core on a busy machine moves the deadline on instead of failing the
    script.  Sandbox plumbing is added last, so data keys cannot shadow it, and
    taken out again afterwards."""
    started = thread_time()
    deadline = monotonic() + time_limit

    def check() -> None:
        nonlocal deadline
        if monotonic() > deadline:
            worked = thread_time() - started
            if worked >= time_limit:
                raise Abort(TIMEOUT_MESSAGE)
            deadline = monotonic() + time_limit - worked

    def tick() -> bool:
        check()
        return True

    def trace_lines(frame: Any, event: str, arg: Any) -> Any:
        check()
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
