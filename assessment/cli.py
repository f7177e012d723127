"""`kaoping simulate`: the assessment's command, added to the engine's command line."""

from __future__ import annotations

import sys

import click

from engine.cli import _deploy_shipped, _errors, _runtime


@click.command()
@click.option("--from", "start", required=True, help="ISO 8601, e.g. 2021-11-01T00:00:00+08:00")
@click.option("--to", "end", required=True, help="ISO 8601, e.g. 2026-03-31T00:00:00+08:00")
@click.option("--seed", default=2021, show_default=True, type=int, help="for the generated data")
def simulate(start: str, end: str, seed: int) -> None:
    """Run the shipped cycles on the controlled clock; exit 0 only if all due ones publish."""
    from engine.clock import parse_instant

    from .simulation import Simulation

    rt = _runtime()
    _deploy_shipped(rt)
    with _errors():
        run = Simulation(rt, seed=seed, say=lambda line: click.echo(line))
        ok = run.run(parse_instant(start, rt.clock.zone), parse_instant(end, rt.clock.zone))
    sys.exit(0 if ok else 1)
