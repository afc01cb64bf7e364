"""The LLM coach over real HTTP: the real ``openai`` client against a small OpenAI-compatible server on 127.0.0.1.

Covers streaming, timeouts, malformed output, 429, refusals, errors, no network, the fallback to the rubric, the
grounding check on an LLM write-up, what may be saved, and the key never reaching a log, a notice or the output.
"""

import asyncio
import json
import logging
import socket
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from coach.grounding import MARK
from coach.hypothesis import hypothesis_input
from coach.llm import CoachUnavailable, LLMCoach, LLMConfig
from coach.service import (
    CoachEvent,
    UngroundedWriteup,
    display_markdown,
    edited,
    save_writeup,
    saveable,
    stream_review,
    stream_writeup,
)
from coach.writeup import rubric_writeup
from marts.retrospectives import Retrospective, get_retrospective, save_retrospective
from marts.storage import open_store
from tests.llm_server import FakeLLM, Reply, serve_fake_llm
from tests.retro_samples import full_snapshot

SECRET = "sk-test-7f3a9c-never-log-me"
MODEL = "fake-model"
ANSWER = "## Review\n\nThe design tests one change on conversion. Write the expected effect as a number."
GROUNDED = "Conversion rose **6.2%** (95% CI 1.2% to 11.3%, p = 0.0153) with 6,012 vs 5,988 visitors."
INVENTED = "Conversion rose **5.9%** (p = 0.0153) with 6,012 vs 5,988 visitors."
SPEC = full_snapshot()["experiment"]
MESSAGES = [{"role": "user", "content": "Say hello."}]


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    with serve_fake_llm() as fake:
        yield fake


def config_for(fake: FakeLLM, timeout: float = 5.0) -> LLMConfig:
    return LLMConfig(fake.base_url, MODEL, SECRET, timeout)


def retro() -> Retrospective:
    return Retrospective("r1", "red-banner", datetime(2025, 3, 1), "ship", "win", "", full_snapshot(), None)


async def _stream(config: LLMConfig, messages=MESSAGES) -> tuple[list[str], CoachUnavailable | None]:
    pieces: list[str] = []
    try:
        async for piece in LLMCoach(config).stream(messages):
            pieces.append(piece)
    except CoachUnavailable as failure:
        return pieces, failure
    return pieces, None


def stream(config: LLMConfig, messages=MESSAGES) -> tuple[list[str], CoachUnavailable | None]:
    return asyncio.run(_stream(config, messages))


def failure_of(config: LLMConfig) -> CoachUnavailable:
    _, failure = stream(config)
    assert failure is not None, "the stream should have failed"
    assert SECRET not in str(failure) and SECRET not in " ".join(failure.notice)
    assert "rubric" in failure.notice[0] and "루브릭" in failure.notice[1]
    return failure


def events_of(generator) -> list[CoachEvent]:
    async def collect() -> list[CoachEvent]:
        return [event async for event in generator]

    return asyncio.run(collect())


# ----- the client ---------------------------------------------------------------------------------------------------


def test_chunks_stream_in_order_over_real_http(fake_llm):
    fake_llm.reply(Reply.text(ANSWER, parts=5, delay=0.02))
    pieces, failure = stream(config_for(fake_llm))
    assert failure is None
    assert len(pieces) == 5 and "".join(pieces) == ANSWER
    [request] = fake_llm.requests
    assert request.path == "/v1/chat/completions"
    assert request.body["model"] == MODEL and request.body["stream"] is True
    assert request.body["messages"] == MESSAGES


def test_a_server_that_never_answers_times_out(fake_llm):
    fake_llm.reply(Reply(stall=10))
    started = time.monotonic()
    failure = failure_of(config_for(fake_llm, timeout=0.5))
    assert failure.kind == "timeout" and "0.5 s" in failure.notice[0] and "0.5초" in failure.notice[1]
    assert time.monotonic() - started < 3


def test_a_stream_that_stalls_between_chunks_times_out(fake_llm):
    fake_llm.reply(Reply(chunks=("first", "second"), delay=10))
    started = time.monotonic()
    pieces, failure = stream(config_for(fake_llm, timeout=0.5))
    assert pieces == ["first"]
    assert failure is not None and failure.kind == "timeout"
    assert time.monotonic() - started < 3


@pytest.mark.parametrize(
    "raw",
    [
        b"data: {not json\n\n",
        b'data: {"id": "x", "object": "chat.completion.chunk"}\n\ndata: [DONE]\n\n',  # a chunk without choices
        b"<html><body>502 Bad Gateway</body></html>",
    ],
    ids=["invalid-json", "no-choices", "not-sse"],
)
def test_malformed_output(fake_llm, raw):
    fake_llm.reply(Reply(raw=raw))
    assert failure_of(config_for(fake_llm)).kind == "malformed"


def test_a_429_is_a_rate_limit_with_its_retry_after(fake_llm):
    fake_llm.reply(Reply.rate_limited(retry_after=7))
    failure = failure_of(config_for(fake_llm))
    assert failure.kind == "rate_limited"
    assert "try again in 7 s" in failure.notice[0] and "7초" in failure.notice[1]
    assert len(fake_llm.requests) == 1  # no retries: the learner gets the rubric at once
    fake_llm.reply(Reply.rate_limited(retry_after=None))
    assert "try again" not in failure_of(config_for(fake_llm)).notice[0]


@pytest.mark.parametrize(
    "reply",
    [Reply(refusal="I can't help with that."), Reply(chunks=("Part",), finish_reason="content_filter"), Reply()],
    ids=["refusal", "content-filter", "empty-answer"],
)
def test_a_refusal_or_an_empty_answer(fake_llm, reply):
    fake_llm.reply(reply)
    assert failure_of(config_for(fake_llm)).kind == "refusal"


def test_other_statuses_and_stream_errors_are_errors_that_never_echo_the_server(fake_llm):
    fake_llm.reply(Reply(status=500))
    failure = failure_of(config_for(fake_llm))
    assert failure.kind == "error" and "HTTP 500" in failure.notice[0]
    fake_llm.reply(Reply(status=401, error_message=f"Incorrect API key provided: {SECRET}"))
    assert "HTTP 401" in failure_of(config_for(fake_llm)).notice[0]  # failure_of: the key is not in the notice
    fake_llm.reply(Reply(chunks=("Half an ans",), stream_error="overloaded"))
    assert failure_of(config_for(fake_llm)).kind == "error"


def test_no_network_when_nothing_listens():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    failure = failure_of(LLMConfig(f"http://127.0.0.1:{port}/v1", MODEL, SECRET, 2))
    assert failure.kind == "network"


def test_closing_the_stream_early_cancels_cleanly(fake_llm, caplog):
    fake_llm.reply(Reply.text(ANSWER, parts=5, delay=0.05))

    async def first_then_close() -> str:
        generator = LLMCoach(config_for(fake_llm)).stream(MESSAGES)
        first = await anext(generator)
        await generator.aclose()
        return first

    caplog.set_level(logging.DEBUG)
    assert asyncio.run(first_then_close()) == ANSWER[: len(ANSWER) // 5 + 1]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_config_validates_and_its_repr_hides_the_key_and_url_credentials():
    config = LLMConfig(f"https://user:{SECRET}@llm.example/v1", MODEL, SECRET, 30)
    assert SECRET not in repr(config) and SECRET not in str(config)
    assert "llm.example" in repr(config) and "api_key=set" in repr(config)
    with pytest.raises(ValueError, match="timeout: must be greater than 0"):
        LLMConfig("http://127.0.0.1:1/v1", MODEL, None, 0)
    with pytest.raises(ValueError, match="base_url: must be an http"):
        LLMConfig("ftp://model", MODEL)


def test_the_key_is_sent_but_never_logged_or_printed(fake_llm, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    echo = Reply(status=401, error_message=f"Incorrect API key provided: {SECRET}")
    fake_llm.reply(Reply.text(ANSWER), Reply.rate_limited(), echo, Reply(stall=5))
    assert stream(config_for(fake_llm))[1] is None
    assert failure_of(config_for(fake_llm)).kind == "rate_limited"
    assert failure_of(config_for(fake_llm)).kind == "error"
    assert failure_of(config_for(fake_llm, timeout=0.3)).kind == "timeout"
    events_of(stream_writeup(retro(), config_for(fake_llm, timeout=0.3), "en"))
    assert [r.headers.get("authorization") for r in fake_llm.requests] == [f"Bearer {SECRET}"] * 5
    assert all(SECRET not in json.dumps(r.body) for r in fake_llm.requests)
    assert caplog.records and any(r.name.startswith(("openai", "httpx", "httpcore")) for r in caplog.records)
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records)
    assert SECRET not in logged
    assert SECRET not in "\n".join(fake_llm.log)
    captured = capsys.readouterr()
    assert SECRET not in captured.out + captured.err


# ----- the service: LLM or rubric, and the fallback ----------------------------------------------------------------


def test_without_a_config_the_rubric_answers_at_once():
    events = events_of(stream_review(hypothesis_input(SPEC), None, None, "en"))
    assert [e.kind for e in events] == ["chunk", "done"]
    done = events[-1]
    assert done.source == "rubric" and done.critique is not None and done.text == events[0].text
    assert done.text == done.critique.to_markdown("en")


def test_review_streams_the_llm_answer_with_the_design_and_findings_as_context(fake_llm):
    fake_llm.reply(Reply.text(ANSWER, parts=6))
    events = events_of(stream_review(hypothesis_input(SPEC), None, config_for(fake_llm), "ko"))
    chunks = [e for e in events if e.kind == "chunk"]
    assert len(chunks) > 1 and [e.kind for e in events][-1] == "done"
    done = events[-1]
    assert done.text == ANSWER == "".join(c.text for c in chunks)
    assert done.source == f"llm:{MODEL}" and done.critique is not None
    system, user = fake_llm.requests[0].body["messages"]
    assert system["role"] == "system" and "Korean" in system["content"] and "Use only numbers" in system["content"]
    context = json.loads(user["content"].split("```json\n", 1)[1].rsplit("```", 1)[0])
    assert context["design"]["hypothesis"] == SPEC["hypothesis"]
    assert context["rubric_findings"] == done.critique.to_dict()


@pytest.mark.parametrize(
    ("reply", "kind"),
    [(Reply.rate_limited(), "rate_limited"), (Reply(raw=b"data: {oops\n\n"), "malformed"), (Reply(stall=5), "timeout")],
)
def test_a_failure_before_the_answer_falls_back_to_the_rubric_with_a_notice(fake_llm, reply, kind):
    fake_llm.reply(reply)
    events = events_of(stream_review(hypothesis_input(SPEC), None, config_for(fake_llm, timeout=0.5), "en"))
    assert [e.kind for e in events] == ["notice", "chunk", "done"]
    assert events[0].notice_kind == kind and events[0].notice is not None
    assert events[-1].source == "rubric" and events[-1].text == events[-1].critique.to_markdown("en")


def test_a_failure_mid_stream_falls_back_after_the_partial_chunks(fake_llm):
    fake_llm.reply(Reply(chunks=("Half ", "an answer"), stream_error="overloaded"))
    events = events_of(stream_writeup(retro(), config_for(fake_llm), "en"))
    assert [e.kind for e in events] == ["chunk", "chunk", "notice", "chunk", "done"]
    assert events[-1].source == "rubric" and events[-1].text == rubric_writeup(retro(), "en")
    assert events[-1].grounding is not None and events[-1].grounding.ok and saveable(events[-1])


def test_a_grounded_llm_writeup_is_saveable(fake_llm):
    fake_llm.reply(Reply.text(GROUNDED, parts=4))
    done = events_of(stream_writeup(retro(), config_for(fake_llm), "en"))[-1]
    assert done.text == GROUNDED and done.source == f"llm:{MODEL}"
    assert done.grounding is not None and done.grounding.ok and len(done.grounding.numbers) == 7
    assert saveable(done)
    context = fake_llm.requests[0].body["messages"][1]["content"]
    assert '"rubric_draft"' in context and '"facts"' in context and "0.0153" in context


def test_an_invented_number_in_an_llm_writeup_is_flagged_and_not_saveable(fake_llm):
    fake_llm.reply(Reply.text(INVENTED, parts=4))
    done = events_of(stream_writeup(retro(), config_for(fake_llm), "en"))[-1]
    assert [span.text for span in done.grounding.unmatched] == ["5.9%"]
    assert not saveable(done)
    assert f"**{MARK}`5.9%`**" in display_markdown(done.text, done.grounding)


def test_display_markdown_shows_html_as_text():
    shown = display_markdown("<script>alert(1)</script> <b>bold</b> & 5.9%")
    assert shown == "\\<script>alert(1)\\</script> \\<b>bold\\</b> & 5.9%"  # escaped, so Markdown shows them


def test_save_refuses_an_ungrounded_writeup_and_accepts_the_fixed_edit(tmp_path: Path):
    store = open_store(None, tmp_path / "data")
    try:
        saved = save_retrospective(
            store, experiment_key="red-banner", decision="ship", outcome="win", learnings="", snapshot=full_snapshot()
        )
        source = f"llm:{MODEL}"
        with pytest.raises(UngroundedWriteup, match=r"text: 1 number not found in the stored experiment: 5\.9%"):
            save_writeup(store, saved.retrospective_id, INVENTED, source)
        with pytest.raises(UngroundedWriteup, match=r"5\.9%"):
            save_writeup(store, saved.retrospective_id, INVENTED + " (edited)", edited(source))
        assert get_retrospective(store, saved.retrospective_id).coach_writeup is None
        fixed = INVENTED.replace("5.9%", "6.2%")
        stored = save_writeup(store, saved.retrospective_id, fixed, edited(source))
        assert stored.coach_writeup == fixed and stored.coach_source == f"llm:{MODEL}, edited"
        rubric = rubric_writeup(stored, "ko")
        assert save_writeup(store, saved.retrospective_id, rubric, "rubric").coach_source == "rubric"
    finally:
        store.close()
