"""Serve a built site on 127.0.0.1 from a background thread (for linkchecker, tests, benchmarks).

Text is sent gzip-compressed when the client asks, as GitHub Pages sends it: Lighthouse then
measures the bytes a reader's phone really receives.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import os
import threading

COMPRESSED = (".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
        ".js": "text/javascript",
    }

    def end_headers(self):
        # linkchecker waits 0.1 to 0.6 s between requests to a host unless the host sends this
        # header; this server is ours and local, so full speed is fine.
        self.send_header("LinkChecker", "unlimited")
        super().end_headers()

    def log_message(self, *args):
        pass

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.endswith(COMPRESSED) and os.path.isfile(path) and not self.path.endswith("/..")):
            return super().send_head()
        if os.path.isdir(self.translate_path(self.path)) and not self.path.split("?")[0].endswith("/"):
            return super().send_head()  # the redirect to the folder's address
        with open(path, "rb") as handle:
            body = gzip.compress(handle.read(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def handle(self):
        # A client that closes early (a browser cancelling a request) is not an error here.
        try:
            super().handle()
        except (ConnectionResetError, BrokenPipeError):
            pass


@contextlib.contextmanager
def serve(directory: str, port: int = 0):
    """Yield the base URL (http://127.0.0.1:PORT/) of `directory`, served until the block ends."""
    handler = functools.partial(_QuietHandler, directory=directory)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
