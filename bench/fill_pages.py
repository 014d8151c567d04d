"""Measure the respondent's pages (issue 24) in Chromium at 360 px and 1280 px.

Run from the project root: `.venv/bin/python bench/fill_pages.py` (Debian's Chromium, driven by
Playwright, as in the browser tests). It serves the app on a fresh SQLite database, creates an
assessment of the built-in opm3-style 2.1.0 questionnaire over every domain with one respondent
(its message, contact and due date written straight into the row), opens the invitation link
and prints, for a 360 x 740 phone and a 1280 x 800 desktop:

- pixels per question: each question fieldset's height (median, mean, max, and how many are
  over 250 px), with every help and comment closed, and each section's page height divided by
  its questions;
- Tab presses per section: from the top of a freshly loaded section page to its "Save and next"
  button, answering nothing (the mean, the worst section, and all sections together);
- screens to scroll: each section page's height over the viewport's, added up over all sections;
- the first page: Tab presses to its Start button, and whether that button is above the fold;
- the review page: how far down its Submit button is, with every question unanswered;
- a section answered with the keyboard alone (Tab, then an arrow key, at the machine's pace):
  its wall time and key presses, the reading time of its statements at 238 words a minute (an
  adult's average silent reading rate, Brysbaert 2019), and a Keystroke-Level Model of it.

It asserts nothing about time; it prints figures. Issue 24's before and after (238 questions):

| | before | after |
| --- | --- | --- |
| a question at 360 px (median / max) | 1,009 / 1,258 px | 207 / 247 px |
| Tab presses, all sections (a question) | 778 (3.27) | 334 (1.40) |
| screens to scroll, all sections, 360 / 1280 px | 375 / 238 | 112 / 59 |
| Start at 360 px: bottom, Tab presses | 2,918 px, 20 | 331 px, 3 |
| Submit on the review at 360 px | 22,508 px down | 423 px down |
"""

from __future__ import annotations

import logging
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

if not __package__:
    # As a script, this folder comes first on sys.path, and bench/scoring.py would shadow the
    # `scoring` package: import from the project root instead.
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import httpx
import sqlalchemy as sa
import uvicorn

from api.app import create_app
from api.core.config import Settings
from api.storage.migrate import upgrade

ADMIN = "bench-admin-secret-0123456789abcdef0123456789"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]
VIEWPORTS = {
    "360": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
    "1280": {"viewport": {"width": 1280, "height": 800}},
}
READING_WPM = 238
# The Keystroke-Level Model (Card, Moran and Newell 1980): a key pressed by an average typist,
# and the mental preparation before each choice. Recalling the cases is not in it.
KEY_SECONDS = 0.28
DECISION_SECONDS = 1.35
# `--screenshots DIR`: the first page and a section at each width, as the first screen shows them.
SHOTS = Path(sys.argv[sys.argv.index("--screenshots") + 1]) if "--screenshots" in sys.argv else None
IS_NEXT = "e => e && e.tagName === 'BUTTON' && e.name === 'go' && e.value === 'next'"


def serve(settings: Settings) -> tuple[str, uvicorn.Server, threading.Thread]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), log_level="warning", access_log=False, ws="none")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", server, thread


def scene(url: str, database_url: str) -> str:
    """An assessment of every domain with one respondent; its invitation link."""
    with httpx.Client(base_url=f"{url}/v1", timeout=30) as http:
        admin = {"Authorization": f"Bearer {ADMIN}"}
        org = http.post("/organizations", json={"name": "Northwind"}, headers=admin).json()
        owner = {"Authorization": f"Bearer {org['api_key']}"}
        assessment = http.post(
            f"/organizations/{org['slug']}/assessments",
            json={
                "questionnaire_key": "opm3-style",
                "questionnaire_version": "2.1.0",
                "title": "OPM maturity 2026",
                "scope": ["project", "program", "portfolio"],
            },
            headers=owner,
        ).json()
        respondent = http.post(
            f"/organizations/{org['slug']}/assessments/{assessment['id']}/respondents",
            json={"name": "Ana Souza", "role": "Project manager"},
            headers=owner,
        ).json()
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "UPDATE assessment SET message = :message, contact = :contact, "
                "due_date = :due WHERE id = :id"
            ),
            {
                "message": "We assess how we run projects, programs and portfolios, to choose "
                "what to improve next year. Answer from what you see at work.",
                "contact": "Ann Lee <ann.lee@example.org>",
                "due": "2026-12-18",
                "id": assessment["id"],
            },
        )
    engine.dispose()
    return f"{url}/a/{respondent['token']}"


def tab_until(page: Any, predicate: str, limit: int = 2000) -> int:
    """Tab presses from where the focus is until `predicate(document.activeElement)`."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"({predicate})(document.activeElement)"):
            return presses
    raise AssertionError(f"Tab never reached {predicate}")


def measure(browser: Any, link: str, name: str, options: dict[str, Any]) -> dict[str, Any]:
    context = browser.new_context(locale="en-GB", **options)
    page = context.new_page()
    page.goto(link)
    height = options["viewport"]["height"]
    start = page.locator("main a.button").first
    box = start.bounding_box()
    home = {
        "start_bottom": round(box["y"] + box["height"]) if box else None,
        "start_above_fold": bool(box and box["y"] + box["height"] <= height),
        "tabs_to_start": tab_until(
            page, "e => e && e.tagName === 'A' && e.classList.contains('button')"
        ),
        "page_screens": page.evaluate("document.documentElement.scrollHeight") / height,
    }
    sections = page.eval_on_selector_all(
        "ol.sections a, .sections a", "es => es.map(e => e.getAttribute('href'))"
    )
    sections = list(dict.fromkeys(s for s in sections if s and s.startswith("/fill/")))
    heights: list[float] = []
    per_question_page: list[float] = []
    tabs: list[int] = []
    screens = 0.0
    for path in sections:
        page.goto(link.split("/a/")[0] + path)
        fieldsets = page.eval_on_selector_all(
            "fieldset.question", "es => es.map(e => e.getBoundingClientRect().height)"
        )
        heights.extend(fieldsets)
        scroll = page.evaluate("document.documentElement.scrollHeight")
        per_question_page.append(scroll / len(fieldsets))
        screens += scroll / height
        tabs.append(tab_until(page, IS_NEXT))
    if SHOTS:
        base = link.split("/a/")[0]
        for shot, path in (("home", "/fill"), ("section", "/fill/project~control")):
            page.goto(base + path)
            page.screenshot(path=str(SHOTS / f"fill-{shot}-{name}.png"))
    page.goto(link.split("/a/")[0] + "/fill/submit")
    submit = page.get_by_role("button", name="Submit my answers").bounding_box()
    context.close()
    return {
        "name": name,
        "home": home,
        "sections": len(sections),
        "questions": len(heights),
        "heights": heights,
        "per_question_page": per_question_page,
        "tabs": tabs,
        "screens": screens,
        "submit_y": round(submit["y"]) if submit else None,
    }


def keyboard_section(browser: Any, link: str) -> dict[str, Any]:
    """The first section answered with the keyboard alone, at the machine's pace."""
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(link)
    base = link.split("/a/")[0]
    page.goto(f"{base}/fill/project~standardize")
    texts = page.eval_on_selector_all("fieldset.question legend", "es => es.map(e => e.innerText)")
    names = page.eval_on_selector_all(
        "fieldset.question", "es => es.map(e => e.querySelector('input[type=radio]').name)"
    )
    keys = 0
    began = time.perf_counter()
    for name in names:
        keys += tab_until(page, f"e => e && e.name === {name!r}")
        page.keyboard.press("ArrowRight")  # a value: the next choice of the group
        keys += 1
    keys += tab_until(page, IS_NEXT)
    page.keyboard.press("Enter")
    keys += 1
    page.wait_for_url(lambda url: "project~standardize" not in url)
    elapsed = time.perf_counter() - began
    context.close()
    words = sum(len(text.split()) for text in texts)
    return {
        "questions": len(names),
        "keys": keys,
        "seconds": elapsed,
        "words": words,
        "reading_seconds": words / READING_WPM * 60,
    }


def report(figures: dict[str, Any]) -> None:
    heights = figures["heights"]
    tabs = figures["tabs"]
    home = figures["home"]
    print(f"== {figures['name']} px: {figures['sections']} sections, {figures['questions']} q")
    print(
        f"  question fieldset height: median {statistics.median(heights):.0f} px, "
        f"mean {statistics.mean(heights):.0f}, max {max(heights):.0f}, "
        f"over 250 px: {sum(1 for h in heights if h > 250)}"
    )
    print(
        "  section page height per question: mean "
        f"{statistics.mean(figures['per_question_page']):.0f} px"
    )
    print(
        f"  Tab presses per section: mean {statistics.mean(tabs):.1f}, max {max(tabs)}, "
        f"all sections {sum(tabs)} ({sum(tabs) / figures['questions']:.2f} a question)"
    )
    print(f"  screens to scroll, all sections: {figures['screens']:.0f}")
    print(
        f"  first page: Start bottom at {home['start_bottom']} px "
        f"(above the fold: {home['start_above_fold']}), Tab presses to Start "
        f"{home['tabs_to_start']}, {home['page_screens']:.1f} screens"
    )
    print(f"  review page: Submit at {figures['submit_y']} px from the top, nothing answered")


def main() -> None:
    from playwright.sync_api import sync_playwright

    logging.disable(logging.INFO)  # the app's request log
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{Path(folder) / 'opm.db'}"
        upgrade(database_url)
        url, server, thread = serve(Settings(database_url=database_url, admin_key=ADMIN))
        try:
            link = scene(url, database_url)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for name, options in VIEWPORTS.items():
                    report(measure(browser, link, name, options))
                timed = keyboard_section(browser, link)
                browser.close()
            print(
                f"== one section by keyboard ({timed['questions']} questions): "
                f"{timed['keys']} key presses, {timed['seconds']:.1f} s at the machine's pace; "
                f"reading its statements at {READING_WPM} wpm takes "
                f"{timed['reading_seconds']:.0f} s ({timed['words']} words, "
                f"{timed['reading_seconds'] / timed['questions']:.1f} s a question)"
            )
            modelled = (
                timed["reading_seconds"]
                + timed["questions"] * DECISION_SECONDS
                + timed["keys"] * KEY_SECONDS
            )
            print(
                f"   reading, one decision a question ({DECISION_SECONDS} s) and "
                f"{timed['keys']} keys ({KEY_SECONDS} s each): {modelled:.0f} s, "
                f"{modelled / timed['questions']:.1f} s a question before recalling any case "
                "(the page's estimate: 15 s)"
            )
        finally:
            server.should_exit = True
            thread.join(timeout=30)


if __name__ == "__main__":
    main()
