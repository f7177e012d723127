"""Extensions: what a package built on the engine may add to it, without the engine knowing it.

The engine runs any BPMN on its own; a domain (Yunnan's assessment is the first) brings what
its processes need beside BPMN as one `Extension` value:

- `script_helpers(rt)` → names added to the sandboxed script environment (trusted callables
  that BPMN scripts call by name), given the runtime so they can reach its database, clock,
  settings and reference data;
- `task_hooks` → called after every task runs inside a step, as `hook(step, task, properties)`
  with the task's `spiffworkflow:properties`; they write through `step.conn` (the step's own
  transaction) and record audit events with `step.record(...)`;
- `form_checks` → by form key, `check(cleaned, task_data)` called on each completion of a task
  with that form once its fields passed their own rules, with the cleaned submission and the
  data the task was offered with; it returns messages by field path (`weights`,
  `county_ratings[2].score`, as the form's own errors), and any message refuses the
  completion as `422 invalid_form_data` with the messages of every extension's check, leaving
  the task as it was. Rules across fields live here (weights summing to 100, an amendment
  naming a unit that exists); a check reads its arguments and changes neither;
- `metadata` → the SQLAlchemy MetaData of the extension's own tables (the migrations' target,
  the tests' clean-up); its Alembic revisions live with the engine's, in one history;
- `api_blueprints()` / `page_blueprints()` → flask-smorest blueprints for the REST API (they
  join the OpenAPI document) and Flask blueprints for the page, built when an app is made;
- `nav` → menu entries of the page, shown to whoever is signed in (or administrators only);
- `cli_commands()` → click commands added to the `kaoping` command line;
- `reference` → named reference data loaders `(settings) → data`, loaded once per runtime
  (`rt.extensions.reference(name)`).

Extensions are found through the Python entry point group `kaoping.extensions` (each entry
point names an `Extension` value, e.g. `assessment = "assessment:extension"`). Which of them
load is `Settings.extensions` (KAOPING_EXTENSIONS: unset for every installed one, a comma
separated list of entry point names, or empty for none); `Runtime.create(settings,
extensions=[...])` takes them explicitly instead, and the app, the scheduler and the command line
use the runtime's. This module only imports the engine's foundations; the layers above it
appear in types alone, so an extension can be described before anything is wired.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from .config import Settings
from .errors import KaopingError

if TYPE_CHECKING:
    import click
    from flask import Blueprint
    from SpiffWorkflow.task import Task
    from sqlalchemy import MetaData

    from .runtime.runtime import Runtime
    from .runtime.unit_of_work import Step

ENTRY_POINT_GROUP = "kaoping.extensions"

TaskHook = Callable[["Step", "Task", Mapping[str, str]], None]
# (cleaned submission, task data) → messages by field path; empty when the submission is fine.
FormCheck = Callable[[dict[str, Any], dict[str, Any]], Mapping[str, list[str]]]


@dataclass(frozen=True)
class NavEntry:
    """A link in the page's menu: `endpoint` for url_for, `label` bilingual ("中文 / English")."""

    endpoint: str
    label: str
    id: str
    admin_only: bool = False


@dataclass(frozen=True)
class Extension:
    """What one extension contributes; every part is optional (see the module's docstring)."""

    name: str
    script_helpers: Callable[[Runtime], Mapping[str, Any]] | None = None
    task_hooks: tuple[TaskHook, ...] = ()
    form_checks: Mapping[str, FormCheck] = field(default_factory=dict)
    metadata: tuple[MetaData, ...] = ()
    # Factories, so that a process without Flask or click (the scheduler, the migrations)
    # never imports the extension's views or commands.
    api_blueprints: Callable[[], Iterable[Blueprint]] | None = None
    page_blueprints: Callable[[], Iterable[Blueprint]] | None = None
    nav: tuple[NavEntry, ...] = ()
    cli_commands: Callable[[], Iterable[click.Command]] | None = None
    reference: Mapping[str, Callable[[Settings], Any]] = field(default_factory=dict)


class Extensions:
    """The extensions one runtime runs with, and what they add up to."""

    def __init__(self, items: Iterable[Extension], settings: Settings):
        self.items: tuple[Extension, ...] = tuple(items)
        self.settings = settings
        self._reference: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __iter__(self) -> Iterator[Extension]:
        return iter(self.items)

    def names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.items)

    def script_helpers(self, rt: Runtime) -> dict[str, Any]:
        helpers: dict[str, Any] = {}
        for extension in self.items:
            if extension.script_helpers is not None:
                helpers.update(extension.script_helpers(rt))
        return helpers

    def task_hooks(self) -> tuple[TaskHook, ...]:
        return tuple(hook for e in self.items for hook in e.task_hooks)

    def form_checks(self, form_key: str) -> tuple[FormCheck, ...]:
        """Every extension's check of the form, in the extensions' order."""
        return tuple(e.form_checks[form_key] for e in self.items if form_key in e.form_checks)

    def metadata(self) -> tuple[MetaData, ...]:
        return tuple(m for e in self.items for m in e.metadata)

    def api_blueprints(self) -> list[Blueprint]:
        return [b for e in self.items if e.api_blueprints for b in e.api_blueprints()]

    def page_blueprints(self) -> list[Blueprint]:
        return [b for e in self.items if e.page_blueprints for b in e.page_blueprints()]

    def nav(self) -> tuple[NavEntry, ...]:
        return tuple(entry for e in self.items for entry in e.nav)

    def cli_commands(self) -> list[click.Command]:
        return [c for e in self.items if e.cli_commands for c in e.cli_commands()]

    def reference(self, name: str) -> Any:
        """Reference data by name, loaded from this runtime's settings on first use: it is
        immutable, so one load serves every step and request of the runtime."""
        with self._lock:
            if name not in self._reference:
                loader = next((e.reference[name] for e in self.items if name in e.reference), None)
                if loader is None:
                    raise KeyError(f"no extension provides reference data {name!r}")
                self._reference[name] = loader(self.settings)
            return self._reference[name]


def installed() -> dict[str, Any]:
    """The entry points of the `kaoping.extensions` group, by name, not yet loaded."""
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def load(settings: Settings) -> tuple[Extension, ...]:
    """The extensions `settings.extensions` selects: every installed one when it is None."""
    found = installed()
    names = sorted(found) if settings.extensions is None else list(settings.extensions)
    missing = [n for n in names if n not in found]
    if missing:
        raise KaopingError(
            f"KAOPING_EXTENSIONS names extensions that are not installed: "
            f"{', '.join(missing)} (installed: {', '.join(sorted(found)) or 'none'})"
        )
    loaded = []
    for name in names:
        extension = found[name].load()
        if not isinstance(extension, Extension):
            raise KaopingError(f"entry point {name!r} of {ENTRY_POINT_GROUP} is no Extension")
        loaded.append(extension)
    return tuple(loaded)
