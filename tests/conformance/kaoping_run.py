"""Running a model through Kaoping's REST API only, as a client would: deploy, start, read the
ready tasks, complete them, post messages and move the controlled clock."""

from __future__ import annotations

import uuid
from datetime import datetime
from io import BytesIO

from .drive import Driver, drive
from .manifest import Case
from .outcome import COMPLETED, ERROR, REFUSED, WAITING, Outcome, normalise

STATUS = {"running": WAITING, "completed": COMPLETED, "error": ERROR}


class ApiClient:
    """A Flask test client speaking with one administrator's token."""

    def __init__(self, client, token: str):
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def get(self, url: str, **kw):
        return self.client.get(url, headers=self.headers, **kw)

    def post(self, url: str, **kw):
        return self.client.post(url, headers=self.headers, **kw)


class KaopingDriver(Driver):
    def __init__(self, api: ApiClient, case: Case, files: dict[str, bytes]):
        self.api, self.case, self.files = api, case, files
        self.instance_id: str | None = None
        self.business_key = f"{case.id}:{uuid.uuid4().hex[:8]}"
        self.failure: str | None = None
        self._instance: dict | None = None

    def deploy(self) -> str | None:
        upload = {
            "file": [(BytesIO(content), name.rsplit("/", 1)[-1]) for name, content in self.files.items()]
        }
        answer = self.api.post("/api/v1/definitions", data=upload, content_type="multipart/form-data")
        if answer.status_code not in (200, 201):
            return f"deploy answered {answer.status_code}: {_error(answer)}"
        return None

    def begin(self) -> str | None:
        refused = self.deploy()
        if refused:
            return refused
        answer = self.api.post(
            "/api/v1/instances",
            json={
                "definition": self.case.process,
                "business_key": self.business_key,
                "variables": self.case.start_data,
            },
        )
        if answer.status_code != 201:
            return f"start answered {answer.status_code}: {_error(answer)}"
        self.instance_id = answer.json["id"]
        return None

    def instance(self) -> dict:
        if self._instance is None:
            answer = self.api.get(f"/api/v1/instances/{self.instance_id}")
            assert answer.status_code == 200, answer.json
            self._instance = answer.json
        return self._instance

    def _acted(self, answer, what: str) -> None:
        self._instance = None
        if answer.status_code != 200:
            self.failure = f"{what} answered {answer.status_code}: {_error(answer)}"

    def status(self) -> str:
        if self.failure:
            return ERROR
        instance = self.instance()
        if instance["status"] == "error" and instance.get("error"):
            self.detail = str(instance["error"])
        return STATUS.get(instance["status"], instance["status"])

    def ready(self) -> list[tuple[str, str]]:
        return [(t["id"], t["element_id"]) for t in self.instance()["active_tasks"] if t["state"] == "ready"]

    def complete(self, task_id: str, data: dict) -> None:
        self._acted(
            self.api.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data}), "completing a task"
        )

    def next_timer(self) -> datetime | None:
        answer = self.api.get("/api/v1/timers", query_string={"limit": 1000})
        due = [
            datetime.fromisoformat(t["due_at"])
            for t in answer.json["items"]
            if t["instance_id"] == self.instance_id
        ]
        return min(due) if due else None

    def move_clock(self, to: datetime) -> None:
        self._acted(self.api.post("/api/v1/clock", json={"now": to.isoformat()}), "moving the clock")

    def send(self, message: str, payload: dict) -> bool:
        answer = self.api.post(
            "/api/v1/messages", json={"name": message, "business_key": self.business_key, "payload": payload}
        )
        self._acted(answer, "posting a message")
        return bool(answer.status_code == 200 and answer.json["correlated"])

    def variables(self) -> dict:
        """The instance's `variables` exactly as the API serves them (the engine's rule, which
        library_run.library_variables takes from SpiffWorkflow itself: `workflow.data` once
        completed, else the last task's data, data objects nested under "data_objects"), through
        the same `normalise` as the library side."""
        return normalise(self.instance()["variables"])

    def clean_up(self) -> None:
        """A case leaves nothing waiting that a later case's clock moves would fire."""
        if self.instance_id and self.instance()["status"] in ("running", "error", "suspended"):
            self.api.post(f"/api/v1/instances/{self.instance_id}/cancel")


def _error(answer) -> str:
    body = answer.json or {}
    error = body.get("error") or {}
    details = error.get("details")
    return f"{error.get('message', answer.data[:200])}" + (f" {details}" if details else "")


def run_kaoping(api: ApiClient, case: Case, files: dict[str, bytes], start: datetime) -> Outcome:
    driver = KaopingDriver(api, case, files)
    refused = driver.begin()
    if refused is not None:
        return Outcome(REFUSED, detail=refused)
    try:
        outcome = drive(driver, case, start)
        outcome.detail = driver.failure or getattr(driver, "detail", "")
        return outcome
    finally:
        driver.clean_up()
