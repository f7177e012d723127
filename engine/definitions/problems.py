"""What a deployment can get wrong, in API.md's shape: `{file, line, element, message}`."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..errors import Invalid


@dataclass(frozen=True)
class Problem:
    file: str | None
    line: int | None
    element: str | None
    message: str


class DeployRejected(Invalid):
    code = "invalid_definition"

    def __init__(self, problems: list[Problem]):
        first = problems[0].message if problems else "invalid definition"
        super().__init__(f"deployment refused: {first}", details=[asdict(p) for p in problems])
        self.problems = problems
