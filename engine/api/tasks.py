from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from ..definitions.cache import LoadedDefinition
from ..errors import Invalid
from ..persistence import queries
from ..runtime import access, commands, listings
from . import presenters
from .context import principal, runtime
from .schemas import CompleteRequest, TaskDetailSchema, TaskListArgs, TaskPage, TaskSchema, paging

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="Tasks (participants)")


@blp.route("", methods=["GET"])
@blp.arguments(TaskListArgs, location="query")
@blp.response(200, TaskPage)
def index(args):
    with runtime().db.read() as session:
        page = listings.list_tasks(
            session,
            principal(),
            state=args["state"],
            instance=args["instance"],
            assigned=args["assigned"],
            **paging(args),
        )
        return presenters.page(page, presenters.task)


@blp.route("/<task_id>", methods=["GET"])
@blp.response(200, TaskDetailSchema)
def show(task_id):
    rt = runtime()
    with rt.db.read() as session:
        row = access.visible_task(session, principal(), task_id)
        definition: LoadedDefinition = rt.definitions.get(
            session, queries.definition_of(session, row.instance_id).id
        )
        form = definition.forms.get(row.form_key) if row.form_key else None
        return presenters.task_detail(row, form)


@blp.route("/<task_id>/claim", methods=["POST"])
@blp.response(200, TaskSchema)
def claim(task_id):
    return presenters.task(commands.claim(runtime(), principal(), task_id))


@blp.route("/<task_id>/unclaim", methods=["POST"])
@blp.response(200, TaskSchema)
def unclaim(task_id):
    return presenters.task(commands.unclaim(runtime(), principal(), task_id))


@blp.route("/<task_id>/complete", methods=["POST"])
@blp.arguments(CompleteRequest)
@blp.response(200, TaskSchema)
def complete(body, task_id):
    _require_json_body()
    return presenters.task(commands.complete(runtime(), principal(), task_id, body["data"]))


def _require_json_body() -> None:
    """The body is required (API.md: `{"data": {...}}`), though `{}` is a whole one: without
    a JSON body the parser hands the schema nothing, which would complete with no data."""
    if not request.is_json or not request.get_data(cache=True).strip():
        raise Invalid(
            'a JSON body {"data": {...}} is required',
            code="invalid",
            details={"body": ["a JSON object is required"]},
        )
