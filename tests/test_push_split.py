"""A store that hangs up before reading a large request body (as Virtuoso does when it answers a
Digest challenge early) still receives every triple: the push sends that batch again in halves.
The server is a real one on loopback; it stores what it accepts."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox

from conftest import SAMPLE
from dyad import gate, parse
from dyad.push import push_store
from dyad.remote import Endpoints, Http
from dyad.store import Store

LIMIT = 200_000  # bytes: a larger body is refused before it is read


class _Picky(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]] = []

    def _store(self) -> None:
        size = int(self.headers.get("Content-Length", "0"))
        if size > LIMIT:
            self.close_connection = True  # hang up at once, the body unread: the client is cut off
            return
        _Picky.received.append((self.command, self.rfile.read(size)))
        self.send_response(204)
        self.end_headers()

    do_PUT = do_POST = _store

    def log_message(self, *args: object) -> None:
        pass


def test_push_splits_a_batch_the_server_cut_off(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    gate.admit(store, parse.read(SAMPLE))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Picky)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/store"
        _Picky.received.clear()
        report = push_store(store, Endpoints(url, None, url), http=Http(), progress=False)
    finally:
        server.shutdown()
    sent = sum(report.graphs.values())
    got = sum(len(list(ox.parse(body, ox.RdfFormat.N_TRIPLES))) for _, body in _Picky.received)
    assert sent == len(store) and got == sent  # every triple arrived, none twice
    assert max(len(body) for _, body in _Picky.received) <= LIMIT
    # each graph starts with one PUT (replace), the rest of its halves are POSTs (add)
    assert [m for m, _ in _Picky.received].count("PUT") == len(report.graphs)
