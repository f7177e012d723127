"""Call activities that lead back to their own process. Starting such a process would start a
copy of itself inside itself, and so on without end, so a deployment that closes such a cycle
is refused. The graph spans every process in the parse: those of the upload and those taken
from earlier deployments, since a BPMN edited alone may close a cycle through them."""

from __future__ import annotations

from lxml import etree

from .problems import Problem

_BPMN = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}

Edge = tuple[str, etree._Element]  # (called process, the callActivity element)


def cycles(process_parsers: dict, own: list[str]) -> list[Problem]:
    """One problem per cycle reachable from the uploaded processes `own`, placed at a call
    activity of the upload on (or, failing that, leading into) the cycle."""
    graph: dict[str, list[Edge]] = {
        pid: [
            (node.get("calledElement"), node)
            for node in parser.node.xpath(".//bpmn:callActivity", namespaces=_BPMN)
        ]
        for pid, parser in process_parsers.items()
    }
    found: dict[frozenset, Problem] = {}
    done: set[str] = set()  # explored to the end: no path from it closes a new cycle
    for root in own:
        _walk(root, [], graph, process_parsers, set(own), found, done)
    return list(found.values())


def _walk(
    pid: str, path: list[Edge], graph, parsers, own: set[str], found: dict[frozenset, Problem], done: set[str]
) -> None:
    """Depth first; `path` holds (process, call activity taken from it) down to `pid`."""
    on_path = [p for p, _ in path]
    if pid in on_path:
        loop = path[on_path.index(pid) :]
        key = frozenset((p, id(node)) for p, node in loop)
        found.setdefault(key, _problem(loop, path, parsers, own))
        return
    if pid in done:
        return
    for called, node in graph.get(pid, []):
        if called in graph:  # a process not in the parse is reported by the parser itself
            _walk(called, [*path, (pid, node)], graph, parsers, own, found, done)
    done.add(pid)


def _problem(loop, path, parsers, own: set[str]) -> Problem:
    names = [p for p, _ in loop] + [loop[0][0]]
    at = next(((p, node) for p, node in loop if p in own), path[0])
    process, node = at
    return Problem(
        file=parsers[process].filename,
        line=node.sourceline,
        element=node.get("id"),
        message="call activity cycle: " + " → ".join(names),
    )
