"""linkchecker over the served site catches what MkDocs cannot see: links in raw HTML."""

import build


def write(path, html):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!doctype html><html lang=en><head><title>t</title></head><body>{html}</body></html>")


def test_broken_anchor_in_raw_html_fails(tmp_path, capsys):
    write(tmp_path / "index.html", '<a href="page/#present">ok</a> <a href="page/#missing">broken</a>')
    write(tmp_path / "page" / "index.html", '<h2 id="present">Here</h2>')
    assert build.linkcheck(str(tmp_path)) == 1
    out = capsys.readouterr()
    assert "missing" in out.out and "linkchecker found broken links or anchors" in out.err


def test_missing_page_fails(tmp_path, capsys):
    write(tmp_path / "index.html", '<a href="nowhere/">broken</a>')
    assert build.linkcheck(str(tmp_path)) == 1


def test_good_links_and_external_links_pass_offline(tmp_path, capsys):
    write(tmp_path / "index.html", '<a href="page/#present">ok</a> <a href="https://pubmed.ncbi.nlm.nih.gov/1/">out</a>')
    write(tmp_path / "page" / "index.html", '<h2 id="present">Here</h2>')
    assert build.linkcheck(str(tmp_path)) == 0
