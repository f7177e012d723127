"""BPMN timers on the engine's clock.

SpiffWorkflow's timer event definitions read `datetime.now()` themselves and evaluate every
timer value as a Python expression. Ours, registered through SpiffWorkflow's own tables (the
parser's event parsers here, the serializer's converter table in definitions/serializer.py), read
the clock the script engine carries and take plain ISO 8601 text literally, as bpmn.io and
Camunda Modeler write it (API.md, "Timer expressions"); anything else is an expression whose
value is such text or a datetime. Each due time is fixed when the timer starts waiting, in
that step's transaction, and stored in the task's internal data as SpiffWorkflow does."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import isodate
from SpiffWorkflow.bpmn.parser import event_parsers as bpmn_events
from SpiffWorkflow.bpmn.parser.util import first
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
)
from SpiffWorkflow.bpmn.util import PendingBpmnEvent
from SpiffWorkflow.camunda.parser import event_parsers as camunda_events
from SpiffWorkflow.spiff.parser.event_parsers import (
    SpiffBoundaryEventParser,
    SpiffIntermediateCatchEventParser,
    SpiffStartEventParser,
)

if TYPE_CHECKING:  # the mixins' SpiffWorkflow bases as mypy sees them (Any: they have no types)
    from SpiffWorkflow.bpmn.parser.event_parsers import EventDefinitionParser as _ParserBase
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition as _TimerBase
else:
    _ParserBase = _TimerBase = object


# -- reading a timer value ------------------------------------------------------------------


def is_literal(text: str) -> bool:
    """Plain ISO 8601 text: a date-time, a date, a duration or a repeating interval."""
    text = text.strip()
    try:
        if text.upper().startswith("R"):
            cycle(text, datetime(2000, 1, 1, tzinfo=UTC), ZoneInfo("UTC"))
        elif text.upper().startswith("P"):
            isodate.parse_duration(text)
        elif "T" in text.upper():
            isodate.parse_datetime(text)
        else:
            isodate.parse_date(text)
        return True
    except (isodate.ISO8601Error, ValueError, IndexError):
        return False


def value_of(expression: str, evaluate: Callable[[str], Any]) -> Any:
    text = (expression or "").strip()
    return text if is_literal(text) else evaluate(text)


def instant(value: Any, zone: ZoneInfo) -> datetime:
    """A timeDate value as an aware UTC datetime; no offset means the engine's zone."""
    if isinstance(value, str):
        text = value.strip()
        value = isodate.parse_datetime(text) if "T" in text.upper() else isodate.parse_date(text)
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time(0, 0))
    if not isinstance(value, datetime):
        raise ValueError(f"a timer date must be ISO 8601 text or a datetime, not {value!r}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def duration(value: Any) -> timedelta | isodate.Duration:
    if isinstance(value, (timedelta, isodate.Duration)):
        return value
    return isodate.parse_duration(str(value).strip())


def cycle(value: Any, now: datetime, zone: ZoneInfo) -> tuple[int, datetime, str]:
    """`R[n]/start/period` or `R[n]/period` (first occurrence one period from now) →
    (cycles, -1 for unbounded; first occurrence; the period as ISO 8601 text)."""
    parts = str(value).strip().split("/")
    if len(parts) not in (2, 3) or not parts[0].upper().startswith("R"):
        raise ValueError(f"not a repeating interval: {value!r}")
    cycles = int(parts[0][1:]) if parts[0][1:] else -1
    if len(parts) == 3:
        start, period = instant(parts[1], zone), parts[2]
        duration(period)
    else:
        period = parts[1]
        start = now.astimezone(UTC) + duration(period)
    return cycles, start, period


def occurrences_after(
    first: datetime, period: str, cycles: int, after: datetime
) -> tuple[datetime | None, int]:
    """The first occurrence later than `after`, and how many cycles are left from it on."""
    step, at, left = duration(period), first, cycles
    while at <= after and left != 0:
        at, left = (at + step), (left - 1 if left > 0 else left)
    return (at, left) if left != 0 or at > after else (None, 0)


# -- the definitions ------------------------------------------------------------------------


def _now(my_task) -> datetime:
    return my_task.workflow.script_engine.now()


def _zone(my_task) -> ZoneInfo:
    return my_task.workflow.script_engine.zone


def _evaluate(my_task):
    return lambda text: my_task.workflow.script_engine.evaluate(my_task, text)


class _Clocked(_TimerBase):
    def due_at(self, my_task) -> datetime | None:
        value = my_task._get_internal_data("event_value")
        return datetime.fromisoformat(value) if isinstance(value, str) else None

    def has_fired(self, my_task) -> bool:
        if my_task._get_internal_data("event_fired", False):
            return True  # caught: a timer start event the scheduler fired
        due = self.due_at(my_task)
        if due is None:
            due = self.compute_due(my_task)
            my_task._set_internal_data(event_value=due.isoformat())
        if due <= _now(my_task):
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)

    def details(self, my_task):
        return PendingBpmnEvent(self.name, self.__class__.__name__, my_task._get_internal_data("event_value"))


class KaopingTimeDate(_Clocked, TimeDateEventDefinition):
    def compute_due(self, my_task) -> datetime:
        return instant(value_of(self.expression, _evaluate(my_task)), _zone(my_task))


class KaopingDuration(_Clocked, DurationTimerEventDefinition):
    def compute_due(self, my_task) -> datetime:
        return (_now(my_task) + duration(value_of(self.expression, _evaluate(my_task)))).astimezone(UTC)


class KaopingCycle(CycleTimerEventDefinition):
    """Fires once per occurrence; occurrences missed while the engine was down (or the
    controlled clock jumped) fire once together, then the cycle goes on from the present."""

    def cycle_complete(self, my_task) -> bool:
        value = my_task._get_internal_data("event_value")
        now = _now(my_task)
        if value is None:
            cycles, start, period = cycle(value_of(self.expression, _evaluate(my_task)), now, _zone(my_task))
            value = {"cycles": cycles, "next": start.isoformat(), "period": period}
        ready = False
        if value["cycles"] != 0:
            due = datetime.fromisoformat(value["next"])
            if due <= now:
                upcoming, left = occurrences_after(due, value["period"], value["cycles"], now)
                value["next"] = (upcoming or due).isoformat()
                value["cycles"] = left
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
            return False
        my_task._set_internal_data(event_value=value)
        return ready

    def start_once(self, my_task) -> None:
        """An instance of a process with a cyclic timer start is one occurrence, whoever chose
        its moment (the scheduler, or a person starting it by hand before the first one): the
        start event goes on once, now. Left to itself it would wait for the cycle's own first
        occurrence and, caught before it, end the instance with nothing run."""
        now = _now(my_task)
        _, _, period = cycle(value_of(self.expression, _evaluate(my_task)), now, _zone(my_task))
        my_task._set_internal_data(event_value={"cycles": 1, "next": now.isoformat(), "period": period})

    def due_at(self, my_task) -> datetime | None:
        value = my_task._get_internal_data("event_value")
        if isinstance(value, dict) and value.get("cycles") != 0:
            return datetime.fromisoformat(value["next"])
        return None

    def details(self, my_task):
        due = self.due_at(my_task)
        return PendingBpmnEvent(self.name, self.__class__.__name__, due.isoformat() if due else None)


TIMER_DEFINITIONS = (KaopingTimeDate, KaopingDuration, KaopingCycle)


# -- parsing --------------------------------------------------------------------------------


class _ClockedTimers(_ParserBase):
    def parse_timer_event(self, event):
        name = self.node.get("name", self.node.get("id"))
        description = self.get_event_description(event)
        for tag, kind in (
            ("timeDate", KaopingTimeDate),
            ("timeDuration", KaopingDuration),
            ("timeCycle", KaopingCycle),
        ):
            found = first(self.xpath(f".//bpmn:{tag}"))
            if found is not None:
                if not (found.text or "").strip():
                    raise ValidationException(f"empty {tag}", node=self.node, file_name=self.filename)
                return kind(name, found.text.strip(), description=description)
        raise ValidationException(
            "a timer needs timeDate, timeDuration or timeCycle", node=self.node, file_name=self.filename
        )


class StartEventParser(_ClockedTimers, SpiffStartEventParser):
    pass


class IntermediateCatchEventParser(_ClockedTimers, SpiffIntermediateCatchEventParser):
    pass


class BoundaryEventParser(_ClockedTimers, SpiffBoundaryEventParser):
    pass


# The same clock for the other dialects a document may be read in (definitions/dialects.py).


class CamundaStartEventParser(_ClockedTimers, camunda_events.CamundaStartEventParser):
    pass


class CamundaIntermediateCatchEventParser(_ClockedTimers, camunda_events.CamundaIntermediateCatchEventParser):
    pass


class CamundaBoundaryEventParser(_ClockedTimers, camunda_events.CamundaBoundaryEventParser):
    pass


class BpmnStartEventParser(_ClockedTimers, bpmn_events.StartEventParser):
    pass


class BpmnIntermediateCatchEventParser(_ClockedTimers, bpmn_events.IntermediateCatchEventParser):
    pass


class BpmnBoundaryEventParser(_ClockedTimers, bpmn_events.BoundaryEventParser):
    pass
