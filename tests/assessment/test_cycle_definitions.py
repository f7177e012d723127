"""What the shipped BPMN says about its cycles: which processes are cycles, how their business
keys read, and the stage of every element the dashboard follows."""

from __future__ import annotations

from xml.etree import ElementTree

from sqlalchemy import select

from assessment.cycle_definitions import CycleDefinition, cycle_definition
from engine.config import PROJECT_ROOT
from engine.persistence.models import Definition
from engine.scheduler.deployment import deploy_files

PROCESSES = PROJECT_ROOT / "processes"
ANNUAL_STAGES = {
    "plan_task": "plan",
    "self_assessment": "self_assessment",
    "routine_evaluation": "self_assessment",
    "expert_findings": "self_assessment",
    "spot_check": "spot_check",
    "comprehensive_evaluation": "comprehensive",
    "review": "review",
    "sign_off": "sign_off",
    "publish": "publication",
    "feedback": "rectification",
    "rectification": "rectification",
    "follow_up": "rectification",
}
TRANSITION_STAGES = {
    "t_five_year": "self_assessment",
    "t_comprehensive": "comprehensive",
    "t_review": "review",
    "t_sign_off": "sign_off",
    "t_publish": "publication",
    "t_rectification": "rectification",
}


def _declared(rt) -> dict[str, CycleDefinition | None]:
    files = [(p.name, p.read_bytes()) for p in sorted(PROCESSES.iterdir()) if p.suffix in (".bpmn", ".dmn")]
    deploy_files(rt, files, "test")
    assert deploy_files(
        rt, [(n, (PROJECT_ROOT / "tests" / "fixtures" / n).read_bytes()) for n in ("units.bpmn",)], "test"
    )
    with rt.db.connect() as conn:
        rows = conn.execute(select(Definition.id, Definition.key)).all()
        return {key: cycle_definition(rt.definitions.get(conn, id_)) for id_, key in rows}


def test_the_shipped_cycles_and_their_stages(rt):
    declared = _declared(rt)
    assert declared["units"] is None  # any other process is no cycle
    annual, transition = declared["annual_evaluation"], declared["transition_evaluation"]

    assert annual.kind == "annual" and dict(annual.stages) == ANNUAL_STAGES
    assert annual.results_cycle("annual-2021") == "2021"
    assert annual.title("annual-2021") == "2021年度考核评估 / 2021 annual evaluation"
    assert annual.period("annual-2021") == "2021" and annual.stage_of("init") is None

    assert transition.kind == "transition" and dict(transition.stages) == TRANSITION_STAGES
    assert transition.results_cycle("transition-2021-2025") == "transition-2021-2025"
    assert (
        transition.title("transition-2021-2025")
        == "2021-2025年过渡期考核评估 / 2021–2025 transition evaluation"
    )

    # A key of another shape is its own results key and title, as before.
    assert annual.results_cycle("special") == "special" and annual.title("special") == "special"


def test_every_collection_a_stage_reads_or_fills_is_declared_so_the_modeler_keeps_it():
    """bpmn-js resolves loopDataInputRef/loopDataOutputRef as references and drops one naming no
    element: an administrator who saves a shipped process from the modeler would deploy stages
    with no collection (refused: "must specify a cardinality or a loop input")."""
    namespace = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    for path in sorted(PROCESSES.glob("*.bpmn")):
        for process in ElementTree.parse(path).getroot().findall("bpmn:process", namespace):
            declared = {o.get("id") for o in process.iter(f"{{{namespace['bpmn']}}}dataObject")}
            named = {
                ref.text
                for tag in ("loopDataInputRef", "loopDataOutputRef")
                for ref in process.iter(f"{{{namespace['bpmn']}}}{tag}")
            }
            assert named <= declared, (path.name, sorted(named - declared))
