"""Screenshots of every Lab page, for reviewing the product by eye.

Seeds a small warehouse in a throwaway folder, runs two experiments through the vectorised engine, decides on
both (so results, the truth, adoptions and retrospectives have content), serves the production build and saves
one PNG per page, language and colour mode. Example::

    .venv/bin/python scripts/screenshots.py --out /tmp/shots --languages en ko --modes light dark

Run ``make setup`` first (the Node and bun it serves with come from ``toolchain/``).
"""

import argparse
import json
import subprocess
import tempfile
from pathlib import Path

from novarium_app.devserver import BIN, CHROMIUM, CHROMIUM_ARGS, served, server_environment

ROOT = Path(__file__).resolve().parents[1]
SECOND_SPEC = {
    "key": "free-delivery-20",
    "name": "Free delivery from 20 dollars",
    "hypothesis": "Lowering the free-delivery threshold to $20 lifts conversion by 4% because price-sensitive "
    "shoppers abandon carts over delivery fees.",
    "variants": [
        {"name": "control", "weight": 50, "config": {}},
        {"name": "low-threshold", "weight": 50, "config": {"free_delivery_threshold": 20.0}},
    ],
    "primary_metric": "conversion",
    "secondary_metrics": ["revenue_per_visitor"],
    "guardrails": [{"metric": "aov", "margin": 0.05, "margin_type": "relative"}],
    "design": {"alpha": 0.05, "power": 0.8, "mde": 0.05, "mde_type": "relative", "days": 14},
}


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(BIN / "novarium"), *args], env=env, check=True, capture_output=True, text=True)
    return done.stdout


def prepare(env: dict[str, str], workdir: Path) -> dict[str, str]:
    """A warehouse, two decided experiments and one running; returns {name: path} of the pages to shoot."""
    _run(env, "seed", "--users", "3000", "--days", "60", "--seed", "5")
    second = workdir / "second.json"
    second.write_text(json.dumps(SECOND_SPEC))
    runs = ((ROOT / "examples/red-banner.json", "red-banner", "16000"), (second, SECOND_SPEC["key"], "12000"))
    for spec, key, users in runs:
        _run(env, "experiments", "create", str(spec))
        _run(env, "experiments", "start", key)
        _run(env, "simulate", "--experiment", key, "--users", users, "--days", "14", "--seed", "3")
    decide = (
        "from marts.storage import open_store\n"
        "from novarium_app.lab.recording import record_decision\n"
        "import os, sys\n"
        "store = open_store(os.environ.get('DATABASE_URL'), os.environ['NOVARIUM_DATA_DIR'])\n"
        "a = record_decision(store, 'red-banner', choice='ship', variant='treatment',"
        " learnings='Urgency worked on impulsive shoppers; watch AOV next time.')\n"
        "b = record_decision(store, 'free-delivery-20', choice='dont_ship', variant=None,"
        " learnings='The fee was not the reason carts were abandoned.')\n"
        "print(a.retrospective_id, b.retrospective_id)\n"
        "store.close()\n"
    )
    first_id, second_id = subprocess.run(
        [str(BIN / "python"), "-c", decide], env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    return {
        "overview": "/",
        "experiments": "/experiments",
        "builder": "/experiments/new",
        "runs": "/runs",
        "results-list": "/results",
        "results": "/results/red-banner",
        "results-loss": "/results/free-delivery-20",
        "adoptions": "/adoptions",
        "retrospectives": "/retrospectives",
        "retro-detail": f"/retrospectives/{first_id}",
        "retro-compare": f"/retrospectives/compare?a={first_id}&b={second_id}",
        "retro-review": "/retrospectives/review",
        "learn": "/learn",
        "data": "/data",
        "shop": "/shop",
    }


def shoot(base: str, pages: dict[str, str], out: Path, languages: list[str], modes: list[str]) -> None:
    """One full-page PNG per page, language and colour mode."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for language in languages:
            for mode in modes:
                context = browser.new_context(viewport={"width": 1440, "height": 900}, color_scheme=mode)
                context.add_init_script(f"window.localStorage.setItem('novarium_locale', '{language}')")
                page = context.new_page()
                for name, path in pages.items():
                    page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    page.wait_for_timeout(1500)
                    page.screenshot(path=str(out / f"{name}-{language}-{mode}.png"), full_page=True)
                context.close()
        browser.close()


def main() -> None:
    """Prepare, serve and shoot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--port", type=int, default=3900)
    parser.add_argument("--languages", nargs="+", default=["en", "ko"])
    parser.add_argument("--modes", nargs="+", default=["light"])
    parser.add_argument("--only", nargs="*", default=None, help="Page names to shoot (default: all).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        workdir = Path(temp)
        env = server_environment(workdir / "data", args.port, ROOT / ".web-screenshots")
        toolchain = ROOT / "toolchain" / "node_modules" / ".bin"  # Node 22 and bun, as `make setup` installs them
        env.update(PATH=f"{toolchain}:{BIN}:{env.get('PATH', '')}", REFLEX_USE_SYSTEM_BUN="1")
        env.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
        pages = prepare(env, workdir)
        if args.only:
            pages = {name: path for name, path in pages.items() if name in args.only}
        base = f"http://localhost:{args.port}"
        with served(env, base, workdir / "server.log", ready=("/api/health", "/")):
            shoot(base, pages, args.out, args.languages, args.modes)
    print(f"saved {len(pages) * len(args.languages) * len(args.modes)} screenshots to {args.out}")


if __name__ == "__main__":
    main()
