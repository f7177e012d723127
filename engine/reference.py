"""Reference data: Yunnan's prefecture- and county-level divisions (GB/T 2260 codes).

The data is `processes/data/yunnan-divisions.json`, made by processes/data/extract_divisions.py
from a pinned dataset package; its "provenance" says which. KAOPING_PROCESSES_DIR moves the
processes dir, as it does for the shipped processes; an explicit path wins over both.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .config import PROJECT_ROOT

DATA_FILE = Path("data") / "yunnan-divisions.json"


@dataclass(frozen=True)
class County:
    code: str
    name: str
    prefecture_code: str


@dataclass(frozen=True)
class Prefecture:
    code: str
    name: str
    name_en: str
    counties: tuple[County, ...]


@dataclass(frozen=True)
class Divisions:
    province_code: str
    province_name: str
    provenance: dict = field(hash=False, compare=False)
    _prefectures: tuple[Prefecture, ...] = ()

    def prefectures(self) -> tuple[Prefecture, ...]:
        return self._prefectures

    def counties(self) -> tuple[County, ...]:
        return tuple(c for p in self._prefectures for c in p.counties)

    def prefecture_of(self, county_code: str) -> Prefecture:
        """The prefecture a county belongs to; KeyError for a code that is no county here."""
        for p in self._prefectures:
            if any(c.code == county_code for c in p.counties):
                return p
        raise KeyError(county_code)


def default_path(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    processes_dir = Path(env["KAOPING_PROCESSES_DIR"]) if env.get("KAOPING_PROCESSES_DIR") \
        else PROJECT_ROOT / "processes"
    return processes_dir / DATA_FILE


def load_divisions(path: Path | None = None) -> Divisions:
    """The divisions, read once per file: they are immutable data shared by every caller."""
    return _load(Path(path or default_path()).resolve())


@lru_cache(maxsize=4)
def _load(path: Path) -> Divisions:
    raw = json.loads(path.read_text(encoding="utf-8"))
    prefectures = tuple(
        Prefecture(p["code"], p["name"], p["name_en"],
                   tuple(County(c["code"], c["name"], p["code"]) for c in p["counties"]))
        for p in raw["prefectures"])
    return Divisions(raw["province"]["code"], raw["province"]["name"], raw["provenance"],
                     prefectures)
