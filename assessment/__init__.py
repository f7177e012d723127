"""Yunnan's assessment of consolidated poverty-alleviation results, on top of the engine.

Its own rules (DOMAIN.md) as plain functions: the example plan, reproducible sampling, scoring
and results; BPMN scripts reach them as named helpers (helpers.py); the thresholds that grade a
score are DMN data in processes/, not here. Beside them: publication in the step that stores a
cycle's results, the result tables, Yunnan's divisions, the results API, the cycle dashboard
and `kaoping simulate`. The engine finds all of it through `extension` (the `kaoping.extensions`
entry point, engine/extensions.py) and never imports this package."""

from __future__ import annotations

from collections.abc import Iterable

from engine.extensions import Extension, NavEntry

from .categories import categories_for
from .divisions import divisions_for
from .helpers import script_helpers
from .models import Base
from .plan import check_plan
from .proposal import check_amendments
from .publication import publish_results
from .rectification import track


def _api_blueprints() -> Iterable:
    from . import cycles_api

    return (cycles_api.blp, cycles_api.supervision)


def _page_blueprints() -> Iterable:
    from . import dashboard

    return (dashboard.blp,)


def _cli_commands() -> Iterable:
    from .cli import simulate

    return (simulate,)


extension = Extension(
    name="assessment",
    script_helpers=script_helpers,
    task_hooks=(publish_results, track),
    # The server's own rules beside each form's (forms/*.json): the plan's weights add up; an
    # amendment names a unit of the proposal, changes its grade and says why.
    form_checks={
        "annual-plan": check_plan,
        "comprehensive": check_amendments,
        "gate-decision": check_amendments,
    },
    metadata=(Base.metadata,),
    api_blueprints=_api_blueprints,
    page_blueprints=_page_blueprints,
    nav=(
        NavEntry("dashboard.current", "考评进度 / Cycles", "nav-cycles"),
        NavEntry("dashboard.rectifications", "整改督办 / Rectification", "nav-rectifications"),
    ),
    cli_commands=_cli_commands,
    reference={"divisions": divisions_for, "county_categories": categories_for},
)
