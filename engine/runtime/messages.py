"""Messages from outside: correlated by name, and by business key or correlation keys, to the
instances the waiting-message projection says are waiting for them; or, when nobody waits yet
and a ttl was asked for, kept (`buffered_messages`) until a catcher comes or the ttl runs out."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition as AnyMessage
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition as CamundaMessage
from SpiffWorkflow.exceptions import WorkflowException

# The spiff dialect's class: event definitions only match their own class.
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from sqlalchemy import Connection, Row, delete, exists, insert, or_, select

from ..clock import parse_duration
from ..errors import Conflict, Forbidden
from ..persistence.models import Instance, MessageWait
from ..persistence.webhook_models import BufferedMessage
from .principal import Principal
from .runtime import Runtime
from .unit_of_work import NOT_INCIDENTS, Step, on_instance

INTEGRATION_GROUP = "integration"
buffered = BufferedMessage.__table__


def correlate(
    rt: Runtime,
    actor: Principal,
    name: str,
    *,
    business_key: str | None = None,
    correlation: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
    ttl: str | None = None,
) -> tuple[int, bool]:
    """→ (how many instances caught it, whether it was kept for a later catcher)."""
    if not actor.is_admin and INTEGRATION_GROUP not in actor.groups:
        raise Forbidden("only the integration group may post messages", code="not_integration")
    keep_for = parse_duration(ttl) if ttl else None
    message = {
        "name": name,
        "business_key": business_key,
        "correlation": correlation or {},
        "payload": payload or {},
    }
    delivered = deliver(rt, actor, message)
    if delivered or keep_for is None:
        return delivered, False
    buffer(rt, message, keep_for, source=actor.username)
    return 0, True


def deliver(rt: Runtime, actor: Principal, message: dict[str, Any], *, buffered_id: int | None = None) -> int:
    """Delivers to every waiting instance that matches; each instance is its own transaction, so
    one instance's incident never undoes another's delivery. A buffered message is consumed in
    the transaction of its first delivery."""
    delivered = 0
    for instance_id in _waiting(rt, message["name"], message["business_key"]):
        try:
            with on_instance(rt, instance_id, actor) as step:
                if buffered_id is not None and delivered == 0:
                    if not step.conn.execute(delete(buffered).where(buffered.c.id == buffered_id)).rowcount:
                        raise _NotCaught()  # another process consumed it meanwhile
                caught = [_catch(step, event) for event in _events(step.workflow, message)]
                if not any(caught):
                    raise _NotCaught()
                step.record("message.correlated", data=message)
                step.advance()
            delivered += 1
        except (_NotCaught, Conflict):
            continue  # correlation keys did not match, or the instance moved on meanwhile
    return delivered


def buffer(rt: Runtime, message: dict[str, Any], keep_for: timedelta, *, source: str) -> int:
    with rt.db.transaction() as conn:
        return _keep(conn, message, rt.clock.now(), keep_for, source)


def send_from_step(
    step: Step,
    name: str,
    *,
    business_key: str | None = None,
    payload: dict[str, Any] | None = None,
    ttl: str = "P7D",
) -> None:
    """A message one instance's step sends to others. Delivering it inside the step would lock
    a second instance in the first one's transaction; after the commit it could be lost to a
    crash. So it is kept, in the step's transaction (it exists exactly if the step committed),
    and the scheduler's next pass delivers it, each catcher in its own transaction; a catcher
    that comes within `ttl` still gets it."""
    message = {"name": name, "business_key": business_key, "correlation": {}, "payload": payload or {}}
    _keep(step.conn, message, step.now, parse_duration(ttl), f"instance:{step.instance.id}")


def _keep(conn: Connection, message: dict[str, Any], now: datetime, keep_for: timedelta, source: str) -> int:
    buffered_id: int = conn.execute(
        insert(buffered)
        .values(
            name=message["name"],
            business_key=message["business_key"],
            correlation=message["correlation"],
            payload=message["payload"],
            source=source,
            created_at=now,
            expires_at=now + keep_for,
        )
        .returning(buffered.c.id)
    ).scalar_one()
    return buffered_id


def deliver_buffered(rt: Runtime, actor: Principal) -> int:
    """The scheduler's pass: kept messages whose catcher has come; expired ones are dropped."""
    now = rt.clock.now()
    with rt.db.connect() as conn:  # a read first: an idle tick takes no write lock
        expired = conn.execute(select(buffered.c.id).where(buffered.c.expires_at <= now).limit(1)).first()
    if expired is not None:
        with rt.db.transaction() as conn:
            conn.execute(delete(buffered).where(buffered.c.expires_at <= now))
    waits = MessageWait.__table__
    someone_waits = exists().where(
        waits.c.message_name == buffered.c.name,
        or_(buffered.c.business_key.is_(None), waits.c.business_key == buffered.c.business_key),
    )
    with rt.db.connect() as conn:
        rows = conn.execute(select(buffered).where(someone_waits).order_by(buffered.c.id).limit(100)).all()
    return sum(deliver(rt, actor, _message(row), buffered_id=row.id) for row in rows)


def _message(row: Row[Any]) -> dict[str, Any]:
    return {
        "name": row.name,
        "business_key": row.business_key,
        "correlation": row.correlation or {},
        "payload": row.payload or {},
    }


class _NotCaught(Exception):
    pass


def _events(workflow: BpmnWorkflow, message: dict[str, Any]) -> list[BpmnEvent]:
    """The message as each waiting catcher of its name can catch it. A catcher only catches an
    event of its own definition class, which is its document's dialect (definitions/dialects.py):
    one event per class that waits. Camunda's catcher takes the payload wrapped as a Camunda
    throw sends it, kept under its result variable (or `<task>_Response`)."""
    events: dict[type, BpmnEvent] = {}
    for task in workflow.event_manager.tasks.values():
        definition = task.task_spec.event_definition
        for each in [definition, *(getattr(definition, "event_definitions", None) or ())]:
            if isinstance(each, AnyMessage) and each.name == message["name"] and type(each) not in events:
                payload = message["payload"]
                if isinstance(each, CamundaMessage):
                    payload = {"payload": payload, "result_var": each.result_var}
                events[type(each)] = BpmnEvent(type(each)(message["name"]), payload, message["correlation"])
    return list(events.values()) or [
        BpmnEvent(MessageEventDefinition(message["name"]), message["payload"], message["correlation"])
    ]


def _catch(step: Step, event: BpmnEvent) -> bool:
    """False when the instance is not waiting for this message (SpiffWorkflow says so with its
    plain WorkflowException). Anything else raised while catching, such as a correlation or
    payload expression failing, is the instance's incident: the message did reach it."""
    try:
        step.workflow.send_event(event)
    except WorkflowException as exc:
        if type(exc) is WorkflowException:
            return False
        step.incident(exc)
    except NOT_INCIDENTS:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the library raises
        step.incident(exc)
    return True


def _waiting(rt: Runtime, name: str, business_key: str | None) -> list[str]:
    query = (
        select(MessageWait.instance_id)
        .join(Instance, Instance.id == MessageWait.instance_id)
        .where(MessageWait.message_name == name, Instance.status == "running")
    )
    if business_key is not None:
        query = query.where(MessageWait.business_key == business_key)
    with rt.db.read() as session:
        return list(dict.fromkeys(session.scalars(query.order_by(MessageWait.instance_id))))
