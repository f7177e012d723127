"""Production serving: gunicorn, never Flask's development server. Each worker builds its own
app (and database connections) after the fork.

Workers are `gthread`: HTTP keep-alive lets a client reuse its connection (the sync worker
closes every connection, and opening and tearing down a TCP connection per request cost a
quarter of a worker's time in the bench), and a few threads per worker keep a slow client from
holding the whole worker. The runtime is thread-safe: writes serialise on the instance lock."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from .app import create_app
        from .scheduler.service import SchedulerService

        app = create_app()
        rt = app.extensions["kaoping"]
        if rt.settings.scheduler:  # one per worker: claims keep each firing single
            service = SchedulerService(rt)
            service.start_background()
            app.extensions["kaoping_scheduler"] = service
        return app


def serve(*, host: str, port: int, workers: int, threads: int = 4, access_log: bool = False) -> None:
    _Gunicorn(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            "keepalive": 5,
            "accesslog": "-" if access_log else None,
            "timeout": 60,
            "graceful_timeout": 10,
        }
    ).run()
