"""The page (Chinese first): sign-in and the task inbox. Views only gather and render; every
action goes through the same runtime commands as the API."""

from __future__ import annotations

from flask import Blueprint, abort, g, make_response, redirect, render_template, request, url_for

from ..api.context import page_principal, runtime
from ..auth.users import user_for_password
from ..errors import KaopingError, NotFound, Unauthorized
from ..persistence import queries
from ..runtime import access, commands, listings
from . import i18n
from . import session as web_session

blp = Blueprint(
    "web", __name__, template_folder="templates", static_folder="static", static_url_path="/static/web"
)


@blp.before_app_request
def who_and_which_language():
    g.lang = i18n.language()
    if not request.path.startswith(("/api/", "/vendor/", "/static/")):  # the pages
        with runtime().db.connect() as conn:
            g.principal = page_principal(conn)


@blp.after_app_request
def remember_language(response):
    if request.args.get("lang") in i18n.LANGUAGES:
        response.set_cookie("lang", request.args["lang"], samesite="Lax", max_age=365 * 86400)
    return response


@blp.app_context_processor
def words():
    return {"t": i18n.t, "lang": getattr(g, "lang", "zh"), "me": getattr(g, "principal", None)}


def _signed_in():
    if getattr(g, "principal", None) is None:
        abort(redirect(url_for("web.login", next=request.path)))
    return g.principal


@blp.route("/")
def home():
    return redirect(url_for("web.inbox"))


@blp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        try:
            with runtime().db.read() as session:
                user = user_for_password(
                    session, request.form.get("username", ""), request.form.get("password", "")
                )
            web_session.sign_in(user.username)
            target = request.args.get("next") or ""
            return redirect(
                target if target.startswith("/") and not target.startswith("//") else url_for("web.inbox")
            )
        except Unauthorized:
            error = i18n.t("wrong_credentials")
    return render_template("login.html", error=error), 401 if error else 200


@blp.route("/logout", methods=["POST"])
def logout():
    web_session.sign_out()
    return redirect(url_for("web.login"))


@blp.route("/tasks")
def inbox():
    me = _signed_in()
    rt = runtime()
    with rt.db.read() as session:
        tasks = listings.list_tasks(session, me, limit=1000).items
    now = rt.clock.now()
    # Overdue first, then by due date, then the oldest: what needs doing first is on top.
    tasks = sorted(
        tasks,
        key=lambda t: (
            not (t.due_at and t.due_at < now),
            t.due_at is None,
            t.due_at or t.created_at,
            t.created_at,
        ),
    )
    return render_template("inbox.html", tasks=tasks, now=now, zone=rt.clock.zone)


@blp.route("/tasks/<task_id>")
def task(task_id):
    me = _signed_in()
    rt = runtime()
    with rt.db.read() as session:
        try:
            row = access.visible_task(session, me, task_id)
        except NotFound:
            abort(404)
        definition = rt.definitions.get(session, queries.definition_of(session, row.instance_id).id)
        form = definition.forms.get(row.form_key) if row.form_key else None
    return render_template("task.html", task=row, form=form, zone=rt.clock.zone)


@blp.route("/tasks/<task_id>/<action>", methods=["POST"])
def claim_or_release(task_id, action):
    me = _signed_in()
    command = {"claim": commands.claim, "unclaim": commands.unclaim}.get(action)
    if command is None:
        abort(404)
    try:
        command(runtime(), me, task_id)
    except KaopingError as error:
        return make_response(render_template("error.html", error=error), error.status)
    return redirect(url_for("web.inbox"))
