"""Administrators deploy; hostile or broken uploads are refused with details and change nothing."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from engine.persistence.models import Definition

from ..conftest import FIXTURES

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="p">&lol3;</bpmn:process></bpmn:definitions>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">
<bpmn:process id="p" name="&xxe;" isExecutable="true"/></bpmn:definitions>"""


def _count(rt) -> int:
    with rt.db.read() as session:
        return session.scalar(select(func.count()).select_from(Definition))


def test_deploy_versions_and_identical_content(admin):
    first = admin.deploy("review.bpmn", "draft.json")
    assert first.status_code == 201
    assert first.json["definitions"][0]["version"] == 1
    same = admin.deploy("review.bpmn", "draft.json")
    assert same.status_code == 200
    assert same.json["definitions"][0]["id"] == first.json["definitions"][0]["id"]
    changed = admin.deploy("needs_bonus.bpmn", "draft.json")
    assert changed.status_code == 201 and changed.json["definitions"][0]["version"] == 2

    versions = admin.get("/api/v1/definitions/review").json["items"]
    assert [v["version"] for v in versions] == [1, 2]
    latest = admin.get("/api/v1/definitions").json["items"]
    assert [(d["key"], d["version"]) for d in latest] == [("review", 2)]
    xml = admin.get("/api/v1/definitions/review/versions/1/xml")
    assert xml.status_code == 200 and xml.mimetype == "application/xml"
    assert b"total = responsibility + policy" in xml.data


def test_deploy_by_xml_body(admin):
    response = admin.post(
        "/api/v1/definitions", data=(FIXTURES / "units.bpmn").read_bytes(), content_type="application/xml"
    )
    assert response.status_code == 201, response.json
    assert response.json["definitions"][0]["key"] == "units"


def test_running_instances_stay_on_their_version(admin, people):
    office = people("li.office", groups=["provincial_office"])
    admin.deploy("review.bpmn", "draft.json")
    instance = office.start("review").json
    admin.deploy("needs_bonus.bpmn", "draft.json")
    [draft] = office.tasks()
    assert office.complete(draft["id"], {"responsibility": 40, "policy": 30}).status_code == 200
    after = admin.get(f"/api/v1/instances/{instance['id']}").json
    assert after["version"] == 1 and after["status"] == "running"


@pytest.mark.parametrize(
    "payload, fragment",
    [
        (BILLION_LAUGHS, "document type declarations are not allowed"),
        (EXTERNAL_ENTITY, "document type declarations are not allowed"),
        (b"<bpmn:definitions", "not well-formed"),
        (
            b"<definitions xmlns='http://www.omg.org/spec/BPMN/20100524/MODEL'><process id='p' isExecutable='true'><bogus/></process></definitions>",
            "",
        ),
    ],
)
def test_hostile_and_malformed_xml_is_refused(rt, admin, payload, fragment):
    response = admin.post("/api/v1/definitions", data=payload, content_type="application/xml")
    assert response.status_code == 422, response.json
    details = response.json["error"]["details"]
    assert details and {"file", "line", "element", "message"} <= set(details[0])
    assert fragment in details[0]["message"]
    assert b"root:" not in response.data  # /etc/passwd never reaches anyone
    assert _count(rt) == 0


def test_xml_syntax_errors_carry_their_line(admin):
    response = admin.post("/api/v1/definitions", data=b"<a>\n<b>\n</a>", content_type="application/xml")
    assert response.status_code == 422
    assert response.json["error"]["details"][0]["line"] == 3


def test_a_script_that_imports_is_refused_at_deploy(rt, admin):
    response = admin.deploy("import_os.bpmn", "draft.json")
    assert response.status_code == 422
    [detail] = response.json["error"]["details"]
    assert detail["element"] == "score" and detail["file"] == "import_os.bpmn"
    assert detail["line"] is not None and "import" in detail["message"].lower()
    assert _count(rt) == 0


def test_missing_form_and_missing_called_process_are_named(rt, admin):
    response = admin.deploy("review.bpmn")  # draft.json left out
    assert response.status_code == 422
    [detail] = response.json["error"]["details"]
    assert detail["element"] == "draft" and "draft" in detail["message"]
    response = admin.deploy("calls_ghost.bpmn")
    assert response.status_code == 422
    assert any("ghost" in d["message"] for d in response.json["error"]["details"])
    assert _count(rt) == 0


def test_a_start_timer_whose_date_cannot_be_worked_out_is_refused_at_deploy(rt, admin):
    """Deploying schedules the first occurrence; a date expression naming data no start has
    was a 500 that stored nothing, and must be a 422 at its element."""
    response = admin.deploy("starts_on_unknown_date.bpmn")
    assert response.status_code == 422, response.json
    [detail] = response.json["error"]["details"]
    assert detail["element"] == "begin" and "opening_day" in detail["message"]
    assert _count(rt) == 0


def test_oversize_upload_is_413_before_parsing(rt, admin):
    big = b"<a>" + b" " * (6 * 1024 * 1024) + b"</a>"
    response = admin.post("/api/v1/definitions", data=big, content_type="application/xml")
    assert response.status_code == 413
    assert response.json["error"]["code"] in ("too_large", "upload_too_large")
    assert _count(rt) == 0


def test_participants_cannot_deploy_and_strangers_are_401(rt, client, people):
    county = people("zhao.county", groups=["county:530102"])
    data = {"file": [(io.BytesIO((FIXTURES / "units.bpmn").read_bytes()), "units.bpmn")]}
    assert (
        county.post("/api/v1/definitions", data=data, content_type="multipart/form-data").status_code == 403
    )
    anonymous = client.get("/api/v1/definitions")
    assert anonymous.status_code == 401 and anonymous.json["error"]["code"] == "missing_token"
    forged = client.get("/api/v1/definitions", headers={"Authorization": "Bearer kp_forged"})
    assert forged.status_code == 401
    assert _count(rt) == 0
