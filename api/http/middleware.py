"""The request body's rules that must come before anything else (`api.md`, the order of answers).

- A body over the limit answers 413 before anything else reads it (step 0).
- A body that is not valid JSON must answer 400 only after authentication, visibility,
  permission and state have had their say (steps 1 to 4); FastAPI would parse it first. So
  the malformed body is replaced by JSON `null`, flagged in the request state, and the
  validation error it then causes is answered 400 (`api.core.errors`).
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.errors import StartupRefused
from api.http.problems import MALFORMED_JSON, problem


def _is_json(content_type: bytes) -> bool:
    media_type = content_type.split(b";", 1)[0].strip().lower()
    return media_type == b"application/json" or media_type.endswith(b"+json")


class RequestBody:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(scope, receive, send)
            return
        # A chunked body has no length up front: read it whole, counting, then replay it.
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if body and _is_json(headers.get(b"content-type", b"")):
            try:
                json.loads(body)
            except (ValueError, RecursionError):  # RecursionError: nested too deep to read
                scope.setdefault("state", {})[MALFORMED_JSON] = True
                body = b"null"
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(413, f"The request body is larger than {self.max_bytes} bytes.")
        await response(scope, receive, send)


class StartupRefusals:
    """A refused start-up reaches the server as its message alone, not as a traceback.

    Starlette reports an exception in the lifespan's start-up with the traceback as the message,
    which the server logs; a `StartupRefused` is for an operator to act on, so its message alone
    is sent instead. The exception still propagates: uvicorn exits non-zero without logging it
    again (the start-up already failed), and a test client raises it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        held: list[Message] = []

        async def hold_startup_failure(message: Message) -> None:
            if message["type"] == "lifespan.startup.failed":
                held.append(message)
            else:
                await send(message)

        try:
            await self.app(scope, receive, hold_startup_failure)
        except StartupRefused as refused:
            held[:] = [{**message, "message": str(refused)} for message in held]
            raise
        finally:
            for message in held:
                await send(message)
