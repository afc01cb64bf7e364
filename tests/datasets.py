"""Data sets the repository carries for its tests (a clone has nothing beside it)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COOKIE_CATS = ROOT / "examples" / "data" / "cookie_cats.csv.gz"
"""The public Cookie Cats A/B test, 90,189 players (see examples/data/README.md)."""
