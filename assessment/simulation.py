"""`kaoping simulate`: the shipped cycles, run on the controlled clock from one date to another.

Every task is done by a user of its own group with valid data generated from its form (a
spot check by a team member from another prefecture); each gate returns the draft once per
cycle before approving it; the third party answers through the signed inbound webhook. Paced
(the default), each task and the third party's answer gets a moment drawn from the seed between
its opening and its due date, some after it (so `task.overdue` and the 7-day reminders occur),
every step of an assessment before the end of February (Art. 7), and the clock moves through
those moments in order, firing what falls due on the way; unpaced, work is done as soon as it
appears. A line is printed as each cycle publishes; the run succeeds when every cycle opened in
the span has published."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import cast

from sqlalchemy import select
from standardwebhooks.webhooks import Webhook as Signer

from engine.auth.users import create_user
from engine.errors import Conflict, Forbidden, KaopingError
from engine.persistence import timer_rows
from engine.persistence.models import Instance, MessageWait, Task, User
from engine.persistence.webhook_models import InboundEndpoint
from engine.runtime import access, commands, listings
from engine.runtime.principal import Principal
from engine.runtime.runtime import Runtime
from engine.scheduler.drain import drain, move_clock
from forms.generate import generate
from webhooks import inbound

from . import read_model, results
from .divisions import Divisions
from .models import CycleResult
from .plan import DEPARTMENTS, INDICATORS

ENDPOINT = "third-party"
LATE = 0.2  # the share of tasks with a due date that are done after it
LATENESS = (timedelta(hours=6), timedelta(days=12))  # past 7 days: a second reminder
GATE_STEP = timedelta(days=3)  # the most a step without a due date takes
# Work after publication is not bound by the February deadline (feedback, rectification, follow-up).
AFTER_PUBLICATION = frozenset(
    {"feedback", "rectification", "rectification_report", "follow_up", "t_rectification"}
)
ISSUES = (
    "部分监测对象帮扶措施针对性不强 / Assistance to some monitored households is poorly targeted",
    "衔接资金项目进度滞后 / Projects of the bridging funds are behind schedule",
    "易地搬迁安置点就业帮扶不足 / Too little job assistance at a relocation site",
)
UNDONE = 0.2  # the share of first rectification reports that leave a problem for the next report
PROVINCE = (
    "provincial_office",
    "assessment_team",
    "leading_group",
    "provincial_leadership",
    "integration",
    "third_party",
)


class Simulation:
    def __init__(
        self, rt: Runtime, *, seed: int = 2021, say=print, leave=lambda task: False, paced: bool = True
    ):
        if not rt.clock.controlled:
            raise KaopingError("simulate runs on the controlled clock: set KAOPING_CONTROLLED_CLOCK=1")
        self.rt, self.rng, self.say, self.leave = rt, random.Random(seed), say, leave
        # Moments come from a stream of their own, so generated data never shifts them.
        self.paced, self.pace = paced, random.Random(seed * 7919 + 17)
        # So does the spot-check sample's seed, which the process otherwise draws at random:
        # one --seed gives one run, sample and grades included.
        samples = random.Random(seed * 104729 + 3)
        rt.script_engine.environment.globals["new_seed"] = lambda: samples.getrandbits(32)
        self.when: dict[str, datetime] = {}  # task id, or "answer:" + business key → its moment
        self.order: dict[str, tuple] = {}
        self.ready: Sequence = ()  # the ready tasks as last listed
        self.divisions: Divisions = rt.extensions.reference("divisions")
        self.returned: set[tuple[str, str]] = set()  # (instance, gate) that returned its draft once
        self.amended: set[str] = set()  # instances whose proposal the leading group amended
        self.published: set[str] = set()
        self.people = self._people()
        self.secret = self._endpoint()
        # Each prefecture has a standing of its own, so grades spread as they do in life.
        self.standing = {p.code: self.rng.uniform(72, 92) for p in self.divisions.prefectures()}
        self.county_prefecture = {c.code: c.prefecture_code for c in self.divisions.counties()}

    def _people(self) -> dict[str, list[Principal]]:
        prefectures = [p.code for p in self.divisions.prefectures()]
        groups = {g: [[g]] for g in PROVINCE}
        groups.update({f"prefecture:{code}": [[f"prefecture:{code}"]] for code in prefectures})
        groups.update({f"department:{key}": [[f"department:{key}"]] for key, _ in DEPARTMENTS})
        # The assessment team: members drawn from prefectures, so recusal has someone to refuse.
        groups["assessment_team"] = [["assessment_team", f"prefecture:{code}"] for code in prefectures[:4]]
        people: dict[str, list[Principal]] = {}
        with self.rt.db.write() as session:
            for group, memberships in groups.items():
                for n, member_of in enumerate(memberships):
                    name = f"sim.{group.replace(':', '.')}.{n}"
                    if session.scalar(select(User.id).where(User.username == name)) is None:
                        create_user(session, name, now=self.rt.clock.now(), groups=member_of)
                    people.setdefault(group, []).append(Principal(name, groups=frozenset(member_of)))
        return people

    def _join(self, group: str) -> None:
        name = f"sim.{group.replace(':', '.')}.0"
        with self.rt.db.write() as session:
            if session.scalar(select(User.id).where(User.username == name)) is None:
                create_user(session, name, now=self.rt.clock.now(), groups=[group])
        self.people[group] = [Principal(name, groups=frozenset([group]))]

    def _endpoint(self) -> str:
        with self.rt.db.connect() as conn:
            if conn.execute(select(InboundEndpoint.name).where(InboundEndpoint.name == ENDPOINT)).first():
                inbound.remove(self.rt, ENDPOINT)
        _, secret = inbound.create(
            self.rt, "simulate", ENDPOINT, "third_party.report", business_key_path="$.cycle.key"
        )
        return secret

    def run(self, start: datetime, end: datetime) -> bool:
        if start > self.rt.clock.now():
            move_clock(self.rt, start)
        fresh = True
        while True:
            if self._work(fresh):
                fresh = True
                continue
            with self.rt.db.connect() as conn:
                upcoming = timer_rows.next_due(conn)
            moments = [m for m in self.when.values() if m > self.rt.clock.now()]
            if moments and (upcoming is None or min(moments) < upcoming):
                upcoming = min(moments)
            if upcoming is None or upcoming > end:
                break
            # Fires every timer due on the way, at its own time; if none fired, the tasks
            # listed last are still the ready ones.
            fresh = move_clock(self.rt, upcoming) > 0
        if end > self.rt.clock.now():
            move_clock(self.rt, end)
        return self._all_published(start, end)

    def _work(self, fresh: bool = True) -> int:
        done = self._answer_third_party()
        if fresh or done or not self.paced:
            with self.rt.db.read() as session:
                self.ready = listings.list_tasks(session, Principal("sim", is_admin=True), limit=1000).items
        tasks = self.ready
        tasks = sorted(tasks, key=self._order)
        now, ready = self.rt.clock.now(), {t.id for t in tasks}
        for gone in [k for k in self.when if not k.startswith("answer:") and k not in ready]:
            del self.when[gone]  # done by someone else meanwhile
            self.order.pop(gone, None)
        for task in tasks:
            if self.leave(task):  # tests hold some tasks back to do them through the API
                continue
            if self.paced:
                if task.id not in self.when:
                    self.when[task.id] = self._moment(task.instance_id, task.element_id, task.due_at)
                if self.when[task.id] > now:
                    continue
                del self.when[task.id]
            self.order.pop(task.id, None)
            done += self._complete(task)
        drain(self.rt)
        return done

    def _order(self, task) -> tuple:
        """The same order whatever the ids, so the same seed draws the same moments and data."""
        if task.id not in self.order:
            self.order[task.id] = (task.created_at, task.element_id, json.dumps(task.data, sort_keys=True))
        return self.order[task.id]

    def _moment(self, instance_id: str, element_id: str, due: datetime | None) -> datetime:
        """When a task just seen is done: in its window, some after it, and within its
        assessment's end of February unless it follows publication (rectification)."""
        now = self.rt.clock.now()
        limit = None if element_id in AFTER_PUBLICATION else self._february(instance_id)
        if due is not None and due > now:
            if self.pace.random() < LATE:
                low, high = LATENESS
                at = due + timedelta(seconds=self.pace.uniform(low.total_seconds(), high.total_seconds()))
            else:  # most work is done in the second half of its window
                at = now + (due - now) * self.pace.uniform(0.4, 1.0)
            if limit is not None:  # late work still leaves half the time left for the rest
                at = min(at, now + (limit - now) / 2)
        else:  # gates, publication, a returned draft: a few days, a small share of what is left
            step = GATE_STEP if limit is None else min(GATE_STEP, (limit - now) / 8)
            at = now + step * self.pace.uniform(0.2, 1.0)
        return self._office_hours(at, now)

    def _office_hours(self, at: datetime, now: datetime) -> datetime:
        """The moment moved into its day's office hours, never back before now."""
        local = at.astimezone(self.rt.clock.zone)
        if not 9 <= local.hour < 18:
            local = local.replace(hour=9 + self.pace.randrange(9), minute=self.pace.randrange(60), second=0)
        return max(local, now + timedelta(minutes=1)).replace(microsecond=0)

    def _february(self, instance_id: str) -> datetime | None:
        """The end of February that closes this instance's assessment, with a day to spare."""
        with self.rt.db.connect() as conn:
            instance = conn.execute(
                select(Instance.business_key, Instance.definition_key).where(Instance.id == instance_id)
            ).one()
            definition = read_model.cycle_definitions(self.rt, conn).get(instance.definition_key)
        if definition is None or not instance.business_key:
            return None
        last_year = int((definition.period(instance.business_key) or instance.business_key).split("-")[-1])
        return datetime(last_year + 1, 3, 1, tzinfo=self.rt.clock.zone) - timedelta(days=1)

    def _complete(self, task) -> int:
        actor = self._actor(task)
        form = self._definition(task.instance_id).forms.get(task.form_key) if task.form_key else None
        base = self._overrides(task)  # decides a gate's return or approval, once
        overrides = {**base, **self._amendments(task, base.get("decision")), **self._answers(task)}
        data = generate(form, task.data, rng=self.rng, overrides=overrides) if form else {}
        self._shade(task.form_key, data)
        self._few_problems(task.form_key, data)
        try:
            commands.complete(self.rt, actor, task.id, data)
        except (Conflict, Forbidden):
            return 0
        self._report_publication(task)
        return 1

    def _definition(self, instance_id: str):
        with self.rt.db.connect() as conn:
            definition_id = conn.execute(
                select(Instance.definition_id).where(Instance.id == instance_id)
            ).scalar()
            return self.rt.definitions.get(conn, cast(str, definition_id))  # its task's instance exists

    def _actor(self, task) -> Principal:
        for group in task.candidate_groups:
            if group.startswith("county:") and group not in self.people:
                self._join(group)  # a county's officials appear when it first has work
            for person in self.people.get(group, []):
                if access.may_do(person, task):
                    return person
        raise KaopingError(f"nobody may do task {task.element_id} ({task.candidate_groups})")

    def _overrides(self, task) -> dict:
        if task.form_key == "gate-decision":
            key = (task.instance_id, task.element_id)
            if key not in self.returned:  # every gate returns the draft once, then approves
                self.returned.add(key)
                return {
                    "decision": "return",
                    "comment": "请补充问题整改情况后再报 / Please add the rectification status.",
                }
            return {"decision": "approve", "comment": "同意 / Approved."}
        if task.form_key == "publication":  # a notice number as the province's office writes them
            return {
                "notice_number": f"云乡振发〔{self.rt.clock.now().year}〕3号",
                "notice": "考核评估结果通报 / Notice of the assessment results.",
            }
        if task.form_key == "annual-plan":
            return {
                k: task.data[k]
                for k in (
                    "weights",
                    "indicators",
                    "prefecture_own_weight",
                    "departments",
                    "source_weights",
                    "category_weights",
                    "sampling_ratio",
                )
                if k in task.data
            }
        return {}

    def _amendments(self, task, decision: str | None) -> dict:
        """The team amends nothing; the leading group, approving a cycle's proposal for the first
        time, raises one county it finds under-graded (at most once per cycle), with its reason."""
        if task.form_key == "comprehensive":
            return {"amendments": []}
        if task.form_key != "gate-decision":
            return {}
        if (
            task.element_id.endswith("review")
            and decision == "approve"
            and task.instance_id not in self.amended
        ):
            self.amended.add(task.instance_id)
            for unit in task.data.get("units") or []:
                if (
                    unit.get("level") == "county"
                    and unit["grade"] == "较好"
                    and not unit.get("good_ruled_out")
                ):
                    reason = "实地考评创新亮点突出，群众认可度高 / Strong highlights found on site, high public approval"
                    return {"amendments": [{"code": unit["code"], "grade": "好", "reason": reason}]}
        return {"amendments": []}

    def _answers(self, task) -> dict:
        """Rectification dates a month or three ahead; a report sometimes leaves a problem open."""
        now = self.rt.clock.now().astimezone(self.rt.clock.zone).date()
        unit = task.data.get("answer") or {}
        if task.form_key == "rectification":
            problems = [
                {
                    **p,
                    "measure": "制定专项整改方案，逐项销号 / A plan for this problem, closed item by item",
                    "deadline": (now + timedelta(days=self.rng.randint(30, 90))).isoformat(),
                    "responsible": "分管副州(市)长 / The deputy head in charge",
                }
                for p in unit.get("problems") or []
            ]
            return {"answer": {**unit, "problems": problems}}
        if task.form_key == "rectification-report":
            first = not any(p.get("outcome") for p in unit.get("problems") or [])
            leave = first and len(unit.get("problems") or []) > 1 and self.rng.random() < UNDONE
            problems = [
                {**p, "done": not (leave and n == 0), "outcome": "已按整改方案完成 / Done as planned"}
                for n, p in enumerate(unit.get("problems") or [])
            ]
            return {"answer": {**unit, "problems": problems}}
        return {}

    def _score(self, code: str) -> float:
        """A score for a county, or for a prefecture itself, around its prefecture's standing."""
        prefecture = code if code in self.standing else self.county_prefecture.get(code, "")
        standing = self.standing.get(prefecture, 80.0)
        return round(min(100.0, max(0.0, self.rng.gauss(standing, 4))), 1)

    def _shade(self, form_key: str | None, data: dict) -> None:
        """Scores that follow each prefecture's standing instead of pure noise."""
        if form_key == "self-assessment":
            assessment = data["assessment"]
            for indicator in assessment.get("own_ratings") or []:
                indicator["score"] = self._score(assessment["code"])
            for row in assessment["county_ratings"]:
                for indicator in row.get("indicators") or []:
                    indicator["score"] = self._score(row["code"])
        elif form_key == "routine-evaluation":
            for row in data["evaluation"]["scores"]:
                for indicator in row.get("indicators") or []:
                    indicator["score"] = self._score(row["code"])
        elif form_key == "spot-check":
            for indicator in data["check"].get("indicators") or []:
                indicator["score"] = self._score(data["check"]["code"])
        elif form_key == "field-findings":
            for row in data["findings"].get("prefecture_ratings") or []:
                for indicator in row.get("indicators") or []:
                    indicator["score"] = self._score(row["code"])

    def _few_problems(self, form_key: str | None, data: dict) -> None:
        """Problems are found in a few counties, not everywhere: a department notes one for about
        one county in fifty, the experts name at most three, a spot check finds one now and then."""
        if form_key == "routine-evaluation":
            for row in data["evaluation"]["scores"]:
                row["issue"] = self.rng.choice(ISSUES) if self.rng.random() < 0.02 else ""
        elif form_key == "field-findings":
            data["findings"]["issues"] = (data["findings"].get("issues") or [])[:3]
        elif form_key == "spot-check":
            found = self.rng.random() < 0.3
            data["check"]["problems"] = [{"text": self.rng.choice(ISSUES)}] if found else []

    def _answer_third_party(self) -> int:
        with self.rt.db.read() as session:
            waiting = (
                session.execute(
                    select(Instance.business_key)
                    .join(MessageWait, MessageWait.instance_id == Instance.id)
                    .where(MessageWait.message_name == "third_party.report")
                )
                .scalars()
                .all()
            )
        counties = [c.code for c in self.divisions.counties()]
        now, answered = self.rt.clock.now(), 0
        for key in sorted(k for k in waiting if k):
            if self.paced:  # the report arrives within its field stage, 10–45 days on
                at = self.when.setdefault(
                    f"answer:{key}", self._office_hours(now + timedelta(days=self.pace.uniform(10, 45)), now)
                )
                if at > now:
                    continue
                del self.when[f"answer:{key}"]
            answered += 1
            report = {
                "cycle": {"key": key},
                "summary": "第三方评估报告 / Third-party report",
                # the example plan's indicators (the simulated plan keeps them), scored one by one
                "county_scores": [
                    {"code": c, "indicators": {key: self._score(c) for key, *_ in INDICATORS}}
                    for c in counties
                ],
                "serious": [],
            }
            body = json.dumps(report, ensure_ascii=False)
            # Signed on the engine's wall clock (the receiver checks it against its own), in UTC
            # because the signer reads the time as UTC whatever its zone.
            message_id, at = f"msg_{uuid.uuid4().hex}", self.rt.wall.now().astimezone(UTC)
            headers = {
                "webhook-id": message_id,
                "webhook-timestamp": str(int(at.timestamp())),
                "webhook-signature": Signer(self.secret).sign(message_id, at, body),
            }
            inbound.receive(self.rt, ENDPOINT, body.encode(), headers)
        return answered

    def _report_publication(self, task) -> None:
        with self.rt.db.connect() as conn:
            rows = conn.execute(
                select(CycleResult.cycle, CycleResult.kind).where(CycleResult.instance_id == task.instance_id)
            ).all()
            if not rows:
                return
            instance = conn.execute(
                select(Instance.business_key, Instance.definition_key).where(Instance.id == task.instance_id)
            ).one()
            definition = read_model.cycle_definitions(self.rt, conn).get(instance.definition_key)
        period = definition.period(instance.business_key or "") if definition else None
        for cycle, kind in rows:
            if cycle not in self.published:
                self.published.add(cycle)
                self.say(self._line(cycle, kind, period or cycle))

    def _line(self, cycle: str, kind: str, period: str) -> str:
        with self.rt.db.connect() as conn:
            found = results.read(conn, cycle)
        counts = {g: sum(1 for p in found["prefectures"] if p["grade"] == g) for g in ("好", "较好", "一般")}
        grades = " · ".join(f"{g} {n}" for g, n in counts.items())
        return f"{period.replace('-', '–')} {kind}: published {grades}"

    def _all_published(self, start: datetime, end: datetime) -> bool:
        """Every cycle opened in the span whose February deadline falls in it has published."""
        with self.rt.db.connect() as conn:
            definitions = read_model.cycle_definitions(self.rt, conn)
            opened = conn.execute(
                select(Instance.business_key, Instance.definition_key).where(
                    Instance.definition_key.in_(list(definitions)),
                    Instance.created_at >= start,
                    Instance.created_at <= end,
                )
            ).all()
        zone = self.rt.clock.zone
        due = set()
        for key, definition_key in opened:
            if not key:
                continue
            definition = definitions[definition_key]
            last_year = int((definition.period(key) or key).split("-")[-1])
            if datetime(last_year + 1, 3, 1, tzinfo=zone) <= end:
                due.add(definition.results_cycle(key))
        missing = sorted(due - self.published)
        keys = {definitions[d].results_cycle(key): key for key, d in opened if key}
        for cycle in missing:
            self.say(f"{cycle}: NOT published ({self._where_it_stands(keys[cycle])})")
        return bool(due) and not missing

    def _where_it_stands(self, business_key: str) -> str:
        """Why a cycle did not publish, for the operator: its instance's incident, or its status
        and the tasks still open."""
        with self.rt.db.connect() as conn:
            instance = conn.execute(
                select(Instance.id, Instance.status, Instance.error).where(
                    Instance.business_key == business_key
                )
            ).one()
            open_tasks = conn.execute(
                select(Task.element_id).where(Task.instance_id == instance.id, Task.state == "ready")
            ).scalars()
            elements = sorted(set(open_tasks))
        if instance.error:
            return f"{instance.status}: {instance.error.get('element')}: {instance.error.get('message')}"
        return f"{instance.status}; open: {', '.join(elements) or 'none'}"
