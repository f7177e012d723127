"""Deploying, as every caller does it (API, CLI, shipped processes): validate and store the
versions, and in the same transaction replace the timer start schedule of each new version."""
from __future__ import annotations

from ..definitions.deploy import Deployed, deploy
from ..scheduler import starts
from .runtime import Runtime


def deploy_files(rt: Runtime, files: list[tuple[str | None, bytes]], actor: str) -> list[Deployed]:
    with rt.db.write() as session:
        deployed = deploy(session, files, actor=actor, now=rt.clock.now(),
                          forms_dir=rt.settings.forms_dir, serializer=rt.serializer)
        for item in deployed:
            if item.created:
                starts.schedule(rt, session.connection(), item.definition.id)
        return deployed
