"""The yearly implementation plan's defaults, offered to the provincial office to edit, and the
server's cross-field check of the plan the office submits.

What is scored (Art. 6) is the plan's indicator tree: the four aspects — 责任落实, 政策落实,
工作落实, 巩固成效 — each refined into the sub-items Art. 6 names, plus 资金绩效评价 (Art. 7(2)),
every indicator with a weight; the weights total 100. The weights shipped here (25 per aspect,
split among its sub-items) are an EXAMPLE, not an official scheme: each year's plan sets them
(Art. 6: "每年……制定考核评估实施方案，细化标准、内容和指标"). The plan's `weights` (per aspect) are
derived from the indicators, so readers still see the four aspects. Each department scores
the indicators in its remit only (Art. 7(3)); a prefecture's score is
`prefecture_own_weight`% its own responsibility indicators (主体责任 and the other
responsibility sub-items it bears itself) and the rest its counties by category (Art. 9).

County categories (Art. 9) belong to each year's plan. The plan is prefilled from the reference
data of processes/data/yunnan-county-categories.json (categories.py), which names only what a
public source confirms: a county it cannot place for certain keeps its most likely category with
`category_confirmed` false and a note saying why, for the office to correct in the plan form."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from .categories import CountyCategories
from .divisions import Divisions

ASPECTS = {
    "responsibility": "责任落实 / Responsibility",
    "policy": "政策落实 / Policy",
    "work": "工作落实 / Work",
    "results": "巩固成效 / Results",
}
# The aspect a prefecture itself bears, rated for the prefecture as well as for its counties.
OWN_ASPECT = "responsibility"
# (key, aspect, name, example weight): Art. 6's sub-items; 资金绩效评价 from Art. 7(2).
INDICATORS = [
    (
        "party_government",
        "responsibility",
        "党委和政府主体责任 / Primary responsibility of Party committees and governments",
        8,
    ),
    (
        "industry_departments",
        "responsibility",
        "行业部门主管责任 / Supervisory responsibility of industry departments",
        6,
    ),
    ("assistance", "responsibility", "帮扶责任 / Assistance responsibility", 6),
    ("oversight", "responsibility", "监管责任 / Oversight responsibility", 5),
    (
        "livelihood",
        "policy",
        "民生保障普惠性政策（教育、医疗、住房、饮水） / Livelihood policies (education, health care, housing, drinking water)",
        6,
    ),
    (
        "development",
        "policy",
        "发展类政策（产业、就业、村级集体经济） / Development policies (industry, employment, village collective economy)",
        5,
    ),
    (
        "services",
        "policy",
        "服务支持类政策（金融、土地、人才） / Service and support policies (finance, land, talent)",
        4,
    ),
    (
        "safety_net",
        "policy",
        "资金、社会救助、兜底保障类政策 / Funding, social assistance and safety-net policies",
        5,
    ),
    ("fund_performance", "policy", "资金绩效评价 / Fund performance evaluation (Art. 7(2))", 5),
    ("monitoring", "work", "防止返贫动态监测和帮扶 / Monitoring and assistance against return to poverty", 7),
    ("relocation", "work", "易地扶贫搬迁后续扶持 / Follow-up support after relocation", 4),
    ("employment", "work", "就业帮扶 / Employment assistance", 5),
    ("industry", "work", "产业帮扶 / Industry assistance", 5),
    (
        "infrastructure",
        "work",
        "基础设施和公共服务巩固提升 / Consolidating infrastructure and public services",
        4,
    ),
    (
        "basic_needs",
        "results",
        "“两不愁三保障”和饮水安全 / The two assurances and three guarantees, safe drinking water",
        8,
    ),
    (
        "income",
        "results",
        "脱贫人口和监测对象收入增幅 / Income growth of the formerly poor and the monitored",
        7,
    ),
    (
        "rural_services",
        "results",
        "农村基础设施和基本公共服务水平 / Rural infrastructure and basic public services",
        5,
    ),
    ("satisfaction", "results", "群众认可度 / Public recognition", 5),
]
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
# The indicators each department scores in its routine evaluation (Art. 7(3)): an example too.
REMITS = {
    "education": ["livelihood", "basic_needs"],
    "health": ["livelihood", "basic_needs"],
    "medical_insurance": ["safety_net", "basic_needs"],
    "housing": ["livelihood", "basic_needs"],
    "water": ["livelihood", "basic_needs"],
    "human_resources": ["employment", "development"],
    "agriculture": ["monitoring", "industry", "development"],
    "civil_affairs": ["safety_net"],
    "finance": ["fund_performance", "services"],
    "statistics": ["income"],
}
CATEGORIES = ("national_key", "provincial_key", "other_poor", "other")
PREFECTURE_OWN_WEIGHT = 20


def example_indicators() -> list[dict]:
    return [{"key": k, "aspect": a, "name": n, "weight": w} for k, a, n, w in INDICATORS]


def example_plan(divisions: Divisions, year: int, categories: CountyCategories) -> dict:
    counties = []
    for prefecture in divisions.prefectures():
        for county in prefecture.counties:
            answer = categories.category_of(county.code)
            counties.append(
                {
                    "code": county.code,
                    "name": county.name,
                    "prefecture": prefecture.code,
                    "category": answer.category,
                    "category_confirmed": answer.confirmed,
                    "category_note": answer.note,
                }
            )
    indicators = example_indicators()
    return {
        "weights": aspect_weights(indicators),
        "indicators": indicators,
        "prefecture_own_weight": PREFECTURE_OWN_WEIGHT,
        "source_weights": {"self_assessment": 30, "routine": 30, "third_party": 40},
        "category_weights": {"national_key": 4, "provincial_key": 3, "other_poor": 2, "other": 1},
        "sampling_ratio": 0.2,
        # Art. 8, 9: a confirmed 返贫致贫问题突出和规模性风险较大 rules out 好 (the grade tables read it)
        "serious_risk_rules_out_good": True,
        "third_party": "云南省第三方评估机构（示例）/ Third-party evaluator (example)",
        "departments": [{"key": key, "name": name, "indicators": REMITS[key]} for key, name in DEPARTMENTS],
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


# -- the indicator tree and what each scoring task is offered ----------------------------------


def _plain(number: float) -> int | float:
    number = round(float(number), 2)
    return int(number) if number.is_integer() else number


def aspect_weights(indicators: Iterable[Mapping]) -> dict[str, int | float]:
    """The weight of each of the four aspects: the sum of its indicators' weights."""
    sums = dict.fromkeys(ASPECTS, 0.0)
    for indicator in indicators:
        if indicator.get("aspect") in sums:
            sums[indicator["aspect"]] += float(indicator.get("weight") or 0)
    return {aspect: _plain(total) for aspect, total in sums.items()}


def own_indicators(indicators: Iterable[Mapping]) -> list[Mapping]:
    """The indicators a prefecture itself is rated on: those of the responsibility aspect."""
    return [i for i in indicators if i.get("aspect") == OWN_ASPECT]


def indicator_rows(indicators: Iterable[Mapping], keys: Iterable[str] | None = None) -> list[dict]:
    """The rows a scoring form is prefilled with (key and name, readonly), in the plan's order;
    only `keys` when given."""
    wanted = None if keys is None else set(keys)
    return [{"key": i["key"], "name": i["name"]} for i in indicators if wanted is None or i["key"] in wanted]


def self_assessments_due(prefectures: list[dict], indicators: list[Mapping]) -> list[dict]:
    """One self-assessment per prefecture: its own responsibility indicators to rate
    (`own_ratings`) and each of its counties on every indicator (`county_ratings`)."""
    own, every = indicator_rows(own_indicators(indicators)), indicator_rows(indicators)
    return [
        {
            "code": p["code"],
            "own_ratings": [dict(row) for row in own],
            "county_ratings": [
                {"code": c["code"], "name": c["name"], "indicators": [dict(row) for row in every]}
                for c in p["counties"]
            ],
        }
        for p in prefectures
    ]


def routine_evaluations_due(
    departments: list[Mapping], counties: list[Mapping], indicators: list[Mapping]
) -> list[dict]:
    """One routine evaluation per department: every county, on the indicators in its remit."""
    due = []
    for department in departments:
        remit = indicator_rows(indicators, department.get("indicators") or [])
        due.append(
            {
                "department": department["key"],
                "scores": [
                    {"code": c["code"], "name": c["name"], "indicators": [dict(row) for row in remit]}
                    for c in counties
                ],
            }
        )
    return due


def field_findings_due(prefectures: list[dict], indicators: list[Mapping]) -> dict:
    """The field evaluation's form, prefilled: each prefecture's own responsibility indicators,
    for the team's verified rating (`prefecture_ratings`)."""
    own = indicator_rows(own_indicators(indicators))
    return {
        "prefecture_ratings": [
            {"code": p["code"], "name": p["name"], "indicators": [dict(row) for row in own]}
            for p in prefectures
        ]
    }


def spot_checks_due(sample: list[dict], indicators: list[Mapping]) -> list[dict]:
    """The sampled counties, each with every indicator to verify."""
    every = indicator_rows(indicators)
    return [{**county, "indicators": [dict(row) for row in every]} for county in sample]


# -- the plan's rules across fields (the form states them; this enforces them) ------------------


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _sum_is_100(values: Iterable[Any]) -> tuple[bool, float]:
    total = sum(_number(v) or 0.0 for v in values)
    return abs(total - 100) < 0.005, round(total, 2)


def check_plan(cleaned: dict, task_data: dict) -> dict[str, list[str]]:
    """The annual plan's rules across fields, checked when the office submits it: the
    indicator weights total 100; every indicator has a unique key and one of the four aspects,
    and no aspect is left without indicators; the source weights total 100; every department
    has a unique key and scores indicators of the plan (at least one); the counties' categories
    are the four of Art. 9. Messages by field path, as the form's own errors; empty when fine.
    What the submission leaves out is read from the data the task was offered with."""
    plan = {**(task_data or {}), **(cleaned or {})}
    errors: dict[str, list[str]] = {}

    def refuse(path: str, message: str) -> None:
        errors.setdefault(path, []).append(message)

    indicators = plan.get("indicators") or []
    if not indicators:
        refuse("indicators", "须列出考核评估指标 / the plan needs its indicators")
    keys: set[str] = set()
    for n, indicator in enumerate(indicators):
        key = str(indicator.get("key") or "")
        if key in keys:
            refuse(f"indicators[{n}].key", f"指标标识 {key} 重复 / indicator key {key} is used twice")
        keys.add(key)
        if indicator.get("aspect") not in ASPECTS:
            refuse(
                f"indicators[{n}].aspect",
                "须为四个方面之一：责任落实、政策落实、工作落实、巩固成效 / "
                "must be one of the four aspects: responsibility, policy, work, results",
            )
        weight = _number(indicator.get("weight"))
        if weight is None or weight < 0:
            refuse(f"indicators[{n}].weight", "权重须为不小于 0 的数 / the weight is a number of at least 0")
    if indicators:
        ok, total = _sum_is_100(i.get("weight") for i in indicators)
        if not ok:
            refuse(
                "indicators",
                f"各指标权重合计须为 100，现为 {total} / the indicator weights must total 100, not {total}",
            )
        covered = {i.get("aspect") for i in indicators}
        for aspect, label in ASPECTS.items():
            if aspect not in covered:
                zh, en = label.split(" / ")
                refuse(
                    "indicators", f"“{zh}”方面须至少有一项指标 / the aspect {en} needs at least one indicator"
                )

    sources = plan.get("source_weights") or {}
    ok, total = _sum_is_100(sources.values())
    if not ok:
        refuse(
            "source_weights",
            f"评价来源权重合计须为 100，现为 {total} / the source weights must total 100, not {total}",
        )

    own = _number(plan.get("prefecture_own_weight"))
    if own is None or not 0 <= own <= 100:
        refuse("prefecture_own_weight", "须在 0 到 100 之间 / must be between 0 and 100")

    departments = plan.get("departments") or []
    seen: set[str] = set()
    for n, department in enumerate(departments):
        key = str(department.get("key") or "")
        if key in seen:
            refuse(f"departments[{n}].key", f"部门标识 {key} 重复 / department key {key} is used twice")
        seen.add(key)
        remit = department.get("indicators") or []
        if not remit:
            refuse(
                f"departments[{n}].indicators",
                "须至少负责一项指标的平时评价 / a department scores at least one indicator",
            )
        unknown = [str(k) for k in remit if k not in keys]
        if unknown:
            listed = "、".join(unknown)
            refuse(
                f"departments[{n}].indicators",
                f"方案中没有指标 {listed} / no indicator {', '.join(unknown)} in the plan",
            )

    categories = plan.get("category_weights") or {}
    unknown_categories = sorted(str(k) for k in categories if k not in CATEGORIES)
    if unknown_categories:
        refuse(
            "category_weights", f"未知的县类别 / unknown county categories: {', '.join(unknown_categories)}"
        )
    codes: set[str] = set()
    for n, county in enumerate(plan.get("counties") or []):
        if county.get("category") not in CATEGORIES:
            refuse(
                f"counties[{n}].category",
                "须为第九条的四类之一 / must be one of the four categories of Art. 9",
            )
        code = str(county.get("code") or "")
        if code in codes:
            refuse(f"counties[{n}].code", f"县 {code} 重复 / county {code} is listed twice")
        codes.add(code)
    return errors
