"""The web page: sign-in, the inbox and its task forms, instances, definitions, and the pages
extensions add; the browser libraries are served from node_modules by `vendor`."""

from __future__ import annotations

from flask import Flask

from . import definitions, i18n, instances, pages, vendor
from .session import init_sessions


def init_web(app: Flask, settings) -> None:
    init_sessions(app, settings)
    extensions = app.extensions["kaoping"].extensions
    for blueprint in (pages.blp, instances.blp, definitions.blp, *extensions.page_blueprints()):
        app.register_blueprint(blueprint)
    app.jinja_env.globals["extension_nav"] = extensions.nav()
    app.register_blueprint(vendor.blp)
    app.jinja_env.globals["assets"] = vendor.ASSETS
    app.jinja_env.filters["bi"] = i18n.bi
