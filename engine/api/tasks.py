from __future__ import annotations

from flask_smorest import Blueprint

from ..definitions.cache import LoadedDefinition
from ..errors import NotFound
from ..persistence import queries
from ..persistence.models import Instance, Task
from ..runtime import commands, routing
from . import views
from .context import principal, runtime
from .schemas import CompleteRequest, TaskDetailSchema, TaskListArgs, TaskPage, TaskSchema

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="Tasks (participants)")


@blp.route("", methods=["GET"])
@blp.arguments(TaskListArgs, location="query")
@blp.response(200, TaskPage)
def index(args):
    with runtime().db.read() as session:
        page = queries.list_tasks(session, principal(), state=args["state"],
                                  instance=args["instance"], assigned=args["assigned"],
                                  limit=queries.limit_of(args["limit"]), after=args["after"])
        return {"items": [views.task(t) for t in page.items], "next": page.next}


@blp.route("/<task_id>", methods=["GET"])
@blp.response(200, TaskDetailSchema)
def show(task_id):
    rt = runtime()
    with rt.db.read() as session:
        row = session.get(Task, task_id)
        # Someone else's task is as good as absent: its existence is not the caller's business.
        if row is None or not routing.may_see(principal(), row):
            raise NotFound(f"task {task_id} not found", code="task_not_found")
        definition: LoadedDefinition = rt.definitions.get(
            session, session.get(Instance, row.instance_id).definition_id)
        return {**views.task(row), "form": definition.forms.get(row.form_key) if row.form_key else None,
                "data": row.data or {}}


@blp.route("/<task_id>/claim", methods=["POST"])
@blp.response(200, TaskSchema)
def claim(task_id):
    return views.task(commands.claim(runtime(), principal(), task_id))


@blp.route("/<task_id>/unclaim", methods=["POST"])
@blp.response(200, TaskSchema)
def unclaim(task_id):
    return views.task(commands.unclaim(runtime(), principal(), task_id))


@blp.route("/<task_id>/complete", methods=["POST"])
@blp.arguments(CompleteRequest)
@blp.response(200, TaskSchema)
def complete(body, task_id):
    return views.task(commands.complete(runtime(), principal(), task_id, body["data"]))
