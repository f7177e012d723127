"""The engine with and without the assessment extension: without it, any BPMN still deploys,
starts and completes through the API, and nothing of the assessment is there (its routes, its
page and menu entry, its script helpers, its command); with it, all of that is. And the engine's
own modules never import the assessment."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace

import pytest
from click.testing import CliRunner

from assessment import extension as assessment
from engine.app import create_app
from engine.auth.users import create_user
from engine.cli import main
from engine.config import PROJECT_ROOT, Settings
from engine.errors import KaopingError
from engine.runtime.runtime import Runtime

from ..conftest import Actor

HELPERS = {
    "example_plan",
    "prefectures_of",
    "new_seed",
    "stratified_sample",
    "score_counties",
    "score_prefectures",
    "five_year_scores",
    "published_scores",
}
UNITS = [{"code": "530100", "name": "昆明市"}, {"code": "532500", "name": "红河州"}]


def _engine(settings: Settings, clock, **kw):
    rt = Runtime.create(settings, clock=clock, **kw)
    app = create_app(runtime=rt)
    with rt.db.write() as session:
        admin_token = create_user(session, "root", now=clock.now(), admin=True, password="pw-root")
        worker_token = create_user(session, "kunming", now=clock.now(), groups=["prefecture:530100"])
        other_token = create_user(session, "honghe", now=clock.now(), groups=["prefecture:532500"])
    client = app.test_client()
    people = [
        Actor(client, n, t)
        for n, t in (("root", admin_token), ("kunming", worker_token), ("honghe", other_token))
    ]
    return rt, app, people


def _page(app, path: str):
    """What a signed-in administrator's browser gets for `path`."""
    client = app.test_client()
    form = client.get("/login").text
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', form).group(1)
    assert (
        client.post(
            "/login", data={"username": "root", "password": "pw-root", "csrf_token": csrf}
        ).status_code
        == 302
    )
    return client.get(path)


def _cli(*args: str, extensions: str | None):
    env = {"KAOPING_EXTENSIONS": extensions}  # None: unset, every installed extension
    return CliRunner().invoke(main, list(args), env=env)


def test_without_the_assessment_a_process_runs_and_nothing_of_it_is_there(settings, clock):
    rt, app, (admin, kunming, honghe) = _engine(replace(settings, extensions=()), clock)
    try:
        assert rt.extensions.names() == ()
        assert not HELPERS & set(rt.script_engine.environment.globals)

        assert admin.deploy("units.bpmn").status_code == 201
        started = admin.start("units", variables={"units": UNITS})
        assert started.status_code == 201, started.json
        for actor in (kunming, honghe):
            [task] = actor.tasks()
            assert actor.complete(task["id"]).status_code == 200
        instance = admin.get(f"/api/v1/instances/{started.json['id']}").json
        assert instance["status"] == "completed"

        assert "cycles" not in app.blueprints and "dashboard" not in app.blueprints
        assert admin.get("/api/v1/cycles/2021/results").status_code == 404
        assert not [p for p in admin.get("/api/openapi.json").json["paths"] if "/cycles" in p]
        assert _page(app, "/cycles").status_code == 404
        inbox = _page(app, "/tasks")
        assert inbox.status_code == 200 and 'id="nav-tasks"' in inbox.text
        assert 'id="nav-cycles"' not in inbox.text
    finally:
        rt.db.dispose()
    listed = _cli("--help", extensions="")
    assert listed.exit_code == 0 and "simulate" not in listed.output and "deploy" in listed.output


def test_with_the_assessment_its_parts_are_there(settings, clock):
    shipped = replace(settings, processes_dir=PROJECT_ROOT / "processes")
    rt, app, (admin, _, _) = _engine(shipped, clock)  # every installed extension
    try:
        assert rt.extensions.names() == ("assessment",)
        assert HELPERS <= set(rt.script_engine.environment.globals)
        assert rt.extensions.task_hooks() == assessment.task_hooks

        missing = admin.get("/api/v1/cycles/2021/results")
        assert missing.status_code == 404 and missing.json["error"]["code"] == "results_not_found"
        assert "/api/v1/cycles/{cycle}/results" in admin.get("/api/openapi.json").json["paths"]
        assert _page(app, "/cycles").status_code == 200
        assert 'id="nav-cycles"' in _page(app, "/tasks").text
    finally:
        rt.db.dispose()
    listed = _cli("--help", extensions=None)
    assert listed.exit_code == 0 and "simulate" in listed.output


def test_extensions_passed_explicitly_win_over_the_settings(settings, clock):
    rt = Runtime.create(replace(settings, extensions=()), clock=clock, extensions=[assessment])
    try:
        assert rt.extensions.names() == ("assessment",)
        assert "cycles" in create_app(runtime=rt).blueprints
    finally:
        rt.db.dispose()


def test_kaoping_extensions_chooses_among_the_installed_ones(settings, clock):
    assert Settings.from_env({}).extensions is None
    assert Settings.from_env({"KAOPING_EXTENSIONS": ""}).extensions == ()
    assert Settings.from_env({"KAOPING_EXTENSIONS": " assessment , "}).extensions == ("assessment",)
    with pytest.raises(KaopingError, match="not installed: elsewhere"):
        Runtime.create(replace(settings, extensions=("elsewhere",)), clock=clock)


def test_the_engine_never_imports_the_assessment(database_url):
    """Built, served and scheduled without it, in a fresh interpreter: no assessment module
    is loaded, so nothing in the engine imports one."""
    program = f"""
import sys
from engine.app import create_app
from engine.config import Settings
from engine.runtime.runtime import Runtime
import engine.cli, engine.scheduler.service, engine.persistence.migrate, engine.scheduler.deployment
rt = Runtime.create(Settings(database_url={database_url!r}, scheduler=False, extensions=()))
create_app(runtime=rt)
loaded = sorted(m for m in sys.modules if m == "assessment" or m.startswith("assessment."))
assert not loaded, loaded
"""
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
