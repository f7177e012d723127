"""Where the models come from. SpiffWorkflow's own test models are not part of this repository
(their licence keeps them in a separate folder): they are read from KAOPING_CONFORMANCE_MODELS,
else from the shared conformance folder beside the repository, laid out as the library's
`tests/SpiffWorkflow/...` tree. Our own models live in models/ here and always run."""

from __future__ import annotations

import os
from pathlib import Path

OWN_MODELS = Path(__file__).parent / "models"
REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT.parent / "shared" / "conformance" / "spiffworkflow"
ENV = "KAOPING_CONFORMANCE_MODELS"


def library_models() -> Path | None:
    """The folder holding `tests/SpiffWorkflow/`, or None when there is none."""
    configured = os.environ.get(ENV)
    for candidate in ([Path(configured)] if configured else []) + [SHARED]:
        if (candidate / "tests" / "SpiffWorkflow").is_dir():
            return candidate
    return None


MISSING_REASON = (
    f"SpiffWorkflow's test models are not on this machine: set {ENV} to a folder "
    "holding the library's tests/SpiffWorkflow/ tree (they are never committed here)"
)


def read_files(root: Path, names: tuple[str, ...]) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in names}
