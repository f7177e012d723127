"""(b)–(e) over real HTTP: each client holds one keep-alive connection of its own (the standard
library's http.client: `requests` alone adds about half a millisecond of client-side Python to
every call, which would be charged to the server); every timed figure is one request's wall
time as the client sees it. Anything but the expected status stops the run
with the exact request and response (ServerMisbehaved)."""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from http.client import HTTPConnection
from time import perf_counter
from urllib.parse import urlencode, urlsplit

import requests

from . import CHAIN, FILL_DATA, MODEL_FILES, UNITS, units

Samples = dict[str, list[float]]
IDLE_SECONDS = 2.0  # below gunicorn's keep-alive (5 s): an idle client opens a fresh connection
_stop = threading.Event()  # set when one client fails, so the others end their loops early


class ServerMisbehaved(RuntimeError):
    def __init__(self, method: str, url: str, body, status: int, text: str):
        self.method, self.url, self.body, self.status = method, url, body, status
        shown = json.dumps(body, ensure_ascii=False)[:500] if body is not None else ""
        super().__init__(f"{method} {url} {shown}\n→ {status}\n{text[:4000]}")


class Client:
    def __init__(self, base: str, token: str | None):
        self.base = base
        parts = urlsplit(base)
        self.address = (parts.hostname, parts.port)
        self.connection = HTTPConnection(*self.address, timeout=120)
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.last_used = perf_counter()

    def call(self, method: str, path: str, *, expect=(200,), json_body=None, params=None, files=None):
        """→ (decoded JSON, seconds)."""
        if files is not None:  # multipart uploads are untimed set-up: requests builds them
            response = requests.request(
                method, f"{self.base}/api/v1{path}", files=files, headers=self.headers, timeout=120
            )
            if response.status_code not in expect:
                raise ServerMisbehaved(method, path, None, response.status_code, response.text)
            return response.json(), response.elapsed.total_seconds()
        url = f"/api/v1{path}" + (f"?{urlencode(params)}" if params else "")
        body = json.dumps(json_body).encode() if json_body is not None else None
        headers = {**self.headers, "Content-Type": "application/json"} if body else self.headers
        if perf_counter() - self.last_used > IDLE_SECONDS:  # the server has closed it by now
            self.connection.close()
            self.connection = HTTPConnection(*self.address, timeout=120)
        began = perf_counter()
        self.connection.request(method, url, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read()
        took = perf_counter() - began
        self.last_used = perf_counter()
        if response.status not in expect:
            raise ServerMisbehaved(method, url, json_body, response.status, text.decode(errors="replace"))
        return json.loads(text), took

    def close(self) -> None:
        self.connection.close()


def deploy(admin: Client) -> list[dict]:
    files = [("file", (path.name, path.read_bytes(), "application/xml")) for path in MODEL_FILES.values()]
    body, _ = admin.call("POST", "/definitions", expect=(200, 201), files=files)
    return body["definitions"]


def only_task(instance: dict, element: str) -> str:
    tasks = [t for t in instance["active_tasks"] if t["element_id"] == element]
    if len(tasks) != 1:
        raise AssertionError(
            f"expected one ready {element!r} in {instance['id']}, got {instance['active_tasks']}"
        )
    return tasks[0]["id"]


def chain_instances(base: str, tokens: dict[str, str], count: int, suffix: str = "") -> Samples:
    """One client: `count` times start → complete `fill` → list its tasks → complete `check`,
    the clerk starting and filling, the reviewer checking (neither is an administrator)."""
    clerk, reviewer = Client(base, tokens["clerk"]), Client(base, tokens["reviewer"])
    out: Samples = defaultdict(list)
    try:
        for _ in range(count):
            if _stop.is_set():
                break
            instance, took = clerk.call("POST", "/instances", expect=(201,), json_body={"definition": CHAIN})
            out[f"rest_start{suffix}"].append(took)
            fill = only_task(instance, "fill")
            _, took = clerk.call("POST", f"/tasks/{fill}/complete", json_body={"data": FILL_DATA})
            out[f"rest_complete{suffix}"].append(took)
            page, took = reviewer.call("GET", "/tasks", params={"instance": instance["id"]})
            out[f"rest_task_list_instance{suffix}"].append(took)
            [check] = [t["id"] for t in page["items"] if t["element_id"] == "check"]
            _, took = reviewer.call("POST", f"/tasks/{check}/complete", json_body={"data": {}})
            out[f"rest_complete{suffix}"].append(took)
    finally:
        clerk.close()
        reviewer.close()
    return out


def in_parallel(clients: int, total: int, job) -> Samples:
    """`total` units of work shared among `clients` threads, each calling `job(its share)`;
    their samples merged."""
    shares = [total // clients + (1 if i < total % clients else 0) for i in range(clients)]
    merged: Samples = defaultdict(list)
    _stop.clear()
    with ThreadPoolExecutor(clients) as pool:
        futures = [pool.submit(job, share) for share in shares if share]
        try:
            wait(futures, return_when=FIRST_EXCEPTION)
        finally:  # a failure (or Ctrl-C, or SIGTERM) here ends the other clients' loops too
            if not all(f.done() and f.exception() is None for f in futures):
                _stop.set()
    for future in futures:
        for name, samples in future.result().items():
            merged[name].extend(samples)
    return merged


def alternate(rounds: int, jobs: list) -> Samples:
    """`rounds` times each job in turn: sides of a comparison share the machine's moods."""
    merged: Samples = defaultdict(list)
    for _ in range(rounds):
        for job in jobs:
            for name, samples in job().items():
                merged[name].extend(samples)
    return merged


def check_chain_outcome(admin: Client) -> None:
    """The benchmark measured real work: a finished chain ran its script."""
    page, _ = admin.call("GET", "/instances", params={"definition": CHAIN, "status": "completed", "limit": 1})
    if not page["items"] or page["items"][0]["variables"].get("total") != 70:
        raise AssertionError(f"no completed {CHAIN} instance with total == 70: {page['items'][:1]}")


def stage(admin: Client, count: int, stages: int) -> Samples:
    """(c) `stages` instances of the multi-instance task with `count` units each, every copy
    completed in turn by the administrator; each completion is timed."""
    out: Samples = defaultdict(list)
    for _ in range(stages):
        instance, took = admin.call(
            "POST",
            "/instances",
            expect=(201,),
            json_body={"definition": UNITS, "variables": {"units": units(count)}},
        )
        out[f"rest_start_units_{count}"].append(took)
        ids = [t["id"] for t in instance["active_tasks"]]
        if len(ids) != count:
            raise AssertionError(f"{count} units should open {count} tasks, got {len(ids)}")
        for task_id in ids:
            _, took = admin.call("POST", f"/tasks/{task_id}/complete", json_body={"data": {}})
            out[f"rest_complete_units_{count}"].append(took)
        final, _ = admin.call("GET", f"/instances/{instance['id']}")
        if final["status"] != "completed":
            raise AssertionError(f"the {count}-unit stage did not end: {final['status']}")
    return out


def starts_only(base: str, tokens: dict[str, str], count: int) -> Samples:
    """(e) One client starting `count` chain instances and leaving them at their first task."""
    clerk = Client(base, tokens["clerk"])
    out: Samples = defaultdict(list)
    try:
        for _ in range(count):
            if _stop.is_set():
                break
            _, took = clerk.call("POST", "/instances", expect=(201,), json_body={"definition": CHAIN})
            out["rest_start_bulk"].append(took)
    finally:
        clerk.close()
    return out


def task_pages(base: str, token: str, count: int, name: str) -> Samples:
    """The first page (100) of a participant's ready tasks, `count` times."""
    client = Client(base, token)
    try:
        return {name: [client.call("GET", "/tasks")[1] for _ in range(count)]}
    finally:
        client.close()


def health(base: str, count: int) -> Samples:
    """The floor of any request: GET /health (no token, one SELECT 1)."""
    client = Client(base, None)
    try:
        return {"rest_health": [client.call("GET", "/health")[1] for _ in range(count)]}
    finally:
        client.close()


def warm_up(base: str, tokens: dict[str, str], admin: Client) -> None:
    """Untimed: the first requests after a start load specs and warm connections."""
    chain_instances(base, tokens, 10)
    stage(admin, 4, 1)
