"""`kaoping`: the one console script (API.md, "Command line and configuration")."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from .config import Settings
from .errors import KaopingError

if TYPE_CHECKING:  # the commands import the runtime when they run, not with the CLI
    from .runtime.runtime import Runtime


def _runtime(migrate: bool = True):
    from .persistence.migrate import upgrade
    from .runtime.runtime import Runtime

    settings = Settings.from_env()
    if migrate:
        upgrade(settings.database_url)
    return Runtime.create(settings)


class _WithExtensions(click.Group):
    """The engine's commands and those of the extensions KAOPING_EXTENSIONS selects
    (engine/extensions.py), looked up as the command line is read (the environment of that
    moment decides), never when this module is imported."""

    def _extension_commands(self) -> dict[str, click.Command]:
        from .extensions import Extensions, load

        settings = Settings.from_env()
        # a command made by click's decorators always has its name
        return {cast(str, c.name): c for c in Extensions(load(settings), settings).cli_commands()}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._extension_commands()})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return super().get_command(ctx, name) or self._extension_commands().get(name)


@click.group(cls=_WithExtensions)
def main() -> None:
    """Kaoping 考评 — BPMN workflow engine."""


@main.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    from .persistence.migrate import upgrade

    upgrade(Settings.from_env().database_url)
    click.echo("database is up to date")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="processes")
@click.option("--threads", default=4, show_default=True, type=int, help="threads per process")
@click.option("--access-log", is_flag=True, help="log every request to standard output")
def serve(host: str, port: int, workers: int, threads: int, access_log: bool) -> None:
    """Migrate, deploy the shipped processes, and serve the API with gunicorn."""
    from .serving import serve as run

    rt = _runtime()
    _deploy_shipped(rt)
    rt.db.dispose()  # each gunicorn worker opens its own connections after the fork
    run(host=host, port=port, workers=workers, threads=threads, access_log=access_log)


def _deploy_shipped(rt: Runtime) -> None:
    from .scheduler.deployment import deploy_shipped

    for line in deploy_shipped(rt):
        click.echo(line)


@main.command()
@click.option("--once", is_flag=True, help="fire what is due now, then exit")
@click.option("--interval", default=1.0, show_default=True, type=float, help="seconds between scans")
@click.option("--verbose", is_flag=True, help="print a line for every timer fired")
def scheduler(once: bool, interval: float, verbose: bool) -> None:
    """The scheduler alone: fires due timers, start occurrences and due dates (several may
    run against one PostgreSQL; each timer fires once)."""
    from .scheduler.service import SchedulerService

    rt = _runtime()
    report = (
        (lambda row: click.echo(f"fired {row.kind} {row.id} {row.element_id}", nl=True)) if verbose else None
    )
    service = SchedulerService(rt, interval, on_fired=report)
    if once:
        fired = service.tick()
        service.send_webhooks()
        click.echo(f"fired {fired}")
        return
    service.run_forever()


@main.group()
def users() -> None:
    """Accounts."""


@users.command("create")
@click.argument("name")
@click.option("--admin", is_flag=True)
@click.option("--group", "groups", multiple=True)
@click.option("--password")
def users_create(name: str, admin: bool, groups: tuple[str, ...], password: str | None) -> None:
    """Create a user; prints a new API token on the last line."""
    from .auth.users import create_user

    rt = _runtime()
    with _errors(), rt.db.write() as session:
        token = create_user(session, name, now=rt.clock.now(), admin=admin, groups=groups, password=password)
    click.echo(f"created {'administrator' if admin else 'user'} {name}", err=True)
    click.echo(token)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def deploy(files: tuple[str, ...]) -> None:
    """Validate and deploy BPMN, DMN and form files together, as POST /definitions does."""
    from .scheduler.deployment import deploy_files

    rt = _runtime()
    payload = [(Path(f).name, Path(f).read_bytes()) for f in files]
    with _errors():
        for item in deploy_files(rt, payload, "cli"):
            state = "deployed" if item.created else "unchanged"
            click.echo(f"{state} {item.definition.key} version {item.definition.version}")


@main.group()
def inbound() -> None:
    """Inbound webhook endpoints."""


@inbound.command("create")
@click.argument("name")
@click.option("--message", required=True, help="the BPMN message name it delivers")
@click.option("--business-key-path", help="where the business key is in the body, e.g. $.business_key")
@click.option("--ttl", default="P30D", show_default=True, help="how long a message may wait for a catcher")
def inbound_create(name: str, message: str, business_key_path: str | None, ttl: str) -> None:
    """Create an endpoint; prints its signing secret (shown once) on the last line."""
    from webhooks import inbound as endpoints

    rt = _runtime()
    with _errors():
        _, secret = endpoints.create(rt, "cli", name, message, business_key_path=business_key_path, ttl=ttl)
    click.echo(f"created inbound endpoint {name} → message {message}", err=True)
    click.echo(secret)


@main.group()
def audit() -> None:
    """The audit trail."""


@audit.command("export")
@click.option("--instance", "instance_id", help="only this instance's events")
def audit_export(instance_id: str | None) -> None:
    """Every audit event as JSON lines, oldest first."""
    from .persistence.queries import all_events

    rt = _runtime(migrate=False)
    with rt.db.read() as session:
        for event in all_events(session, instance_id):
            sys.stdout.write(
                json.dumps(
                    {
                        "id": event.id,
                        "instance_id": event.instance_id,
                        "at": event.at.astimezone(rt.clock.zone).isoformat(),
                        "type": event.type,
                        "actor": event.actor,
                        "element": event.element,
                        "task_id": event.task_id,
                        "data": event.data,
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )


class _errors:
    """Domain errors become a message and exit status 2 instead of a traceback."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, _tb):
        if isinstance(error, KaopingError):
            click.echo(f"error: {error.message}", err=True)
            for detail in error.details or []:
                click.echo(f"  {json.dumps(detail, ensure_ascii=False)}", err=True)
            sys.exit(2)
        return False
