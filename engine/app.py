"""The Flask application factory: configuration in, wired app out, nothing at import time."""

from __future__ import annotations

from flask import Flask

from .api import init_api
from .api.inputs import init_inputs
from .config import Settings
from .runtime.runtime import Runtime
from .web import init_web


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    settings = settings or (runtime.settings if runtime else Settings.from_env())
    app = Flask(__name__)
    # Multipart overhead on top of the upload limit; application/xml bodies are checked exactly.
    app.config["MAX_CONTENT_LENGTH"] = settings.max_upload_bytes + 64 * 1024
    app.extensions["kaoping"] = runtime or Runtime.create(settings)
    init_inputs(app)  # first: the page's routes and the API's use its converters
    init_web(app, settings)
    init_api(app)
    return app
