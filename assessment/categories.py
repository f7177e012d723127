"""Reference data: Yunnan's county categories (Art. 9), for prefilling the yearly plan.

Why this exists: the plan grades each county by its category, and the office should start from
what public sources say rather than from an example. But the sources are incomplete (only part
of the 27 national key counties are named, no provincial list was found), so a category read
from here is only as good as its source: every answer says whether a source confirms it, and
when not, a bilingual note says why, for the office to check before the plan is approved.

The data is `data/yunnan-county-categories.json` in the processes dir (Settings.processes_dir);
its `sources` and `provenance` say where each list comes from (processes/data/README.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from engine.config import Settings

DATA_FILE = Path("data") / "yunnan-county-categories.json"

Category = Literal["national_key", "provincial_key", "other_poor", "other"]
# What a reader sees for a category: the page shows both sides, a table cell or an export the
# Chinese one (`label_zh`).
LABELS: dict[str, str] = {
    "national_key": "国家乡村振兴重点帮扶县 / National key county for rural-revitalization assistance",
    "provincial_key": "省级乡村振兴重点帮扶县 / Provincial key county for rural-revitalization assistance",
    "other_poor": "其他脱贫县 / Other formerly poor county",
    "other": "其他有巩固拓展脱贫成果任务县 / Other county with tasks of consolidating and expanding poverty-alleviation results",
}


def label_zh(category: str | None) -> str:
    """The Chinese name of a category key; an unknown key as it is, none as empty."""
    if not category:
        return ""
    return LABELS.get(category, category).split(" / ")[0]


@dataclass(frozen=True)
class CategoryAnswer:
    """A county's plan category; `note` (Chinese / English) says why it is not confirmed."""

    category: Category
    confirmed: bool
    note: str = ""


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    date: str
    address: str


@dataclass(frozen=True)
class CountyCategories:
    national: frozenset[str]
    national_expected: int | None
    national_complete: bool
    # the national list was drawn from the formerly poor counties (its sources say so)
    national_within_poor: bool
    provincial: frozenset[str]
    provincial_expected: int | None
    provincial_complete: bool
    formerly_poor: frozenset[str]
    formerly_poor_complete: bool
    sources: tuple[Source, ...] = ()
    provenance: dict = field(default_factory=dict, hash=False, compare=False)

    def category_of(self, code: str) -> CategoryAnswer:
        """The plan category of the county with this GB/T 2260 code, and whether a source confirms it."""
        if code in self.national:
            return CategoryAnswer("national_key", True)
        if code in self.provincial:
            return CategoryAnswer("provincial_key", True)
        poor = code in self.formerly_poor
        may_be_national = not self.national_complete and (poor or not self.national_within_poor)
        may_be_provincial = not self.provincial_complete
        if not poor and not self.formerly_poor_complete:
            return CategoryAnswer("other", False, _note_maybe_poor())
        if may_be_national or may_be_provincial:
            return CategoryAnswer(
                "other_poor" if poor else "other", False, _note(may_be_national, may_be_provincial)
            )
        return CategoryAnswer("other_poor" if poor else "other", True)

    def summary(self) -> str:
        """One bilingual line naming what the categories rest on, for display beside the plan."""
        national = f"{len(self.national)}/{_count(self.national_expected)}"
        if self.provincial_complete:
            provincial_zh = f"省级重点帮扶县 {len(self.provincial)} 个"
            provincial_en = f"{len(self.provincial)} provincial key counties"
        else:
            provincial_zh = f"省级重点帮扶县名单未找到（应有 {_count(self.provincial_expected)} 个）"
            provincial_en = f"no provincial list found ({_count(self.provincial_expected)} expected)"
        return (
            f"县类别依据公开来源 {len(self.sources)} 项：国家乡村振兴重点帮扶县已确认 {national} 个，"
            f"{provincial_zh}，原贫困县 {len(self.formerly_poor)} 个；未经来源确认的类别须核对"
            f" / County categories rest on {len(self.sources)} public sources: {national} national key "
            f"counties confirmed, {provincial_en}, {len(self.formerly_poor)} formerly poor counties; "
            "categories no source confirms need checking"
        )


def _count(n: int | None) -> str:
    return "?" if n is None else str(n)


def _note(national: bool, provincial: bool) -> str:
    if national and provincial:
        return (
            "未经来源确认：可能是国家或省级乡村振兴重点帮扶县（名单不全）"
            " / unconfirmed: may be a national or provincial key county (the lists are incomplete)"
        )
    if national:
        return (
            "未经来源确认：可能是国家乡村振兴重点帮扶县（国家名单不全）"
            " / unconfirmed: may be a national key county (the national list is incomplete)"
        )
    return (
        "未经来源确认：可能是省级乡村振兴重点帮扶县（省级名单未找到）"
        " / unconfirmed: may be a provincial key county (no provincial list was found)"
    )


def _note_maybe_poor() -> str:
    return (
        "未经来源确认：可能是脱贫县（原贫困县名单不全）"
        " / unconfirmed: may be a formerly poor county (that list is incomplete)"
    )


def path_for(settings: Settings) -> Path:
    return Path(settings.processes_dir) / DATA_FILE


def categories_for(settings: Settings) -> CountyCategories:
    """The reference data loader (like divisions_for): the categories file of these settings."""
    return load_categories(path_for(settings))


def load_categories(path: Path) -> CountyCategories:
    raw = json.loads(path.read_text(encoding="utf-8"))
    lists = raw["categories"]

    def codes(key: str) -> frozenset[str]:
        return frozenset(c["code"] for c in lists[key]["counties"] if c["confirmed"])

    national = lists["national_key_assistance"]
    provincial = lists["provincial_key_assistance"]
    poor = lists["formerly_poor"]
    return CountyCategories(
        national=codes("national_key_assistance"),
        national_expected=national["expected_count"],
        national_complete=bool(national["complete"]),
        national_within_poor=national.get("drawn_from") == "formerly_poor",
        provincial=codes("provincial_key_assistance"),
        provincial_expected=provincial["expected_count"],
        provincial_complete=bool(provincial["complete"]),
        formerly_poor=codes("formerly_poor"),
        formerly_poor_complete=bool(poor["complete"]),
        sources=tuple(
            Source(s["id"], s["title"], s["publisher"], s["date"], s["address"]) for s in raw["sources"]
        ),
        provenance=raw["provenance"],
    )
