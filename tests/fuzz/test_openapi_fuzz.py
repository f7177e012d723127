"""Schemathesis fuzzes the API from the OpenAPI document the app serves, as an administrator on
a SQLite database holding a deployed definition, a running instance and its task: no request it
makes may get a server error or an answer the document does not describe.

Every check schemathesis has runs, on examples, on the coverage phase's boundary and negative
values, and on generated data, with a fixed seed and derandomized, so a run is repeatable and
bounded (about a minute and a half on two cores)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from engine.app import create_app
from engine.auth.users import create_user
from engine.clock import FixedClock
from engine.config import Settings
from engine.runtime.runtime import Runtime
from tests.conftest import FIXTURES, SECRET_KEY, START

SEED = 20261125
MAX_EXAMPLES = 100  # per operation, fuzzing phase; the coverage phase adds its own cases

load_all_checks()
ALL_CHECKS = CHECKS.get_all()


def _config() -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "generation": {
                "mode": "all",
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
                # NUL is refused with a documented 400 (engine/json_input.py); as "valid" data it
                # would only report that rule back as a rejection of positive data.
                "allow-x00": False,
                # Every request carries the administrator's token (`served`); ignored_auth still
                # checks what happens without it or with a wrong one.
                "with-security-parameters": False,
            },
        }
    )


def _served_document() -> schemathesis.schemas.BaseSchema:
    # Parametrizing needs the document at collection time, before any fixture exists; it is the
    # one the app serves, and serving it touches no database (schemathesis's fixture-based
    # loader does not run under this pytest).
    app = create_app(
        Settings(
            database_url="sqlite://", scheduler=False, processes_dir=Path(tempfile.gettempdir()) / "none"
        )
    )
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=_config())


@pytest.fixture(scope="module")
def served(sqlite_template, tmp_path_factory):
    """The app the fuzzer talks to, with data to find, and an administrator's token."""
    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copy(sqlite_template, folder / "kaoping.db")
    clock = FixedClock(START)
    runtime = Runtime.create(
        Settings(
            database_url=f"sqlite:///{folder / 'kaoping.db'}",
            scheduler=False,
            processes_dir=folder / "none",
            script_time_limit=0.5,
            secret_key=SECRET_KEY,
        ),
        clock=clock,
    )
    app = create_app(runtime=runtime)
    with runtime.db.write() as session:
        token = create_user(session, "admin", now=clock.now(), admin=True, groups=["provincial_office"])
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    files = {"file": [(open(FIXTURES / name, "rb"), name) for name in ("review.bpmn", "draft.json")]}
    assert (
        client.post(
            "/api/v1/definitions", data=files, headers=headers, content_type="multipart/form-data"
        ).status_code
        == 201
    )
    started = client.post("/api/v1/instances", json={"definition": "review"}, headers=headers)
    assert started.status_code == 201 and started.json["active_tasks"]
    yield app, headers
    runtime.db.dispose()


schema = _served_document()

# positive_data_acceptance wants every schema-valid request accepted. These operations take text
# in a grammar JSON Schema does not state; their refusals are documented 4xx (openapi.py) and
# every other check still runs on them.
GRAMMAR_BEYOND_THE_SCHEMA = {
    "POST /api/v1/definitions": "a deployable BPMN/DMN/form bundle",
    "POST /api/v1/clock": "exactly one of an ISO 8601 instant or duration, not backwards",
    "POST /api/v1/webhooks": "an http(s) URL with a host and known event types",
    "POST /api/v1/inbound-endpoints": "a name, $.paths and an ISO 8601 duration",
    "POST /api/v1/messages": "an ISO 8601 duration as ttl",
}


def _excluded(case, response) -> list:
    label = f"{case.method.upper()} {case.path}"
    if label in GRAMMAR_BEYOND_THE_SCHEMA:
        return [positive_data_acceptance]
    # A cursor is valid only if the server issued it, which no schema can say.
    if (case.query or {}).get("after"):
        return [positive_data_acceptance]
    # Free-form values (variables, form data, payloads) are any JSON in the document; the
    # 64-bit bound on their integers (engine/json_input.py) is the documented 400.
    if response.status_code == 400 and _error_code(response) == "number_out_of_range":
        return [positive_data_acceptance]
    return []


def _error_code(response) -> str | None:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


@schema.parametrize()
@settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_answers_as_its_document_says(case, served):
    app, headers = served
    response = case.call(app=app, headers=headers)
    case.validate_response(
        response,
        headers=headers,
        transport_kwargs={"app": app, "headers": headers},
        checks=ALL_CHECKS,
        excluded_checks=_excluded(case, response),
    )
