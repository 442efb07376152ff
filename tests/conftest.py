"""Shared fixtures.

Browser fixtures: Debian's chromium driven by the playwright package, with the network off.
Tests that use them are marked ``@pytest.mark.browser`` and skip when chromium or playwright
is missing. Never run ``playwright install``: the system chromium is used as is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


@pytest.fixture(scope="session")
def browser() -> Any:
    """A headless chromium for the whole session."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need `pip install playwright`")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class OfflinePage:
    """A page whose every non-local request is aborted, with what happened recorded."""

    page: Any
    blocked: list[str] = field(default_factory=list)  #: URLs the page tried to fetch
    errors: list[str] = field(default_factory=list)  #: uncaught exceptions and console errors
    dialogs: list[str] = field(default_factory=list)  #: alert/confirm/prompt messages (dismissed)


@pytest.fixture
def offline_page(browser: Any) -> Any:
    """A fresh context and page with the network blocked; see :class:`OfflinePage`."""
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    offline = OfflinePage(page)

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(LOCAL_SCHEMES):
            request_route.continue_()
        else:
            offline.blocked.append(url)
            request_route.abort()

    def dialog(opened: Any) -> None:
        offline.dialogs.append(opened.message)
        opened.dismiss()

    context.route("**/*", route)
    page.on("pageerror", lambda exc: offline.errors.append(f"page error: {exc}"))
    page.on("console", lambda msg: msg.type == "error" and offline.errors.append(f"console: {msg.text}"))
    page.on("dialog", dialog)
    yield offline
    context.close()
