"""The provincial office watches a cycle move: the dashboard's count for a prefecture goes up
as its tasks are completed."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from assessment.simulation import Simulation
from engine.config import PROJECT_ROOT
from engine.scheduler.deployment import deploy_files

pytestmark = pytest.mark.controlled_clock("2021-10-01T00:00:00+08:00")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_dashboard_counts_up_as_prefectures_complete(live_server, page, shot, signed_in, rt, people):
    people("zhou.office", groups=["provincial_office"], password="pw-周")
    deploy_files(
        rt,
        [
            (p.name, p.read_bytes())
            for p in sorted((PROJECT_ROOT / "processes").iterdir())
            if p.suffix in (".bpmn", ".dmn")
        ],
        "test",
    )
    held = {"530100", "530300"}
    holding = {"yes": True}

    def leave(task):  # Kunming's and Qujing's self-assessments wait until we say so
        return (
            holding["yes"]
            and task.element_id == "self_assessment"
            and any(g.removeprefix("prefecture:") in held for g in task.candidate_groups)
        )

    sim = Simulation(rt, leave=leave, paced=False)
    sim.run(datetime(2021, 11, 1, tzinfo=SHANGHAI), datetime(2021, 11, 1, 12, tzinfo=SHANGHAI))

    signed_in(page, live_server, "zhou.office", "pw-周")
    page.goto(f"{live_server}/cycles/annual-2021")
    kunming = page.locator('table#progress tr[data-prefecture="530100"]')
    before = int(kunming.get_attribute("data-done"))
    assert int(kunming.get_attribute("data-open")) == 1
    assert page.locator("#cycle-stage").get_attribute("data-stage") == "self_assessment"
    shot(page, "waiting-for-kunming")

    held.discard("530100")
    sim._work()  # Kunming's office completes its self-assessment
    page.reload()
    kunming = page.locator('table#progress tr[data-prefecture="530100"]')
    assert int(kunming.get_attribute("data-done")) == before + 1
    assert int(kunming.get_attribute("data-open")) == 0
    assert int(page.locator('table#progress tr[data-prefecture="530300"]').get_attribute("data-open")) == 1
    shot(page, "kunming-done")
