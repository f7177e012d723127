"""Every principal against every kind of task, and against every instance: the task lists, the
lookup by id, the page and the commands must all give the same answer, the one written in the
tables below (README, "Who may read what" and "Visibility").

The cast works one named spot check (`named_check.bpmn`): the assessment team is its group,
each copy names zhou.named as its reviewer, the members of the checked prefecture are recused
from it, and the users a copy names as the authors of what it checks are excluded from it
(separation of duties). The office starts the checks; the team works them."""

from __future__ import annotations

import re

import pytest

NOBODY = "0" * 32  # an id that was never issued
SCORES = {"responsibility": 40, "policy": 30}  # the `draft` form, filled in
KUNMING, DALI = "530100", "532500"

CAST = {  # name, groups, administrator?
    "admin": ("admin", [], True),
    "office": ("li.office", ["provincial_office"], False),  # starts the instances
    "member": ("wu.team", ["assessment_team"], False),  # a candidate group's member
    "named": ("zhou.named", [], False),  # the candidate user every copy names
    "recused": ("zhang.team", ["assessment_team", f"prefecture:{KUNMING}"], False),
    "holder": ("wang.holder", ["assessment_team"], False),  # holds the claimed copy
    "other": ("sun.team", ["assessment_team"], False),  # another candidate while it is held
    "author": ("qian.team", ["assessment_team"], False),  # wrote what two copies check
    "stranger": ("zhao.county", ["county:530102"], False),
}

# The copies of the main instance: the prefecture it checks, and what happens to it before
# anyone looks (who claims it, or who completes it).
COPIES = {
    "ready": (DALI, None),
    "claimed": (DALI, ("claim", "holder")),
    "recused": (KUNMING, None),  # ready; the Kunming member is recused from it
    "done_by_holder": (DALI, ("complete", "holder")),
    "done_by_member": (KUNMING, ("complete", "member")),  # done, and still recused from
    "done_by_named": (DALI, ("complete", "named")),
    "done_by_recused": (DALI, ("complete", "recused")),
    "excluding": (DALI, None),  # ready; its author and the administrator are excluded from it
    "done_excluding": (DALI, ("complete", "member")),  # done, and its author still excluded
}
# Who a copy names as the authors of what it checks (by role; none where not listed).
AUTHORS = {"excluding": ("author", "admin"), "done_excluding": ("author",)}

# What a principal may do with a task, as (seen in the lists, by id and on the page; claim;
# complete). Completing is tried with an empty form: 422 says the caller got past every rule
# of who may act, and leaves the task as it was.
OUTCOMES = {
    "work": (True, (200, None), (422, "invalid_form_data")),
    "watch": (True, (403, "claimed_by_other"), (403, "claimed_by_other")),  # an administrator
    "held": (False, (403, "claimed_by_other"), (403, "claimed_by_other")),  # until unclaimed
    "done": (True, (409, "task_not_ready"), (409, "task_not_ready")),
    "recused": (False, (403, "recused"), (403, "recused")),  # before and after it is done
    "excluded": (False, (403, "excluded_user"), (403, "excluded_user")),  # likewise
    "foreign": (False, (403, "not_a_candidate"), (403, "not_a_candidate")),
}

# The rule, written once. Administrators see every task and may act on any that nobody else
# holds; a claimed task is its holder's alone; recusal hides a copy, done or not, from the
# recused, and exclusion from the excluded, administrators included; a stranger is told
# nothing, and may do nothing.
TASK_RULES = {
    #   ready      claimed    recused    by_holder  by_member  by_named   by_recused excluding  done_excl.
    "admin": ("work", "watch", "work", "done", "done", "done", "done", "excluded", "done"),
    "member": ("work", "held", "work", "done", "done", "done", "done", "work", "done"),
    "named": ("work", "held", "work", "done", "done", "done", "done", "work", "done"),
    "recused": ("work", "held", "recused", "done", "recused", "done", "done", "work", "done"),
    "holder": ("work", "work", "work", "done", "done", "done", "done", "work", "done"),
    "other": ("work", "held", "work", "done", "done", "done", "done", "work", "done"),
    "author": ("work", "held", "work", "done", "done", "done", "done", "excluded", "excluded"),
    "stranger": ("foreign",) * 9,
}

# Who reads which instance: administrators, whoever started it, and whoever sees one of its
# tasks. `claimed_only`'s one copy is held, so of the team only its holder sees it;
# `recused_only`'s one copy checks Kunming, so the Kunming member sees none of it.
INSTANCE_RULES = {
    #             main   claimed_only recused_only
    "admin": (True, True, True),
    "office": (True, True, True),
    "member": (True, False, True),
    "named": (True, False, True),
    "recused": (True, False, False),
    "holder": (True, True, True),
    "other": (True, False, True),
    "author": (True, False, True),
    "stranger": (False, False, False),
}


def _csrf(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


class Person:
    """One principal, with their token for the API and a signed-in browser for the page."""

    def __init__(self, actor, browser):
        self.api, self.page = actor, browser
        self.csrf = _csrf(browser.get("/tasks").text)

    def listed_tasks(self) -> set[str]:
        return {t["id"] for state in ("ready", "completed") for t in self.api.tasks(state=state)}


@pytest.fixture
def world(app, people):
    cast = {}
    for role, (name, groups, is_admin) in CAST.items():
        actor = people(name, groups=groups, admin=is_admin, password=f"pw-{role}")
        browser = app.test_client()
        login = browser.get("/login")
        browser.post(
            "/login", data={"username": name, "password": f"pw-{role}", "csrf_token": _csrf(login.text)}
        )
        cast[role] = Person(actor, browser)
    api = {role: person.api for role, person in cast.items()}
    assert api["admin"].deploy("named_check.bpmn", "draft.json").status_code == 201

    def start(checks):
        body = [
            {
                "label": label,
                "prefecture": prefecture,
                "reviewer": "zhou.named",
                "authors": [CAST[role][0] for role in AUTHORS.get(label, ())],
            }
            for label, prefecture in checks
        ]
        started = api["office"].start("named_check", variables={"checks": body})
        assert started.status_code == 201, started.json
        # zhou.named is named on every copy and in no prefecture: they see them all.
        return started.json["id"], {
            api["named"].get(f"/api/v1/tasks/{t['id']}").json["data"]["check"]["label"]: t["id"]
            for t in api["named"].tasks(instance=started.json["id"])
        }

    main, tasks = start([(label, prefecture) for label, (prefecture, _) in COPIES.items()])
    for label, (_, deed) in COPIES.items():
        if deed and deed[0] == "claim":
            assert api[deed[1]].post(f"/api/v1/tasks/{tasks[label]}/claim").status_code == 200
        elif deed:
            assert api[deed[1]].complete(tasks[label], SCORES).status_code == 200, label
    claimed_only, held = start([("held", DALI)])
    assert api["holder"].post(f"/api/v1/tasks/{held['held']}/claim").status_code == 200
    recused_only, _ = start([("kunming", KUNMING)])
    instances = {"main": main, "claimed_only": claimed_only, "recused_only": recused_only}
    return cast, tasks, instances


def _refusal(response):
    return response.status_code, (response.json or {}).get("error", {}).get("code")


def test_a_task_is_seen_alike_in_the_lists_by_id_and_on_the_page(world):
    cast, tasks, _ = world
    for role, rules in TASK_RULES.items():
        me = cast[role]
        listed = me.listed_tasks()
        inbox = me.page.get("/tasks").text
        for label, rule in zip(COPIES, rules, strict=True):
            seen, task_id = OUTCOMES[rule][0], tasks[label]
            where = (role, label)
            assert (task_id in listed) is seen, where
            by_id = me.api.get(f"/api/v1/tasks/{task_id}")
            assert by_id.status_code == (200 if seen else 404), where
            if not seen:  # as absent as a task that never existed
                unknown = me.api.get(f"/api/v1/tasks/{NOBODY}")
                assert _refusal(by_id) == _refusal(unknown) == (404, "task_not_found"), where
            assert me.page.get(f"/tasks/{task_id}").status_code == by_id.status_code, where
            in_inbox = f'/tasks/{task_id}"' in inbox
            assert in_inbox is (seen and by_id.json["state"] == "ready"), where


def test_acting_on_a_task_answers_as_the_rules_say(world):
    cast, tasks, _ = world
    for role, rules in TASK_RULES.items():
        me = cast[role]
        for label, rule in zip(COPIES, rules, strict=True):
            _, claim, complete = OUTCOMES[rule]
            task_id, where = tasks[label], (role, label)
            assert (
                _refusal(me.api.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {}})) == complete
            ), where
            claimed = me.api.post(f"/api/v1/tasks/{task_id}/claim")
            assert _refusal(claimed) == claim, where
            if claim[0] == 200:
                assert claimed.json["assignee"] == CAST[role][0]
                if label != "claimed":  # give back what the probe took; the holder keeps theirs
                    assert me.api.post(f"/api/v1/tasks/{task_id}/unclaim").status_code == 200
            else:  # the page refuses the same way
                page = me.page.post(f"/tasks/{task_id}/claim", data={"csrf_token": me.csrf})
                assert page.status_code == claim[0], where
        assert me.api.post(f"/api/v1/tasks/{NOBODY}/claim").status_code == 404
    # Nothing the probes did is left behind: the claimed copy is still the holder's alone.
    holder = cast["holder"].api
    assert holder.get(f"/api/v1/tasks/{tasks['claimed']}").json["assignee"] == "wang.holder"
    assert holder.get(f"/api/v1/tasks/{tasks['ready']}").json["assignee"] is None


def test_an_instance_is_read_exactly_by_those_it_is_listed_for(world):
    cast, _, instances = world
    everything = {i["id"] for i in cast["admin"].api.get("/api/v1/instances").json["items"]}
    for role, rules in INSTANCE_RULES.items():
        me = cast[role]
        ready = {t["id"]: t["instance_id"] for t in me.api.tasks()}
        # What lists an instance to a participant: their tasks in it, or having started it.
        theirs = {t["instance_id"] for state in ("ready", "completed") for t in me.api.tasks(state=state)}
        if role == "office":
            theirs |= set(instances.values())
        listing = me.api.get("/api/v1/instances")
        if role == "admin":
            theirs = everything
            assert me.page.get("/instances").status_code == 200
        else:  # listing instances is the administrators'
            assert _refusal(listing) == (403, "admin_only"), role
            assert me.page.get("/instances").status_code == 403
        for name, readable in zip(instances, rules, strict=True):
            instance_id, where = instances[name], (role, name)
            assert (instance_id in theirs) is readable, where
            shown = me.api.get(f"/api/v1/instances/{instance_id}")
            assert shown.status_code == (200 if readable else 404), where
            assert me.api.get(f"/api/v1/instances/{instance_id}/events").status_code == shown.status_code
            assert me.page.get(f"/instances/{instance_id}").status_code == shown.status_code, where
            assert me.page.get(f"/instances/{instance_id}/diagram.xml").status_code == shown.status_code, (
                where
            )
            if readable:  # the instance shows the caller no open task they could not look up
                own = {t for t, i in ready.items() if i == instance_id}
                assert {t["id"] for t in shown.json["active_tasks"]} == own, where
            else:
                assert _refusal(shown) == _refusal(me.api.get(f"/api/v1/instances/{NOBODY}"))


def test_the_levers_are_refused_alike_by_the_api_and_the_page(world):
    """Cancel and the like are administrators': anyone else is refused 403 for an instance
    that exists, whether they may read it or not, and 404 for one that does not."""
    cast, _, instances = world
    for role in INSTANCE_RULES:
        if role == "admin":
            continue
        me = cast[role]
        for instance_id in (*instances.values(), NOBODY):
            for lever in ("cancel", "suspend", "resume", "retry"):
                api = me.api.post(f"/api/v1/instances/{instance_id}/{lever}")
                page = me.page.post(f"/instances/{instance_id}/{lever}", data={"csrf_token": me.csrf})
                expected = (404, "instance_not_found") if instance_id == NOBODY else (403, "admin_only")
                assert _refusal(api) == expected, (role, lever)
                assert page.status_code == expected[0], (role, lever)
    assert cast["admin"].api.get(f"/api/v1/instances/{instances['main']}").json["status"] == "running"


def test_a_claim_is_given_back_by_its_holder_or_taken_back_by_an_administrator(world):
    cast, tasks, _ = world
    held = tasks["claimed"]
    refused = {
        "member": "claimed_by_other",
        "named": "claimed_by_other",
        "recused": "claimed_by_other",
        "other": "claimed_by_other",
        "author": "claimed_by_other",
        "stranger": "not_a_candidate",
    }
    for role, code in refused.items():
        answer = cast[role].api.post(f"/api/v1/tasks/{held}/unclaim")
        assert _refusal(answer) == (403, code), role
    holder = cast["holder"].api
    for releaser in ("admin", "holder"):  # someone away must not block the check
        released = cast[releaser].api.post(f"/api/v1/tasks/{held}/unclaim")
        assert released.status_code == 200 and released.json["assignee"] is None, releaser
        assert held in {t["id"] for t in cast["other"].api.tasks()}
        assert holder.post(f"/api/v1/tasks/{held}/claim").status_code == 200
        assert held not in {t["id"] for t in cast["other"].api.tasks()}
