"""Route constants, in one place."""

OVERVIEW = "/"
EXPERIMENTS = "/experiments"
BUILDER = "/experiments/new"
RUNS = "/runs"
RESULTS = "/results"
ADOPTIONS = "/adoptions"
RETROSPECTIVES = "/retrospectives"
RETRO_COMPARE = "/retrospectives/compare"
RETRO_REVIEW = "/retrospectives/review"
LEARN = "/learn"
DATA = "/data"
SHOP = "/shop"
API_PREFIX = "/api"
HEALTH = f"{API_PREFIX}/health"
OPENAPI = f"{API_PREFIX}/openapi.json"


def results_for(key: str) -> str:
    """The results page of one experiment."""
    return f"{RESULTS}/{key}"


def retrospective(retrospective_id: str) -> str:
    """One retrospective's detail page."""
    return f"{RETROSPECTIVES}/{retrospective_id}"
