"""An administrator in a real browser: opens the annual evaluation in the modeler, moves the
November date, deploys, sees the new version; a refused deployment is shown at its element."""

from __future__ import annotations

from engine.config import PROJECT_ROOT
from engine.scheduler.deployment import deploy_files

PROCESSES = PROJECT_ROOT / "processes"


def test_the_november_date_is_moved_in_the_modeler(live_server, page, shot, signed_in, rt, admin, people):
    people("wang.admin", admin=True, password="pw-王管理")
    deploy_files(
        rt,
        [(p.name, p.read_bytes()) for p in sorted(PROCESSES.iterdir()) if p.suffix in (".bpmn", ".dmn")],
        "test",
    )
    signed_in(page, live_server, "wang.admin", "pw-王管理")
    page.goto(f"{live_server}/definitions")
    page.locator('tr[data-key="annual_evaluation"] a.version').first.click()
    page.wait_for_selector('body[data-modeler="ready"]')
    assert page.locator('.djs-element[data-element-id="opens"]').count() == 1
    shot(page, "modeler")

    page.locator("#to-xml").click()
    xml = page.locator("#xml").input_value()
    assert "R/2021-11-01T09:00:00+08:00/P1Y" in xml
    page.locator("#xml").fill(
        xml.replace("R/2021-11-01T09:00:00+08:00/P1Y", "R/2021-11-08T09:00:00+08:00/P1Y")
    )
    page.locator("#from-xml").click()
    page.wait_for_selector('body[data-modeler="ready"]')
    page.locator("#deploy").click()
    page.wait_for_selector('#outcome[data-version="2"]')
    shot(page, "deployed")
    assert [v["version"] for v in admin.get("/api/v1/definitions/annual_evaluation").json["items"]] == [1, 2]
    [start] = [t for t in admin.get("/api/v1/timers").json["items"] if t["definition"] == "annual_evaluation"]
    assert start["version"] == 2 and start["due_at"].endswith("-11-08T09:00:00+08:00")
    saved = admin.get("/api/v1/definitions/annual_evaluation/versions/2/xml").text
    assert "assessments_due</bpmn:loopDataInputRef>" in saved  # the modeler kept the collections

    page.locator("#to-xml").click()
    broken = (
        page.locator("#xml")
        .input_value()
        .replace("sample_seed = new_seed()", "import os\nsample_seed = new_seed()")
    )
    page.locator("#xml").fill(broken)
    page.locator("#from-xml").click()
    page.wait_for_selector('body[data-modeler="ready"]')
    page.locator("#deploy").click()
    page.wait_for_selector("#problems:not([hidden])")
    assert "draw_sample" in page.locator("#problems").inner_text()
    assert page.locator('.djs-element.deploy-error[data-element-id="draw_sample"]').count() == 1
    shot(page, "refused")
    assert len(admin.get("/api/v1/definitions/annual_evaluation").json["items"]) == 2
