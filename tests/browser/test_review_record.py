"""A clinical review the build can verify, end to end, on a copy of the site.

The reviewer opens the sheet (file://, no server), fills in name and role, ticks every pair and
exports the record; the record, saved under reviews/, makes the built page say "Clinically
reviewed on DATE by NAME, ROLE" in both versions. One edited sentence turns that into "Updated
since its clinical review on DATE", and the next sheet marks exactly that sentence as changed,
with every other tick kept from the record.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import subprocess
import sys

import sitehttp
import yaml
from conftest import ROOT

from browser.test_accessibility import violations
from browser.test_hostile_content import build, copy_site

PAGE = "docs/treatment/plasma-exchange.md"
URL = "treatment/plasma-exchange/"
NAME, ROLE = "Dr A Example", "Consultant neurologist"
EDITED = "people had 5 to 15 sessions"
EDIT = "people had 5 to 16 sessions"


def write_sheet(site_root, out):
    result = subprocess.run(
        [
            sys.executable,
            os.path.join(ROOT, "scripts", "review_sheet.py"),
            "--config",
            str(site_root / "mkdocs.yml"),
            "--page",
            PAGE,
            "--out",
            str(out),
        ],
        cwd=site_root,
        capture_output=True,
        text=True,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )
    assert result.returncode == 0, result.stderr
    return out.as_uri()


def status_in_each_version(browser, site_root):
    """{audience: (status box text, JSON-LD)} of the built page, as each version shows it."""
    found = {}
    with sitehttp.serve(str(site_root / "site")) as base_url:
        context = browser.new_context()
        try:
            for audience in ("patient", "professional"):
                page = context.new_page()
                page.goto(f"{base_url}{URL}?audience={audience}", wait_until="load")
                assert page.evaluate("document.documentElement.getAttribute('data-audience')") == audience
                box = page.locator(".lems-status")
                box.locator("summary").click()  # open the details: their text is what the reader reads
                schema = json.loads(page.locator("script[type='application/ld+json']").text_content())
                found[audience] = (" ".join(box.inner_text().split()), schema)
                page.close()
        finally:
            context.close()
    return found


def test_export_record_build_reviewed_then_updated_and_sheet_marks_the_change(tmp_path, browser):
    (tmp_path / "copy").mkdir()
    site_root = copy_site(tmp_path / "copy")
    today = _dt.date.today()
    day = f"{today.day} {today:%B %Y}"

    context = browser.new_context(accept_downloads=True)
    try:
        sheet = context.new_page()
        sheet.goto(write_sheet(site_root, tmp_path / "sheet.html"), wait_until="load")
        boxes = sheet.locator("input[type=checkbox][data-pair]")
        total = boxes.count()
        assert total > 10
        # No name and role: refused, with a visible message, and nothing is downloaded.
        downloads = []
        sheet.on("download", lambda d: downloads.append(d))
        sheet.get_by_role("button", name="Export review record").click()
        alert = sheet.get_by_role("alert")
        assert "fill in your name and your role" in alert.inner_text() and alert.is_visible()
        assert downloads == []

        sheet.get_by_label("Your name").fill(NAME)
        sheet.get_by_label("Your role").fill(ROLE)
        for index in range(total):
            boxes.nth(index).check()
        assert sheet.locator("#checked-count").inner_text() == str(total)
        # The counter stays in view while the reviewer scrolls.
        sheet.mouse.wheel(0, 5000)
        assert sheet.locator("#checked-count").is_visible()
        assert sheet.locator(".toolbar").bounding_box()["y"] == 0
        with sheet.expect_download() as info:
            sheet.get_by_role("button", name="Export review record").click()
        download = info.value
        name = f"treatment-plasma-exchange-{today.isoformat()}.yaml"
        assert download.suggested_filename == name
        assert f"reviews/{name}" in sheet.locator("#record-command").inner_text()
        (site_root / "reviews").mkdir()
        download.save_as(site_root / "reviews" / name)
    finally:
        context.close()

    record = yaml.safe_load((site_root / "reviews" / name).read_text(encoding="utf-8"))
    assert record["reviewer"] == {"name": NAME, "role": ROLE} and record["page"] == PAGE
    assert set(record["versions"]) >= {"patient", "professional"}

    result = build(site_root)
    assert result.returncode == 0, result.stderr[-3000:]
    reviewed = f"Clinically reviewed on {day} by {NAME}, {ROLE}."
    for audience, (text, schema) in status_in_each_version(browser, site_root).items():
        assert text.startswith(reviewed), (audience, text)
        assert "care team" not in text and "First clinical review due" not in text
        assert schema["lastReviewed"] == today.isoformat()
        assert schema["reviewedBy"] == {"@type": "Person", "name": f"{NAME}, {ROLE}"}

    page = site_root / PAGE
    source = page.read_text(encoding="utf-8")
    assert source.count(EDITED) == 1
    page.write_text(source.replace(EDITED, EDIT), encoding="utf-8")
    result = build(site_root)
    assert result.returncode == 0, result.stderr[-3000:]
    updated = f"Updated since its clinical review on {day}."
    shown = status_in_each_version(browser, site_root)
    for audience, (text, schema) in shown.items():
        assert text.startswith(updated), (audience, text)
        assert "lastReviewed" not in schema and "reviewedBy" not in schema
    # Only the patient version is told to check with the care team.
    assert "Check with your care team." in shown["patient"][0]
    assert "care team" not in shown["professional"][0]

    context = browser.new_context()
    try:
        sheet = context.new_page()
        sheet.goto(write_sheet(site_root, tmp_path / "sheet-again.html"), wait_until="load")
        marks = sheet.locator(".change")
        assert marks.count() == 1 and marks.inner_text() == "Changed since review"
        changed = sheet.locator("tbody[data-change]")
        assert changed.count() == 1
        assert EDIT in changed.locator(".sentence").inner_text()
        # Every tick of an unchanged sentence is kept from the record; the changed one starts empty.
        boxes = sheet.locator("input[type=checkbox][data-pair]")
        unticked = changed.locator("input[type=checkbox][data-pair]").count()
        assert unticked >= 1
        assert sheet.locator("#checked-count").inner_text() == str(boxes.count() - unticked)
        # The sheet is a page a reviewer uses: WCAG 2.2 AA, like the site.
        count, report = violations(sheet)
        assert count == 0, report
        sheet.get_by_label("Show new or changed only").check()
        visible = [b for b in sheet.locator("main tbody").all() if b.is_visible()]
        assert len(visible) == 1 and EDIT in visible[0].inner_text()
        sheet.get_by_label("Show new or changed only").uncheck()
        sheet.get_by_label("Show unchecked only").check()
        visible = [b for b in sheet.locator("main tbody").all() if b.is_visible()]
        assert len(visible) == 1 and EDIT in visible[0].inner_text()
    finally:
        context.close()
