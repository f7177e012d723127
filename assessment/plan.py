"""The yearly implementation plan's defaults, offered to the provincial office to edit.

County categories (Art. 9) belong to each year's plan. The categories shipped here are an
EXAMPLE, not an official list: the first county of every prefecture is a national key
assistance county, the second a provincial one, the next two other formerly poor counties, the
rest other counties with consolidation tasks. The office replaces them in the plan form."""

from __future__ import annotations

from datetime import date

from .divisions import Divisions

DEPARTMENTS = [
    ("education", "省教育厅 / Education"),
    ("health", "省卫生健康委 / Health"),
    ("medical_insurance", "省医保局 / Medical insurance"),
    ("housing", "省住房城乡建设厅 / Housing"),
    ("water", "省水利厅 / Water"),
    ("human_resources", "省人力资源社会保障厅 / Human resources"),
    ("agriculture", "省农业农村厅 / Agriculture"),
    ("civil_affairs", "省民政厅 / Civil affairs"),
    ("finance", "省财政厅 / Finance"),
    ("statistics", "省统计局 / Statistics"),
]
EXAMPLE_CATEGORIES = ["national_key", "provincial_key", "other_poor", "other_poor"]


def example_plan(divisions: Divisions, year: int) -> dict:
    counties = []
    for prefecture in divisions.prefectures():
        for n, county in enumerate(prefecture.counties):
            counties.append(
                {
                    "code": county.code,
                    "name": county.name,
                    "prefecture": prefecture.code,
                    "category": EXAMPLE_CATEGORIES[n] if n < len(EXAMPLE_CATEGORIES) else "other",
                }
            )
    return {
        "weights": {"responsibility": 25, "policy": 25, "work": 25, "results": 25},
        "source_weights": {"self_assessment": 30, "routine": 30, "third_party": 40},
        "category_weights": {"national_key": 4, "provincial_key": 3, "other_poor": 2, "other": 1},
        "sampling_ratio": 0.2,
        # Art. 8, 9: a confirmed 返贫致贫问题突出和规模性风险较大 rules out 好 (the grade tables read it)
        "serious_risk_rules_out_good": True,
        "third_party": "云南省第三方评估机构（示例）/ Third-party evaluator (example)",
        "departments": [{"key": key, "name": name} for key, name in DEPARTMENTS],
        "counties": counties,
        "due": {
            "self_assessment": date(year, 12, 15).isoformat(),
            "routine_evaluation": date(year, 12, 31).isoformat(),
            "field_evaluation": date(year + 1, 1, 15).isoformat(),
            "spot_check": date(year + 1, 1, 31).isoformat(),
            "comprehensive": date(year + 1, 2, 15).isoformat(),
        },
    }


def prefectures_of(divisions: Divisions, counties: list[dict]) -> list[dict]:
    """The plan's counties grouped by prefecture, in code order: one self-assessment each."""
    names = {p.code: p.name for p in divisions.prefectures()}
    grouped: dict[str, list[dict]] = {}
    for county in sorted(counties, key=lambda c: c["code"]):
        grouped.setdefault(county["prefecture"], []).append(
            {"code": county["code"], "name": county["name"], "category": county["category"]}
        )
    return [
        {"code": code, "name": names.get(code, code), "counties": grouped[code]} for code in sorted(grouped)
    ]
