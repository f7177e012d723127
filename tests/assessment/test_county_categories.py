"""Yunnan's county categories as shipped in processes/data/yunnan-county-categories.json.

The plan prefills its categories from this file through assessment/categories.py: these tests
keep the data consistent with the divisions file and with its own sources, pin how much of each
list is confirmed, and check what the loader answers for a county on each list and off them.
"""

from __future__ import annotations

import json

import pytest

from assessment.categories import CategoryAnswer, categories_for, load_categories
from assessment.divisions import load_divisions
from engine.config import PROJECT_ROOT, Settings

DATA_DIR = PROJECT_ROOT / "processes" / "data"
CATEGORIES = DATA_DIR / "yunnan-county-categories.json"

# The national list has 27 Yunnan counties; the stored sources name only 14 of them (the one
# per-province listing found is cut off after 11; three more are named one by one), so 13 are
# recorded as missing, not guessed. The provincial list (30 counties) names none.
NATIONAL_EXPECTED = 27
NATIONAL_CONFIRMED = 14
PROVINCIAL_EXPECTED = 30


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
    ids = {s["id"] for s in data["sources"]}
    for extension in data["provenance"]["extended"]:
        assert extension["date"] and extension["how"]
        assert extension["sources_added"] and set(extension["sources_added"]) <= ids


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
        assert set(category.get("drawn_from_sources", [])) <= set(ids), key


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


def test_national_counties_are_formerly_poor(data):
    national = data["categories"]["national_key_assistance"]
    assert national["drawn_from"] == "formerly_poor" and national["drawn_from_sources"]
    poor = {e["code"] for e in data["categories"]["formerly_poor"]["counties"]}
    assert {e["code"] for e in national["counties"]} <= poor


def test_provincial_list_is_empty_and_says_why(data):
    provincial = data["categories"]["provincial_key_assistance"]
    assert provincial["counties"] == []
    assert provincial["expected_count"] == PROVINCIAL_EXPECTED
    assert provincial["expected_count_sources"]
    assert not provincial["complete"] and provincial["missing"]["what"]
    assert provincial["missing"]["count"] == PROVINCIAL_EXPECTED


def test_formerly_poor_counties(data):
    poor = data["categories"]["formerly_poor"]
    assert poor["complete"] and poor["expected_count"] == 88
    assert len(poor["counties"]) == 88
    assert all(e["confirmed"] for e in poor["counties"])
    by_year: dict[str, int] = {}
    for e in poor["counties"]:
        by_year[e["exit_year"]] = by_year.get(e["exit_year"], 0) + 1
    assert by_year == {"2017": 15, "2018": 33, "2019": 31, "2020": 9}


# -- the loader (assessment/categories.py) ------------------------------------------------------


@pytest.fixture(scope="module")
def categories():
    return load_categories(CATEGORIES)


def test_loader_reads_the_file_of_the_given_processes_dir(tmp_path, data):
    (tmp_path / "data").mkdir()
    data = json.loads(json.dumps(data))
    data["categories"]["national_key_assistance"]["counties"] = []
    (tmp_path / "data" / "yunnan-county-categories.json").write_text(json.dumps(data), encoding="utf-8")
    loaded = categories_for(Settings(processes_dir=tmp_path))
    assert loaded.national == frozenset()
    assert loaded.category_of("530113").category == "other_poor"
    shipped = categories_for(Settings(processes_dir=PROJECT_ROOT / "processes"))
    assert shipped.category_of("530113").category == "national_key"


def test_a_confirmed_national_key_county(categories):
    answer = categories.category_of("530113")  # 东川区
    assert (answer.category, answer.confirmed, answer.note) == ("national_key", True, "")
    assert categories.category_of("532530").category == "national_key"  # 金平, named one by one
    assert len(categories.national) == NATIONAL_CONFIRMED


def test_a_formerly_poor_county_off_the_confirmed_list_is_other_poor_unconfirmed(categories):
    answer = categories.category_of("530129")  # 寻甸, exited 2017
    assert (answer.category, answer.confirmed) == ("other_poor", False)
    assert "国家或省级" in answer.note and "national or provincial" in answer.note


def test_a_county_never_poor_is_other_but_may_be_provincial(categories):
    answer = categories.category_of("530102")  # 五华区
    assert (answer.category, answer.confirmed) == ("other", False)
    # never national: the national list was drawn from the formerly poor counties
    assert "省级" in answer.note and "国家或" not in answer.note
    assert "provincial" in answer.note and "national" not in answer.note


def test_every_county_gets_a_category_and_the_counts_match(categories, counties_by_code):
    answers = {code: categories.category_of(code) for code in counties_by_code}
    by_category: dict[str, int] = {}
    for answer in answers.values():
        by_category[answer.category] = by_category.get(answer.category, 0) + 1
        assert answer.confirmed == (not answer.note)
    assert by_category == {
        "national_key": NATIONAL_CONFIRMED,
        "other_poor": 88 - NATIONAL_CONFIRMED,
        "other": 129 - 88,
    }
    assert sum(a.confirmed for a in answers.values()) == NATIONAL_CONFIRMED


def test_complete_lists_confirm_everything(tmp_path, data):
    full = json.loads(json.dumps(data))
    full["categories"]["national_key_assistance"]["complete"] = True
    full["categories"]["provincial_key_assistance"]["complete"] = True
    full["categories"]["provincial_key_assistance"]["counties"] = [
        {"code": "530102", "name": "五华区", "sources": ["song-yuan-2025"], "confirmed": True}
    ]
    copy = tmp_path / "categories.json"
    copy.write_text(json.dumps(full), encoding="utf-8")
    loaded = load_categories(copy)
    assert loaded.category_of("530102") == CategoryAnswer("provincial_key", True)
    assert loaded.category_of("530129") == CategoryAnswer("other_poor", True)
    assert loaded.category_of("530103") == CategoryAnswer("other", True)


def test_summary_names_what_the_categories_rest_on(categories, data):
    line = categories.summary()
    assert f"{NATIONAL_CONFIRMED}/{NATIONAL_EXPECTED}" in line
    assert f"{PROVINCIAL_EXPECTED}" in line and "88" in line
    assert " / " in line and f"{len(data['sources'])}" in line
    assert categories.provenance["built"] == data["provenance"]["built"]
    assert [s.id for s in categories.sources] == [s["id"] for s in data["sources"]]
