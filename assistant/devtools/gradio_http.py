"""Gradio's HTTP protocol, spoken directly (httpx): what a browser page sends, for the load test's open pages and
for tests that must show what the server does with any request, not only with those a page would send."""

from __future__ import annotations

import json
import uuid

import httpx


class RawSession:
    """One page's session against a launched chat: Gradio's login, its queue (any event by function index) and
    the ``/ask`` endpoint."""

    def __init__(self, url: str, login: tuple[str, str] | None = None, timeout: float = 120) -> None:
        self.http = httpx.Client(base_url=url.rstrip("/"), timeout=timeout)
        self.session = uuid.uuid4().hex[:10]
        if login:
            response = self.http.post("/login", data={"username": login[0], "password": login[1]})
            response.raise_for_status()

    def run(self, fn_index: int, data: list) -> tuple[int, dict | None]:
        """Queue one event as the page would; the HTTP status, and the completed message when it ran."""
        body = {"data": data, "fn_index": fn_index, "session_hash": self.session, "event_data": None}
        joined = self.http.post("/gradio_api/queue/join", json=body)
        if joined.status_code != 200:
            return joined.status_code, None
        with self.http.stream("GET", "/gradio_api/queue/data", params={"session_hash": self.session}) as stream:
            for line in stream.iter_lines():
                if line.startswith("data:"):
                    message = json.loads(line[5:])
                    if message.get("msg") == "process_completed":
                        return 200, message
        return 200, None

    def ask(self, question: str) -> httpx.Response:
        """Start ``/ask`` (every parameter sent, as Gradio's REST call wants); the response holds its event id."""
        return self.http.post("/gradio_api/call/ask", json={"data": [question, "", "", "", 8, "", "", None]})

    def close(self) -> None:
        self.http.close()
