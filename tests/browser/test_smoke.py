"""The browser infrastructure itself: the system Chromium reaches the live app, nothing leaves
the machine, and a screenshot lands in tests/artifacts/."""

from __future__ import annotations

import json


def test_health_in_the_browser(live_server, page, shot):
    response = page.goto(f"{live_server}/api/v1/health")
    assert response is not None and response.status == 200
    assert response.json()["status"] == "ok"
    body = json.loads(page.locator("body pre").first.inner_text())  # what the page shows
    assert body["status"] == "ok" and body["database"] == "ok"
    path = shot(page)
    assert path.stat().st_size > 0
    assert page.requests == [f"GET {live_server}/api/v1/health"]
