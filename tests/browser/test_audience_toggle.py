"""The "Which best describes you?" toggle: every behaviour of the audience-toggle issue."""

import json

import pytest

from browser.conftest import long_date, page_dates

PAGE = "treatment/ivig/"
PROFESSIONAL_ANCHOR = "ivig-dosing"
PATIENT_ANCHOR = "ivig-how-it-is-given"

BLOCK_STORAGE = """
for (const name of ["getItem", "setItem", "removeItem"]) {
  Storage.prototype[name] = function () { throw new DOMException("blocked", "SecurityError"); };
}
"""


def shown(page, audience):
    return page.locator(f'.lems-audience[data-audience="{audience}"]').first.is_visible()


def version(page):
    return page.evaluate("document.documentElement.dataset.audience")


def test_chooser_is_a_labelled_radio_group_in_the_header_of_every_page(visit):
    page = visit().open(PAGE)
    group = page.get_by_role("group", name="Which best describes you?").first
    assert group.is_visible()
    assert group.get_by_role("radio", name="Patient or family member").is_visible()
    assert group.get_by_role("radio", name="Healthcare professional").is_visible()
    help_text = page.locator("#lems-chooser-help")
    assert help_text.is_visible()
    # The versions differ in substance, not in language only: the help says how (issue: reader walk, 1.8).
    assert "only changes the language" not in page.locator(".lems-chooser").text_content()
    assert help_text.text_content().strip() == (
        "The versions differ in detail: patients and families get plain explanations and what to do; "
        "healthcare professionals get doses, licensing details and the evidence. You can switch at any time."
    )
    # In the page header, before the main content.
    assert (
        page.evaluate(
            "document.querySelector('.lems-chooser').compareDocumentPosition(document.querySelector('main')) & Node.DOCUMENT_POSITION_FOLLOWING"
        )
        > 0
    )


def test_without_a_choice_the_patient_version_shows_and_says_how_to_switch(visit):
    page = visit().open(PAGE)
    assert shown(page, "patient") and not shown(page, "professional")
    assert page.get_by_role("radio", name="Patient or family member").first.is_checked()
    hint = page.locator(".lems-chooser__hint")
    assert hint.is_visible() and "choose “Healthcare professional”" in hint.text_content()


def test_home_page_makes_the_choice_prominent_until_one_is_made(visit):
    v = visit()
    page = v.open("")
    welcome = page.locator(".lems-welcome")
    assert welcome.is_visible()
    welcome.get_by_text("Healthcare professional", exact=True).click()
    assert version(page) == "professional"
    page.reload()
    assert not page.locator(".lems-welcome").is_visible()


def test_choice_persists_across_pages_and_visits(visit):
    v = visit()
    page = v.open(PAGE)
    page.locator(".lems-chooser").get_by_role("radio", name="Healthcare professional").check()
    assert shown(page, "professional") and not shown(page, "patient")
    other = v.open("cancer/")
    assert version(other) == "professional" and shown(other, "professional")
    assert other.get_by_role("radio", name="Healthcare professional").first.is_checked()
    assert not other.locator(".lems-chooser__hint").is_visible()
    other.reload()
    assert version(other) == "professional"


def test_switching_is_announced_politely(visit):
    page = visit().open(PAGE)
    page.locator(".lems-chooser").get_by_role("radio", name="Healthcare professional").check()
    status = page.locator("#lems-announcer")
    assert status.get_attribute("aria-live") == "polite"
    page.wait_for_function("() => document.getElementById('lems-announcer').textContent.length > 0")
    assert status.text_content() == "Now showing the version for healthcare professionals."


def test_blocked_storage_still_switches_the_current_page_without_errors(visit):
    v = visit()
    v.context.add_init_script(BLOCK_STORAGE)
    page = v.open(PAGE)
    assert version(page) == "patient"
    page.locator(".lems-chooser").get_by_role("radio", name="Healthcare professional").check()
    assert shown(page, "professional") and not shown(page, "patient")
    assert v.errors == []


@pytest.mark.parametrize("audience", ["patient", "professional"])
def test_audience_in_the_url_selects_that_version(visit, audience):
    page = visit().open(f"{PAGE}?audience={audience}")
    assert version(page) == audience and shown(page, audience)


def test_audience_in_the_url_does_not_overwrite_the_readers_own_choice(visit):
    v = visit()
    page = v.open(PAGE)
    page.locator(".lems-chooser").get_by_role("radio", name="Healthcare professional").check()
    v.open(f"{PAGE}?audience=patient")
    assert version(v.open("cancer/")) == "professional"


def test_link_to_a_section_of_the_other_version_switches_scrolls_and_says_so(visit):
    v = visit()
    page = v.open(f"{PAGE}#{PROFESSIONAL_ANCHOR}")
    assert version(page) == "professional"
    heading = page.locator(f"#{PROFESSIONAL_ANCHOR}")
    assert heading.is_visible()
    assert (
        page.evaluate(f"document.getElementById('{PROFESSIONAL_ANCHOR}').getBoundingClientRect().top")
        < page.viewport_size["height"]
    )
    notice = page.locator('.lems-chooser__switched[data-lems-when-audience="professional"]')
    assert notice.is_visible()
    box = notice.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size["height"]  # in view after the jump
    page.wait_for_function(
        "() => document.getElementById('lems-announcer').textContent.includes('this page now shows that version')"
    )
    notice.get_by_role("button", name="Back to the version for patients and families").click()
    assert version(page) == "patient" and shown(page, "patient")


def test_the_switch_notice_can_be_dismissed_keeping_the_version(visit):
    page = visit().open(f"{PAGE}#{PROFESSIONAL_ANCHOR}")
    page.get_by_role("button", name="Keep this version").click()
    assert version(page) == "professional"
    assert not page.locator(".lems-chooser__switched").first.is_visible()


def test_in_page_link_to_the_other_version_switches_too(visit):
    page = visit().open(PAGE)
    page.evaluate(f"location.hash = '{PROFESSIONAL_ANCHOR}'")
    page.wait_for_function("() => document.documentElement.dataset.audience === 'professional'")
    assert page.locator(f"#{PROFESSIONAL_ANCHOR}").is_visible()


@pytest.mark.parametrize("fragment", ["__proto__", "constructor", "toString", "hasOwnProperty"])
def test_fragments_are_data_not_property_names(visit, fragment):
    """#__proto__ and friends name no section: one version, no notice, no error (issue 10)."""
    v = visit()
    page = v.open(f"{PAGE}#{fragment}")
    # Again after load, through the hashchange handler of audience.js.
    page.evaluate("location.hash = 'ivig-how-it-is-given'")
    page.evaluate(f"location.hash = '{fragment}'")
    page.wait_for_timeout(100)
    assert version(page) == "patient" and page.evaluate("document.documentElement.dataset.audienceSource") == "default"
    assert shown(page, "patient") and not shown(page, "professional")
    assert page.locator(".lems-chooser__switched:visible").count() == 0
    assert not page.evaluate("document.documentElement.hasAttribute('data-audience-previous')")
    assert page.locator("#lems-announcer").text_content() == ""
    assert v.errors == []


def test_storage_key_and_query_parameter_come_from_the_config(visit):
    v = visit()
    page = v.open(PAGE)
    config = json.loads(page.locator("#lems-audience-config").text_content())
    page.locator(".lems-chooser").get_by_role("radio", name="Healthcare professional").check()
    assert page.evaluate(f"localStorage.getItem({json.dumps(config['storageKey'])})") == "professional"
    page = v.open(f"{PAGE}?{config['queryParameter']}=patient")
    page.locator(".lems-chooser").get_by_role("radio", name="Healthcare professional").check()
    assert f"{config['queryParameter']}=professional" in page.url


def test_link_to_a_section_of_the_chosen_version_changes_nothing(visit):
    page = visit().open(f"{PAGE}#{PATIENT_ANCHOR}")
    assert version(page) == "patient"
    assert not page.locator(".lems-chooser__switched").first.is_visible()


def test_version_is_applied_before_the_first_paint_and_nothing_shifts(visit):
    v = visit()
    v.context.add_init_script("""
      window.__audienceAtBody = null;
      window.__shift = 0;
      new MutationObserver((records, observer) => {
        if (document.body) { window.__audienceAtBody = document.documentElement.getAttribute('data-audience'); observer.disconnect(); }
      }).observe(document, {childList: true, subtree: true});
      new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value; })
        .observe({type: 'layout-shift', buffered: true});
    """)
    page = v.open(PAGE)
    page.locator(".lems-chooser").get_by_role("radio", name="Healthcare professional").check()
    page = v.open(PAGE)
    page.wait_for_timeout(500)
    assert page.evaluate("window.__audienceAtBody") == "professional"
    assert page.evaluate("window.__shift") < 0.01


def test_table_of_contents_lists_only_the_visible_version(visit):
    page = visit().open(PAGE)
    toc = page.locator(".md-sidebar--secondary")
    assert toc.locator(f'a[href="#{PATIENT_ANCHOR}"]').is_visible()
    assert not toc.locator(f'a[href="#{PROFESSIONAL_ANCHOR}"]').is_visible()
    page.locator(".lems-chooser").get_by_role("radio", name="Healthcare professional").check()
    assert toc.locator(f'a[href="#{PROFESSIONAL_ANCHOR}"]').is_visible()
    assert not toc.locator(f'a[href="#{PATIENT_ANCHOR}"]').is_visible()
    assert toc.locator('a[href="#references"]').is_visible()


def test_reference_list_shows_only_what_the_visible_version_cites(visit):
    page = visit().open(PAGE)
    visible = "e => e.checkVisibility({visibilityProperty: true})"
    cited = lambda: page.evaluate(
        # A range ("1–3") is one link that names every source it stands for.
        f"[...document.querySelectorAll('sup.lems-cite a')].filter({visible}).flatMap(a => a.dataset.lemsRefs.split(' '))"
    )  # noqa: E731
    listed = lambda: page.evaluate(
        f"[...document.querySelectorAll('.lems-references li')].filter({visible}).map(li => li.id.slice(4))"
    )  # noqa: E731
    assert set(listed()) == set(cited())
    page.locator(".lems-chooser").get_by_role("radio", name="Healthcare professional").check()
    assert set(listed()) == set(cited())


def test_keyboard_only_switching(visit):
    page = visit().open(PAGE)
    page.keyboard.press("Tab")  # skip link
    for _ in range(10):
        if page.evaluate("document.activeElement.name") == "lems-audience":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == "patient"
    page.keyboard.press("ArrowRight")
    assert version(page) == "professional"
    assert page.evaluate("document.activeElement.value") == "professional"


def test_without_javascript_every_version_shows_under_its_label(visit):
    page = visit(java_script_enabled=False).open(PAGE, wait_for_diagrams=False)
    assert shown(page, "patient") and shown(page, "professional")
    assert page.get_by_text("For patients and families", exact=True).is_visible()
    assert page.get_by_text("For healthcare professionals", exact=True).is_visible()
    assert not page.locator(".lems-chooser").is_visible()
    assert page.get_by_text("Each page below has a version for every reader").is_visible()
    # Every diagram's text version is there; the raw Mermaid source is not shown.
    assert not page.locator("div.mermaid").first.is_visible()
    assert page.get_by_text("Text version of this flowchart").first.is_visible()


@pytest.mark.parametrize("audience, other", [("patient", "professional"), ("professional", "patient")])
def test_printing_prints_the_chosen_version_with_title_status_and_references(visit, audience, other):
    page = visit().open(f"{PAGE}?audience={audience}")
    page.emulate_media(media="print")
    assert shown(page, audience) and not shown(page, other)
    assert page.locator("h1").is_visible()
    assert page.locator(".lems-status").is_visible()
    assert page.get_by_text("First clinical review due").is_visible()
    assert page.locator(".lems-references li").first.is_visible()
    assert not page.locator(".lems-chooser").is_visible()
    pdf = page.pdf()
    assert pdf[:4] == b"%PDF"


def test_copy_link_to_a_section_carries_the_version(visit):
    v = visit(permissions=["clipboard-read", "clipboard-write"])
    page = v.open(f"{PAGE}?audience=professional")
    page.get_by_role("button", name="Copy link to section: Dosing").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{v.base_url}{PAGE}?audience=professional#{PROFESSIONAL_ANCHOR}"
    assert page.get_by_role("button", name="Copy link to section: Dosing").text_content() == "Copied"


def test_review_status_and_dates_show_on_every_kind_of_page(visit):
    page = visit().open(PAGE)
    status = page.locator(".lems-status")
    assert "Awaiting clinical review." in status.text_content()
    assert "Not yet reviewed by a clinician" in status.text_content()
    assert long_date(page_dates("treatment/ivig.md")["next_review"]) in status.text_content()


def test_only_the_patient_version_is_told_to_check_with_the_care_team(visit):
    v = visit()
    for audience, told in (("patient", True), ("professional", False)):
        page = v.open(f"{PAGE}?audience={audience}")
        status = page.locator(".lems-status")
        status.locator("summary").click()
        text = status.inner_text()
        assert "Awaiting clinical review." in text and "First clinical review due" in text
        assert ("care team" in text) is told, (audience, text)


def test_json_ld_names_the_audiences_and_claims_no_review(visit):
    page = visit().open(PAGE)
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "MedicalWebPage"
    assert data["audience"] == [{"@type": "Patient"}, {"@type": "MedicalAudience", "audienceType": "Clinician"}]
    assert "lastReviewed" not in data and "reviewedBy" not in data
    assert data["dateModified"] == page_dates("treatment/ivig.md")["last_updated"].isoformat()


def test_report_a_problem_and_edit_links_name_the_page(visit):
    v = visit()
    page = v.open(PAGE)
    report = (
        page.locator(".lems-actions").get_by_role("link", name="Report a problem with this page").get_attribute("href")
    )
    assert report.startswith("https://github.com/") and "/issues/new?template=page-problem.yml" in report
    assert "source=treatment/ivig.md" in report and "IVIG" in report
    edit = page.locator(".lems-actions").get_by_role("link", name="Edit this page").get_attribute("href")
    assert edit.endswith("/edit/main/docs/treatment/ivig.md")
    assert all("127.0.0.1" in url for url in v.requests)


# ---- The chooser always answers (reader walk, journey 1.2 and 2.1) -------------------------


def stored_choice(page):
    return page.evaluate("localStorage.getItem('lems.audience')")


@pytest.mark.parametrize("where", [".lems-chooser", ".lems-welcome"])
def test_choosing_the_preselected_option_stores_it_says_so_and_ends_the_prompts(visit, where):
    v = visit()
    page = v.open("")
    welcome, hint = page.locator(".lems-welcome"), page.locator(".lems-chooser__hint")
    saved = page.locator("#lems-chooser-saved")
    # Before: the default is shown but nothing is chosen yet, and the prompts ask.
    assert stored_choice(page) is None and welcome.is_visible() and hint.is_visible() and not saved.is_visible()
    radio = page.locator(where).get_by_role("radio", name="Patient or family member")
    assert radio.is_checked()
    radio.click()
    assert stored_choice(page) == "patient"
    assert (
        saved.is_visible() and "Saved: you are reading the version for patients and families." in saved.text_content()
    )
    page.wait_for_function("() => document.getElementById('lems-announcer').textContent.startsWith('Saved')")
    assert (
        page.locator("#lems-announcer").text_content()
        == "Saved: you are reading the version for patients and families."
    )
    assert not welcome.is_visible() and not hint.is_visible()
    # Focus is not lost with the welcome box: it is on the same answer in the chooser.
    assert (
        page.evaluate("document.activeElement.closest('.lems-chooser') !== null && document.activeElement.value")
        == "patient"
    )
    other = v.open(PAGE)
    assert version(other) == "patient"
    assert not other.locator(".lems-chooser__hint").is_visible()
    assert not v.open("").locator(".lems-welcome").is_visible()


def test_the_preselected_option_answers_the_keyboard_too(visit):
    page = visit().open(PAGE)
    page.locator('.lems-chooser input[value="patient"]').focus()
    page.keyboard.press("Space")
    assert stored_choice(page) == "patient"
    assert page.locator("#lems-chooser-saved").is_visible()
    assert not page.locator(".lems-chooser__hint").is_visible()


def test_a_new_choice_is_announced_once_as_a_switch(visit):
    page = visit().open(PAGE)
    page.locator(".lems-chooser").get_by_role("radio", name="Healthcare professional").click()
    page.wait_for_timeout(120)
    assert page.locator("#lems-announcer").text_content() == "Now showing the version for healthcare professionals."
    assert "Now showing the version for healthcare professionals." in page.locator("#lems-chooser-saved").text_content()


def scroll_y(page):
    return page.evaluate("window.scrollY")


def test_keep_this_version_keeps_the_place_and_the_choice(visit):
    v = visit()
    page = v.open(f"{PAGE}#{PROFESSIONAL_ANCHOR}")
    before = scroll_y(page)
    assert before > 1000  # the jump to "Dosing", far down the page
    heading_top = f"document.getElementById('{PROFESSIONAL_ANCHOR}').getBoundingClientRect().top"
    top_before = page.evaluate(heading_top)
    page.get_by_role("button", name="Keep this version").click()
    page.wait_for_timeout(100)
    assert abs(scroll_y(page) - before) <= 4, (before, scroll_y(page))
    assert abs(page.evaluate(heading_top) - top_before) <= 4
    # Focus is at the reader's place (the section followed), not in the chooser at the top.
    assert page.evaluate("document.activeElement.id") == PROFESSIONAL_ANCHOR
    assert not page.locator(".lems-chooser__switched").first.is_visible()
    assert stored_choice(page) == "professional"
    assert version(v.open("cancer/")) == "professional"


def test_back_to_the_other_version_keeps_the_place_and_becomes_the_choice(visit):
    v = visit()
    page = v.open(f"{PAGE}#{PROFESSIONAL_ANCHOR}")
    before = scroll_y(page)
    assert before > 1000
    page.get_by_role("button", name="Back to the version for patients and families").click()
    page.wait_for_timeout(100)
    assert version(page) == "patient"
    assert abs(scroll_y(page) - before) <= 4, (before, scroll_y(page))
    focused = page.evaluate(
        "(() => { const r = document.activeElement.getBoundingClientRect(); return [document.activeElement.tagName, r.top, r.bottom]; })()"
    )
    assert focused[0] != "BODY" and focused[2] > 0 and focused[1] < page.viewport_size["height"], focused
    # The followed section's fragment is dropped: a reload keeps the version chosen.
    assert "#" not in page.url
    page.reload()
    assert version(page) == "patient"
    assert stored_choice(page) == "patient"
