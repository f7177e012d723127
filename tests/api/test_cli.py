"""The command line an operator uses: users, deployments and the audit export."""

from __future__ import annotations

import json

from click.testing import CliRunner

from engine.cli import main

from ..conftest import FIXTURES, SECRET_KEY


def _run(database_url, *args):
    result = CliRunner().invoke(
        main, list(args), env={"KAOPING_DATABASE_URL": database_url, "KAOPING_SECRET_KEY": SECRET_KEY}
    )
    return result


def test_users_deploy_and_audit_export(database_url, client):
    created = _run(
        database_url, "users", "create", "li.office", "--group", "provincial_office", "--password", "pw-1"
    )
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("kp_")
    admin_token = _run(database_url, "users", "create", "root", "--admin").stdout.strip().splitlines()[-1]
    duplicate = _run(database_url, "users", "create", "root")
    assert duplicate.exit_code == 2 and "exists" in duplicate.stderr

    deployed = _run(database_url, "deploy", str(FIXTURES / "review.bpmn"), str(FIXTURES / "draft.json"))
    assert deployed.exit_code == 0, deployed.output
    assert "deployed review version 1" in deployed.stdout
    again = _run(database_url, "deploy", str(FIXTURES / "review.bpmn"), str(FIXTURES / "draft.json"))
    assert "unchanged review version 1" in again.stdout
    refused = _run(database_url, "deploy", str(FIXTURES / "import_os.bpmn"), str(FIXTURES / "draft.json"))
    assert refused.exit_code == 2 and "score" in refused.stderr

    from engine.app import create_app  # the server sees what the CLI wrote
    from engine.config import Settings

    app = create_app(Settings(database_url=database_url, scheduler=False))
    web = app.test_client()
    started = web.post(
        "/api/v1/instances", json={"definition": "review"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert started.status_code == 201, started.json
    assert (
        web.get("/api/v1/definitions", headers={"Authorization": f"Bearer {admin_token}"}).status_code == 200
    )
    app.extensions["kaoping"].db.dispose()

    secret = _run(
        database_url,
        "inbound",
        "create",
        "third-party",
        "--message",
        "third_party.report",
        "--business-key-path",
        "$.business_key",
    )
    assert secret.exit_code == 0 and secret.stdout.strip().splitlines()[-1].startswith("whsec_")
    assert _run(database_url, "inbound", "create", "third-party", "--message", "m").exit_code == 2

    exported = _run(database_url, "audit", "export", "--instance", started.json["id"])
    lines = [json.loads(line) for line in exported.stdout.splitlines()]
    assert [e["type"] for e in lines] == ["instance.started", "task.created"]
    assert lines[0]["actor"] == "li.office" and lines[0]["at"]
