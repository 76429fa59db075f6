"""A news site on 127.0.0.1 for the URL import tests: the pages of tests/pages and a few
ways for a page to fail. Real HTTP, in a thread of the test process."""

import threading
import time
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGES = Path(__file__).parent / "pages"

REDIRECTS = {
    # The wire story moved twice: the link people share is the old one.
    "/r/port-strike": (302, "/story/port-strike"),
    "/story/port-strike": (301, "/news/wire_story.html"),
    "/loop": (302, "/loop"),
    "/to-file": (302, "file:///etc/passwd"),
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        self.server.hits.append((self.path, self.headers.get("Host")))
        path = self.path.split("?", 1)[0]
        if path in REDIRECTS:
            status, location = REDIRECTS[path]
            return self._send(status, b"", "text/html", Location=location)
        if path.startswith("/news/") and (PAGES / path[len("/news/"):]).is_file():
            return self._send(200, (PAGES / path[len("/news/"):]).read_bytes())
        if path == "/ru/tarify":
            page = (PAGES / "russian_cp1251.html").read_text("utf-8").encode("cp1251")
            return self._send(200, page, "text/html; charset=windows-1251")
        if path == "/report.pdf":
            return self._send(200, b"%PDF-1.7\n" + b"0" * 2000, "application/pdf")
        if path == "/big":
            return self._send(200, self.big_page())
        if path == "/big-unsized":
            return self._send_unsized(self.big_page())
        if path == "/huge-declared":
            # Says 50 MB, sends none of it: refused on the header alone.
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(50_000_000))
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            return None
        if path == "/slow":
            time.sleep(3)
            return self._send(200, (PAGES / "wire_story.html").read_bytes())
        return self._send(404, b"<h1>Not found</h1>", "text/html")

    def big_page(self):
        story = (PAGES / "wire_story.html").read_bytes()
        return story.replace(b"</body>", b"<!--" + b" " * 300_000 + b"--></body>")

    def _send(self, status, body, content_type="text/html; charset=utf-8", **headers):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        with suppress(BrokenPipeError, ConnectionResetError):  # the client stopped reading
            self.wfile.write(body)

    def _send_unsized(self, body):
        # No Content-Length: the size is known only by reading.
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        with suppress(BrokenPipeError, ConnectionResetError):  # the client stopped reading
            for start in range(0, len(body), 16384):
                self.wfile.write(body[start:start + 16384])

    def log_message(self, *args):
        pass


@contextmanager
def serving(host="127.0.0.1", port=0):
    """Yield the server (base URL in `.url`, requests seen in `.hits`)."""
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    server.hits = []
    server.url = f"http://{host}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
