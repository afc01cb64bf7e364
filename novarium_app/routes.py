"""Route constants, in one place."""

OVERVIEW = "/"
RUNS = "/runs"
SHOP = "/shop"
API_PREFIX = "/api"
HEALTH = f"{API_PREFIX}/health"
OPENAPI = f"{API_PREFIX}/openapi.json"
