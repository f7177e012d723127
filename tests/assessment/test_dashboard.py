"""The cycle dashboard (省级看板) without a browser: the 2021 cycle run part way by the
simulation, with some prefectures' self-assessments held back, so the counts can be watched
as tasks complete; the stage and the gates' returns; the grades and export links once
published; a prefecture's officials see their own row; a county official is turned away."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import event

from assessment.divisions import divisions_for
from assessment.simulation import Simulation
from engine.config import Settings

from .conftest import PROCESSES, at

pytestmark = [pytest.mark.slow, pytest.mark.controlled_clock("2021-10-01T00:00:00+08:00")]
KUNMING, QUJING, YUXI = "530100", "530300", "530400"
PREFECTURES = [p.code for p in divisions_for(Settings(processes_dir=PROCESSES)).prefectures()]


@pytest.fixture
def web(app):
    """The app, with the dashboard the assessment extension registers."""
    assert "dashboard" in app.blueprints
    return app


def _csrf(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def _signed_in(app, username, password):
    client = app.test_client()
    page = client.get("/login")
    answer = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": _csrf(page.text)}
    )
    assert answer.status_code == 302
    return client


class Page(HTMLParser):
    """What a browser test would read: the progress rows by `data-prefecture` and their cells
    by class, the stage, the gates' returns, the result rows by `data-unit`, the export links."""

    def __init__(self, html: str):
        super().__init__()
        self.progress: dict[str, dict[str, str]] = {}
        self.results: dict[str, dict[str, str]] = {}
        self.ids: dict[str, dict[str, str]] = {}
        self.returns: dict[str, int] = {}
        self._row: dict | None = None
        self._cell: str | None = None
        self._gate: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids[a["id"]] = a
        if tag == "tr" and "data-prefecture" in a:
            self._row = self.progress.setdefault(a["data-prefecture"], {})
        elif tag == "tr" and "data-unit" in a:
            self._row = self.results.setdefault(
                a["data-unit"],
                {
                    "class": a.get("class", ""),
                    "decided": a["data-grade"],
                    "computed": a["data-computed-grade"],
                },
            )
        elif tag == "td" and self._row is not None:
            self._cell = a.get("class")
            if self._cell:
                self._row[self._cell] = ""
        elif tag == "li" and "data-gate" in a:
            self._gate = a["data-gate"]
        elif tag == "span" and a.get("class") == "returns" and self._gate:
            self._cell = "returns"

    def handle_endtag(self, tag):
        if tag == "tr":
            self._row = None
        if tag in ("td", "span"):
            self._cell = None

    def handle_data(self, data):
        if self._cell == "returns" and self._gate:
            self.returns[self._gate] = int(data)
            self._gate = None
        elif self._cell and self._row is not None and self._cell in self._row:
            self._row[self._cell] += data.strip()

    def counts(self, code: str) -> tuple[int, int, int]:
        row = self.progress[code]
        return int(row["done"]), int(row["open"]), int(row["overdue"])

    @property
    def stage(self) -> str:
        return self.ids["cycle-stage"]["data-stage"]


def _page(client, url="/cycles/annual-2021") -> Page:
    answer = client.get(url)
    assert answer.status_code == 200, answer.text
    return Page(answer.text)


def _holding(*codes, element="self_assessment", also=()):
    """Holds back the prefectures' `element` tasks (their self-assessments) and the `also` tasks."""
    groups = {f"prefecture:{c}" for c in codes}
    return lambda task: (
        task.element_id in also or (task.element_id == element and bool(groups & set(task.candidate_groups)))
    )


def test_the_counts_go_up_as_the_2021_cycle_moves_to_publication(shipped, web, people):
    people("li.office", groups=["provincial_office"], password="pw-office")
    office = _signed_in(web, "li.office", "pw-office")
    empty = office.get("/cycles")
    assert empty.status_code == 200 and 'id="no-cycles"' in empty.text

    sim = Simulation(shipped, say=lambda line: None, leave=lambda task: True, paced=False)
    sim.run(at("2021-11-01T00:00:00"), at("2021-11-01T12:00:00"))
    opened = office.get("/cycles")
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/cycles/annual-2021")
    page = _page(office)
    assert page.stage == "plan" and "<strong>实施方案</strong>" in office.get("/cycles/annual-2021").text
    english = office.get("/cycles/annual-2021?lang=en").text  # one click away, every string
    assert "<strong>Plan</strong>" in english and "实施方案" not in english
    office.get("/cycles/annual-2021?lang=zh")
    assert sorted(page.progress) == sorted(PREFECTURES)
    assert all(page.counts(code) == (0, 0, 0) for code in PREFECTURES)
    assert 'id="not-published"' in office.get("/cycles/annual-2021").text

    # Kunming and Qujing hold their self-assessments back; everyone else submits.
    sim.leave = _holding(KUNMING, QUJING)
    sim.run(at("2021-11-01T12:00:00"), at("2021-11-02T00:00:00"))
    page = _page(office)
    assert page.stage == "self_assessment"
    assert page.counts(KUNMING) == (0, 1, 0) and page.counts(QUJING) == (0, 1, 0)
    assert page.counts(YUXI) == (1, 0, 0)
    total = page.ids["progress-total"]
    assert (total["data-done"], total["data-open"], total["data-overdue"]) == ("14", "2", "0")
    assert page.returns == {"review": 0, "sign_off": 0}

    # Past the 15 December deadline the two held tasks are overdue.
    sim.run(at("2021-11-02T00:00:00"), at("2021-12-20T00:00:00"))
    page = _page(office)
    assert page.counts(KUNMING) == (0, 1, 1) and page.counts(QUJING) == (0, 1, 1)
    assert page.ids["progress-total"]["data-overdue"] == "2"
    assert 'class="prefecture has-overdue" data-prefecture="530100"' in office.get("/cycles/annual-2021").text

    # Kunming submits: its done goes up and its open down; the cycle still waits for Qujing.
    sim.leave = _holding(QUJING)
    sim.run(at("2021-12-20T00:00:00"), at("2021-12-20T01:00:00"))
    page = _page(office)
    assert page.counts(KUNMING) == (1, 0, 0) and page.counts(QUJING) == (0, 1, 1)
    assert page.stage == "self_assessment"

    # Qujing submits; the spot checks are held: the stage moves on.
    sim.leave = _holding(also=("spot_check",))
    sim.run(at("2021-12-20T01:00:00"), at("2021-12-20T02:00:00"))
    page = _page(office)
    assert page.stage == "spot_check" and page.counts(QUJING) == (1, 0, 0)

    # The leading group returns the draft once, then approves; the sign-off is held.
    sim.leave = _holding(also=("sign_off",))
    sim.run(at("2021-12-20T02:00:00"), at("2021-12-20T03:00:00"))
    page = _page(office)
    assert page.stage == "sign_off" and page.returns == {"review": 1, "sign_off": 0}

    # Published; the rectifications are held: grades, flags and exports appear.
    sim.leave = _holding(also=("rectification",))
    sim.run(at("2021-12-20T03:00:00"), at("2021-12-20T04:00:00"))
    html = office.get("/cycles/annual-2021").text
    page = Page(html)
    assert page.stage == "rectification" and page.returns == {"review": 1, "sign_off": 1}
    assert page.counts(KUNMING) == (1, 1, 0)
    prefectures = {code: row for code, row in page.results.items() if row["class"] == "prefecture-result"}
    counties = {code: row for code, row in page.results.items() if row["class"] == "county-result"}
    assert sorted(prefectures) == sorted(PREFECTURES) and len(counties) == 129
    published = office.get("/api/v1/cycles/2021/results").json
    for row in published["prefectures"]:
        assert prefectures[row["code"]]["decided"] == row["grade"]
        assert prefectures[row["code"]]["score"] == f"{row['score']:.2f}"
    assert {row["decided"] for row in counties.values()} <= {"好", "较好", "一般"}
    # a grade amended at a gate shows the grade decided, then the one computed
    for row in published["prefectures"] + published["counties"]:
        cell = page.results[row["code"]]["grade"]
        if row["amendments"]:
            assert cell.startswith(row["grade"]) and f"计算 {row['computed_grade']}，已修改" in cell
        else:
            assert cell == row["grade"]
    assert any(row["amendments"] for row in published["prefectures"] + published["counties"])
    assert 'data-flag="interview_reminder"' in html or all(
        not r["flags"]["interview_reminder"] for r in published["prefectures"] + published["counties"]
    )
    xlsx, csv_link = page.ids["export-xlsx"]["href"], page.ids["export-csv"]["href"]
    assert xlsx == "/api/v1/cycles/2021/results?format=xlsx"
    assert csv_link == "/api/v1/cycles/2021/results?format=csv"
    exported = office.get(csv_link)  # the page's session cookie is enough for a GET
    assert exported.status_code == 200
    assert len(list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))) == 1 + 16 + 129
    assert office.get(xlsx).status_code == 200

    # Every rectification done: the cycle is closed.
    sim.leave = lambda task: False
    sim.run(at("2021-12-20T04:00:00"), at("2022-03-31T00:00:00"))
    page = _page(office)
    done, still_open, overdue = page.counts(KUNMING)
    # its self-assessment, its rectification plan and at least one report, nothing left
    assert page.stage == "closed" and done >= 3 and (still_open, overdue) == (0, 0)
    assert page.ids["past-cycles"] is not None
    assert 'data-cycle="annual-2021" class="current"' in office.get("/cycles/annual-2021").text

    # Kunming's officials see their own prefecture's row and its counties' only
    people("kunming.office", groups=["prefecture:530100"], password="pw-km")
    kunming = _page(_signed_in(web, "kunming.office", "pw-km"))
    assert list(kunming.progress) == [KUNMING] and kunming.stage == "closed"
    assert [code for code, row in kunming.results.items() if row["class"] == "prefecture-result"] == [KUNMING]
    counties = [code for code, row in kunming.results.items() if row["class"] == "county-result"]
    assert len(counties) == 14 and all(code.startswith("5301") for code in counties)
    assert "export-xlsx" in kunming.ids and "export-csv" in kunming.ids


def test_progress_is_one_grouped_query_whatever_the_number_of_prefectures(shipped, web, people):
    people("li.office", groups=["provincial_office"], password="pw-office")
    office = _signed_in(web, "li.office", "pw-office")
    Simulation(shipped, say=lambda line: None, leave=_holding(KUNMING), paced=False).run(
        at("2021-11-01T00:00:00"), at("2021-11-01T12:00:00")
    )
    statements = []
    listener = lambda conn, cursor, statement, *rest: statements.append(statement)  # noqa: E731
    event.listen(shipped.db.engine, "before_cursor_execute", listener)
    try:
        page = _page(office)
    finally:
        event.remove(shipped.db.engine, "before_cursor_execute", listener)
    assert page.counts(KUNMING) == (0, 1, 0)
    assert len([s for s in statements if "task_candidates" in s]) == 1
    assert len(statements) < 16  # no statement per prefecture


def test_a_prefecture_sees_its_own_row_and_a_county_is_turned_away(shipped, web, people):
    people("kunming.office", groups=["prefecture:530100"], password="pw-km")
    people("zhao.county", groups=["county:530102"], password="pw-county")
    people("li.office", groups=["provincial_office"], password="pw-office")
    Simulation(shipped, say=lambda line: None, leave=_holding(KUNMING), paced=False).run(
        at("2021-11-01T00:00:00"), at("2021-11-01T12:00:00")
    )

    assert web.test_client().get("/cycles/annual-2021").status_code == 302  # signed out: sign in
    kunming = _signed_in(web, "kunming.office", "pw-km")
    page = _page(kunming)
    assert list(page.progress) == [KUNMING] and page.counts(KUNMING) == (0, 1, 0)
    assert "progress-total" not in page.ids and page.stage == "self_assessment"

    county = _signed_in(web, "zhao.county", "pw-county")
    refused = county.get("/cycles/annual-2021")
    assert refused.status_code == 403 and 'id="forbidden"' in refused.text
    assert "data-prefecture=" not in refused.text
    assert county.get("/cycles").status_code == 403

    office = _signed_in(web, "li.office", "pw-office")
    assert office.get("/cycles/annual-2030").status_code == 404
    assert len(_page(office).progress) == 16


def test_the_transition_cycle_has_its_own_page_beside_the_annual_one(shipped, web, people):
    people("li.office", groups=["provincial_office"], password="pw-office")
    office = _signed_in(web, "li.office", "pw-office")
    shipped.clock.set(at("2025-10-01T00:00:00"))
    held = _holding(KUNMING, element="t_five_year")  # and the whole annual 2025 cycle
    sim = Simulation(
        shipped,
        say=lambda line: None,
        leave=lambda task: task.element_id != "t_five_year" or held(task),
        paced=False,
    )
    sim.run(at("2025-11-01T00:00:00"), at("2025-11-01T12:00:00"))

    assert office.get("/cycles").headers["Location"].endswith("/cycles/annual-2025")
    html = office.get("/cycles/transition-2021-2025").text
    page = Page(html)
    assert page.stage == "self_assessment" and page.ids["cycle-title"]["data-cycle"] == "transition-2021-2025"
    assert page.counts(KUNMING) == (0, 1, 0) and page.counts(YUXI) == (1, 0, 0)
    assert 'data-cycle="annual-2025"' in html and 'data-cycle="transition-2021-2025" class="current"' in html
    annual = _page(office, "/cycles/annual-2025")
    assert annual.stage == "plan" and annual.counts(KUNMING) == (0, 0, 0)
