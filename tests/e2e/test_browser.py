"""The review page driven in headless Chromium: the queue read with no name, the name asked at the first
decision (confirm by keyboard), then reject and undo by keyboard, every row recorded with that name.

Needs Debian's chromium at /usr/bin/chromium (and Playwright's Python package, which is told to use
it: nothing is downloaded). Set MONITOR_SCREENSHOTS=DIR to keep the queue and item screenshots
(the README's pictures come from here: MONITOR_SCREENSHOTS=docs/img).
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REVIEWER = "e2e 审核员"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The samples' database behind the real app, on 127.0.0.1 at a free port."""
    import uvicorn

    from monitor.review.web import create_app
    from monitor.run.daily import run
    from monitor.sources.config import load_config
    from monitor.store.database import Store
    from tools.demo import sample_config, serve_samples

    tmp = tmp_path_factory.mktemp("e2e")
    db = str(tmp / "e2e.db")
    with serve_samples() as base:
        store = Store.open(db)
        run(load_config(sample_config(base, tmp / "feeds.toml")), store)
        store.close()
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=0, log_level="warning"))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    started = threading.Event()
    while thread.is_alive() and not server.started:
        started.wait(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", db
    server.should_exit = True
    thread.join()
    sock.close()


@pytest.fixture(scope="module")
def console() -> list[str]:
    """What the browser's console said (a refusal by the CSP would show here)."""
    return []


@pytest.fixture(scope="module")
def page(served: tuple[str, str], console: list[str]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        tab = context.new_page()
        tab.on("console", lambda message: console.append(message.text))
        yield tab
        browser.close()


def screenshot(page: Any, tmp: Path, name: str, full: bool) -> None:
    page.screenshot(path=str(tmp / name), full_page=full)
    keep = os.environ.get("MONITOR_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(keep) / name), full_page=full)
    assert (tmp / name).stat().st_size > 10_000


def new_ids(db: str) -> list[int]:
    from monitor.store.database import Store
    from monitor.store.queue import list_items

    store = Store.open(db)
    try:
        return [i.id for i in list_items(store, "new")]
    finally:
        store.close()


def press(page: Any, key: str) -> None:
    """A key that submits a form or follows a link: wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)


def decision_count(db: str) -> int:
    from monitor.store.database import Store

    store = Store.open(db)
    try:
        return int(store.db.execute("SELECT count(*) FROM decisions").fetchone()[0])
    finally:
        store.close()


def test_confirm_and_reject_by_keyboard(page: Any, served: tuple[str, str], console: list[str],
                                        tmp_path: Path) -> None:
    base, db = served
    first, second, third = new_ids(db)[:3]

    page.goto(f"{base}/queue")  # no name yet: the queue reads all the same
    assert page.url == f"{base}/queue"
    assert page.locator("tr.row").count() == len(new_ids(db))
    page.keyboard.press("j")
    assert page.get_attribute("tr.row.selected", "id") == f"row-{first}"
    screenshot(page, tmp_path, "web-queue.png", full=True)

    press(page, "Enter")
    assert page.url == f"{base}/item/{first}"
    assert page.locator("mark.center").count() >= 1
    screenshot(page, tmp_path, "web-item.png", full=False)
    page.keyboard.press("e")
    assert page.evaluate("document.activeElement.id") == "center"
    page.keyboard.press("Escape")

    press(page, "c")  # the first decision asks the name, and waits for it
    assert page.url == f"{base}/item/{first}/confirm"
    assert page.evaluate("document.activeElement.id") == "reviewer-name"
    assert decision_count(db) == 0
    screenshot(page, tmp_path, "web-name.png", full=False)
    page.keyboard.type(REVIEWER)
    press(page, "Enter")  # kept, and the confirmation made in the same step
    assert page.url == f"{base}/item/{second}"
    assert page.inner_text(".notice").startswith(f"Item #{first} ")
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.id") == "reason"
    press(page, "1")
    assert page.url == f"{base}/item/{third}"
    assert "rejected" in page.inner_text(".notice")

    press(page, "u")  # the notice's undo: the rejection of `second`
    assert page.url == f"{base}/item/{second}"
    page.keyboard.press("r")
    press(page, "2")
    assert [m for m in console if "Content Security Policy" in m] == []
    check_database(db, first, second)


def check_database(db: str, first: int, second: int) -> None:
    from monitor.store.database import Store
    from monitor.store.queue import get_item

    store = Store.open(db)
    try:
        confirmed, rejected = get_item(store, first), get_item(store, second)
        rows = store.db.execute("SELECT item_id, action, reviewer, reason FROM decisions ORDER BY id").fetchall()
    finally:
        store.close()
    assert (confirmed.status, confirmed.reviewer) == ("confirmed", REVIEWER)
    assert (rejected.status, rejected.reviewer) == ("rejected", REVIEWER)
    assert [tuple(r[:3]) for r in rows] == [(first, "confirm", REVIEWER), (second, "reject", REVIEWER),
                                            (second, "undo", REVIEWER), (second, "reject", REVIEWER)]
    assert [r[3] for r in rows if r[1] == "reject"] == ["not a launch", "duplicate"]
