"""The coach in the Lab with a model configured: the served app talks over real HTTP to the OpenAI-compatible test
server (``tests/llm_server.py``, started by the e2e conftest and scripted here).

The model's write-up streams into the editor, its numbers are checked against the stored ones (an invented number
blocks saving), HTML in its answer is shown as text, a rate limit falls back to the rubric with a notice, the learner
can pick the rubric instead, and the key appears nowhere in the page or the server's log.
"""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.backends import ON_DUCKDB_ONLY
from tests.e2e.conftest import LLM_KEY, LLM_MODEL
from tests.llm_server import Reply

pytestmark = [pytest.mark.e2e, ON_DUCKDB_ONLY]

LOAD = 60_000
STATE = 20_000

# Every number is stored in the red-banner sample (tests/retro_samples.py): +6.2% [1.2%, 11.3%], p = 0.0153,
# 6,012 vs 5,988 users.
GROUNDED = (
    "## What happened\n\nConversion rose **+6.2%** (95% CI 1.2% to 11.3%, p = 0.0153) with 6,012 vs 5,988 users. "
    "<script>window.coachInjected = 1</script><b>bold?</b>\n\n## Next\n\nReplicate before a bigger bet.\n"
)
INVENTED = "## What happened\n\nConversion rose **+9.4%** with 6,012 vs 5,988 users.\n"


@pytest.fixture(autouse=True)
def patient_expect():
    expect.set_options(timeout=STATE)
    yield
    expect.set_options(timeout=5_000)


def _open_red_banner(page: Page, app_server) -> None:
    red = next(retro for retro in app_server.retros if retro.experiment_key == "red-banner")
    page.goto(f"{app_server.url}/retrospectives/{red.retrospective_id}")
    expect(page.locator("#retro-title")).to_be_visible(timeout=LOAD)


def test_the_models_write_up_streams_in_is_checked_and_saved_with_its_source(app_server, page):
    fake = app_server.llm
    _open_red_banner(page, app_server)
    expect(page.locator("#retro-coach .coach-choice")).to_contain_text(LLM_MODEL)

    # A streamed answer arrives in pieces: the editor shows part of it before the whole.
    fake.reply(Reply.text(GROUNDED, parts=6, delay=0.6))
    page.click("#coach-writeup")
    draft = page.locator("#coach-writeup-draft")
    expect(draft).to_have_value(re.compile(r"^## What happened"), timeout=LOAD)
    partial = draft.input_value()
    assert 0 < len(partial) < len(GROUNDED), "the write-up did not arrive in pieces"
    expect(draft).to_have_value(GROUNDED, timeout=LOAD)
    expect(page.locator("#coach-writeup-source")).to_have_text(f"Source: llm:{LLM_MODEL}")
    expect(page.locator("#coach-writeup-ungrounded")).to_have_count(0)
    # HTML in the model's answer is text, never markup or script.
    preview = page.locator("#coach-writeup-preview")
    expect(preview).to_contain_text("<script>window.coachInjected = 1</script>")
    assert page.evaluate("window.coachInjected") is None
    assert preview.locator("b").count() == 0

    request = fake.requests[-1]
    headers = {name.lower(): value for name, value in request.headers.items()}
    assert headers.get("authorization") == f"Bearer {LLM_KEY}"
    assert "6012" in str(request.body) or "6,012" in str(request.body), "the stored numbers were not in the context"

    page.click("#coach-writeup-save")
    expect(page.locator("#retro-coach-source")).to_have_text(f"Written by llm:{LLM_MODEL}", timeout=LOAD)
    expect(page.locator("#retro-coach .retro-coach-text")).to_contain_text("Conversion rose +6.2%")

    # An invented number is flagged and blocks saving until the learner fixes it.
    fake.reply(Reply.text(INVENTED, parts=2))
    page.click("#coach-writeup")
    expect(page.locator("#coach-writeup-ungrounded")).to_contain_text("9.4%", timeout=LOAD)
    expect(page.locator("#coach-writeup-preview")).to_contain_text("⚠")
    expect(page.locator("#coach-writeup-save")).to_be_disabled()
    draft.fill(INVENTED.replace("+9.4%", "+6.2%"))
    expect(page.locator("#coach-writeup-ungrounded")).to_have_count(0)
    expect(page.locator("#coach-writeup-source")).to_have_text(f"Source: llm:{LLM_MODEL}, edited")
    page.click("#coach-writeup-save")
    expect(page.locator("#retro-coach-source")).to_have_text(f"Written by llm:{LLM_MODEL}, edited", timeout=LOAD)

    assert LLM_KEY not in page.content()
    assert LLM_KEY not in app_server.log.read_text(errors="replace")
    assert page.console_errors == []


def test_a_rate_limit_falls_back_to_the_rubric_with_a_notice_and_the_rubric_can_be_chosen(app_server, page):
    fake = app_server.llm
    _open_red_banner(page, app_server)
    fake.reply(Reply.rate_limited(retry_after=7))
    asked = len(fake.requests)
    page.click("#coach-writeup")
    expect(page.locator("#coach-writeup-notice")).to_contain_text("7", timeout=LOAD)
    draft = page.locator("#coach-writeup-draft")
    expect(draft).to_have_value(re.compile(r"^# Write-up: "), timeout=LOAD)
    expect(page.locator("#coach-writeup-source")).to_have_text("Source: rubric")
    assert len(fake.requests) == asked + 1
    page.click("#retro-coach button:has-text('Discard')")

    # Choosing the rubric never calls the model.
    page.locator("#retro-coach .coach-choice").get_by_role("radio", name="Rubric").click()
    asked = len(fake.requests)
    page.click("#coach-writeup")
    expect(draft).to_have_value(re.compile(r"^# Write-up: "), timeout=LOAD)
    expect(page.locator("#coach-writeup-notice")).to_have_count(0)
    time.sleep(0.5)
    assert len(fake.requests) == asked
    assert page.console_errors == []


def test_the_models_review_of_a_design_streams_beside_the_rubric_findings(app_server, page):
    fake = app_server.llm
    fake.reply(Reply.text("**Add a guardrail** on order value before you launch.", parts=3, delay=0.2))
    page.goto(f"{app_server.url}/experiments/new")
    expect(page.locator("#builder")).to_be_visible(timeout=LOAD)
    page.fill("#builder-change", "show a red banner")
    page.fill("#builder-rationale", "urgency cues make impulsive shoppers decide faster")
    page.click("#coach-review")
    expect(page.locator("#coach-text")).to_contain_text("Add a guardrail on order value before you launch.")
    expect(page.locator("#coach-text strong")).to_have_text("Add a guardrail")
    expect(page.locator("#coach-findings .coach-finding[data-code='guardrails.none']")).to_be_visible()
    expect(page.locator("#coach-findings")).to_contain_text(f"llm:{LLM_MODEL}")
    body = fake.requests[-1].body
    assert "show a red banner" in str(body), "the design was not in the model's context"
    assert page.console_errors == []
