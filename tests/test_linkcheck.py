"""The in-build link check catches what MkDocs cannot see: links in raw HTML and in the theme.

These are the cases linkchecker was kept for; they pass with the in-process check of every
built file (lems_site/checks/links.py), which replaced it in the validated build.
"""

from lems_site.checks import links


def write(path, html):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!doctype html><html lang=en><head><title>t</title></head><body>{html}</body></html>")


def test_broken_anchor_in_raw_html_fails(tmp_path):
    write(tmp_path / "index.html", '<a href="page/#present">ok</a> <a href="page/#missing">broken</a>')
    write(tmp_path / "page" / "index.html", '<h2 id="present">Here</h2>')
    assert links.output_links(str(tmp_path)) == [
        ("index.html", "page/#missing", "no element with id 'missing' on page/index.html")
    ]


def test_missing_page_fails(tmp_path):
    write(tmp_path / "index.html", '<a href="nowhere/">broken</a> <img src="gone.png" alt="">')
    assert links.output_links(str(tmp_path)) == [
        ("index.html", "gone.png", "no such file in the built site"),
        ("index.html", "nowhere/", "no such file in the built site"),
    ]


def test_good_links_and_external_links_pass_offline(tmp_path):
    write(
        tmp_path / "index.html", '<a href="page/#present">ok</a> <a href="https://pubmed.ncbi.nlm.nih.gov/1/">out</a>'
    )
    write(
        tmp_path / "page" / "index.html", '<h2 id="present">Here</h2><a href="../">home</a><a href="#present">self</a>'
    )
    assert links.output_links(str(tmp_path)) == []


def test_absolute_links_are_checked_under_the_site_path(tmp_path):
    write(
        tmp_path / "404.html", '<a href="/site/page/">ok</a> <a href="/site/gone/">broken</a> <a href="/other/">out</a>'
    )
    write(tmp_path / "page" / "index.html", "<p>x</p>")
    assert links.output_links(str(tmp_path), site_path="/site/") == [
        ("404.html", "/other/", "an absolute address outside the site's path /site/"),
        ("404.html", "/site/gone/", "no such file in the built site"),
    ]


def test_links_are_checked_whatever_the_page_size(tmp_path):
    filler = "<p>" + "word " * 200_000 + "</p>"
    write(tmp_path / "index.html", filler + '<a href="#end-missing">late</a>')
    assert [b[1] for b in links.output_links(str(tmp_path))] == ["#end-missing"]
