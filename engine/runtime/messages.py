"""Messages from outside: correlated by name, and by business key or correlation keys, to the
instances the waiting-message projection says are waiting for them."""
from __future__ import annotations

from sqlalchemy import select
from SpiffWorkflow.bpmn.util.event import BpmnEvent
# The spiff dialect's class: event definitions only match their own class.
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.exceptions import WorkflowException

from ..errors import Conflict, Forbidden
from ..persistence.models import Instance, MessageWait
from .principal import Principal
from .runtime import Runtime
from .unit_of_work import on_instance

INTEGRATION_GROUP = "integration"


def correlate(rt: Runtime, actor: Principal, name: str, *, business_key: str | None = None,
              correlation: dict | None = None, payload: dict | None = None) -> int:
    """Deliver to every waiting instance that matches; returns how many caught it. Each
    instance is its own transaction: one instance's incident never undoes another's delivery."""
    if not actor.is_admin and INTEGRATION_GROUP not in actor.groups:
        raise Forbidden("only the integration group may post messages", code="not_integration")
    delivered = 0
    for instance_id in _waiting(rt, name, business_key):
        try:
            with on_instance(rt, instance_id, actor) as step:
                event = BpmnEvent(MessageEventDefinition(name), payload or {}, correlation or {})
                if not _catch(step, event):
                    raise _NotCaught()
                step.record("message.correlated", data={"name": name, "business_key": business_key,
                                                        "correlation": correlation or {},
                                                        "payload": payload or {}})
                step.advance()
            delivered += 1
        except (_NotCaught, Conflict):
            continue  # correlation keys did not match, or the instance moved on meanwhile
    return delivered


class _NotCaught(Exception):
    pass


def _catch(step, event) -> bool:
    try:
        step.workflow.send_event(event)
        return True
    except WorkflowException:
        return False


def _waiting(rt: Runtime, name: str, business_key: str | None) -> list[str]:
    query = (select(MessageWait.instance_id).join(Instance, Instance.id == MessageWait.instance_id)
             .where(MessageWait.message_name == name, Instance.status == "running"))
    if business_key is not None:
        query = query.where(MessageWait.business_key == business_key)
    with rt.db.read() as session:
        return list(dict.fromkeys(session.scalars(query.order_by(MessageWait.instance_id))))
