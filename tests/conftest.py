"""Fixtures are the cast of a cycle: a database (SQLite, and PostgreSQL when configured), the
engine's clock, the app, and actors who carry their own tokens."""

from __future__ import annotations

import os
import shutil
import socket
from collections import Counter
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, make_url, text

from engine.app import create_app
from engine.auth.users import create_user
from engine.clock import FixedClock
from engine.config import Settings
from engine.extensions import Extensions
from engine.extensions import load as load_extensions
from engine.persistence import webhook_models  # noqa: F401  (its tables join the metadata)
from engine.persistence.migrate import upgrade
from engine.persistence.models import Base
from engine.runtime.runtime import Runtime

POSTGRES_URL = os.environ.get("KAOPING_TEST_POSTGRES_URL")
FIXTURES = Path(__file__).parent / "fixtures"
START = datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SECRET_KEY = Fernet.generate_key().decode()  # encrypts stored webhook secrets in tests


# What the run tells at its end. Under pytest-xdist each worker fills its own and hands it over
# when it finishes (pytest_sessionfinish, pytest_testnodedown); the controller sums and reports.
# TALLY: what each conformance case came to, counted once however many databases it runs on:
# counted cases match, are refused on purpose, differ on purpose, or are known divergences
# (strict xfail); models that are not runnable cases are listed apart.
TALLY: Counter[str] = Counter()
CHROMIUM_LAUNCHES: list[float] = []  # seconds per Chromium launch


def pytest_sessionfinish(session):
    handed_over = getattr(session.config, "workeroutput", None)
    if handed_over is not None:
        handed_over["tally"] = dict(TALLY)
        handed_over["chromium_launches"] = list(CHROMIUM_LAUNCHES)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    handed_over = getattr(node, "workeroutput", {})
    TALLY.update(handed_over.get("tally", {}))
    CHROMIUM_LAUNCHES.extend(handed_over.get("chromium_launches", []))


def pytest_terminal_summary(terminalreporter):
    if CHROMIUM_LAUNCHES:
        times = CHROMIUM_LAUNCHES
        terminalreporter.write_line(
            f"Chromium launches: {len(times)}, {min(times):.2f}-{max(times):.2f} s each"
        )
    if not TALLY:
        return
    kinds = ("match", "refused on purpose", "differs on purpose", "divergence")
    counted = sum(TALLY[k] for k in kinds)
    terminalreporter.section("Kaoping conformance with SpiffWorkflow 3.2.0")
    terminalreporter.write_line(
        f"cases counted: {counted} — matching {TALLY['match']}, "
        f"refused on purpose {TALLY['refused on purpose']}, "
        f"differs on purpose {TALLY['differs on purpose']}, "
        f"known divergences (xfail) {TALLY['divergence']}; "
        f"not runnable (not counted): {TALLY['not runnable']}"
    )
    terminalreporter.write_line(
        f"of the counted, our own models {TALLY['own']}, the library's {counted - TALLY['own']}; "
        f"runs over all databases: {TALLY['runs']}; "
        f"library models absent (skipped): {TALLY['absent']}"
    )


def pytest_report_header(config):
    if POSTGRES_URL:
        return f"PostgreSQL runs: {POSTGRES_URL}"
    return "PostgreSQL runs: SKIPPED (KAOPING_TEST_POSTGRES_URL is not set)"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "kaoping.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def _worker_database(url: str) -> str:
    """KAOPING_TEST_POSTGRES_URL itself, or under pytest-xdist a database of the worker's own
    beside it (`test_gw0`, …), created on first use: workers never truncate each other's tables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    given = make_url(url)
    own = given.set(database=f"{given.database}_{worker}")
    engine = create_engine(given, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": own.database})
        if exists.first() is None:
            conn.execute(text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_migrated() -> str:
    url = _worker_database(POSTGRES_URL)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    upgrade(url)
    return url


def _metadata():
    """The engine's tables and every installed extension's: the migrations create them all."""
    every = Settings()
    return [Base.metadata, *Extensions(load_extensions(every), every).metadata()]


def _truncate_postgres(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(t.name for metadata in _metadata() for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def postgres_url(request) -> str:
    """An emptied, migrated PostgreSQL database, or a skip that says why there is none."""
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL run skipped: KAOPING_TEST_POSTGRES_URL is not set")
    url = request.getfixturevalue("postgres_migrated")
    _truncate_postgres(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url")
    target = tmp_path / "kaoping.db"
    shutil.copy(request.getfixturevalue("sqlite_template"), target)
    return f"sqlite:///{target}"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def settings(database_url, tmp_path) -> Settings:
    return Settings(
        database_url=database_url,
        scheduler=False,
        processes_dir=tmp_path / "none",
        script_time_limit=0.5,
        secret_key=SECRET_KEY,
    )


@pytest.fixture
def rt(request, settings, clock):
    """The engine; a test marked `controlled_clock("2021-10-01T00:00:00+08:00")` gets the
    database-backed controlled clock that the API can move, as KAOPING_CONTROLLED_CLOCK=1 does."""
    marker = request.node.get_closest_marker("controlled_clock")
    if marker is not None:
        runtime = Runtime.create(replace(settings, controlled_clock=True, clock_start=marker.args[0]))
    else:
        runtime = Runtime.create(settings, clock=clock)
    yield runtime
    runtime.db.dispose()


@pytest.fixture
def app(rt):
    return create_app(runtime=rt)


@pytest.fixture
def client(app):
    return app.test_client()


class Actor:
    """Someone using the API with their own token."""

    def __init__(self, client, name: str, token: str):
        self.client, self.name, self.token = client, name, token

    def _headers(self, extra=None):
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def get(self, url, **kw):
        return self.client.get(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, url, **kw):
        return self.client.post(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def delete(self, url, **kw):
        return self.client.delete(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def deploy(self, *names: str, **kw):
        data = {"file": [(open(FIXTURES / n, "rb"), n) for n in names]}
        return self.post("/api/v1/definitions", data=data, content_type="multipart/form-data", **kw)

    def start(self, definition: str, **body):
        return self.post("/api/v1/instances", json={"definition": definition, **body})

    def tasks(self, **params):
        response = self.get("/api/v1/tasks", query_string=params)
        assert response.status_code == 200, response.json
        return response.json["items"]

    def complete(self, task_id: str, data=None):
        return self.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data or {}})


@pytest.fixture
def people(rt, client):
    """people("name", groups=[...], admin=False) → an Actor with a fresh token."""

    def make(name: str, *, groups=(), admin=False, password=None) -> Actor:
        with rt.db.write() as session:
            token = create_user(
                session, name, now=rt.clock.now(), admin=admin, groups=list(groups), password=password
            )
        return Actor(client, name, token)

    return make


@pytest.fixture
def admin(people) -> Actor:
    return people("admin", admin=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
