"""The LLM coach's client: a streamed chat completion from OpenAI or any OpenAI-compatible server.

Every failure becomes one ``CoachUnavailable`` with a ``kind`` and a bilingual notice for the learner, so the caller
can fall back to the rubric. Notices and logs never carry the key, the server's own error text or the base URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import openai

log = logging.getLogger(__name__)

Text = tuple[str, str]  # (English, Korean), as in coach.findings

KINDS = ("timeout", "refusal", "malformed", "rate_limited", "network", "error")
DEFAULT_TIMEOUT = 30.0
Message = dict[str, str]


@dataclass(frozen=True)
class LLMConfig:
    """Where the model is. Built by the composition root from the settings; ``repr`` hides the key.

    Attributes:
        base_url: the OpenAI-compatible API root, e.g. ``http://127.0.0.1:11434/v1``.
        model: the model name the server knows.
        api_key: the bearer key, or None for servers that need none.
        timeout: seconds to wait for the connection, the first chunk and each next chunk.
    """

    base_url: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise ValueError("base_url: must be an http:// or https:// URL")
        if not self.model.strip():
            raise ValueError("model: must be a non-empty model name")
        if not self.timeout > 0:
            raise ValueError(f"timeout: must be greater than 0 seconds (got {self.timeout})")

    def __repr__(self) -> str:
        key = "set" if self.api_key else "none"
        url = safe_url(self.base_url)
        return f"LLMConfig(base_url={url!r}, model={self.model!r}, api_key={key}, timeout={self.timeout:g})"


class CoachUnavailable(Exception):
    """The model could not give an answer; ``notice`` tells the learner why, in English and Korean."""

    def __init__(self, kind: str, notice: Text) -> None:
        if kind not in KINDS:
            raise ValueError(f"kind: must be one of {', '.join(KINDS)} (got {kind!r})")
        self.kind = kind
        self.notice = notice
        super().__init__(f"{kind}: {notice[0]}")


def safe_url(url: str) -> str:
    """``url`` without any user name or password in it."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


class LLMCoach:
    """Streams a chat completion; maps every failure to ``CoachUnavailable``."""

    def __init__(self, config: LLMConfig) -> None:
        self.config = config

    async def stream(self, messages: Sequence[Message]) -> AsyncIterator[str]:
        """Yield the answer's content deltas as they arrive.

        The openai stream is read by a helper task that is cancelled on any early exit (a failure, or the caller
        closing this generator), so no half-read response is left open.

        Raises:
            CoachUnavailable: on a timeout (also a stall between chunks), a refusal or an empty answer, malformed
                output, a rate limit, no network, or any other error status.
        """
        config = self.config
        client = openai.AsyncOpenAI(
            base_url=config.base_url, api_key=config.api_key or "not-needed", timeout=config.timeout, max_retries=0
        )
        reader: asyncio.Task[None] | None = None
        try:
            response = await _step(
                client.chat.completions.create(model=config.model, messages=list(messages), stream=True),
                config.timeout,
            )
            chunks: asyncio.Queue[Any] = asyncio.Queue()
            reader = asyncio.create_task(_read(response, chunks))
            received = answered = False
            while (chunk := await _step(chunks.get(), config.timeout)) is not _END:
                if isinstance(chunk, Exception):
                    raise _mapped(chunk, config.timeout)
                received = True
                for piece in _content(chunk):
                    answered = True
                    yield piece
            if not received:
                raise unavailable("malformed")
            if not answered:
                raise unavailable("refusal")
        finally:
            if reader is not None:
                reader.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reader
            await client.close()


_END = object()


async def _read(response: Any, chunks: asyncio.Queue[Any]) -> None:
    """Put each streamed chunk on the queue, then an error (the consumer maps it) or the end marker."""
    try:
        async for chunk in response:
            chunks.put_nowait(chunk)
    except Exception as error:  # handed over whole: the consumer maps it to CoachUnavailable
        chunks.put_nowait(error)
    else:
        chunks.put_nowait(_END)


async def _step(awaitable: Any, timeout: float) -> Any:
    """Await one step of the request within ``timeout`` seconds, mapping every failure to CoachUnavailable."""
    try:
        return await asyncio.wait_for(awaitable, timeout)
    except (TimeoutError, openai.OpenAIError, ValueError) as error:
        raise _mapped(error, timeout) from None


def _mapped(error: Exception, timeout: float) -> CoachUnavailable:
    """The CoachUnavailable for an exception raised by the request or the stream."""
    if isinstance(error, TimeoutError | openai.APITimeoutError):
        return unavailable("timeout", seconds=timeout)
    if isinstance(error, openai.RateLimitError):
        return unavailable("rate_limited", retry_after=error.response.headers.get("retry-after"))
    if isinstance(error, openai.APIResponseValidationError | ValueError):  # JSONDecodeError is a ValueError
        return unavailable("malformed")
    if isinstance(error, openai.APIStatusError):
        return unavailable("error", status=error.status_code)
    if isinstance(error, openai.APIConnectionError):
        return unavailable("network")
    if isinstance(error, openai.ContentFilterFinishReasonError):
        return unavailable("refusal")
    return unavailable("error")


def _content(chunk: Any) -> list[str]:
    """The content deltas of one streamed chunk; raises CoachUnavailable for a refusal or a malformed chunk."""
    choices = getattr(chunk, "choices", None)
    if not isinstance(choices, list):
        raise unavailable("malformed")
    pieces = []
    for choice in choices:
        delta = getattr(choice, "delta", None)
        if getattr(delta, "refusal", None) or getattr(choice, "finish_reason", None) == "content_filter":
            raise unavailable("refusal")
        content = getattr(delta, "content", None)
        if content is not None and not isinstance(content, str):
            raise unavailable("malformed")
        if content:
            pieces.append(content)
    return pieces


def unavailable(
    kind: str, *, seconds: float | None = None, retry_after: str | None = None, status: int | None = None
) -> CoachUnavailable:
    """The CoachUnavailable for ``kind``, with its notice (the rubric coach answers instead)."""
    log.info("LLM coach unavailable (%s%s); the rubric coach answers", kind, f" {status}" if status else "")
    fallback = (" The rubric coach answers instead.", " 대신 루브릭 코치가 답합니다.")
    wait = _retry_after(retry_after)
    notices: dict[str, Text] = {
        "timeout": (
            f"The AI coach did not answer within {seconds or DEFAULT_TIMEOUT:g} s.",
            f"AI 코치가 {seconds or DEFAULT_TIMEOUT:g}초 안에 답하지 않았습니다.",
        ),
        "refusal": (
            "The AI coach declined to answer or gave an empty answer.",
            "AI 코치가 답을 거절했거나 빈 답을 보냈습니다.",
        ),
        "malformed": ("The AI coach's answer could not be read.", "AI 코치의 답을 읽을 수 없습니다."),
        "rate_limited": (
            f"The AI service is rate-limiting requests{f'; try again in {wait[0]}' if wait else ''}.",
            f"AI 서비스가 요청 수를 제한하고 있습니다{f'. {wait[1]} 후에 다시 시도하세요' if wait else ''}.",
        ),
        "network": ("The AI service could not be reached.", "AI 서비스에 연결할 수 없습니다."),
        "error": (
            f"The AI service answered with an error{f' (HTTP {status})' if status else ''}.",
            f"AI 서비스가 오류로 응답했습니다{f' (HTTP {status})' if status else ''}.",
        ),
    }
    english, korean = notices[kind]
    return CoachUnavailable(kind, (english + fallback[0], korean + fallback[1]))


def _retry_after(value: str | None) -> Text | None:
    """Retry-After in seconds as words, or None when absent or not a number of seconds."""
    try:
        seconds = int(float(value)) if value else None
    except ValueError:
        return None
    if seconds is None or seconds < 0:
        return None
    return (f"{seconds} s", f"{seconds}초")
