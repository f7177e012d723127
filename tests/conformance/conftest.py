"""One Kaoping per database for the whole conformance run (a fresh app per case would cost more
than the cases), an administrator per case, and the counts at the end of the run."""

from __future__ import annotations

import shutil
import uuid

import pytest

from engine.app import create_app
from engine.auth.users import create_user
from engine.config import Settings
from engine.runtime.runtime import Runtime
from tests.conftest import POSTGRES_URL, SECRET_KEY, START, _truncate_postgres

from .kaoping_run import ApiClient


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def conformance_runtime(request, tmp_path_factory):
    if request.param == "postgresql":
        if not POSTGRES_URL:
            pytest.skip("PostgreSQL run skipped: KAOPING_TEST_POSTGRES_URL is not set")
        url = request.getfixturevalue("postgres_migrated")
        _truncate_postgres(url)
    else:
        path = tmp_path_factory.mktemp("conformance") / "kaoping.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    settings = Settings(
        database_url=url,
        scheduler=False,
        processes_dir=tmp_path_factory.mktemp("no-processes"),
        script_time_limit=0.5,
        secret_key=SECRET_KEY,
        controlled_clock=True,
        clock_start=START.isoformat(),
    )
    runtime = Runtime.create(settings)
    yield runtime
    runtime.db.dispose()


@pytest.fixture(scope="session")
def conformance_app(conformance_runtime):
    return create_app(runtime=conformance_runtime)


@pytest.fixture
def api(conformance_runtime, conformance_app) -> ApiClient:
    """An administrator of its own: another suite sharing the PostgreSQL database may have
    emptied it (and the clock row with it) since the last case."""
    rt = conformance_runtime
    rt.clock.initialise()
    with rt.db.write() as session:
        token = create_user(session, f"conformance-{uuid.uuid4().hex[:12]}", now=rt.clock.now(), admin=True)
    return ApiClient(conformance_app.test_client(), token)
