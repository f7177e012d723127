"""(a) The raw SpiffWorkflow 3.2 step, in this process: the floor the engine is measured against.

Parse once; then a start is BpmnWorkflow + do_engine_steps + serialize, and a step is
deserialize + complete one ready user task + do_engine_steps + serialize, with SpiffWorkflow's
own serializer (SPIFF_CONFIG), which writes the whole workflow, spec included, every time."""

from __future__ import annotations

from time import perf_counter

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.defaults import UserTask
from SpiffWorkflow.util.task import TaskState

from . import CHAIN, FILL_DATA, MODEL_FILES, UNITS, units


class Raw:
    def __init__(self):
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
        parser = SpiffBpmnParser(validator=VALIDATOR)
        for path in MODEL_FILES.values():
            parser.add_bpmn_file(str(path))
        self.specs = {key: (parser.get_spec(key), parser.get_subprocess_specs(key)) for key in MODEL_FILES}
        self.state_bytes: dict[str, int] = {}

    def start(self, key: str, variables: dict) -> tuple[str, float]:
        began = perf_counter()
        spec, subprocess_specs = self.specs[key]
        workflow = BpmnWorkflow(spec, subprocess_specs)
        workflow.get_next_task(state=TaskState.READY).data.update(variables)
        workflow.do_engine_steps()
        state = self.serializer.serialize_json(workflow)
        return state, perf_counter() - began

    def step(self, state: str, data: dict | None = None) -> tuple[str, float, bool]:
        """Complete the first ready user task; returns the new state, the time, and whether
        the workflow is now completed."""
        began = perf_counter()
        workflow = self.serializer.deserialize_json(state)
        task = next(t for t in workflow.get_tasks(state=TaskState.READY) if isinstance(t.task_spec, UserTask))
        task.data.update(data or {})
        task.run()
        workflow.do_engine_steps()
        state = self.serializer.serialize_json(workflow)
        return state, perf_counter() - began, workflow.is_completed()


def measure(
    instances: int, unit_counts: tuple[int, ...], stages: int
) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Samples in seconds by figure name, and the size of each model's state in bytes."""
    raw = Raw()
    out: dict[str, list[float]] = {"raw_start": [], "raw_step": []}
    for _ in range(instances):
        state, took = raw.start(CHAIN, {})
        out["raw_start"].append(took)
        state, took, _ = raw.step(state, FILL_DATA)
        out["raw_step"].append(took)
        raw.state_bytes.setdefault(CHAIN, len(state))
        state, took, done = raw.step(state)
        out["raw_step"].append(took)
        assert done, "the chain should end after its second task"
    for count in unit_counts:
        name = f"raw_step_units_{count}"
        out[name] = []
        for _ in range(stages):
            state, _took = raw.start(UNITS, {"units": units(count)})
            raw.state_bytes.setdefault(f"{UNITS}_{count}", len(state))
            for done_count in range(1, count + 1):
                state, took, done = raw.step(state)
                out[name].append(took)
                assert done == (done_count == count), "the stage ends with its last unit"
    return out, raw.state_bytes
