"""Scripts that would do harm but cannot be seen at deploy time: each becomes an incident on
its instance, never an effect on the server."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from ..conftest import FIXTURES


@pytest.mark.parametrize(
    "model, fragment",
    [
        ("loops_forever.bpmn", "time"),
        ("huge_power.bpmn", ""),
        ("reaches_out.bpmn", "globals_of_nobody"),
    ],
)
def test_runtime_violations_become_incidents(admin, people, model, fragment):
    office = people("li.office", groups=["provincial_office"])
    deployed = admin.deploy(model, "draft.json")
    assert deployed.status_code == 201, deployed.json
    instance = office.start("review").json
    [draft] = office.tasks()
    began = time.monotonic()
    response = office.complete(draft["id"], {"responsibility": 40, "policy": 30})
    assert time.monotonic() - began < 10
    assert response.status_code == 200
    after = admin.get(f"/api/v1/instances/{instance['id']}").json
    assert after["status"] == "error"
    assert after["error"]["element"] == "score"
    assert fragment in after["error"]["message"].lower()
    events = admin.get(f"/api/v1/instances/{instance['id']}/events").json["items"]
    assert events[-1]["type"] == "instance.error"


@pytest.mark.parametrize(
    "script",
    [
        "import os\ntotal = 1",
        "total = __import__('os').system('touch /tmp/kaoping-pwned')",
        "total = open('/etc/passwd').read()",
        "total = ().__class__.__bases__[0].__subclasses__()",
        "total = getattr(responsibility, '__class__')",
    ],
)
def test_statically_visible_harm_is_refused_at_deploy(admin, script):
    xml = (
        (FIXTURES / "review.bpmn")
        .read_text()
        .replace("total = responsibility + policy", script.replace("'", "&apos;"))
    )
    files = [
        (io.BytesIO(xml.encode()), "hostile.bpmn"),
        (io.BytesIO((FIXTURES / "draft.json").read_bytes()), "draft.json"),
    ]
    response = admin.post("/api/v1/definitions", data={"file": files}, content_type="multipart/form-data")
    assert response.status_code == 422, response.json
    details = response.json["error"]["details"]
    assert {(d["element"], d["file"]) for d in details} == {("score", "hostile.bpmn")}
    assert not Path("/tmp/kaoping-pwned").exists()
