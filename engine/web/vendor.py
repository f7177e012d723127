"""The browser libraries (bpmn-js, dmn-js, form-js), served from node_modules/ so that no page
asks another host for anything.

`make setup` installs them from package-lock.json (npm ci). Only the files named in ALLOWED are
served, each at /vendor/<name>/<path inside the package>, so the CSS files' relative references
(../font/bpmn.woff2 ...) resolve under the same prefix. Anything else is a 404.

ASSETS names the URLs a page includes; each carries ?v=<package version> (from package.json),
so the year-long cache never outlives an upgrade.
"""

from __future__ import annotations

import json

from flask import Blueprint, abort, send_from_directory

from ..config import PROJECT_ROOT

NODE_MODULES = PROJECT_ROOT / "node_modules"

# URL name -> npm package (the folder under node_modules/).
PACKAGES = {
    "bpmn-js": "bpmn-js",
    "dmn-js": "dmn-js",
    "form-js": "@bpmn-io/form-js",
}


def _font(stem: str) -> set[str]:
    return {f"{stem}.{ext}" for ext in ("eot", "svg", "ttf", "woff", "woff2")}


BPMN_CSS = ("dist/assets/diagram-js.css", "dist/assets/bpmn-js.css", "dist/assets/bpmn-font/css/bpmn.css")
DMN_CSS = (
    "dist/assets/diagram-js.css",
    "dist/assets/dmn-js-shared.css",
    "dist/assets/dmn-js-drd.css",
    "dist/assets/dmn-js-decision-table.css",
    "dist/assets/dmn-js-decision-table-controls.css",
    "dist/assets/dmn-js-literal-expression.css",
    "dist/assets/dmn-js-boxed-expression.css",
    "dist/assets/dmn-js-boxed-expression-controls.css",
    "dist/assets/dmn-font/css/dmn.css",
)
# form-js.css already holds the base and flatpickr styles; form-js-editor.css the properties
# panel and drag-and-drop ones. Their font (IBM Plex Sans) is not bundled: it falls back to
# sans-serif rather than being fetched from elsewhere.
FORM_CSS = ("dist/assets/form-js.css",)
FORM_EDITOR_CSS = ("dist/assets/form-js.css", "dist/assets/form-js-editor.css")

ALLOWED: dict[str, frozenset[str]] = {
    "bpmn-js": frozenset(
        {
            "dist/bpmn-viewer.production.min.js",
            "dist/bpmn-navigated-viewer.production.min.js",
            "dist/bpmn-modeler.production.min.js",
            *BPMN_CSS,
            *_font("dist/assets/bpmn-font/font/bpmn"),
        }
    ),
    "dmn-js": frozenset(
        {
            "dist/dmn-viewer.production.min.js",
            "dist/dmn-modeler.production.min.js",
            *DMN_CSS,
            *_font("dist/assets/dmn-font/font/dmn"),
        }
    ),
    "form-js": frozenset(
        {
            "dist/form-viewer.umd.js",
            "dist/form-editor.umd.js",
            *FORM_CSS,
            *FORM_EDITOR_CSS,
        }
    ),
}

MIMETYPES = {
    "js": "text/javascript",
    "css": "text/css",
    "eot": "application/vnd.ms-fontobject",
    "svg": "image/svg+xml",
    "ttf": "font/ttf",
    "woff": "font/woff",
    "woff2": "font/woff2",
}

CACHE_SECONDS = 365 * 24 * 3600

blp = Blueprint("vendor", __name__, url_prefix="/vendor")


def _versions() -> dict[str, str]:
    try:
        deps = json.loads((PROJECT_ROOT / "package.json").read_text("utf-8"))["dependencies"]
    except (OSError, ValueError, KeyError):
        deps = {}
    return {name: deps.get(package, "") for name, package in PACKAGES.items()}


_VERSIONS = _versions()


def url(name: str, path: str) -> str:
    if path not in ALLOWED[name]:
        raise KeyError(f"{name}/{path} is not in the vendor allow-list")
    version = _VERSIONS.get(name)
    return f"{blp.url_prefix}/{name}/{path}" + (f"?v={version}" if version else "")


ASSETS: dict[str, str | list[str]] = {
    "bpmn_viewer_js": url("bpmn-js", "dist/bpmn-viewer.production.min.js"),
    "bpmn_navigated_viewer_js": url("bpmn-js", "dist/bpmn-navigated-viewer.production.min.js"),
    "bpmn_modeler_js": url("bpmn-js", "dist/bpmn-modeler.production.min.js"),
    "bpmn_css": [url("bpmn-js", p) for p in BPMN_CSS],
    "dmn_viewer_js": url("dmn-js", "dist/dmn-viewer.production.min.js"),
    "dmn_modeler_js": url("dmn-js", "dist/dmn-modeler.production.min.js"),
    "dmn_css": [url("dmn-js", p) for p in DMN_CSS],
    "form_viewer_js": url("form-js", "dist/form-viewer.umd.js"),
    "form_editor_js": url("form-js", "dist/form-editor.umd.js"),
    "form_css": [url("form-js", p) for p in FORM_CSS],
    "form_editor_css": [url("form-js", p) for p in FORM_EDITOR_CSS],
}


@blp.get("/<name>/<path:path>")
def asset(name: str, path: str):
    if path not in ALLOWED.get(name, ()):
        abort(404)
    response = send_from_directory(
        NODE_MODULES / PACKAGES[name],
        path,
        mimetype=MIMETYPES[path.rsplit(".", 1)[-1]],
        max_age=CACHE_SECONDS,
        conditional=True,
    )
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response
