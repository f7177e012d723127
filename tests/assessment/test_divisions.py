"""Yunnan's divisions as shipped in processes/data/yunnan-divisions.json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assessment import extension
from assessment.divisions import load_divisions, path_for
from engine.config import PROJECT_ROOT, Settings
from engine.runtime.runtime import Runtime

DATA = PROJECT_ROOT / "processes" / "data" / "yunnan-divisions.json"


@pytest.fixture(scope="module")
def divisions():
    return load_divisions(DATA)


def test_province(divisions):
    assert (divisions.province_code, divisions.province_name) == ("530000", "云南省")


def test_totals(divisions):
    assert len(divisions.prefectures()) == 16
    assert len(divisions.counties()) == 129


def test_codes_unique_six_digits_and_ascending(divisions):
    codes = [p.code for p in divisions.prefectures()] + [c.code for c in divisions.counties()]
    assert len(codes) == len(set(codes)) == 145
    assert all(len(c) == 6 and c.isdigit() and c.startswith("53") for c in codes)
    assert [p.code for p in divisions.prefectures()] == sorted(p.code for p in divisions.prefectures())
    for p in divisions.prefectures():
        assert p.code.endswith("00") and p.name and p.name_en
        assert [c.code for c in p.counties] == sorted(c.code for c in p.counties)


def test_every_county_sits_in_its_prefecture(divisions):
    for p in divisions.prefectures():
        for c in p.counties:
            assert c.code[:4] == p.code[:4]
            assert c.prefecture_code == p.code
            assert not c.code.endswith("00")
            assert divisions.prefecture_of(c.code) is p


def test_known_samples(divisions):
    by_code = {c.code: c for c in divisions.counties()}
    assert by_code["530102"].name == "五华区"
    kunming = divisions.prefecture_of("530102")
    assert (kunming.code, kunming.name, kunming.name_en) == ("530100", "昆明市", "Kunming")

    honghe = {p.code: p for p in divisions.prefectures()}["532500"]
    assert honghe.name == "红河哈尼族彝族自治州"
    assert honghe.name_en == "Honghe Hani and Yi Autonomous Prefecture"
    assert len(honghe.counties) == 13

    # County-level cities made from counties, with the new codes they were given:
    assert by_code["530481"].name == "澄江市"  # was 澄江县 530422
    assert divisions.prefecture_of("530481").name == "玉溪市"
    assert by_code["530681"].name == "水富市"  # was 水富县 530630
    assert divisions.prefecture_of("530681").name == "昭通市"
    assert "530422" not in by_code and "530630" not in by_code


def test_unknown_county(divisions):
    with pytest.raises(KeyError):
        divisions.prefecture_of("530100")  # a prefecture, not a county
    with pytest.raises(KeyError):
        divisions.prefecture_of("110101")


def test_provenance(divisions):
    prov = divisions.provenance
    assert prov["package"].startswith(("pypi:", "npm:"))
    assert prov["version"] and prov["source_note"]
    assert prov["extracted"][:2] == "20" and len(prov["extracted"]) == 10


def test_the_path_follows_the_processes_dir(tmp_path: Path):
    assert path_for(Settings()) == DATA
    moved = Settings.from_env({"KAOPING_PROCESSES_DIR": str(tmp_path)})
    assert path_for(moved) == tmp_path / "data" / "yunnan-divisions.json"
    (tmp_path / "data").mkdir()
    small = {
        "provenance": {"package": "pypi:x", "version": "1", "source_note": "test", "extracted": "2026-11-25"},
        "province": {"code": "530000", "name": "云南省"},
        "prefectures": [
            {
                "code": "530100",
                "name": "昆明市",
                "name_en": "Kunming",
                "counties": [{"code": "530102", "name": "五华区"}],
            }
        ],
    }
    (tmp_path / "data" / "yunnan-divisions.json").write_text(json.dumps(small), encoding="utf-8")
    categories = "yunnan-county-categories.json"  # the plan's county categories come with the divisions
    shutil.copy(DATA.with_name(categories), tmp_path / "data" / categories)
    # Through the extension, as the runtime's reference data and the scripts' helpers see it.
    rt = Runtime.create(Settings(database_url="sqlite://", processes_dir=tmp_path), extensions=[extension])
    try:
        loaded = rt.extensions.reference("divisions")
        assert [c.code for c in loaded.counties()] == ["530102"]
        assert rt.extensions.reference("divisions") is loaded  # once per runtime
        plan = rt.script_engine.environment.globals["example_plan"](2021)
        assert [c["code"] for c in plan["counties"]] == ["530102"]
    finally:
        rt.db.dispose()
