"""Production serving: gunicorn, never Flask's development server. Each worker builds its own
app (and database connections) after the fork."""
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
        return create_app()


def serve(*, host: str, port: int, workers: int) -> None:
    _Gunicorn({"bind": f"{host}:{port}", "workers": workers, "worker_class": "sync",
               "accesslog": "-", "timeout": 60, "graceful_timeout": 10}).run()
