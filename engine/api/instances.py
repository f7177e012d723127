from __future__ import annotations

from flask_smorest import Blueprint

from ..persistence import queries
from ..runtime import access, commands, lifecycle, listings
from . import presenters
from .context import principal, require_admin, runtime
from .schemas import (
    EventPage,
    InstanceListArgs,
    InstancePage,
    InstanceSchema,
    PageArgs,
    RetryRequest,
    StartablePage,
    StartRequest,
    paging,
)

blp = Blueprint("instances", __name__, url_prefix="/api/v1/instances", description="Instances")


@blp.route("", methods=["POST"])
@blp.arguments(StartRequest)
@blp.response(201, InstanceSchema)
def start(body):
    step = commands.start(
        runtime(),
        principal(),
        body["definition"],
        version=body["version"],
        business_key=body["business_key"],
        variables=body["variables"],
    )
    return presenters.instance(step.instance, step.opened)


@blp.route("", methods=["GET"])
@blp.arguments(InstanceListArgs, location="query")
@blp.response(200, InstancePage)
def index(args):
    require_admin()
    with runtime().db.read() as session:
        page = queries.list_instances(
            session,
            definition=args["definition"],
            status=args["status"],
            business_key=args["business_key"],
            **paging(args),
        )
        return presenters.page(page, presenters.instance)


@blp.route("/<instance_id>", methods=["GET"])
@blp.response(200, InstanceSchema)
def show(instance_id):
    return _show(instance_id)


@blp.route("/startable", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, StartablePage)
def startable(args):
    """The definitions the caller may start (their key, latest version and name): what a
    participant needs of definitions to start an instance, and nothing more."""
    with runtime().db.read() as session:
        return presenters.page(listings.startable_definitions(session, principal(), **paging(args)))


@blp.route("/<instance_id>/events", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, EventPage)
def events(args, instance_id):
    with runtime().db.read() as session:
        access.readable_instance(session, principal(), instance_id)
        return presenters.page(queries.list_events(session, instance_id, **paging(args)), presenters.event)


@blp.route("/<instance_id>/cancel", methods=["POST"])
@blp.response(200, InstanceSchema)
def cancel(instance_id):
    lifecycle.cancel(runtime(), principal(), instance_id)
    return _show(instance_id)


@blp.route("/<instance_id>/suspend", methods=["POST"])
@blp.response(200, InstanceSchema)
def suspend(instance_id):
    lifecycle.suspend(runtime(), principal(), instance_id)
    return _show(instance_id)


@blp.route("/<instance_id>/resume", methods=["POST"])
@blp.response(200, InstanceSchema)
def resume(instance_id):
    lifecycle.resume(runtime(), principal(), instance_id)
    return _show(instance_id)


@blp.route("/<instance_id>/retry", methods=["POST"])
@blp.arguments(RetryRequest, location="json", required=False)
@blp.response(200, InstanceSchema)
def retry(body, instance_id):
    lifecycle.retry(runtime(), principal(), instance_id, version=(body or {}).get("version"))
    return _show(instance_id)


def _show(instance_id: str) -> dict:
    with runtime().db.read() as session:
        row = access.readable_instance(session, principal(), instance_id)
        return presenters.instance(row, access.open_tasks(session, principal(), instance_id))
