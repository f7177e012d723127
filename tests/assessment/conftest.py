"""The assessment's tests run with the shipped processes dir: its reference data (Yunnan's
divisions) is read from there, through Settings, as in production."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

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
