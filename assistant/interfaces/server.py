"""Launching the chat: the address, the login and the roles, and Gradio's settings for it.

The server refuses an editor's event (upload, removal, restore, rebuild) or a file upload to anyone who is
not an editor, with 403, before Gradio runs it (:class:`EditorsOnly`); the handlers check the role again.
"""

from __future__ import annotations

import json
import logging
import re
import socket
from dataclasses import dataclass
from typing import Any

import gradio as gr
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.documents.library import MAX_DOCUMENT_BYTES
from assistant.engine import Engine
from assistant.interfaces.accounts import Access, Accounts
from assistant.interfaces.chat import build_app
from assistant.interfaces.page import UI_STRINGS, asset, theme

log = logging.getLogger(__name__)


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


API_ROUTE = re.compile(r"^/gradio_api/(?:run|api|call|call/v2)/(?P<name>[^/]+)/?$")
"""Gradio's routes that run an event by its API name: they run a private event too, so only public ones pass."""


class EditorsOnly:
    """ASGI middleware: a queued event in ``events`` (by Gradio's function index) or a file upload from anyone
    who is not an editor is answered 403 and never runs, and so is a call by API name of any event but the
    ``public`` endpoints (Gradio's "private" only hides an event from its API page and clients).  Who sent a
    request is Gradio's login cookie, read the way Gradio reads it (``app.tokens``)."""

    def __init__(self, app: ASGIApp, access: Access, events: frozenset[int], public: frozenset[str]) -> None:
        self.app = app
        self.access = access
        self.events = events
        self.public = public

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope.get("method") != "POST" or not path.startswith("/gradio_api/"):
            await self.app(scope, receive, send)
            return
        if (named := API_ROUTE.match(path)) and named["name"] not in self.public:
            log.info("Refused a call of the private event %r by its API name", named["name"][:40])
            await self._refuse(send)
            return
        if path.rstrip("/").endswith("/upload"):
            refused = not self.access.may_edit(self._sender(scope))
            await (self._refuse(send) if refused else self.app(scope, receive, send))
            return
        if not path.rstrip("/").endswith("/queue/join"):
            await self.app(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            data = None
        fn_index = data.get("fn_index") if isinstance(data, dict) else None
        if fn_index in self.events and not self.access.may_edit(self._sender(scope)):
            log.info("Refused an editor's event (function %s) to a non-editor", fn_index)
            await self._refuse(send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    @staticmethod
    def _sender(scope: Scope) -> _Sender:
        """Who sent the request: the user of its login cookie (as Gradio reads it) and its headers."""
        app: Any = scope.get("app")
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}
        cookies = {}
        for part in headers.get("cookie", "").split(";"):
            key, _, item = part.strip().partition("=")
            cookies[key] = item
        cookie_id = getattr(app, "cookie_id", "")
        token = cookies.get(f"access-token-{cookie_id}") or cookies.get(f"access-token-unsecure-{cookie_id}")
        return _Sender(getattr(app, "tokens", {}).get(token) if token else None, headers)

    @staticmethod
    async def _refuse(send: Send) -> None:
        body = json.dumps({"detail": "Det här får bara en redaktör göra, i chatten."}, ensure_ascii=False).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 403, "headers": headers})
        await send({"type": "http.response.body", "body": body})


@dataclass(frozen=True)
class _Sender:
    username: str | None
    headers: dict[str, str]


def serve(
    engine: Engine,
    host: str = "127.0.0.1",
    port: int = 7860,
    accounts: Accounts | None = None,
    allow_anonymous: bool = False,
    block: bool = True,
) -> gr.Blocks:
    """Launch the chat; listens on loopback unless another host is asked for.

    On another host it needs ``accounts`` (a login for everyone, roles from the file) or ``allow_anonymous``
    (no login; everyone a reader): InputError otherwise.  Gradio's own start-up lines (with their advice about
    public share links, which this app never makes) are silenced; a blocking server prints one Swedish line
    with its address.
    """
    access = Access.for_host(host, accounts, allow_anonymous)
    app, editors_events = build_app(engine, access)
    app.queue(default_concurrency_limit=8, max_size=256)
    middleware = [Middleware(EditorsOnly, access=access, events=editors_events, public=frozenset({"ask"}))]
    app.launch(
        server_name=host,
        server_port=port,
        auth=accounts.verify if accounts else None,
        auth_message="Logga in för att använda Rapportassistenten." if accounts else None,
        prevent_thread_lock=True,
        show_error=False,
        quiet=True,
        footer_links=["api"],
        theme=theme(),
        css=asset("chat.css"),
        js=asset("on_load.js"),
        i18n=gr.I18n(en=UI_STRINGS, sv=UI_STRINGS),
        max_file_size=MAX_DOCUMENT_BYTES,
        app_kwargs={"middleware": middleware},
    )
    if block:
        print(f"Rapportassistenten körs på http://{host}:{port}/ – avsluta med Ctrl+C.", flush=True)
        app.block_thread()
    return app
