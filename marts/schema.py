"""The one schema both backends use, as SQLAlchemy Core tables.

Money is stored as 8-byte DOUBLE PRECISION rounded to cents: analysis reads it as floats on both backends. One
amount (an event's value, an order's total) is at most ``MAX_MONEY``: the marts sum amounts into NUMERIC(18, 2).
User and visitor ids are strings everywhere, so warehouse users, shop visitors and swarm agents join.
JSON documents (configs, designs, run parameters) are TEXT holding JSON, identical on both backends.

``events`` is a view (schema step 7): the keyed ``tracked_events`` that idempotent HTTP ingest writes, and the
unkeyed ``engine_events`` the engine writes a run into (see ``EVENT_VIEW``). Readers name ``events``; writes of
``events`` rows go to ``tracked_events`` (``WRITE_TARGETS``).

Each table carries ``info={"since": N}``: the schema version (see ``marts.storage.migrations``) that created it.
A column added to an existing table later also gets its own ``add_column`` step there, which skips a table that
was created with the column already.
"""

import sqlalchemy as sa

metadata = sa.MetaData()

MAX_MONEY = 100_000.0
"""The largest amount in $ that one row may hold (an event's value, an order's total); the API refuses more and the
marts leave out stored rows outside 0 to ``MAX_MONEY`` (see ``marts.etl.checks``)."""


def _since(version: int) -> dict[str, int]:
    return {"since": version}


# --- version 1: the warehouse ---------------------------------------------------------------------------------

restaurants = sa.Table(
    "restaurants",
    metadata,
    sa.Column("restaurant_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("slug", sa.String(80), nullable=False, unique=True),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("category", sa.String(40), nullable=False),
    sa.Column("cuisine", sa.String(40), nullable=False),
    sa.Column("rating", sa.Double, nullable=False),
    sa.Column("delivery_minutes", sa.Integer, nullable=False),
    sa.Column("delivery_fee", sa.Double, nullable=False),
    sa.Column("price_level", sa.Integer, nullable=False),
    sa.Column("popularity", sa.Double, nullable=False),
    info=_since(1),
)

menu_items = sa.Table(
    "menu_items",
    metadata,
    sa.Column("item_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("restaurant_id", sa.Integer, sa.ForeignKey("restaurants.restaurant_id"), nullable=False),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("description", sa.String(300), nullable=False),
    sa.Column("price", sa.Double, nullable=False),
    sa.Column("is_popular", sa.Boolean, nullable=False),
    info=_since(1),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("user_id", sa.String(40), primary_key=True),
    sa.Column("signup_at", sa.DateTime, nullable=False),
    sa.Column("region", sa.String(40), nullable=False),
    sa.Column("device", sa.String(20), nullable=False),
    sa.Column("persona", sa.String(30), nullable=False),
    info=_since(1),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("session_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("user_id", sa.String(40), nullable=False),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("device", sa.String(20), nullable=False),
    sa.Column("page_views", sa.Integer, nullable=False),
    sa.Column("viewed_item", sa.Boolean, nullable=False),
    sa.Column("added_to_cart", sa.Boolean, nullable=False),
    sa.Column("started_checkout", sa.Boolean, nullable=False),
    sa.Column("ordered", sa.Boolean, nullable=False),
    sa.Index("ix_sessions_user", "user_id"),
    info=_since(1),
)

orders = sa.Table(
    "orders",
    metadata,
    sa.Column("order_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("user_id", sa.String(40), nullable=False),
    sa.Column("session_id", sa.BigInteger, nullable=True),
    sa.Column("restaurant_id", sa.Integer, nullable=False),
    sa.Column("ordered_at", sa.DateTime, nullable=False),
    sa.Column("items_count", sa.Integer, nullable=False),
    sa.Column("subtotal", sa.Double, nullable=False),
    sa.Column("discount", sa.Double, nullable=False),
    sa.Column("delivery_fee", sa.Double, nullable=False),
    sa.Column("total", sa.Double, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Index("ix_orders_user", "user_id"),
    info=_since(1),
)

order_items = sa.Table(
    "order_items",
    metadata,
    sa.Column("order_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("line_no", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("item_id", sa.Integer, nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("unit_price", sa.Double, nullable=False),
    info=_since(1),
)

# --- version 2: experiments -----------------------------------------------------------------------------------

experiments = sa.Table(
    "experiments",
    metadata,
    sa.Column("key", sa.String(80), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("hypothesis", sa.Text, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("allocation", sa.Double, nullable=False),
    sa.Column("salt", sa.String(80), nullable=False),
    sa.Column("primary_metric", sa.String(80), nullable=True),
    sa.Column("design", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("started_at", sa.DateTime, nullable=True),
    sa.Column("stopped_at", sa.DateTime, nullable=True),
    info=_since(2),
)

variants = sa.Table(
    "variants",
    metadata,
    sa.Column("experiment_key", sa.String(80), sa.ForeignKey("experiments.key"), primary_key=True),
    sa.Column("name", sa.String(80), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("weight", sa.Double, nullable=False),
    sa.Column("config", sa.Text, nullable=False),
    info=_since(2),
)

assignments = sa.Table(
    "assignments",
    metadata,
    sa.Column("experiment_key", sa.String(80), primary_key=True),
    sa.Column("user_id", sa.String(80), primary_key=True),
    sa.Column("variant", sa.String(80), nullable=False),
    sa.Column("assigned_at", sa.DateTime, nullable=False),
    sa.Column("run_id", sa.String(40), nullable=True),
    info=_since(2),
)


def _event_columns() -> list[sa.Column]:
    """The columns of an event, keyed by ``event_id`` (``events`` of step 2 and ``tracked_events``)."""
    return [
        sa.Column("event_id", sa.String(80), primary_key=True),
        sa.Column("user_id", sa.String(80), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("ts", sa.DateTime, nullable=False),
        sa.Column("experiment_key", sa.String(80), nullable=True),
        sa.Column("variant", sa.String(80), nullable=True),
        sa.Column("value", sa.Double, nullable=True),
        sa.Column("props", sa.Text, nullable=True),
        sa.Column("run_id", sa.String(40), nullable=True),
        sa.Column("received_at", sa.DateTime, nullable=False),
    ]


events = sa.Table(
    "events",
    metadata,
    *_event_columns(),
    sa.Index("ix_events_experiment_user", "experiment_key", "user_id"),
    info=_since(2),
)
"""Every event, as readers see it. Created as this table by step 2 and turned into a view by step 7 (``EVENT_VIEW``);
the definition stays here for its columns (the catalog, the SQL lab, column checks of bulk loads)."""

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("run_id", sa.String(40), primary_key=True),
    sa.Column("experiment_key", sa.String(80), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("seed", sa.BigInteger, nullable=False),
    sa.Column("params", sa.Text, nullable=False),
    sa.Column("agents_planned", sa.Integer, nullable=False),
    sa.Column("agents_done", sa.Integer, nullable=False),
    sa.Column("events_sent", sa.BigInteger, nullable=False),
    sa.Column("events_stored", sa.BigInteger, nullable=False),
    sa.Column("truth", sa.Text, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime, nullable=True),
    # version 5: the SHA-256 of the run's write secret (``shop.run_secrets``); NULL for runs that take no events
    sa.Column("secret_hash", sa.String(64), nullable=True),
    info=_since(2),
)

adoptions = sa.Table(
    "adoptions",
    metadata,
    sa.Column("adoption_id", sa.String(40), primary_key=True),
    sa.Column("experiment_key", sa.String(80), nullable=True),
    sa.Column("variant", sa.String(80), nullable=True),
    sa.Column("config", sa.Text, nullable=False),
    sa.Column("adopted_at", sa.DateTime, nullable=False),
    sa.Column("rolled_back_at", sa.DateTime, nullable=True),
    sa.Column("note", sa.Text, nullable=True),
    info=_since(2),
)

retrospectives = sa.Table(
    "retrospectives",
    metadata,
    sa.Column("retrospective_id", sa.String(40), primary_key=True),
    sa.Column("experiment_key", sa.String(80), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("decision", sa.String(20), nullable=False),
    sa.Column("outcome", sa.String(20), nullable=True),
    sa.Column("learnings", sa.Text, nullable=False),
    sa.Column("snapshot", sa.Text, nullable=False),
    sa.Column("coach_writeup", sa.Text, nullable=True),
    info=_since(2),
)

# --- version 3: marts (rebuilt by ``marts.etl``) --------------------------------------------------------------

daily_metrics = sa.Table(
    "daily_metrics",
    metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("visitors", sa.Integer, nullable=False),
    sa.Column("sessions", sa.Integer, nullable=False),
    sa.Column("orders", sa.Integer, nullable=False),
    sa.Column("buyers", sa.Integer, nullable=False),
    sa.Column("revenue", sa.Double, nullable=False),
    sa.Column("conversion", sa.Double, nullable=False),
    sa.Column("aov", sa.Double, nullable=False),
    sa.Column("revenue_per_visitor", sa.Double, nullable=False),
    info=_since(3),
)

user_stats = sa.Table(
    "user_stats",
    metadata,
    sa.Column("user_id", sa.String(40), primary_key=True),
    sa.Column("persona", sa.String(30), nullable=False),
    sa.Column("region", sa.String(40), nullable=False),
    sa.Column("device", sa.String(20), nullable=False),
    sa.Column("signup_at", sa.DateTime, nullable=False),
    sa.Column("tenure_days", sa.Integer, nullable=False),
    sa.Column("sessions", sa.Integer, nullable=False),
    sa.Column("orders", sa.Integer, nullable=False),
    sa.Column("revenue", sa.Double, nullable=False),
    sa.Column("first_order_at", sa.DateTime, nullable=True),
    sa.Column("last_order_at", sa.DateTime, nullable=True),
    sa.Column("pre_orders", sa.Integer, nullable=False),
    sa.Column("pre_revenue", sa.Double, nullable=False),
    info=_since(3),
)

experiment_users = sa.Table(
    "experiment_users",
    metadata,
    sa.Column("experiment_key", sa.String(80), primary_key=True),
    sa.Column("user_id", sa.String(80), primary_key=True),
    sa.Column("variant", sa.String(80), nullable=False),
    sa.Column("persona", sa.String(30), nullable=True),
    sa.Column("first_exposure_at", sa.DateTime, nullable=False),
    sa.Column("page_views", sa.Integer, nullable=False),
    sa.Column("banner_clicks", sa.Integer, nullable=False),
    sa.Column("searches", sa.Integer, nullable=False),
    sa.Column("item_views", sa.Integer, nullable=False),
    sa.Column("add_to_carts", sa.Integer, nullable=False),
    sa.Column("checkouts", sa.Integer, nullable=False),
    sa.Column("purchases", sa.Integer, nullable=False),
    sa.Column("revenue", sa.Double, nullable=False),
    sa.Column("pre_revenue", sa.Double, nullable=False),
    sa.Column("pre_orders", sa.Integer, nullable=False),
    info=_since(3),
)

mart_builds = sa.Table(
    "mart_builds",
    metadata,
    sa.Column("mart", sa.String(40), primary_key=True),
    sa.Column("built_at", sa.DateTime, nullable=False),
    sa.Column("row_count", sa.BigInteger, nullable=False),
    sa.Column("seconds", sa.Double, nullable=False),
    info=_since(3),
)

# --- version 4: the learner's own peeking ------------------------------------------------------------------------

results_views = sa.Table(
    "results_views",
    metadata,
    sa.Column("view_id", sa.String(40), primary_key=True),
    sa.Column("experiment_key", sa.String(80), nullable=False),
    sa.Column("viewed_at", sa.DateTime, nullable=False),
    sa.Column("run_id", sa.String(40), nullable=True),
    sa.Index("ix_results_views_experiment", "experiment_key", "viewed_at"),
    info=_since(4),
)

# --- the world secret (its own step; see ``marts.storage.migrations``) ------------------------------------------

private_metadata = sa.MetaData()
"""Tables no learner-facing reader ever lists: not in ``metadata``, so the Data page, its catalog and the SQL lab's
allow-lists never see them (the SQL lab's ``HIDDEN_TABLES`` names them too)."""

world_secret = sa.Table(
    "world_secret",
    private_metadata,
    sa.Column("world_key", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("secret", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.CheckConstraint("world_key = 1", name="ck_world_secret_one_row"),
    info=_since(5),
)
"""This deployment's world secret (one row, 32 random bytes in hex), created once by its schema step. The swarm
draws each persona's knob sensitivities from it (``swarm.world``), so a knob's true effect is not open data."""

# --- version 7: events in two tables behind the ``events`` view ------------------------------------------------

storage_metadata = sa.MetaData()
"""Tables that only hold rows for a view of ``metadata``: no reader names them (the catalog and the SQL lab list
``metadata`` only); the view's sources (``VIEW_SOURCES``)."""

tracked_events = sa.Table(
    "tracked_events",
    storage_metadata,
    *_event_columns(),
    sa.Index("ix_tracked_events_experiment_user", "experiment_key", "user_id"),
    info=_since(7),
)
"""Events sent to the tracking API (and every event stored before step 7), unique by ``event_id`` so that ingest is
idempotent: a repeated id is stored once."""

engine_events = sa.Table(
    "engine_events",
    storage_metadata,
    sa.Column("run_id", sa.String(40), nullable=False),
    sa.Column("number", sa.BigInteger, nullable=False),
    sa.Column("event_id", sa.String(80), nullable=True),
    sa.Column("user_id", sa.String(80), nullable=False),
    sa.Column("name", sa.String(40), nullable=False),
    sa.Column("ts", sa.DateTime, nullable=False),
    sa.Column("experiment_key", sa.String(80), nullable=True),
    sa.Column("variant", sa.String(80), nullable=True),
    sa.Column("value", sa.Double, nullable=True),
    sa.Column("received_at", sa.DateTime, nullable=False),
    info=_since(7),
)
"""The engine's runs' events: no key and no index, so a run of millions of events loads in seconds. The engine is
the only writer of its run's rows and writes a run in one transaction, so nothing needs the key. An event's id is
``event_id`` when stored (exposures: ``shop.tracking.exposure_event_id``), else ``"{run_id}:{number}"``; the rows of
one run are stored together (one bulk load per block)."""

EVENT_VIEW = """
CREATE VIEW events AS
SELECT event_id, user_id, name, ts, experiment_key, variant, value, props, run_id, received_at
FROM tracked_events
UNION ALL
SELECT COALESCE(event_id, run_id || ':' || CAST(number AS VARCHAR(20))) AS event_id, user_id, name, ts,
       experiment_key, variant, value, CAST(NULL AS TEXT) AS props, run_id, received_at
FROM engine_events
"""
"""The ``events`` view: the same columns as the ``events`` table of step 2, in the same order."""
VIEW_SOURCES = {"events": ("tracked_events", "engine_events")}
"""Each view of ``metadata`` and the tables it reads."""
WRITE_TARGETS = {"events": "tracked_events"}
"""Where rows written to a view go: ``events`` rows are tracked events (keyed by ``event_id``)."""

WAREHOUSE_TABLES = ("restaurants", "menu_items", "users", "sessions", "orders", "order_items")
EXPERIMENT_TABLES = ("experiments", "variants", "assignments", "events", "runs", "adoptions", "retrospectives")
MART_TABLES = ("daily_metrics", "user_stats", "experiment_users", "mart_builds")
