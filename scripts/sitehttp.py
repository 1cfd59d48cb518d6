"""Serve a built site on 127.0.0.1 from a background thread (for linkchecker, tests, benchmarks)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading


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
