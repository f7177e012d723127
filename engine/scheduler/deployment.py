"""Deploying, as every caller does it (API, CLI, shipped processes): validate and store the
versions, and in the same transaction replace the timer start schedule of each new version.
A scheduler operation, since a version's timer starts are due from the moment it is stored."""

from __future__ import annotations

from collections.abc import Sequence

from ..definitions.deploy import Deployed, deploy
from ..runtime.runtime import Runtime
from . import starts

# What of `processes/` is deployed at start-up.
SUFFIXES = (".bpmn", ".dmn")


def deploy_files(rt: Runtime, files: Sequence[tuple[str | None, bytes]], actor: str) -> list[Deployed]:
    with rt.db.write() as session:
        deployed = deploy(
            session,
            files,
            actor=actor,
            now=rt.clock.now(),
            forms_dir=rt.settings.forms_dir,
            serializer=rt.serializer,
        )
        for item in deployed:
            if item.created:
                starts.schedule(rt, session.connection(), item.definition.id)
        return deployed


def deploy_shipped(rt: Runtime) -> list[str]:
    """The processes that ship in `processes/`, deployed at start-up when they are new: one
    line for each, saying whether it was."""
    directory = rt.settings.processes_dir
    files = sorted(p for p in directory.rglob("*") if p.suffix in SUFFIXES) if directory.exists() else []
    if not any(p.suffix == ".bpmn" for p in files):
        return []
    deployed = deploy_files(rt, [(p.name, p.read_bytes()) for p in files], "system")
    return [
        f"{'deployed' if d.created else 'unchanged'} {d.definition.key} version {d.definition.version}"
        for d in deployed
    ]
