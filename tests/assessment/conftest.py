"""The assessment's tests run with the shipped processes dir: its reference data (Yunnan's
divisions) is read from there, through Settings, as in production."""

from __future__ import annotations

from dataclasses import replace

import pytest

from engine.config import PROJECT_ROOT, Settings


@pytest.fixture
def settings(settings) -> Settings:
    return replace(settings, processes_dir=PROJECT_ROOT / "processes")
