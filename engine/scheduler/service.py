"""The scheduler process: APScheduler ticks, each a drain of what is due. The record is our
timer table, never APScheduler's memory (its jobs are only the ticks), so a restart loses
nothing and a tick on start-up fires whatever fell due while everything was down."""

from __future__ import annotations

import logging

import requests
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from webhooks.delivery import deliver_due
from webhooks.fanout import fan_out

from ..runtime.runtime import Runtime
from .drain import drain

log = logging.getLogger(__name__)


class SchedulerService:
    def __init__(self, rt: Runtime, interval: float = 1.0, on_fired=None):
        self.rt, self.interval, self.on_fired = rt, interval, on_fired
        self.state = "stopped"
        self._scheduler: BackgroundScheduler | BlockingScheduler | None = None
        self._http = requests.Session()

    def tick(self) -> int:
        try:
            return drain(self.rt, on_fired=self.on_fired)
        except Exception:  # the next tick tries again; one bad pass must not stop the ticks
            log.exception("scheduler tick failed")
            return 0

    def send_webhooks(self) -> int:
        """Fan-out and delivery, a job of its own: a slow receiver never delays a timer."""
        try:
            fan_out(self.rt)
            return deliver_due(self.rt, self._http)
        except Exception:
            log.exception("webhook pass failed")
            return 0

    def _job(self, scheduler) -> None:
        scheduler.add_job(
            self.tick,
            "interval",
            seconds=self.interval,
            id="kaoping-due",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        scheduler.add_job(
            self.send_webhooks,
            "interval",
            seconds=self.interval,
            id="kaoping-webhooks",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )

    def start_background(self) -> None:
        self.tick()  # what fell due while we were down, before serving anything new
        self._scheduler = BackgroundScheduler(timezone=self.rt.clock.zone, daemon=True)
        self._job(self._scheduler)
        self._scheduler.start()
        self.state = "running"

    def run_forever(self) -> None:
        self.tick()
        self._scheduler = BlockingScheduler(timezone=self.rt.clock.zone)
        self._job(self._scheduler)
        self.state = "running"
        self._scheduler.start()

    def shutdown(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self.state = "stopped"
