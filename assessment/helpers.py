"""The names BPMN scripts may call, beside the sandbox's own (`now`, dates): trusted code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import plan, proposal, rectification, results, sampling, scoring
from .divisions import Divisions

if TYPE_CHECKING:
    from engine.runtime.runtime import Runtime


def script_helpers(rt: Runtime) -> dict[str, Any]:
    def divisions() -> Divisions:  # read on first use, from the runtime's processes dir
        return rt.extensions.reference("divisions")

    def example_plan(year: int) -> dict:
        return plan.example_plan(divisions(), year, rt.extensions.reference("county_categories"))

    def prefectures_of(counties: list[dict]) -> list[dict]:
        return plan.prefectures_of(divisions(), counties)

    def published_scores(cycle: str, level: str = "prefecture") -> list[dict]:
        # Its own connection: a script reads what earlier cycles published, committed.
        with rt.db.connect() as conn:
            return results.scores_of(conn, cycle, level)

    def is_published(cycle: str) -> bool:  # an annual cycle publishes its prefectures' rows
        return bool(published_scores(cycle))

    def five_year_reading(
        years: list[int],
        prefectures: list[dict],
        counties: list[dict],
        assessments,
        serious_risk_rules_out_good: bool = False,
    ) -> dict:
        annual = {str(y): published_scores(str(y)) for y in years}
        annual_counties = {str(y): published_scores(str(y), "county") for y in years}
        return scoring.five_year_reading(
            years, prefectures, counties, annual, annual_counties, assessments, serious_risk_rules_out_good
        )

    return {
        "example_plan": example_plan,
        "prefectures_of": prefectures_of,
        "aspect_weights": plan.aspect_weights,
        "self_assessments_due": plan.self_assessments_due,
        "routine_evaluations_due": plan.routine_evaluations_due,
        "field_findings_due": plan.field_findings_due,
        "spot_checks_due": plan.spot_checks_due,
        "new_seed": sampling.new_seed,
        "stratified_sample": sampling.stratified_sample,
        "score_counties": scoring.score_counties,
        "score_prefectures": scoring.score_prefectures,
        "five_year_scores": scoring.five_year_scores,
        "five_year_reading": five_year_reading,
        "name_missing_years": scoring.name_missing_years,
        "published_scores": published_scores,
        # the proposal the gates amend (proposal.py), feedback and rectification (rectification.py)
        "units_of": proposal.units_of,
        "findings_of": proposal.findings_of,
        "propose": proposal.propose,
        "amend": proposal.amend,
        "results_table": proposal.results_table,
        "feedback_of": rectification.feedback_of,
        "rectifications_due": rectification.rectifications_due,
        "latest_deadline": rectification.latest_deadline,
        "answer_form": rectification.answer_form,
        "take_answers": rectification.take_answers,
        "all_rectified": rectification.all_rectified,
        "follow_ups_of": rectification.follow_ups_of,
        "is_published": is_published,
    }
