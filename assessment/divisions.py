"""Reference data: Yunnan's prefecture- and county-level divisions (GB/T 2260 codes).

The data is `data/yunnan-divisions.json` in the processes dir (Settings.processes_dir, which
KAOPING_PROCESSES_DIR moves), made by processes/data/extract_divisions.py from a pinned dataset
package; its "provenance" says which. The extension offers it as reference data `divisions`,
loaded once per runtime (`rt.extensions.reference("divisions")`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from engine.config import Settings

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


def path_for(settings: Settings) -> Path:
    return Path(settings.processes_dir) / DATA_FILE


def divisions_for(settings: Settings) -> Divisions:
    """The reference data loader the extension registers."""
    return load_divisions(path_for(settings))


def load_divisions(path: Path) -> Divisions:
    raw = json.loads(path.read_text(encoding="utf-8"))
    prefectures = tuple(
        Prefecture(
            p["code"],
            p["name"],
            p["name_en"],
            tuple(County(c["code"], c["name"], p["code"]) for c in p["counties"]),
        )
        for p in raw["prefectures"]
    )
    return Divisions(raw["province"]["code"], raw["province"]["name"], raw["provenance"], prefectures)
