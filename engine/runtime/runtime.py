"""The runtime's parts, wired once per process: database, clock, serializer, spec cache and the
sandboxed script engine. Flask, the CLI and the scheduler each hold one; nothing is global."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from ..clock import Clock, ControlledClock, SystemClock, parse_instant
from ..config import Settings
from ..definitions.cache import DefinitionCache
from ..definitions.sandbox.scripts import make_script_engine
from ..definitions.serializer import StateSerializer
from ..extensions import Extension, Extensions
from ..extensions import load as load_extensions
from ..persistence.clock_row import DatabaseClockStorage
from ..persistence.db import Database
from .budget import bound_cardinality
from .warm import WarmWorkflows


@dataclass
class Runtime:
    settings: Settings
    db: Database
    clock: Clock
    serializer: StateSerializer
    definitions: DefinitionCache
    script_engine: PythonScriptEngine
    # What the extensions add: script helpers (already in script_engine), task hooks, tables,
    # blueprints, commands and reference data (engine/extensions.py).
    extensions: Extensions
    # The wall clock, whatever `clock` is: webhook signatures and retries are checked against
    # the receivers' clocks, never the controlled one (API.md).
    wall: Clock
    # Workflows this process saved, kept restored for the next step on the same instance.
    warm: WarmWorkflows
    # Fault injection for the crash tests: called after a step is applied, before it is saved.
    before_save: Callable[[], None] | None = field(default=None)

    @classmethod
    def create(
        cls,
        settings: Settings,
        *,
        clock: Clock | None = None,
        db: Database | None = None,
        extensions: Iterable[Extension] | None = None,
    ) -> Runtime:
        """`extensions` None: those `settings.extensions` selects among the installed ones."""
        db = db or Database(settings.database_url)
        clock = clock or _clock(settings, db)
        serializer = StateSerializer()
        chosen = Extensions(load_extensions(settings) if extensions is None else extensions, settings)
        helpers: dict[str, Any] = {}
        engine = make_script_engine(
            clock.now, helpers, zone=clock.zone, time_limit=settings.script_time_limit
        )
        bound_cardinality(engine, settings.step_task_limit)
        rt = cls(
            settings=settings,
            db=db,
            clock=clock,
            serializer=serializer,
            definitions=DefinitionCache(serializer),
            script_engine=engine,
            wall=SystemClock(settings.timezone),
            warm=WarmWorkflows(settings.warm_state_chars),
            extensions=chosen,
        )
        # Helpers are given the runtime they serve, so they exist only once it does.
        _add_script_names(engine, chosen.script_helpers(rt))
        return rt


def _clock(settings: Settings, db: Database) -> Clock:
    if not settings.controlled_clock:
        return SystemClock(settings.timezone)
    zone = ZoneInfo(settings.timezone)
    start = parse_instant(settings.clock_start, zone) if settings.clock_start else None
    clock = ControlledClock(DatabaseClockStorage(db.engine), settings.timezone, start)
    clock.initialise()
    return clock


def _add_script_names(engine: PythonScriptEngine, names: dict[str, Any]) -> None:
    engine.environment.globals.update(names)
