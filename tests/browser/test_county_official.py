"""A county official in a real browser: signs in, sees only their task, submits the form with
a mistake the browser cannot see but the server can, reads the server's message at the field,
fixes it, submits, and the task is gone from their list."""

from __future__ import annotations

from ..conftest import FIXTURES


def test_a_county_official_fixes_what_the_server_refused(live_server, page, shot, signed_in, admin, people):
    people("zhao.county", groups=["county:530102"], password="pw-赵县")
    people("qian.county", groups=["county:530103"], password="pw-钱县")
    files = {
        "file": [
            (open(FIXTURES / "county_report.bpmn", "rb"), "county_report.bpmn"),
            (open(FIXTURES / "county-report.json", "rb"), "county-report.json"),
        ]
    }
    assert (
        admin.post("/api/v1/definitions", data=files, content_type="multipart/form-data").status_code == 201
    )
    mine = admin.start("county_report", variables={"county": "530102"}).json
    admin.start("county_report", variables={"county": "530103"})

    signed_in(page, live_server, "zhao.county", "pw-赵县")
    assert page.url.endswith("/tasks")
    rows = page.locator("tr.task")
    assert rows.count() == 1  # the neighbouring county's task is not here
    shot(page, "inbox")
    rows.first.get_by_role("link").first.click()
    page.wait_for_selector(".fjs-form")

    # The browser's own check only wants eleven digits somewhere; the server wants nothing else.
    page.get_by_label("联系电话 / Contact phone").fill("手机13800138000")
    page.get_by_label("监测户数 / Monitored households").fill("42")
    page.get_by_label("情况摘要 / Summary").fill(
        "本年度无规模性返贫 / No large-scale return to poverty this year"
    )
    page.locator("#complete").click()
    message = page.locator('.field-error[data-field="contact_phone"]')
    message.wait_for()
    assert "13800138000" not in message.inner_text() and message.inner_text()
    field = page.locator(".fjs-form-field", has=page.get_by_label("联系电话 / Contact phone"))
    assert field.locator(".field-error").count() == 1  # beside its field, not only in a banner
    shot(page, "refused")

    page.get_by_label("联系电话 / Contact phone").fill("13800138000")
    page.locator("#complete").click()
    page.wait_for_url(f"{live_server}/tasks")
    assert page.locator("#no-tasks").is_visible()
    shot(page, "done")
    events = admin.get(f"/api/v1/instances/{mine['id']}/events").json["items"]
    [completed] = [e for e in events if e["type"] == "task.completed"]
    assert completed["actor"] == "zhao.county"
    assert completed["data"]["data"]["contact_phone"] == "13800138000"
