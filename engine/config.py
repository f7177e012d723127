"""Settings from the environment (API.md, "Command line and configuration").

Nothing here reads files or opens connections: a Settings value is plain data that
create_app(), the CLI and tests pass around, so no module keeps configuration in a global.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The zone of BPMN dates and of "now" unless KAOPING_TIMEZONE says otherwise: Yunnan's.
DEFAULT_TIMEZONE = "Asia/Shanghai"


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


def _names(value: str | None) -> tuple[str, ...] | None:
    """Unset: None (every installed extension); empty: none; else the comma-separated names."""
    if value is None:
        return None
    return tuple(name.strip() for name in value.split(",") if name.strip())


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///var/kaoping.db"
    controlled_clock: bool = False
    clock_start: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    scheduler: bool = True
    max_upload_bytes: int = 5 * 1024 * 1024
    processes_dir: Path = PROJECT_ROOT / "processes"
    forms_dir: Path = PROJECT_ROOT / "forms"
    script_time_limit: float = 1.0
    # What one step may run before it must reach a wait state (runtime/budget.py): it holds
    # its instance's lock, on SQLite the database's write lock, until it commits. Tasks stay
    # under 1000 because SpiffWorkflow 3.2.0 stops looking 1000 levels down its task tree, so
    # a longer loop without a wait state would end as "completed" instead of an incident.
    step_task_limit: int = 500
    step_time_limit: float = 10.0
    # Workflows kept restored after their step for the next step on the same instance
    # (runtime/warm.py), up to this many characters of saved state per process; 0 keeps none.
    warm_state_chars: int = 8_000_000
    secret_key: str | None = None  # Fernet key for stored webhook secrets; else secret_key_file
    secret_key_file: Path = Path("var/secret.key")
    max_inbound_bytes: int = 1024 * 1024
    secure_cookies: bool = False  # set behind HTTPS: the session cookie then never travels in clear
    # Which installed extensions (engine/extensions.py) load: None for all of them.
    extensions: tuple[str, ...] | None = None
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        base = cls()
        return replace(
            base,
            database_url=env.get("KAOPING_DATABASE_URL") or base.database_url,
            controlled_clock=_flag(env.get("KAOPING_CONTROLLED_CLOCK"), False),
            clock_start=env.get("KAOPING_CLOCK_START") or None,
            timezone=env.get("KAOPING_TIMEZONE") or base.timezone,
            scheduler=_flag(env.get("KAOPING_SCHEDULER"), True),
            max_upload_bytes=int(env.get("KAOPING_MAX_UPLOAD_BYTES") or base.max_upload_bytes),
            processes_dir=Path(env["KAOPING_PROCESSES_DIR"])
            if env.get("KAOPING_PROCESSES_DIR")
            else base.processes_dir,
            forms_dir=Path(env["KAOPING_FORMS_DIR"]) if env.get("KAOPING_FORMS_DIR") else base.forms_dir,
            script_time_limit=float(env.get("KAOPING_SCRIPT_TIME_LIMIT") or base.script_time_limit),
            step_task_limit=int(env.get("KAOPING_STEP_TASK_LIMIT") or base.step_task_limit),
            step_time_limit=float(env.get("KAOPING_STEP_TIME_LIMIT") or base.step_time_limit),
            warm_state_chars=int(env.get("KAOPING_WARM_STATE_CHARS") or base.warm_state_chars),
            secret_key=env.get("KAOPING_SECRET_KEY") or None,
            secret_key_file=Path(env.get("KAOPING_SECRET_KEY_FILE") or base.secret_key_file),
            max_inbound_bytes=int(env.get("KAOPING_MAX_INBOUND_BYTES") or base.max_inbound_bytes),
            secure_cookies=_flag(env.get("KAOPING_SECURE_COOKIES"), False),
            extensions=_names(env.get("KAOPING_EXTENSIONS")),
        )
