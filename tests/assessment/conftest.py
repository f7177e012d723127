"""The assessment's tests run with the shipped processes dir: its reference data (Yunnan's
divisions) is read from there, through Settings, as in production."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from assessment.models import CycleResult, UnitResult
from engine.config import PROJECT_ROOT, Settings
from engine.scheduler.deployment import deploy_files

SHANGHAI = ZoneInfo("Asia/Shanghai")
PROCESSES = PROJECT_ROOT / "processes"


def at(text: str) -> datetime:
    """A wall-clock time in Yunnan, as the rules write dates."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def settings(settings) -> Settings:
    return replace(settings, processes_dir=PROCESSES)


@pytest.fixture
def shipped(rt):
    """The engine with the shipped processes deployed, as `make run` starts it."""
    files = [(p.name, p.read_bytes()) for p in sorted(PROCESSES.iterdir()) if p.suffix in (".bpmn", ".dmn")]
    deploy_files(rt, files, "test")
    return rt


def grade_of(score: float) -> str:
    return "好" if score >= 90 else "较好" if score >= 80 else "一般"


@pytest.fixture
def published_before(shipped):
    """Earlier annual cycles as their publication left them, written straight into the results
    tables: a test about the five-year evaluation need not run 2021-2024 again. Each unit's
    score is fixed by the year and its code, so a test can recompute what was published."""
    divisions = shipped.extensions.reference("divisions")

    def score(year: int, code: str) -> float:
        return round(70 + (int(code) * 7 + year * 13) % 2900 / 100, 2)

    def publish(*years: int) -> None:
        with shipped.db.write() as session:
            for year in years:
                session.add(
                    CycleResult(
                        cycle=str(year),
                        kind="annual",
                        year=year,
                        instance_id=f"earlier-{year}",
                        published_at=at(f"{year + 1}-02-20T10:00:00"),
                        approved_by=[],
                        notice={"number": f"云乡振发〔{year + 1}〕1号", "text": f"{year}年度考核评估结果。"},
                    )
                )
                session.flush()
                for prefecture in divisions.prefectures():
                    units = [(prefecture.code, prefecture.name, "prefecture", None)] + [
                        (c.code, c.name, "county", prefecture.code) for c in prefecture.counties
                    ]
                    for code, name, level, parent in units:
                        s = score(year, code)
                        session.add(
                            UnitResult(
                                cycle=str(year),
                                code=code,
                                level=level,
                                name=name,
                                prefecture_code=parent,
                                grade=grade_of(s),
                                computed_grade=grade_of(s),
                                score=s,
                            )
                        )

    publish.score = score
    return publish
