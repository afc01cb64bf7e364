"""A small OpenAI-compatible chat server on 127.0.0.1 for tests: scripted replies, every request recorded.

Each request takes the next scripted ``Reply`` (the last one repeats). A reply is a streamed (SSE) or plain JSON
chat completion split into chunks with optional delays, or a failure: a stall longer than the client's timeout,
malformed output, a 429 with Retry-After, a refusal, or any other status.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """What the server answers to one request.

    Attributes:
        chunks: the content deltas, in order (joined for a non-streamed answer).
        delay: seconds to wait between chunks (the first one comes at once).
        stall: seconds to wait before answering at all (a stalled server).
        status: the HTTP status; anything but 200 answers with an OpenAI-style error body.
        error_message: that error body's message.
        headers: extra response headers (e.g. Retry-After).
        raw: a raw response body sent as-is instead of a chat completion (malformed output).
        refusal: a refusal sent instead of content.
        finish_reason: the last chunk's finish reason.
        stream_error: an SSE ``event: error`` sent after the chunks.
    """

    chunks: tuple[str, ...] = ()
    delay: float = 0.0
    stall: float = 0.0
    status: int = 200
    error_message: str = "scripted failure"
    headers: tuple[tuple[str, str], ...] = ()
    raw: bytes | None = None
    refusal: str | None = None
    finish_reason: str = "stop"
    stream_error: str | None = None

    @classmethod
    def text(cls, text: str, parts: int = 4, delay: float = 0.0) -> Reply:
        """``text`` split into about ``parts`` chunks."""
        size = max(1, -(-len(text) // parts))
        return cls(chunks=tuple(text[i : i + size] for i in range(0, len(text), size)), delay=delay)

    @classmethod
    def rate_limited(cls, retry_after: int | None = 7) -> Reply:
        """A 429, with Retry-After when given."""
        headers = (("Retry-After", str(retry_after)),) if retry_after is not None else ()
        return cls(status=429, headers=headers)


@dataclass(frozen=True)
class Recorded:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeLLM:
    """The running server: its base URL, its script, what it received and its own request log."""

    base_url: str = ""
    script: list[Reply] = field(default_factory=lambda: [Reply.text("Hello from the fake model.")])
    requests: list[Recorded] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def reply(self, *replies: Reply) -> None:
        """Script the next replies (the last one repeats)."""
        self.script = list(replies)

    def next_reply(self) -> Reply:
        """The reply for the request being served."""
        return self.script.pop(0) if len(self.script) > 1 else self.script[0]


def _chunk(model: str, delta: dict[str, Any], finish_reason: str | None = None) -> bytes:
    payload = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }
    return f"data: {json.dumps(payload)}\n\n".encode()


def _completion(model: str, reply: Reply) -> bytes:
    message = {"role": "assistant", "content": None if reply.refusal else "".join(reply.chunks)}
    if reply.refusal:
        message["refusal"] = reply.refusal
    payload = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason}],
    }
    return json.dumps(payload).encode()


def _handler(fake: FakeLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            fake.log.append(format % args)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                body = {"unparsed": raw.decode(errors="replace")}
            fake.requests.append(Recorded("POST", self.path, dict(self.headers.items()), body))
            reply = fake.next_reply()
            if reply.stall and fake.stopping.wait(reply.stall):
                return
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                self._answer(reply, body)

        def _answer(self, reply: Reply, body: dict[str, Any]) -> None:
            model = str(body.get("model") or "fake")
            if self.path != "/v1/chat/completions":
                return self._send(404, b'{"error": {"message": "no such route"}}', "application/json", ())
            if reply.status != 200:
                error = {"error": {"message": reply.error_message, "type": "fake", "code": None}}
                return self._send(reply.status, json.dumps(error).encode(), "application/json", reply.headers)
            streaming = bool(body.get("stream"))
            if reply.raw is not None:
                kind = "text/event-stream" if streaming else "application/json"
                return self._send(200, reply.raw, kind, reply.headers)
            if not streaming:
                return self._send(200, _completion(model, reply), "application/json", reply.headers)
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            for name, value in reply.headers:
                self.send_header(name, value)
            self.end_headers()
            self._write(_chunk(model, {"role": "assistant", "content": ""}))
            if reply.refusal is not None:
                self._write(_chunk(model, {"refusal": reply.refusal}))
            for index, piece in enumerate(reply.chunks):
                if index and reply.delay and fake.stopping.wait(reply.delay):
                    return
                self._write(_chunk(model, {"content": piece}))
            if reply.stream_error is not None:
                error = json.dumps({"error": {"message": reply.stream_error}})
                self._write(f"event: error\ndata: {error}\n\n".encode())
            self._write(_chunk(model, {}, reply.finish_reason))
            self._write(b"data: [DONE]\n\n")

        def _send(self, status: int, body: bytes, kind: str, headers: tuple[tuple[str, str], ...]) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _write(self, data: bytes) -> None:
            self.wfile.write(data)
            self.wfile.flush()

    return Handler


@contextmanager
def serve_fake_llm() -> Iterator[FakeLLM]:
    """Run a FakeLLM on 127.0.0.1 on an ephemeral port in a thread; stop it afterwards."""
    fake = FakeLLM()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="fake-llm", daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
