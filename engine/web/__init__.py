"""The web page: sign-in, the task inbox and its forms (more pages arrive with issue 7)."""
from __future__ import annotations

from flask import Flask

from . import definitions, i18n, instances, pages
from .session import init_sessions


def init_web(app: Flask, settings) -> None:
    init_sessions(app, settings)
    extensions = app.extensions["kaoping"].extensions
    for blueprint in (pages.blp, instances.blp, definitions.blp, *extensions.page_blueprints()):
        app.register_blueprint(blueprint)
    app.jinja_env.globals["extension_nav"] = extensions.nav()
    try:
        from . import vendor
    except ImportError:  # the front-end packages are being added (issue 7)
        assets = {"form_viewer_js": "", "form_css": []}
    else:
        app.register_blueprint(vendor.blp)
        assets = vendor.ASSETS
    app.jinja_env.globals["assets"] = assets
    app.jinja_env.filters["bi"] = i18n.bi
