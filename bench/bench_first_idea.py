"""Time a learner who designs the Overview's first idea, fast-forwards its full plan and decides, in a real browser.

Usage:
    .venv/bin/python bench/bench_first_idea.py [--backend duckdb|postgres|both] [--users 50000 --days 90 --seed 7]
        [--end 2026-11-01] [--port 3500]

Each backend gets a fresh warehouse (``novarium seed``, the default size unless told) and the app served in
production mode (``novarium_app.devserver``, as the browser tests serve it), then Debian's chromium with the flags
the suite uses. The learner, through the UI only: opens the Overview, follows the first idea card's "design this
experiment" link, goes through the builder (a name, the idea's variant, the metric and a guardrail, the power step's
plan accepted as it is, traffic, review) and launches; opens the Runs form, which defaults to the plan, and
fast-forwards it; opens the results, records the ship rule's call (ship or don't ship) and opens the retrospective
the decision saved. The seed and the server's start are set-up, printed but not counted.

Printed: the wall time of each step and their total (the target is under 10 minutes on a two-core machine), and the
check that the plan's world is the run's: the control arm's conversion in the run (exact, from the stored readout
once the server stopped) against the power step's baseline, with the baseline's 95% Wilson interval from the
window's buyers and visitors (``marts.horizon``, read before serving). ``first_idea_check`` holds that check.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright
from statsmodels.stats.proportion import proportion_confint
from support import BACKENDS, bench_database

from marts.horizon import Horizon, warehouse_horizon
from marts.storage import open_store
from novarium_app.devserver import BIN, CHROMIUM, CHROMIUM_ARGS, served, server_environment
from novarium_app.lab import recording
from shop import repository

ROOT = Path(__file__).resolve().parents[1]
LOAD = 120_000  # a page's first load, or a round trip, on a busy two-core machine (ms)
FAST_FORWARD = 600_000  # the whole plan's fast-forward (ms)
TARGET_SECONDS = 600.0
NAME = "First idea bench"
KEY = "first-idea-bench"
LEARNINGS = "Timed by bench/bench_first_idea.py."


@dataclass(frozen=True)
class PowerStep:
    """What the power step showed: its baseline (as text), the window it is from, and the plan."""

    baseline: str
    window_days: int
    named: str
    n_per_variant: int
    days: int


@dataclass(frozen=True)
class Check:
    """The control arm's conversion in the run against the power step's baseline and its 95% interval."""

    control: float
    control_n: int
    baseline: float
    low: float
    high: float
    buyers: int
    visitors: int

    @property
    def inside(self) -> bool:
        return self.low <= self.control <= self.high


def first_idea_check(control: float, control_n: int, horizon: Horizon, window_days: int) -> Check:
    """The run's control conversion against the ``window_days``-day window's conversion and its 95% Wilson interval
    (statsmodels' ``proportion_confint`` on that window's buyers and visitors)."""
    buyers, visitors = int(horizon.buyers[window_days - 1]), int(horizon.visitors[window_days - 1])
    low, high = proportion_confint(buyers, visitors, alpha=0.05, method="wilson")
    return Check(control, control_n, buyers / visitors, float(low), float(high), buyers, visitors)


class Clock:
    """Wall time per named step."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, float]] = []

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.steps.append((name, time.perf_counter() - started))
        print(f"  {name:<44} {self.steps[-1][1]:7.1f} s", flush=True)

    @property
    def total(self) -> float:
        return sum(seconds for _, seconds in self.steps)


def _number(text: str) -> int:
    return int(text.strip().replace(",", ""))


def _next(page: Page, step: int) -> None:
    """Leave the wizard's current step for ``step`` (1-based)."""
    page.click("#builder-next")
    expect(page.locator(f".builder-step[data-step='{step - 1}']")).to_have_attribute("data-state", "current")


def design_the_first_idea(page: Page, base: str, clock: Clock) -> PowerStep:
    """The Overview's first idea, through the builder, launched; returns what the power step planned."""
    with clock.step("Overview: the ideas load"):
        page.goto(f"{base}/")
        expect(page.locator(".alert-card").first).to_be_visible(timeout=LOAD)
    with clock.step("First idea's 'design this experiment' -> builder"):
        page.locator(".alert-card").first.get_by_role("link").click()
        expect(page.locator("#builder")).to_be_visible(timeout=LOAD)
        expect(page.locator(".builder-step[data-step='0']")).to_have_attribute("data-state", "current")
    with clock.step("Builder: hypothesis, variants, metric, guardrail"):
        page.fill("#builder-name", NAME)
        expect(page.locator("#builder-key")).to_have_value(KEY)
        _next(page, 2)
        _next(page, 3)
        page.click("#add-guardrail")
        expect(page.locator(".guardrail-row")).to_have_count(1)
        _next(page, 4)
    with clock.step("Builder: the power step's plan"):
        expect(page.locator("#plan-days")).to_have_text(re.compile(r"^\d[\d,]*$"), timeout=LOAD)
        window = page.locator("#baseline-window")
        expect(window).to_have_text(re.compile(r"over the last"))
        planned = PowerStep(
            baseline=page.locator("#baseline-value").inner_text(),
            window_days=_number(window.get_attribute("data-days") or "0"),
            named=window.inner_text(),
            n_per_variant=_number(page.locator("#plan-n").inner_text()),
            days=_number(page.locator("#plan-days").inner_text()),
        )
    with clock.step("Builder: traffic, review, launch"):
        _next(page, 5)
        _next(page, 6)
        expect(page.locator("#review-ok")).to_be_visible(timeout=LOAD)
        page.click("#launch")
        expect(page.locator("#launched")).to_be_visible(timeout=LOAD)
    return planned


def fast_forward_the_plan(page: Page, planned: PowerStep, clock: Clock) -> str:
    """The Runs form opened on the plan, fast-forwarded; returns the form's plan line."""
    with clock.step("Runs form, on the plan"):
        page.click("#send-swarm")
        expect(page.locator("#run-form")).to_be_visible(timeout=LOAD)
        page.click("#run-experiment_key")
        page.get_by_role("option", name=KEY, exact=True).click()
        source = page.locator("#run-plan-source")
        expect(source).to_have_text(re.compile(rf"^From your plan: {planned.days:,} days?, [\d,]+ visitors$"))
        expect(page.locator("#run-days")).to_have_value(str(planned.days))
        page.get_by_role("radio", name="Fast-forward").click()
        line = source.inner_text()
    with clock.step("Fast-forward the full plan"):
        page.click("#fast-forward-run")
        expect(page.get_by_text(re.compile(r"^Fast-forwarded \d+ days?: "))).to_be_visible(timeout=FAST_FORWARD)
        print(f"    {page.get_by_text(re.compile(r'^Fast-forwarded ')).first.inner_text()}")
        expect(page.locator("#live-run .run-status")).to_have_attribute("data-status", "completed", timeout=LOAD)
    return line


def decide(page: Page, base: str, clock: Clock) -> str:
    """Results opened, the ship rule's call recorded, the retrospective opened; returns the decision."""
    with clock.step("Results: the readout and the ship rule"):
        page.goto(f"{base}/results/{KEY}")
        expect(page.locator("#results-title")).to_have_text(NAME, timeout=LOAD)
        expect(page.locator('[data-tile="users"]')).to_contain_text("of the planned", timeout=LOAD)
        recommendation = page.locator("#recommendation")
        expect(recommendation).to_have_attribute("data-verdict", re.compile(r"^\w+$"), timeout=LOAD)
        verdict = recommendation.get_attribute("data-verdict") or ""
        print(f"    users tile: {page.locator('[data-tile=users]').inner_text()!r}; ship rule: {verdict}")
    choice = "ship" if verdict == "ship" else "dont_ship"
    with clock.step(f"Decide ({choice}), reveal{' and adopt' if choice == 'ship' else ''}"):
        page.locator(f"#choice-{choice}").click()
        page.locator("#decision-learnings").fill(LEARNINGS)
        page.locator("#record-decision").click()
        expect(page.locator("#truth-reveal")).to_be_visible(timeout=LOAD)
    with clock.step("Open the saved retrospective"):
        link = page.locator("#open-retrospective")
        expect(link).to_be_visible(timeout=LOAD)
        link.click()
        expect(page.locator("#retro-title")).to_have_text(NAME, timeout=LOAD)
    return choice


def _seed(env: dict[str, str], args: argparse.Namespace) -> None:
    command = [str(BIN / "novarium"), "seed", "--users", str(args.users), "--days", str(args.days)]
    command += ["--seed", str(args.seed), "--end", args.end]
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=900)


def _control_conversion(database_url: str | None, data_dir: Path) -> tuple[float, int]:
    """The run's control conversion and exposed users, from the stored readout without CUPED."""
    store = open_store(database_url, data_dir)
    try:
        record = repository.get_experiment(store, KEY)
        results = recording.analyse(store, record, cuped=False).to_dict()
    finally:
        store.close()
    conversion = next(m for m in results["metrics"] if m["metric"] == "conversion")
    control = next(v for v in conversion["variants"] if v["variant"] == results["control"])
    return float(control["mean"]), int(control["n"])


def bench(backend: str, args: argparse.Namespace) -> None:
    """One learner on ``backend``: set-up, the timed steps, then the check."""
    print(f"\n== {backend}: warehouse {args.users:,} users x {args.days} days (seed {args.seed}) ==", flush=True)
    with tempfile.TemporaryDirectory(prefix="novarium-first-idea-") as folder, bench_database(backend) as url:
        data_dir = Path(folder) / "data"
        web = ROOT / f".web-bench-first-idea-{backend}"
        env = server_environment(data_dir, args.port, web, url)
        started = time.perf_counter()
        _seed(env, args)
        store = open_store(url, data_dir)
        try:
            horizon = warehouse_horizon(store)
        finally:
            store.close()
        seeded = time.perf_counter() - started
        base = f"http://localhost:{args.port}"
        with served(env, base, Path(folder) / "server.log", ready=("/api/health", "/")):
            print(f"  set-up (not counted): seed {seeded:.1f} s, serve {time.perf_counter() - started - seeded:.1f} s")
            clock = Clock()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                page = browser.new_context(viewport={"width": 1440, "height": 960}).new_page()
                expect.set_options(timeout=LOAD)
                planned = design_the_first_idea(page, base, clock)
                plan_line = fast_forward_the_plan(page, planned, clock)
                choice = decide(page, base, clock)
                browser.close()
        control, control_n = _control_conversion(url, data_dir)
    verdict = "under" if clock.total < TARGET_SECONDS else "OVER"
    print(f"  {'total':<44} {clock.total:7.1f} s ({verdict} the {TARGET_SECONDS / 60:.0f}-minute target)")
    print(f"  power step: {planned.named!r}; {planned.n_per_variant:,} per variant over {planned.days} days")
    print(f"  Runs form: {plan_line!r}; decision: {choice}")
    check = first_idea_check(control, control_n, horizon, planned.window_days)
    print(
        f"  control conversion in the run {check.control:.2%} (n = {check.control_n:,}) vs the power step's baseline "
        f"{check.baseline:.2%} ({check.buyers:,} buyers / {check.visitors:,} visitors over the last "
        f"{planned.window_days} days), 95% Wilson interval [{check.low:.2%}, {check.high:.2%}]: "
        f"{'inside' if check.inside else 'OUTSIDE'}"
    )
    own_low, own_high = proportion_confint(round(check.control * check.control_n), check.control_n, method="wilson")
    print(f"  (the run's control has its own 95% Wilson interval [{own_low:.2%}, {own_high:.2%}])")
    shown = planned.baseline
    assert shown == f"{check.baseline:.2%}", f"the page showed {shown}, the window's buyers/visitors give another"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=[*BACKENDS, "both"], default="duckdb")
    parser.add_argument("--users", type=int, default=50_000, help="warehouse users (novarium seed's default)")
    parser.add_argument("--days", type=int, default=90, help="days of warehouse history (novarium seed's default)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--end", default="2026-11-01", help="the first day after the history")
    parser.add_argument("--port", type=int, default=int(os.environ.get("NOVARIUM_E2E_PORT", "3500")))
    args = parser.parse_args(argv)
    for backend in BACKENDS if args.backend == "both" else (args.backend,):
        bench(backend, args)


if __name__ == "__main__":
    sys.exit(main())
