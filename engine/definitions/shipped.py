"""The processes that ship in `processes/`, deployed at start-up when they are new."""
from __future__ import annotations

from ..runtime.deployment import deploy_files

SUFFIXES = (".bpmn", ".dmn")


def deploy_shipped(rt) -> list[str]:
    directory = rt.settings.processes_dir
    files = sorted(p for p in directory.rglob("*") if p.suffix in SUFFIXES) if directory.exists() else []
    if not any(p.suffix == ".bpmn" for p in files):
        return []
    deployed = deploy_files(rt, [(p.name, p.read_bytes()) for p in files], "system")
    return [f"{'deployed' if d.created else 'unchanged'} {d.definition.key} "
            f"version {d.definition.version}" for d in deployed]
