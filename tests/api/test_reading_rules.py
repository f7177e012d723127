"""Who may read what: definitions (and the scripts in them) are the administrators'; an
instance someone may not read is as absent to them as one that never existed; a recused
member sees no copy of their own prefecture's check, in a list or by its id."""

from __future__ import annotations

NOBODY = "0" * 32  # an instance id that was never issued


def test_definitions_and_the_scripts_in_them_are_for_administrators(admin, people):
    office = people("li.office", groups=["provincial_office"])
    admin.deploy("review.bpmn", "draft.json")
    for url in (
        "/api/v1/definitions",
        "/api/v1/definitions/review",
        "/api/v1/definitions/review/versions/1/xml",
    ):
        refused = office.get(url)
        assert refused.status_code == 403, url
        assert refused.json["error"]["code"] == "admin_only"
        assert admin.get(url).status_code == 200
    assert b"responsibility + policy" in admin.get("/api/v1/definitions/review/versions/1/xml").data


def test_a_participant_learns_what_they_may_start_and_nothing_more(admin, people):
    office = people("li.office", groups=["provincial_office"])
    county = people("zhao.county", groups=["county:530102"])
    admin.deploy("review.bpmn", "draft.json")
    admin.deploy("units.bpmn")  # no lanes: only administrators start it

    mine = office.get("/api/v1/instances/startable")
    assert mine.status_code == 200, mine.json
    assert mine.json == {
        "items": [{"key": "review", "version": 1, "name": "年度考评草案审议 / Draft review"}],
        "next": None,
    }
    assert office.start("review").status_code == 201
    assert county.get("/api/v1/instances/startable").json["items"] == []
    assert county.start("review").status_code == 403
    everything = admin.get("/api/v1/instances/startable", query_string={"limit": 1}).json
    rest = admin.get("/api/v1/instances/startable", query_string={"after": everything["next"]}).json
    assert [d["key"] for d in everything["items"] + rest["items"]] == ["review", "units"]
    assert rest["next"] is None


def test_an_instance_the_caller_may_not_read_is_as_absent_as_an_unknown_one(admin, people):
    office = people("li.office", groups=["provincial_office"])
    county = people("zhao.county", groups=["county:530102"])
    admin.deploy("review.bpmn", "draft.json")
    instance = office.start("review").json

    for reading in ("", "/events"):
        assert office.get(f"/api/v1/instances/{instance['id']}{reading}").status_code == 200
        hidden = county.get(f"/api/v1/instances/{instance['id']}{reading}")
        unknown = county.get(f"/api/v1/instances/{NOBODY}{reading}")
        assert hidden.status_code == unknown.status_code == 404, reading
        assert hidden.json["error"]["code"] == unknown.json["error"]["code"] == "instance_not_found"
        assert hidden.json["error"]["message"].replace(instance["id"], "ID") == unknown.json["error"][
            "message"
        ].replace(NOBODY, "ID")


def test_acting_on_an_instance_is_refused_like_acting_on_a_task(admin, people):
    """As with tasks: an unknown id is 404 for everyone; an instance that exists is 403 for
    anyone but an administrator, its own participants included."""
    office = people("li.office", groups=["provincial_office"])
    county = people("zhao.county", groups=["county:530102"])
    admin.deploy("review.bpmn", "draft.json")
    instance = office.start("review").json

    for lever in ("cancel", "suspend", "resume", "retry"):
        for actor in (office, county):
            refused = actor.post(f"/api/v1/instances/{instance['id']}/{lever}")
            assert refused.status_code == 403 and refused.json["error"]["code"] == "admin_only"
            unknown = actor.post(f"/api/v1/instances/{NOBODY}/{lever}")
            assert unknown.status_code == 404, (lever, actor.name)
            assert unknown.json["error"]["code"] == "instance_not_found"
    assert admin.get(f"/api/v1/instances/{instance['id']}").json["status"] == "running"


def test_a_recused_member_sees_no_check_of_their_own_prefecture_in_a_list_or_by_id(admin, people):
    kunming_member = people("zhang.team", groups=["assessment_team", "prefecture:530100"])
    colleague = people("wu.team", groups=["assessment_team"])
    admin.deploy("cross_check.bpmn")
    admin.start("cross_check", variables={"checks": [{"prefecture": "530100"}, {"prefecture": "532500"}]})
    checks = {
        colleague.get(f"/api/v1/tasks/{t['id']}").json["data"]["check"]["prefecture"]: t["id"]
        for t in colleague.tasks()
    }
    own, other = checks["530100"], checks["532500"]

    assert [t["id"] for t in kunming_member.tasks()] == [other]
    assert kunming_member.get(f"/api/v1/tasks/{own}").status_code == 404
    assert colleague.complete(own).status_code == 200
    # done by a colleague, their own prefecture's check stays out of sight, both ways
    assert kunming_member.tasks(state="completed") == []
    assert kunming_member.get(f"/api/v1/tasks/{own}").status_code == 404
    assert kunming_member.complete(other).status_code == 200
    assert [t["id"] for t in kunming_member.tasks(state="completed")] == [other]
    assert kunming_member.get(f"/api/v1/tasks/{other}").status_code == 200
