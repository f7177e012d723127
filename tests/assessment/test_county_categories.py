"""Yunnan's county categories as shipped in processes/data/yunnan-county-categories.json.

Groundwork reference data, not yet read by the plan: these tests keep it consistent with the
divisions file and with its own sources, and pin how much of each list is confirmed.
"""

from __future__ import annotations

import json

import pytest

from assessment.divisions import load_divisions
from engine.config import PROJECT_ROOT

DATA_DIR = PROJECT_ROOT / "processes" / "data"
CATEGORIES = DATA_DIR / "yunnan-county-categories.json"

# The national list has 27 Yunnan counties; the stored sources name only 11 of them (the one
# per-province listing found is cut off), so 16 are recorded as missing, not guessed.
NATIONAL_EXPECTED = 27
NATIONAL_CONFIRMED = 11


@pytest.fixture(scope="module")
def data():
    return json.loads(CATEGORIES.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def counties_by_code():
    divisions = load_divisions(DATA_DIR / "yunnan-divisions.json")
    return {c.code: c for c in divisions.counties()}


def entries(data):
    for key, category in data["categories"].items():
        for entry in category["counties"]:
            yield key, entry


def test_categories_present(data):
    assert set(data["categories"]) == {
        "national_key_assistance",
        "provincial_key_assistance",
        "formerly_poor",
    }
    assert data["provenance"]["how"] and data["provenance"]["built"]


def test_every_code_is_a_county_with_the_same_name(data, counties_by_code):
    for key, entry in entries(data):
        county = counties_by_code.get(entry["code"])
        assert county is not None, (key, entry["code"])
        assert county.name == entry["name"], (key, entry)


def test_no_county_twice_in_a_category(data):
    for key, category in data["categories"].items():
        codes = [e["code"] for e in category["counties"]]
        assert len(codes) == len(set(codes)), key


def test_every_entry_names_a_known_source(data):
    ids = [s["id"] for s in data["sources"]]
    assert len(ids) == len(set(ids))
    for s in data["sources"]:
        assert s["title"] and s["publisher"] and s["date"] and s["address"], s["id"]
    for key, entry in entries(data):
        assert entry["sources"], (key, entry["code"])
        assert set(entry["sources"]) <= set(ids), (key, entry["code"])
    for key, category in data["categories"].items():
        assert set(category["expected_count_sources"]) <= set(ids), key
        assert set(category["missing"]["sources"]) <= set(ids), key


def test_unconfirmed_entries_say_what_is_missing(data):
    for key, entry in entries(data):
        assert isinstance(entry["confirmed"], bool), (key, entry["code"])
        if not entry["confirmed"]:
            assert entry.get("missing"), (key, entry["code"])


def test_national_key_list(data):
    national = data["categories"]["national_key_assistance"]
    assert national["expected_count"] == NATIONAL_EXPECTED
    confirmed = [e for e in national["counties"] if e["confirmed"]]
    unconfirmed = [e for e in national["counties"] if not e["confirmed"]]
    if national["complete"]:
        assert len(confirmed) == NATIONAL_EXPECTED and not unconfirmed
    else:
        assert len(confirmed) == NATIONAL_CONFIRMED
        assert all(e.get("missing") for e in unconfirmed)
        gap = national["missing"]
        assert gap["count"] == NATIONAL_EXPECTED - len(confirmed) - len(unconfirmed)
        assert gap["what"]


def test_provincial_list_is_empty_and_says_why(data):
    provincial = data["categories"]["provincial_key_assistance"]
    assert provincial["counties"] == []
    assert not provincial["complete"] and provincial["missing"]["what"]


def test_formerly_poor_counties(data):
    poor = data["categories"]["formerly_poor"]
    assert poor["complete"] and poor["expected_count"] == 88
    assert len(poor["counties"]) == 88
    assert all(e["confirmed"] for e in poor["counties"])
    by_year: dict[str, int] = {}
    for e in poor["counties"]:
        by_year[e["exit_year"]] = by_year.get(e["exit_year"], 0) + 1
    assert by_year == {"2017": 15, "2018": 33, "2019": 31, "2020": 9}
