"""The page without a browser: sign-in, the inbox of a county official, a task that is not
theirs, and the page's cookie never enough on its own to change anything through the API."""

from __future__ import annotations

import re

import pytest


def _csrf(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


@pytest.fixture
def browser_client(app):
    return app.test_client()


def _sign_in(client, username, password):
    page = client.get("/login")
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": _csrf(page.text)}
    )


def test_sign_in_inbox_and_sign_out(browser_client, admin, people):
    office = people("li.office", groups=["provincial_office"], password="pw-李")
    people("zhao.county", groups=["county:530102"], password="pw-赵")
    admin.deploy("review.bpmn", "draft.json")
    office.start("review")

    assert browser_client.get("/tasks").status_code == 302
    wrong = _sign_in(browser_client, "li.office", "nope")
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text
    assert _sign_in(browser_client, "li.office", "pw-李").status_code == 302
    cookie = browser_client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"
    inbox = browser_client.get("/tasks")
    assert "我的待办" in inbox.text and ">起草<" in inbox.text and "Draft" not in inbox.text
    english = browser_client.get("/tasks?lang=en").text
    assert "My tasks" in english and ">Draft<" in english
    assert "My tasks" in browser_client.get("/tasks").text  # the choice is remembered
    browser_client.get("/tasks?lang=zh")
    token = _csrf(inbox.text)
    assert browser_client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert browser_client.get("/tasks").status_code == 302


def test_a_county_official_sees_only_their_tasks_even_by_url(app, admin, people):
    office = people("li.office", groups=["provincial_office"], password="pw-1")
    people("zhao.county", groups=["county:530102"], password="pw-2")
    admin.deploy("review.bpmn", "draft.json")
    office.start("review")
    [draft] = office.tasks()
    county = app.test_client()
    _sign_in(county, "zhao.county", "pw-2")
    assert "暂无待办任务" in county.get("/tasks").text
    assert county.get(f"/tasks/{draft['id']}").status_code == 404
    assert county.get(f"/api/v1/tasks/{draft['id']}").status_code == 404


def test_the_page_cookie_needs_the_csrf_token_to_change_anything(app, admin, people):
    office = people("li.office", groups=["provincial_office"], password="pw-1")
    admin.deploy("review.bpmn", "draft.json")
    office.start("review")
    [draft] = office.tasks()
    client = app.test_client()
    _sign_in(client, "li.office", "pw-1")
    page = client.get(f"/tasks/{draft['id']}")
    assert page.status_code == 200 and '"formKey"' not in page.text and "draft" in page.text
    body = {"data": {"responsibility": 40, "policy": 30}}
    forged = client.post(f"/api/v1/tasks/{draft['id']}/complete", json=body)
    assert forged.status_code == 403 and forged.json["error"]["code"] == "csrf"
    assert client.get("/api/v1/tasks").json["items"][0]["id"] == draft["id"]  # reading needs no token
    done = client.post(
        f"/api/v1/tasks/{draft['id']}/complete", json=body, headers={"X-CSRFToken": _csrf(page.text)}
    )
    assert done.status_code == 200


def test_claim_and_release_from_the_inbox(app, admin, people):
    office = people("li.office", groups=["provincial_office"], password="pw-1")
    colleague = people("chen.office", groups=["provincial_office"])
    admin.deploy("review.bpmn", "draft.json")
    office.start("review")
    [draft] = office.tasks()
    client = app.test_client()
    _sign_in(client, "li.office", "pw-1")
    token = _csrf(client.get("/tasks").text)
    assert client.post(f"/tasks/{draft['id']}/claim").status_code == 400  # no CSRF token
    assert client.post(f"/tasks/{draft['id']}/claim", data={"csrf_token": token}).status_code == 302
    assert colleague.tasks() == []
    assert client.post(f"/tasks/{draft['id']}/unclaim", data={"csrf_token": token}).status_code == 302
    assert [t["id"] for t in colleague.tasks()] == [draft["id"]]
