"""The data sets the repository carries are whole: the files its tests, examples and README use."""

import gzip
import hashlib
import re

import pandas as pd

from tests.datasets import COOKIE_CATS, ROOT

COOKIE_CATS_SHA256 = "853fc2be33ae6a50b998cb70e1e50c324bb9726aa2f2b7ba75b60895fe614f84"


def test_cookie_cats_is_the_published_file():
    raw = gzip.decompress(COOKIE_CATS.read_bytes())
    assert hashlib.sha256(raw).hexdigest() == COOKIE_CATS_SHA256
    frame = pd.read_csv(COOKIE_CATS)
    assert list(frame.columns) == ["userid", "version", "sum_game_rounds", "retention_1", "retention_7"]
    assert len(frame) == 90_189
    assert frame["version"].value_counts().to_dict() == {"gate_40": 45_489, "gate_30": 44_700}


def test_nothing_points_outside_the_repository():
    """The README, the examples and the tests name files inside the clone only."""
    texts = [ROOT / "README.md", ROOT / "DEVELOPERS.md", *(ROOT / "examples").rglob("*.md")]
    texts += [path for path in (ROOT / "tests").rglob("*.py") if path.name != "test_datasets.py"]
    outside = re.compile(r"\.\./shared|parents\[\d\]\s*\.parent|/\s*\"shared\"")
    offenders = [str(path.relative_to(ROOT)) for path in texts if outside.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
