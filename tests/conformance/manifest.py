"""Every case of the conformance suite, by name: the files of the model (a BPMN and the BPMN and
DMN files it calls), the process to start, the dialect its parser reads, and what the driver
gives it (start variables, data per task spec id, messages in order). A case may also say:

- `refused`: Kaoping refuses it on purpose (a sandbox rule, a deploy check), with the reason;
  the case checks that it is refused.
- `differs`: Kaoping runs it otherwise on purpose, with the reason; the case checks that the two
  outcomes still differ (so a change that makes them agree says so).
- `xfail`: a real divergence still to fix, described precisely (strict: a fix flips it loudly).
- `not_runnable`: not a case at all (SpiffWorkflow itself refuses it, or no executable process).
- `never_start`: SpiffWorkflow alone would never end the run, so the library side is not
  started; only Kaoping's deployment runs, which must refuse it (goes with `refused`).

Library paths are relative to the folder holding SpiffWorkflow's `tests/SpiffWorkflow/` tree
(sources.py), our own models' paths to models/."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Case:
    dialect: str  # bpmn / spiff / camunda: the library parser that is the reference
    files: tuple[str, ...]
    process: str
    source: str = "library"  # or "own"
    start_data: dict[str, Any] = field(default_factory=dict)
    task_data: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: tuple[tuple[str, dict[str, Any]], ...] = ()
    refused: str | None = None
    not_runnable: str | None = None
    xfail: str | None = None
    differs: str | None = None
    never_start: str | None = None
    note: str | None = None  # what the harness knows about the model, for the reader
    variant: str = ""  # names a second run of the same model with other data

    @property
    def id(self) -> str:
        name = self.files[0].rsplit("/", 1)[-1]
        return f"{self.source}:{self.dialect}/{name}:{self.process}" + (
            f"[{self.variant}]" if self.variant else ""
        )


def lib(dialect: str, files: tuple[str, ...], process: str, **kw: Any) -> Case:
    return Case(dialect, tuple(f"tests/SpiffWorkflow/{f}" for f in files), process, **kw)


def own(files: tuple[str, ...], process: str, **kw: Any) -> Case:
    return Case("spiff", files, process, source="own", **kw)


# -- why Kaoping refuses or runs a model otherwise, on purpose --------------------------------
RECURSION = (
    "a call activity cycle (Level3 calls Level3) is refused at deploy (422, naming the "
    "cycle): starting it would start a copy of itself inside itself without end, which "
    "SpiffWorkflow alone does (this harness never starts it there)"
)
ENGINE_ZONE = (
    "datetime.now() in scripts is aware, in the engine's zone (KAOPING_TIMEZONE), because "
    "one controlled clock serves everything (README, Time); SpiffWorkflow's is naive "
    "local time: futuredate 2026-11-25T09:00:00.55+08:00 vs 2026-11-25T01:00:00.55, the "
    "same instant"
)
TIMER_STARTS_NOW = (
    "an instance of a process with a timer start event is that timer's occurrence, whoever chose "
    "the moment (the scheduler, or a person starting it by hand): Kaoping goes on from the start "
    "event at once, where SpiffWorkflow waits for the cycle's first occurrence (R2/PT0.1S); both "
    "then run Refill_Coffee and end in the same incident (NameError custom_function)"
)

# -- real divergences still to fix (strict xfail): none today ------------------------------------

NOT_EXECUTABLE = 'isExecutable="false": a process Kaoping never stores'


OWN: list[Case] = [
    own(("gateway.bpmn",), "conformance_gateway", variant="passes", task_data={"score": {"score": 93}}),
    own(
        ("gateway.bpmn",),
        "conformance_gateway",
        variant="fails",
        start_data={"attempt": 2},
        task_data={"score": {"score": 41}, "rework": {"reworked": True}},
    ),
    own(("parallel.bpmn",), "conformance_parallel", task_data={"check_a": {"a": 1}, "check_b": {"b": 2}}),
    own(("timer.bpmn",), "conformance_timer", task_data={"explain": {"why": "flooded roads"}}),
    own(
        ("message.bpmn",),
        "conformance_message",
        task_data={"review": {"accepted": True}},
        messages=(("result_ready", {"score": 88, "by": "county"}),),
    ),
    own(
        ("subprocess.bpmn",),
        "conformance_subprocess",
        task_data={"fill_in": {"amount": 21}, "confirm": {"confirmed": True}},
    ),
    own(
        ("multi_instance.bpmn",),
        "conformance_multi_instance",
        start_data={"counties": ["Wuhua", "Panlong", "Guandu"]},
        task_data={"county_report": {"report": {"done": True}}},
    ),
    own(("refused_import.bpmn",), "conformance_refused_import", refused="the sandbox allows no imports"),
]


LIBRARY: list[Case] = [
    lib("bpmn", ("bpmn/data/Approvals.bpmn",), "Approvals"),
    lib("bpmn", ("bpmn/data/Approvals.bpmn",), "First_Approval_Wins"),
    lib("bpmn", ("bpmn/data/Approvals.bpmn",), "Parallel_Approvals_SP"),
    lib(
        "bpmn",
        ("bpmn/data/Invalid-Workflows/Disconnected-Boundary-Event.bpmn20.xml",),
        "sid-e2543e03-32d1-4e70-b8a6-48308aec9343",
        not_runnable='isExecutable="false": a process Kaoping never stores',
    ),
    lib(
        "bpmn",
        ("bpmn/data/Invalid-Workflows/Disconnected-Boundary-Event.bpmn20.xml",),
        "sid-428b03f8-91ed-408a-a1ff-373b3c7a8a16",
        not_runnable='isExecutable="false": a process Kaoping never stores',
    ),
    lib(
        "bpmn",
        ("bpmn/data/Invalid-Workflows/No-Start-Event.bpmn20.xml",),
        "sid-669ddebf-4196-41ee-8b04-bcc90bc5f983",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: ValidationException: No start event found.",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Invalid-Workflows/Subprocess-Not-Found.bpmn20.xml",),
        "sid-cdd16263-1c9c-4a7e-90cb-3033d63b6fc4",
        not_runnable='isExecutable="false": a process Kaoping never stores',
    ),
    lib(
        "bpmn",
        ("bpmn/data/Invalid-Workflows/Subprocess-Not-Found.bpmn20.xml",),
        "sid-fdeb03ce-b73b-4643-8c87-7b333f24ae09",
        not_runnable='isExecutable="false": a process Kaoping never stores',
    ),
    lib(
        "bpmn",
        ("bpmn/data/Invalid-Workflows/Unsupported-Task.bpmn20.xml",),
        "sid-00c10a31-5eb4-4f6c-a3eb-3664035ca9a7",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: AttributeError: 'NoneType' object has no attribute 'get_decision_ref'",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Invalid-Workflows/non-executable-process.bpmn",),
        "Process_14di7kj",
        not_runnable='isExecutable="false": a process Kaoping never stores',
    ),
    lib("bpmn", ("bpmn/data/ParallelOrder.bpmn",), "ParallelOrder"),
    lib("bpmn", ("bpmn/data/ScriptTest.bpmn",), "Process_1l85e0n"),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Action-Management.bpmn20.xml",),
        "sid-efb89bb6-299a-4dc4-a50a-4286ec490604",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: ValidationException: Non-default exclusive outgoing sequence flow without condition.",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Action-Management.bpmn20.xml",),
        "sid-a118c1db-cf0b-4d23-ad0a-f93b5cb54b98",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: ValidationException: Non-default exclusive outgoing sequence flow without condition.",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/CallActivity-Escalation-Test-Sub.bpmn20.xml",),
        "CallActivity-Escalation-Test-Sub",
    ),
    lib(
        "bpmn",
        (
            "bpmn/data/Test-Workflows/CallActivity-Escalation-Test.bpmn20.xml",
            "bpmn/data/Test-Workflows/CallActivity-Escalation-Test-Sub.bpmn20.xml",
        ),
        "CallActivity-Escalation-Test",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Message-Interrupts-SP.bpmn20.xml",),
        "sid-607dfa9b-dbfd-41e8-94f8-42ae37f3b824",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Message-Interrupts-SP.bpmn20.xml",),
        "sid-50ca2fb6-de1c-4eda-a736-ee1fa1bb056f",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Message-Interrupts.bpmn20.xml",),
        "sid-db1e1749-03ee-46aa-8674-bba07b1bd167",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Message-Non-Interrupt-SP.bpmn20.xml",),
        "sid-b6b1212d-76ea-4ced-888b-a99fbbbca575",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Message-Non-Interrupt-SP.bpmn20.xml",),
        "sid-a8887239-25f3-4a3b-8538-7239227f8b90",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Message-Non-Interrupt.bpmn20.xml",),
        "sid-60e2cc58-68c9-4cb5-a95c-22e3e311b6b9",
    ),
    lib(
        "bpmn", ("bpmn/data/Test-Workflows/Messages.bpmn20.xml",), "sid-4a1f10ab-316f-4cd8-836d-65aa3d178fff"
    ),
    lib("bpmn", ("bpmn/data/Test-Workflows/Multi-Instance.bpmn20.xml",), "Process_0xa1l01"),
    lib(
        "bpmn",
        (
            "bpmn/data/Test-Workflows/Nested-Sub-level1.bpmn20.xml",
            "bpmn/data/Test-Workflows/Nested-Sub-level2.bpmn20.xml",
        ),
        "sid-c7ccc144-a90c-4a5b-973d-a9d67bc9aae7",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Nested-Sub-level2.bpmn20.xml",),
        "sid-65436787-c39d-47c9-b99e-b4d7bd01b8f5",
    ),
    lib(
        "bpmn",
        (
            "bpmn/data/Test-Workflows/Nested-Subprocesses.bpmn20.xml",
            "bpmn/data/Test-Workflows/Nested-Sub-level1.bpmn20.xml",
            "bpmn/data/Test-Workflows/Nested-Sub-level2.bpmn20.xml",
        ),
        "sid-a12cf1e5-86f4-4d69-9790-6a90342f5963",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Parallel-Join-Long-Inclusive.bpmn20.xml",),
        "sid-bae04828-c969-4480-8cfe-09ad1f97d81c",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Parallel-Join-Long.bpmn20.xml",),
        "sid-9274d78f-68da-4da6-a369-8a64feb3de52",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: ValidationException: Non-default exclusive outgoing sequence flow without condition.",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Parallel-Looping-After-Join.bpmn20.xml",),
        "sid-41eb2b6c-08bc-4a61-b38b-5f32052139c5",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: ValidationException: Non-default exclusive outgoing sequence flow without condition.",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Parallel-Many-Threads-At-Same-Point-Nested.bpmn20.xml",),
        "sid-d1e8e81e-60e9-48fc-a6c0-6118c6c3d0d2",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: ValidationException: No 'calledElement' attribute for Call Activity..",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Parallel-Many-Threads-At-Same-Point-Nested.bpmn20.xml",),
        "sid-4844ad66-94f3-4c6b-99fc-fec750034022",
        refused="a deployment is the whole file: Kaoping parses every executable process in it, and the sibling process sid-d1e8e81e has a call activity without calledElement, which SpiffWorkflow itself refuses (422, No calledElement attribute); SpiffWorkflow parses only the process asked for and runs this one",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Parallel-Many-Threads-At-Same-Point.bpmn20.xml",),
        "sid-6d1186e0-fc1f-43d5-bdb4-c49df043944d",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Parallel-Multiple-Splits-And-Joins.bpmn20.xml",),
        "sid-a90fa1f1-32a9-4a62-8ad4-8820a3fc6cc4",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Parallel-Multiple-Splits.bpmn20.xml",),
        "sid-0f63def9-833d-4bcd-a6c4-8ef84a098b1a",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: ValidationException: Non-default exclusive outgoing sequence flow without condition.",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Parallel-Multiple-Splits.bpmn20.xml",),
        "sid-633b912b-8714-408c-8ce3-a85488e41f63",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: ValidationException: Non-default exclusive outgoing sequence flow without condition.",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Parallel-Multiple-Splits.bpmn20.xml",),
        "sid-9d03fb7c-e599-49ba-a453-7b08dae9d173",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: ValidationException: Non-default exclusive outgoing sequence flow without condition.",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Parallel-Multiple-Splits.bpmn20.xml",),
        "sid-97c40741-9813-45a7-b18b-5dff6bceaee4",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: ValidationException: Non-default exclusive outgoing sequence flow without condition.",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Parallel-One-Path-Ends.bpmn20.xml",),
        "sid-33b2dda8-ca46-47ca-9f08-43de73abde9e",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Parallel-Then-Exclusive-No-Inclusive.bpmn20.xml",),
        "sid-900d26c9-beab-47a4-8092-4284bfb39927",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Parallel-Then-Exclusive.bpmn20.xml",),
        "sid-bb9ea2d5-58b6-43c7-8e77-6e28f71106f0",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Parallel-Through-Same-Task.bpmn20.xml",),
        "sid-57c563e3-fb68-4961-ae34-b6201e0c09e8",
    ),
    lib("bpmn", ("bpmn/data/Test-Workflows/Parallel.camunda.bpmn20.xml",), "Process_1hb021r"),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Scripts.bpmn20.xml",),
        "sid-e6cdd73d-0fd2-49b9-99f1-031f81f99545",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: ValidationException: Non-default exclusive outgoing sequence flow without condition.",
    ),
    lib(
        "bpmn",
        (
            "bpmn/data/Test-Workflows/Test-Workflows.bpmn20.xml",
            "bpmn/data/Test-Workflows/Messages.bpmn20.xml",
            "bpmn/data/Test-Workflows/Scripts.bpmn20.xml",
            "bpmn/data/Test-Workflows/Message-Non-Interrupt.bpmn20.xml",
            "bpmn/data/Test-Workflows/Message-Interrupts.bpmn20.xml",
        ),
        "sid-b0903a88-fe74-4f93-b912-47b815ea8d1c",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: ValidationException: Non-default exclusive outgoing sequence flow without condition.",
    ),
    lib(
        "bpmn",
        ("bpmn/data/Test-Workflows/Timer-Intermediate.bpmn20.xml",),
        "sid-909dfba4-15dd-47b3-b7d4-88330891429a",
    ),
    lib("bpmn", ("bpmn/data/boundary.bpmn",), "boundary_event"),
    lib("bpmn", ("bpmn/data/boundary_event_split.bpmn",), "Process_0ymnx41"),
    lib("bpmn", ("bpmn/data/boundary_timer_on_task.bpmn",), "test_timer"),
    lib("bpmn", ("bpmn/data/call_activity_call_activity.bpmn",), "Call_Activity_Get_Data"),
    lib(
        "bpmn",
        ("bpmn/data/call_activity_end_event.bpmn", "bpmn/data/call_activity_call_activity.bpmn"),
        "Process_8200379",
    ),
    lib(
        "bpmn",
        (
            "bpmn/data/call_activity_nested/call_activity_level_2.bpmn",
            "bpmn/data/call_activity_nested/call_activity_level_3.bpmn",
        ),
        "Level2",
        note="missing Level2b",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: ValidationException: The process 'Level2b' was not found",
    ),
    lib("bpmn", ("bpmn/data/call_activity_nested/call_activity_level_2b.bpmn",), "Level2"),
    lib(
        "bpmn",
        ("bpmn/data/call_activity_nested/call_activity_level_3.bpmn",),
        "Level3",
        refused=RECURSION,
        never_start=RECURSION,
    ),
    lib(
        "bpmn",
        (
            "bpmn/data/call_activity_nested/call_activity_nested.bpmn",
            "bpmn/data/call_activity_nested/call_activity_level_2.bpmn",
            "bpmn/data/call_activity_nested/call_activity_level_3.bpmn",
        ),
        "Level1",
        note="missing Level2b; missing decision Level2c",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: AttributeError: 'NoneType' object has no attribute 'get_decision_ref' (Level2b and decision Level2c are missing)",
    ),
    lib(
        "bpmn",
        ("bpmn/data/call_activity_with_error.bpmn", "bpmn/data/call_activity_call_activity.bpmn"),
        "ErroringBPMN",
    ),
    lib("bpmn", ("bpmn/data/collaboration.bpmn",), "process_buddy"),
    lib(
        "bpmn",
        ("bpmn/data/collaboration.bpmn",),
        "random_person_process",
        not_runnable='isExecutable="false": a process Kaoping never stores',
    ),
    lib("bpmn", ("bpmn/data/conditional_event.bpmn",), "intermediate"),
    lib("bpmn", ("bpmn/data/conditional_event.bpmn",), "boundary"),
    lib("bpmn", ("bpmn/data/correlation.bpmn",), "proc_1"),
    lib("bpmn", ("bpmn/data/correlation.bpmn",), "proc_2"),
    lib("bpmn", ("bpmn/data/correlation_two_conversations.bpmn",), "proc_1"),
    lib("bpmn", ("bpmn/data/correlation_two_conversations.bpmn",), "proc_2"),
    lib("bpmn", ("bpmn/data/correlation_two_conversations.bpmn",), "proc_3"),
    lib(
        "bpmn",
        ("bpmn/data/custom_function_test.bpmn", "bpmn/data/custom_function_test_call_activity.bpmn"),
        "top_workflow",
    ),
    lib("bpmn", ("bpmn/data/custom_function_test_call_activity.bpmn",), "CallActivityProcess"),
    lib("bpmn", ("bpmn/data/data_object.bpmn",), "Process"),
    lib("bpmn", ("bpmn/data/data_object_gateway.bpmn",), "main"),
    lib(
        "bpmn",
        ("bpmn/data/data_object_invalid.bpmn",),
        "Process",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: ValidationException: Element '{http://www.omg.org/spec/BPMN/20100524/MODEL}dataObjectReference', attribute 'id': 'DataObjectReference_0cm8dnh' is not a valid va",
    ),
    lib(
        "bpmn",
        ("bpmn/data/data_store.bpmn",),
        "JustDataStoreRef",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: ValidationException: Data Store with name TestDataStore has no implementation.",
    ),
    lib(
        "bpmn",
        ("bpmn/data/data_store_read.bpmn",),
        "JustDataStoreRef",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: ValidationException: Data Store with name TestDataStore has no implementation.",
    ),
    lib(
        "bpmn",
        ("bpmn/data/data_store_write.bpmn",),
        "JustDataStoreRef",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: ValidationException: Data Store with name TestDataStore has no implementation.",
    ),
    lib("bpmn", ("bpmn/data/diff/v1.bpmn",), "Process"),
    lib("bpmn", ("bpmn/data/diff/v2.bpmn",), "Process"),
    lib("bpmn", ("bpmn/data/diff/v3.bpmn",), "Process"),
    lib("bpmn", ("bpmn/data/diff/v4.bpmn",), "Process"),
    lib("bpmn", ("bpmn/data/diff/v5.bpmn",), "Process"),
    lib("bpmn", ("bpmn/data/event-gateway.bpmn",), "Process_0pvx19v"),
    lib("bpmn", ("bpmn/data/event-subprocess.bpmn",), "main"),
    lib("bpmn", ("bpmn/data/exclusive_gateway_no_default.bpmn",), "NoDefaultGateway"),
    lib("bpmn", ("bpmn/data/gateway_loop_input.bpmn",), "main"),
    lib("bpmn", ("bpmn/data/inclusive_gateway.bpmn",), "main"),
    lib(
        "bpmn",
        ("bpmn/data/invalid_cancel.bpmn",),
        "Process_1dagb7t",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: ValidationException: Cancel Events may only be used with transactions.",
    ),
    lib("bpmn", ("bpmn/data/io_spec.bpmn",), "subprocess"),
    lib("bpmn", ("bpmn/data/io_spec_on_task.bpmn",), "main"),
    lib("bpmn", ("bpmn/data/io_spec_parent.bpmn", "bpmn/data/io_spec.bpmn"), "parent"),
    lib("bpmn", ("bpmn/data/lanes.bpmn",), "lanes"),
    lib("bpmn", ("bpmn/data/multiple-start-parallel.bpmn",), "main"),
    lib("bpmn", ("bpmn/data/multiple-start.bpmn",), "main"),
    lib("bpmn", ("bpmn/data/multiple-throw-start.bpmn",), "respond"),
    lib("bpmn", ("bpmn/data/multiple-throw-start.bpmn",), "initiate"),
    lib("bpmn", ("bpmn/data/multiple-throw.bpmn",), "respond"),
    lib("bpmn", ("bpmn/data/multiple-throw.bpmn",), "initiate"),
    lib(
        "bpmn",
        ("bpmn/data/multiple_call_activities.bpmn",),
        "Process_90mmqlw",
        note="missing Process_diu8ta2; missing Process_sypm122; missing Process_l14lar1",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: ValidationException: The process 'Process_sypm122' was not found. Did you mean one of the following: Process_90mmqlw?.",
    ),
    lib(
        "bpmn",
        ("bpmn/data/nested_call_activity.bpmn",),
        "Process_expand_call_activity",
        note="missing set_permissions_process; missing is_this_missing",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: ValidationException: The process 'is_this_missing' was not found. Did you mean one of the following: Process_expand_call_activity, Activity_0jqrbg8, Activity_1t",
    ),
    lib("bpmn", ("bpmn/data/no-tasks.bpmn",), "no_tasks"),
    lib("bpmn", ("bpmn/data/parallel_multiinstance_cardinality.bpmn",), "main"),
    lib(
        "bpmn",
        ("bpmn/data/parallel_multiinstance_invalid.bpmn",),
        "main",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: ValidationException: A multiinstance task must specify exactly one of cardinality or loop input data reference.",
    ),
    lib("bpmn", ("bpmn/data/parallel_multiinstance_loop_input.bpmn",), "main"),
    lib("bpmn", ("bpmn/data/performance_test.bpmn",), "Process_3no3Cw9"),
    lib("bpmn", ("bpmn/data/random_fact.bpmn",), "random_fact"),
    lib("bpmn", ("bpmn/data/reset_with_boundary_event.bpmn",), "token"),
    lib("bpmn", ("bpmn/data/resetworkflowA-sublevel.bpmn",), "SubProcessA"),
    lib(
        "bpmn",
        ("bpmn/data/resetworkflowA-toplevel.bpmn", "bpmn/data/resetworkflowA-sublevel.bpmn"),
        "TopLevel",
    ),
    lib("bpmn", ("bpmn/data/resetworkflowB-sublevel.bpmn",), "SubProcessA"),
    lib(
        "bpmn",
        ("bpmn/data/resetworkflowB-toplevel.bpmn", "bpmn/data/resetworkflowA-sublevel.bpmn"),
        "TopLevel",
    ),
    lib("bpmn", ("bpmn/data/return_to_event.bpmn",), "return_to_event"),
    lib("bpmn", ("bpmn/data/script-start.bpmn",), "Process_cozt5fu"),
    lib("bpmn", ("bpmn/data/sequential_multiinstance_cardinality.bpmn",), "main"),
    lib("bpmn", ("bpmn/data/sequential_multiinstance_loop_input.bpmn",), "main"),
    lib("bpmn", ("bpmn/data/service_task.bpmn",), "service_task_example1"),
    lib(
        "bpmn",
        ("bpmn/data/single_call_activity.bpmn",),
        "Process_p4pfxhq",
        note="missing SingleTask_Process",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: ValidationException: The process 'SingleTask_Process' was not found. Did you mean one of the following: Process_p4pfxhq?.",
    ),
    lib("bpmn", ("bpmn/data/standard_loop.bpmn",), "main"),
    lib(
        "bpmn",
        ("bpmn/data/standard_loop_invalid.bpmn",),
        "main",
        not_runnable="SpiffWorkflow 3.2.0 itself refuses it: ValidationException: A loopMaximum or loopCondition must be specified for Loop Tasks.",
    ),
    lib("bpmn", ("bpmn/data/start_event_split.bpmn",), "main"),
    lib("bpmn", ("bpmn/data/task_data_size.bpmn",), "Process_ccz6oq2"),
    lib("bpmn", ("bpmn/data/timer-cycle-start.bpmn",), "timer", differs=TIMER_STARTS_NOW),
    lib("bpmn", ("bpmn/data/timer-cycle-start.bpmn",), "Process_0vaq70r"),
    lib("bpmn", ("bpmn/data/timer-cycle.bpmn",), "timer"),
    lib("bpmn", ("bpmn/data/timer-date-start.bpmn",), "date_timer", differs=ENGINE_ZONE),
    lib("bpmn", ("bpmn/data/timer-non-interrupt-boundary.bpmn",), "NonInterruptTimer"),
    lib("bpmn", ("bpmn/data/timer.bpmn",), "timer"),
    lib("bpmn", ("bpmn/data/transaction.bpmn",), "Main_Process"),
    lib("bpmn", ("bpmn/data/uncaught_escalation.bpmn",), "top_level"),
    lib(
        "camunda",
        ("camunda/data/DMNMultiInstance.bpmn", "camunda/data/dmn/test_integer_decision.dmn"),
        "Process_1",
    ),
    lib(
        "camunda",
        ("camunda/data/ExclusiveGatewayIfElseAndDecision.bpmn", "camunda/data/dmn/test_integer_decision.dmn"),
        "Process_1",
    ),
    lib("camunda", ("camunda/data/MessageBoundary.bpmn",), "Process_1kjyavs"),
    lib("camunda", ("camunda/data/MessageBoundary.bpmn",), "Process_0srqcj1"),
    lib("camunda", ("camunda/data/call_activity_with_message.bpmn",), "Subprocess"),
    lib(
        "camunda",
        (
            "camunda/data/call_activity_with_message_parent.bpmn",
            "camunda/data/call_activity_with_message.bpmn",
        ),
        "Process_0xeaemr",
    ),
    lib(
        "camunda",
        (
            "camunda/data/call_activity_with_message_parent.bpmn",
            "camunda/data/call_activity_with_message.bpmn",
        ),
        "Process_0vpmpb9",
    ),
    lib("camunda", ("camunda/data/external_message.bpmn",), "Process_1iggtmi"),
    lib(
        "camunda",
        ("camunda/data/invalid/InvalidDecision.bpmn", "camunda/data/dmn/invalid_decision.dmn"),
        "Process_1",
    ),
    lib("camunda", ("camunda/data/message_test.bpmn",), "ThrowCatch"),
    lib("camunda", ("camunda/data/message_test.bpmn",), "Process_05r9nfx"),
    lib("camunda", ("camunda/data/no_form.bpmn",), "no_form"),
    lib("camunda", ("camunda/data/noninterrupting-MessageBoundary.bpmn",), "Process_1kjyavs"),
    lib("camunda", ("camunda/data/noninterrupting-MessageBoundary.bpmn",), "Process_1k0py56"),
    lib("camunda", ("camunda/data/parallel_multiinstance_cardinality.bpmn",), "main"),
    lib("camunda", ("camunda/data/parallel_multiinstance_collection.bpmn",), "main"),
    lib("camunda", ("camunda/data/random_fact.bpmn",), "random_fact"),
    lib("camunda", ("camunda/data/subWorkflowComplex.bpmn",), "SubWorkflow"),
    lib("camunda", ("camunda/data/token_trial_nested_parallel.bpmn",), "token"),
    lib("camunda", ("camunda/data/token_trial_parallel_matrix.bpmn",), "token"),
    lib("camunda", ("camunda/data/token_trial_parallel_simple.bpmn",), "token_trial_parallel_simple"),
    lib("camunda", ("camunda/data/token_trial_subprocess.bpmn",), "token"),
    lib(
        "spiff",
        ("spiff/data/business_rule_task.bpmn", "spiff/data/dmn/business_rules.dmn"),
        "Process_bd2e724",
    ),
    lib("spiff", ("spiff/data/correlation.bpmn",), "proc_1"),
    lib("spiff", ("spiff/data/correlation.bpmn",), "proc_2"),
    lib(
        "spiff",
        ("spiff/data/correlation_two_conversations.bpmn",),
        "message_send_process",
        refused="the sandbox allows no imports (import time)",
    ),
    lib("spiff", ("spiff/data/data_object.bpmn",), "Process"),
    lib("spiff", ("spiff/data/default_correlation_key.bpmn",), "main"),
    lib("spiff", ("spiff/data/error_event_payload.bpmn",), "event_test"),
    lib("spiff", ("spiff/data/escalation_event_payload.bpmn",), "event_test"),
    lib("spiff", ("spiff/data/human_task_metadata.bpmn",), "Process_human_task_metadata"),
    lib("spiff", ("spiff/data/prescript_postscript.bpmn",), "Process_1"),
    lib("spiff", ("spiff/data/prescript_postscript_call_activity.bpmn",), "update_data"),
    lib("spiff", ("spiff/data/prescript_postscript_data_object.bpmn",), "Process_1"),
    lib(
        "spiff",
        ("spiff/data/prescript_postscript_parent.bpmn", "spiff/data/prescript_postscript_call_activity.bpmn"),
        "parent",
    ),
    lib("spiff", ("spiff/data/receive_correlations.bpmn",), "correlation-test"),
    lib("spiff", ("spiff/data/script_on_mi.bpmn",), "Process_1"),
    lib("spiff", ("spiff/data/script_task_with_unit_tests.bpmn",), "Process_ScriptTaskWithUnitTests"),
    lib("spiff", ("spiff/data/service_task.bpmn",), "service_task_example1"),
    lib(
        "spiff", ("spiff/data/service_task_retry_without_backoff.bpmn",), "service_task_retry_without_backoff"
    ),
    lib("spiff", ("spiff/data/service_task_variable.bpmn",), "Process_bd2e724555"),
    lib("spiff", ("spiff/data/signal_event_payload.bpmn",), "event_test"),
    lib("spiff", ("spiff/data/spiff_multiinstance.bpmn",), "Process_1"),
    lib("spiff", ("spiff/data/spiff_properties.bpmn",), "Process_1"),
    lib("spiff", ("spiff/data/user_task_variable.bpmn",), "two"),
    lib("spiff", ("spiff/data/user_task_variable.bpmn",), "one"),
    lib("spiff", ("spiff/data/waiting_event.bpmn",), "main"),
    # The same models again with the data the library's own tests give them.
    lib(
        "bpmn",
        ("bpmn/data/transaction.bpmn",),
        "Main_Process",
        variant="cancelled",
        task_data={"Activity_Get_Data": {"value": ""}},
    ),
    lib(
        "bpmn",
        ("bpmn/data/transaction.bpmn",),
        "Main_Process",
        variant="completed",
        task_data={"Activity_Get_Data": {"value": "asdf"}, "Activity_Get_Quantity": {"quantity": 2}},
    ),
    lib(
        "bpmn",
        ("bpmn/data/data_object.bpmn",),
        "Process",
        variant="with data",
        task_data={"generate_data": {"obj_1": "hello"}},
    ),
    lib(
        "bpmn",
        ("bpmn/data/data_object_gateway.bpmn",),
        "main",
        variant="with data",
        task_data={"set_data": {"val": True}},
    ),
    lib(
        "spiff",
        ("spiff/data/data_object.bpmn",),
        "Process",
        variant="with data",
        task_data={"generate_data": {"obj_1": "hello", "obj_2": "world"}},
    ),
]

CASES: list[Case] = OWN + LIBRARY
