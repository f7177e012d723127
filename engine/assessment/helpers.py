"""The names BPMN scripts may call, beside the sandbox's own (`now`, dates): trusted code."""
from __future__ import annotations

from ..persistence.db import Database
from . import plan, results, sampling, scoring


def script_helpers(db: Database) -> dict:
    def published_scores(cycle: str) -> list[dict]:
        with db.connect() as conn:
            return results.scores_of(conn, cycle)

    return {
        "example_plan": plan.example_plan, "prefectures_of": plan.prefectures_of,
        "new_seed": sampling.new_seed, "stratified_sample": sampling.stratified_sample,
        "score_counties": scoring.score_counties, "score_prefectures": scoring.score_prefectures,
        "five_year_scores": scoring.five_year_scores, "published_scores": published_scores,
    }
