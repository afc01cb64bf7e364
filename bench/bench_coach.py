"""How fast the coach answers: the rubric's critique and write-up, the grounding check, and the LLM path's overhead.

The LLM figures use the OpenAI-compatible test server (``tests/llm_server.py``) on 127.0.0.1 with the real
``openai`` client, so they measure NovaRium's side (prompt building, streaming, the grounding check), not a model.
Targets: a rubric critique or write-up well under 100 ms, so "Review my hypothesis" and "Write it up" answer at
once offline; the first streamed chunk within 50 ms of the server sending it.

    .venv/bin/python bench/bench_coach.py
"""

import asyncio
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from coach.grounding import check_grounding
from coach.hypothesis import hypothesis_input
from coach.llm import LLMConfig
from coach.rubric import critique
from coach.service import stream_writeup
from coach.writeup import rubric_writeup, writeup_facts
from marts.retrospectives import Retrospective
from tests.llm_server import Reply, serve_fake_llm
from tests.retro_samples import full_snapshot

REPEAT = 200


def _timed(function, repeat: int = REPEAT) -> float:
    """The median milliseconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _retro() -> Retrospective:
    return Retrospective("bench", "red-banner", datetime(2026, 11, 1), "ship", "win", "", full_snapshot(), None)


async def _first_chunk(config: LLMConfig, retro: Retrospective) -> tuple[float, float, int]:
    """(ms to the first chunk, ms to the end, chunks) of one streamed write-up."""
    start = time.perf_counter()
    first, chunks = None, 0
    async for event in stream_writeup(retro, config):
        if event.kind == "chunk":
            chunks += 1
            first = first if first is not None else (time.perf_counter() - start) * 1000
    return first or 0.0, (time.perf_counter() - start) * 1000, chunks


def main() -> None:
    """Print the figures."""
    retro = _retro()
    spec = {
        **retro.experiment,
        "design": {
            "alpha": 0.05,
            "power": 0.8,
            "mde": 0.05,
            "mde_type": "relative",
            "baseline": 0.1012,
            "daily_visitors": 850.0,
            "days": 20,
            "analysis_plan": "fixed",
            "builder": {
                "change": "show a red banner",
                "direction": "increase",
                "expected": "6",
                "rationale": "urgency",
            },
        },
    }
    design = hypothesis_input(spec)
    print(f"critique of a full builder design: {len(critique(design).findings)} findings")
    text = rubric_writeup(retro)
    facts = writeup_facts(retro)
    long_text = "\n".join([text] * 8)
    print(f"rubric critique: {_timed(lambda: critique(design)):.2f} ms median ({REPEAT} runs; target < 100 ms)")
    print(f"rubric write-up: {_timed(lambda: rubric_writeup(retro)):.2f} ms median ({len(text):,} characters)")
    grounding = check_grounding(long_text, facts)
    grounding_ms = _timed(lambda: check_grounding(long_text, facts), 50)
    print(
        f"grounding check: {grounding_ms:.2f} ms for {len(long_text):,} characters, {len(grounding.numbers):,} numbers "
        f"(unmatched {len(grounding.unmatched)})"
    )
    with serve_fake_llm() as fake:
        fake.reply(Reply.text(text, parts=40))
        config = LLMConfig(fake.base_url, "bench-model", "sk-bench", 10.0)
        runs = [asyncio.run(_first_chunk(config, retro)) for _ in range(20)]
    firsts, totals, chunks = zip(*runs, strict=True)
    print(
        f"LLM write-up over HTTP (test server, {chunks[0]} chunks): first chunk {statistics.median(firsts):.1f} ms, "
        f"whole answer with grounding {statistics.median(totals):.1f} ms (median of 20)"
    )


if __name__ == "__main__":
    main()
