"""Running a model by SpiffWorkflow 3.2.0 alone, in this process: the parser of its dialect, the
library's own workflow and script engine, and a clock the harness moves. This is the reference
each Kaoping run is held against."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnValidator
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.dmn.parser.BpmnDmnParser import BpmnDmnParser
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.process import VALIDATOR as SPIFF_VALIDATOR
from SpiffWorkflow.util.task import TaskState

from .drive import Driver, drive
from .manifest import Case
from .outcome import COMPLETED, ERROR, REFUSED, WAITING, Outcome, normalise

DATA_OBJECTS = "data_objects"  # SpiffWorkflow 3.2.0's key for a process's data objects in workflow.data


class _Now:
    """The harness's clock, which SpiffWorkflow's timer code and the models' scripts read."""

    value: datetime = datetime(2026, 1, 1, tzinfo=UTC)


class ControlledDatetime(datetime):
    @classmethod
    def now(cls, tz=None):
        now = _Now.value
        return now.astimezone(tz) if tz else now.astimezone().replace(tzinfo=None)

    @classmethod
    def utcnow(cls):
        return _Now.value.astimezone(UTC).replace(tzinfo=None)


class ControlledDate(date):
    @classmethod
    def today(cls):
        return ControlledDatetime.now().date()


@contextmanager
def controlled_time(start: datetime) -> Iterator[None]:
    """SpiffWorkflow's timer definitions call `datetime.now(timezone.utc)` from their own
    module; for the length of a run that name is the harness's clock."""
    saved = spiff_timer.datetime
    _Now.value = start
    spiff_timer.datetime = ControlledDatetime
    try:
        yield
    finally:
        spiff_timer.datetime = saved


def parser_for(dialect: str):
    """The parser and validation the library's own test base classes use for that dialect."""
    if dialect == "spiff":
        return SpiffBpmnParser(validator=SPIFF_VALIDATOR)
    if dialect == "camunda":
        return CamundaParser()
    return BpmnDmnParser(validator=BpmnValidator())


def script_engine() -> PythonScriptEngine:
    # The names the library's own tests hand their script engines, on the harness's clock.
    return PythonScriptEngine(
        environment=TaskDataEnvironment(
            {"datetime": ControlledDatetime, "timedelta": timedelta, "date": ControlledDate}
        )
    )


def parse(case: Case, files: dict[str, bytes]):
    from lxml import etree

    parser = parser_for(case.dialect)
    for name, content in files.items():
        tree = etree.fromstring(content)
        if name.endswith(".dmn"):
            parser.add_dmn_xml(tree, filename=name)
        else:
            parser.add_bpmn_xml(tree, filename=name)
    return parser.get_spec(case.process), parser.get_subprocess_specs(case.process)


class LibraryDriver(Driver):
    def __init__(self, case: Case, files: dict[str, bytes], start: datetime):
        self.case, self.files, self.start = case, files, start
        self.workflow: BpmnWorkflow | None = None
        self.failure: str | None = None

    def begin(self) -> str | None:
        try:
            spec, subprocesses = parse(self.case, self.files)
        except Exception as exc:  # noqa: BLE001  (the library's refusal is the outcome)
            return f"{type(exc).__name__}: {exc}"
        self.workflow = BpmnWorkflow(spec, subprocesses, script_engine=script_engine())
        root = self.workflow.get_next_task(state=TaskState.READY)
        root.data.update(copy.deepcopy(self.case.start_data))
        self._steps(root.run)
        return None

    def _steps(self, action=None) -> None:
        try:
            if action is not None:
                action()
            self.workflow.do_engine_steps()
        except Exception as exc:  # noqa: BLE001  (any failure of a step is the instance's error)
            self.failure = f"{type(exc).__name__}: {exc}"

    def status(self) -> str:
        if self.failure:
            return ERROR
        return COMPLETED if self.workflow.is_completed() else WAITING

    def ready(self) -> list[tuple[str, str]]:
        return [
            (str(t.id), t.task_spec.bpmn_id)
            for t in self.workflow.get_tasks(state=TaskState.READY, manual=True)
        ]

    def complete(self, task_id: str, data: dict) -> None:
        task = next(
            t for t in self.workflow.get_tasks(state=TaskState.READY, manual=True) if str(t.id) == task_id
        )
        task.data.update(copy.deepcopy(data))
        self._steps(task.run)

    def next_timer(self) -> datetime | None:
        due = [_due_of(e.value) for e in self.workflow.waiting_events() if "Time" in e.event_type]
        due = [d for d in due if d is not None]
        return min(due) if due else None

    def move_clock(self, to: datetime) -> None:
        _Now.value = to
        self._steps(self.workflow.refresh_timers)

    def send(self, message: str, payload: dict) -> bool:
        waiting = [
            t
            for t in self.workflow.get_tasks(state=TaskState.WAITING)
            if getattr(getattr(t.task_spec, "event_definition", None), "name", None) == message
        ]
        if not waiting:
            return False
        definition = waiting[0].task_spec.event_definition
        self._steps(lambda: self.workflow.send_event(BpmnEvent(definition, copy.deepcopy(payload))))
        return True

    def variables(self) -> dict:
        return normalise(library_variables(self.workflow, completed=self.status() == COMPLETED))


def library_variables(workflow: BpmnWorkflow, *, completed: bool) -> dict:
    """The variables of a run, taken exactly as SpiffWorkflow 3.2.0 holds them, by the rule the
    engine serves an instance's variables by:

    - completed (the process reached its end, no step failed): `workflow.data`, the process's
      final data. The library fills it only from what reaches an end event, so what a path that
      ends elsewhere set (a handler after a transaction's cancel or error boundary) is not in it;
      the process's data objects are in it under "data_objects", nested as the library keeps them.
    - waiting or errored: the data of the last task that ran (what the next task starts from),
      with the process's data objects added under "data_objects" when the process has any (task
      data never holds them; the library's entry wins over a task variable of that name).

    A sub-process's own data objects stay inside it and show in neither. The Kaoping side takes
    the instance's `variables` as the API serves them, with no reshaping, and both go through
    the same `normalise`."""
    if completed:
        return dict(workflow.data)
    last = workflow.last_task
    data = dict(last.data if last is not None else workflow.data)
    if DATA_OBJECTS in workflow.data:
        data[DATA_OBJECTS] = workflow.data[DATA_OBJECTS]
    return data


def _due_of(value) -> datetime | None:
    if isinstance(value, dict):
        value = value.get("next")
    if not isinstance(value, str):
        return None
    try:
        due = datetime.fromisoformat(value)
    except ValueError:
        return None
    return due if due.tzinfo else due.replace(tzinfo=spiff_timer.LOCALTZ)


def run_library(case: Case, files: dict[str, bytes], start: datetime) -> Outcome:
    with controlled_time(start):
        driver = LibraryDriver(case, files, start)
        refused = driver.begin()
        if refused is not None:
            return Outcome(REFUSED, detail=refused)
        outcome = drive(driver, case, start)
        outcome.detail = driver.failure or ""
        return outcome
