"""Every page an administrator opens, in the browser, with a screenshot of each: an instance's
diagram with its elements marked, the definitions list, and a decision table in dmn-js."""

from __future__ import annotations

from engine.config import PROJECT_ROOT
from engine.scheduler.deployment import deploy_files


def test_instance_definitions_and_decision_pages(live_server, page, shot, signed_in, rt, admin, people):
    people("wang.admin", admin=True, password="pw-王")
    office = people("li.office", groups=["provincial_office"], password="pw-李")
    deploy_files(
        rt,
        [
            (p.name, p.read_bytes())
            for p in sorted((PROJECT_ROOT / "processes").iterdir())
            if p.suffix in (".bpmn", ".dmn")
        ],
        "test",
    )
    instance = office.start(
        "annual_evaluation", business_key="annual-2026", variables={"occurrence": "2026-11-01T09:00:00+08:00"}
    ).json

    signed_in(page, live_server, "wang.admin", "pw-王")
    shot(page, "inbox")
    page.goto(f"{live_server}/instances")
    assert page.locator(f'tr[data-instance-id="{instance["id"]}"]').count() == 1
    shot(page, "instances")
    page.goto(f"{live_server}/instances/{instance['id']}")
    page.wait_for_selector('body[data-diagram="ready"]')
    assert page.locator('.djs-element.k-completed[data-element-id="init"]').count() == 1
    assert page.locator('.djs-element.k-active[data-element-id="plan_task"]').count() == 1
    assert page.locator('.djs-element.k-waiting[data-element-id="deadline"]').count() == 1
    shot(page, "instance")

    page.goto(f"{live_server}/definitions")
    assert page.locator('tr[data-key="annual_evaluation"]').count() == 1
    shot(page, "definitions")
    page.goto(f"{live_server}/definitions/annual_evaluation/1/dmn/county-grade.dmn")
    page.wait_for_selector('body[data-modeler="ready"]')
    page.wait_for_selector(".tjs-table")  # the decision table, rendered by dmn-js
    assert "national_key" in page.locator(".tjs-table").inner_text()
    shot(page, "decision-table")
