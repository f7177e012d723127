"""Instances and definitions on the page: administrators see and pull every lever; a
participant reads only an instance they take part in; nobody else sees anything."""

from __future__ import annotations

from .test_pages import _csrf, _sign_in


def test_an_instance_page_marks_where_it_stands_and_its_levers_are_for_administrators(app, admin, people):
    people("root.web", admin=True, password="pw-0")
    office = people("li.office", groups=["provincial_office"], password="pw-1")
    people("zhao.county", groups=["county:530102"], password="pw-2")
    admin.deploy("review.bpmn", "draft.json")
    instance = office.start("review", business_key="annual-2026").json

    boss = app.test_client()
    _sign_in(boss, "root.web", "pw-0")
    listing = boss.get("/instances?status=running")
    assert "annual-2026" in listing.text
    page = boss.get(f"/instances/{instance['id']}")
    assert page.status_code == 200 and '"active": ["draft"]' in page.text and "instance.started" in page.text
    assert boss.get(f"/instances/{instance['id']}/diagram.xml").text.startswith("<?xml")
    assert boss.post(f"/instances/{instance['id']}/suspend").status_code == 400  # no CSRF token
    token = _csrf(page.text)
    assert boss.post(f"/instances/{instance['id']}/suspend", data={"csrf_token": token}).status_code == 302
    assert admin.get(f"/api/v1/instances/{instance['id']}").json["status"] == "suspended"

    participant = app.test_client()
    _sign_in(participant, "li.office", "pw-1")
    assert participant.get("/instances").status_code == 403
    assert participant.get(f"/instances/{instance['id']}").status_code == 200
    levers = participant.post(
        f"/instances/{instance['id']}/resume", data={"csrf_token": _csrf(participant.get("/tasks").text)}
    )
    assert levers.status_code == 403
    stranger = app.test_client()
    _sign_in(stranger, "zhao.county", "pw-2")
    assert stranger.get(f"/instances/{instance['id']}").status_code == 404
    assert stranger.get(f"/instances/{instance['id']}/diagram.xml").status_code == 404


def test_definitions_are_listed_with_their_versions_for_administrators(app, admin, people):
    people("root.web", admin=True, password="pw-0")
    people("li.office", groups=["provincial_office"], password="pw-1")
    admin.deploy("review.bpmn", "draft.json")
    admin.deploy("needs_bonus.bpmn", "draft.json")
    boss = app.test_client()
    _sign_in(boss, "root.web", "pw-0")
    listing = boss.get("/definitions")
    assert listing.text.count('class="version"') == 2
    assert "bpmn-modeler" in boss.get("/definitions/review/2").text
    assert b"bonus" in boss.get("/definitions/review/2/bpmn.xml").data
    assert boss.get("/definitions/review/9").status_code == 404
    office = app.test_client()
    _sign_in(office, "li.office", "pw-1")
    assert office.get("/definitions").status_code == 403
    assert office.get("/definitions/review/1/bpmn.xml").status_code == 403


def test_the_page_and_the_api_agree_on_an_instance_and_its_diagram_is_only_a_picture(app, admin, people):
    office = people("li.office", groups=["provincial_office"], password="pw-1")
    people("zhao.county", groups=["county:530102"], password="pw-2")
    admin.deploy("review.bpmn", "draft.json")
    instance = office.start("review").json
    stranger = app.test_client()
    _sign_in(stranger, "zhao.county", "pw-2")
    for page, api in (("", ""), ("/diagram.xml", "/events")):
        assert stranger.get(f"/instances/{instance['id']}{page}").status_code == 404
        assert stranger.get(f"/api/v1/instances/{instance['id']}{api}").status_code == 404

    participant = app.test_client()
    _sign_in(participant, "li.office", "pw-1")
    assert participant.get(f"/api/v1/instances/{instance['id']}").status_code == 200
    diagram = participant.get(f"/instances/{instance['id']}/diagram.xml")
    assert diagram.status_code == 200 and diagram.mimetype == "application/xml"
    assert b'id="score"' in diagram.data and b'sourceRef="score"' in diagram.data  # every element
    # but none of the logic, which is the definition's and the administrators'
    assert b"responsibility + policy" not in diagram.data and b"total &gt;= 60" not in diagram.data
    assert b"formKey" not in diagram.data
