from __future__ import annotations

from flask import Response, request
from flask_smorest import Blueprint

from ..errors import BadRequest, NotFound, TooLarge
from ..persistence import queries
from ..scheduler.deployment import deploy_files
from . import presenters
from .context import require_admin, runtime
from .schemas import DefinitionPage, DeployResponse, PageArgs, paging

blp = Blueprint(
    "definitions",
    __name__,
    url_prefix="/api/v1/definitions",
    description="Process definitions (administrators)",
)


@blp.route("", methods=["POST"])
@blp.response(201, DeployResponse)
@blp.alt_response(200, schema=DeployResponse, description="identical content already deployed")
def create():
    caller = require_admin()
    rt = runtime()
    files = _uploaded_files(rt.settings.max_upload_bytes)
    deployed = deploy_files(rt, files, caller.username)
    body = {"definitions": [presenters.definition(d.definition) for d in deployed]}
    return body, 201 if any(d.created for d in deployed) else 200


def _uploaded_files(limit: int) -> list[tuple[str | None, bytes]]:
    # Checked before the body is read or parsed (API.md: 413 before parsing).
    if request.content_length is not None and request.content_length > limit:
        raise TooLarge(f"upload exceeds {limit} bytes", code="upload_too_large")
    if request.mimetype in ("application/xml", "text/xml"):
        body = request.stream.read(limit + 1)
        if len(body) > limit:
            raise TooLarge(f"upload exceeds {limit} bytes", code="upload_too_large")
        return [(None, body)]
    if request.mimetype == "multipart/form-data":
        parts = request.files.getlist("file")
        if not parts:
            raise BadRequest("no 'file' part in the upload", code="no_file")
        return [(part.filename or "upload.bpmn", part.read()) for part in parts]
    raise BadRequest(
        "send multipart/form-data with 'file' parts, or application/xml", code="unsupported_media_type"
    )


@blp.route("", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, DefinitionPage)
def latest(args):
    require_admin()
    with runtime().db.read() as session:
        return presenters.page(queries.latest_definitions(session, **paging(args)), presenters.definition)


@blp.route("/<key>", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, DefinitionPage)
def versions(args, key):
    require_admin()
    with runtime().db.read() as session:
        page = queries.definition_versions(session, key, **paging(args))
        if not page.items and not args["after"]:
            raise NotFound(f"definition {key} not found", code="definition_not_found")
        return presenters.page(page, presenters.definition)


@blp.route("/<key>/versions/<version:version>/xml", methods=["GET"])
@blp.response(200, content_type="application/xml")
def xml(key, version):
    require_admin()
    with runtime().db.read() as session:
        row = queries.definition_version(session, key, version)
        if row is None:
            raise NotFound(f"definition {key} version {version} not found", code="definition_not_found")
        return Response(row.bpmn_xml, mimetype="application/xml")
