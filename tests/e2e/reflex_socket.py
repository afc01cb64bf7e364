"""A raw Reflex client with no browser: Socket.IO over one websocket to ``/_event``, sending any headers.

Reflex 0.10.1 (``reflex/app.py``: ``EventNamespace``; ``.templates/web/utils/state.js``) speaks Engine.IO 4 and
Socket.IO 5 over a plain websocket at ``/_event/?EIO=4&transport=websocket&token=<tab token>``:

- the server opens with ``0{"sid": ...}``, and pings with ``2`` (answered ``3``);
- the client joins the namespace with ``40/_event,`` and the server answers ``40/_event,{"sid": ...}``;
- an event is ``42/_event,["event", {"name": "<state full name>.<handler>", "payload": {...}, "router_data":
  {"pathname": ..., "asPath": ..., "query": {}}}]``; the state's changes and the events it sends back (toasts)
  arrive as ``42/_event,["event", {"delta": ..., "events": [...]}]``.
"""

import json
import time
import uuid
from typing import Any

import simple_websocket

NAMESPACE = "/_event"
FRAME = f"42{NAMESPACE},"


class ReflexSocket:
    """One tab's connection, as a script would open it; ``origin`` is whatever the script claims."""

    def __init__(self, base_url: str, *, origin: str, timeout: float = 30.0) -> None:
        url = base_url.replace("http://", "ws://", 1) + f"{NAMESPACE}/?EIO=4&transport=websocket&token={uuid.uuid4()}"
        self._ws = simple_websocket.Client.connect(url, headers={"Origin": origin})
        self._timeout = timeout
        opened = self._ws.receive(timeout=timeout)
        assert isinstance(opened, str) and opened.startswith("0{"), opened
        self._ws.send(f"40{NAMESPACE},")
        joined = self._receive(time.monotonic() + timeout)
        assert joined is not None and joined.startswith(f"40{NAMESPACE},"), joined

    def send(self, state: type, handler: str, payload: dict[str, Any] | None = None, *, path: str = "/") -> None:
        """Send ``state.handler(**payload)`` as if from a page at ``path``."""
        event = {
            "name": f"{state.get_full_name()}.{handler}",
            "payload": payload or {},
            "router_data": {"pathname": path, "asPath": path, "query": {}},
        }
        self._ws.send(FRAME + json.dumps(["event", event]))

    def wait_for(self, text: str) -> str:
        """Everything the server sent until a frame contains ``text``; fails with what came instead."""
        deadline = time.monotonic() + self._timeout
        seen: list[str] = []
        while (frame := self._receive(deadline)) is not None:
            seen.append(frame)
            if text in frame:
                return "\n".join(seen)
        raise AssertionError(f"no frame with {text!r} in {self._timeout:.0f}s; got:\n" + "\n".join(seen)[-3000:])

    def call(self, state: type, handler: str, payload: dict[str, Any] | None = None, *, path: str, expect: str) -> str:
        """``send``, then ``wait_for(expect)``."""
        self.send(state, handler, payload, path=path)
        return self.wait_for(expect)

    def close(self) -> None:
        """Close the websocket."""
        self._ws.close()

    def _receive(self, deadline: float) -> str | None:
        """The next Socket.IO frame (pings answered on the way); None at the deadline."""
        while (left := deadline - time.monotonic()) > 0:
            message = self._ws.receive(timeout=left)
            if message == "2":
                self._ws.send("3")
            elif message is not None:
                return message if isinstance(message, str) else message.decode()
        return None

    def __enter__(self) -> "ReflexSocket":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
