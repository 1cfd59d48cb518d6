"""The local server sends text compressed when asked, as GitHub Pages does (Lighthouse measures it)."""

import gzip
import urllib.request

import sitehttp


def get(url, encoding=None):
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding} if encoding else {})
    with urllib.request.urlopen(request) as response:
        return response.headers.get("Content-Encoding"), response.read()


def test_text_is_gzipped_when_asked_and_plain_otherwise(tmp_path):
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "index.html").write_text("<p>" + "words " * 500 + "</p>")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG....")
    with sitehttp.serve(str(tmp_path)) as base:
        encoding, body = get(base + "page/", "gzip, deflate")
        assert encoding == "gzip" and gzip.decompress(body) == (tmp_path / "page" / "index.html").read_bytes()
        assert get(base + "page/") == (None, (tmp_path / "page" / "index.html").read_bytes())
        assert get(base + "logo.png", "gzip") == (None, b"\x89PNG....")
