"""The Data page's catalog: every table described and grouped once, the lineage drawn from real tables."""

import itertools

from marts import catalog_docs, schema
from marts.storage.readonly import LAB_TABLES
from marts.storage.readonly_lexer import outline
from novarium_app.components import data_lineage, data_source
from novarium_app.components.data_examples import EXAMPLES


def test_every_table_has_a_description_in_both_languages():
    for name in schema.metadata.tables:
        english, korean = catalog_docs.description(name)
        assert (english, korean) != catalog_docs.NO_DESCRIPTION, f"{name}: describe it in marts/catalog_docs.py"
        assert len(english) > 30 and len(korean) > 10, name
    assert set(catalog_docs.TABLE_DOCS) <= set(schema.metadata.tables)


def test_every_table_is_in_exactly_one_group():
    grouped = [name for group in catalog_docs.GROUPS for name in group.tables]
    assert sorted(grouped) == sorted(schema.metadata.tables)
    assert [group.key for group in catalog_docs.GROUPS] == ["warehouse", "experiments", "marts"]


def test_lineage_names_real_tables_and_every_built_mart():
    marts = set(schema.MART_TABLES) - {"mart_builds"}
    assert set(catalog_docs.LINEAGE) == marts
    for mart, sources in catalog_docs.LINEAGE.items():
        assert set(sources) <= set(schema.metadata.tables), mart
    assert set(catalog_docs.lineage_sources()) == {"users", "sessions", "orders", "events", "assignments"}
    for reader in catalog_docs.READERS:
        assert set(reader.reads) <= marts


def test_the_drawing_has_one_arrow_per_dependency_and_boxes_inside_it():
    boxes = data_lineage.layout()
    dependencies = sum(len(sources) for sources in catalog_docs.LINEAGE.values())
    reads = sum(len(reader.reads) for reader in catalog_docs.READERS)
    assert len(data_lineage.edges(boxes)) == dependencies + reads
    for name, box in boxes.items():
        assert box.x >= 0 and box.x + box.w <= data_lineage.WIDTH, name
        assert box.y >= 0 and box.y + box.h <= data_lineage.HEIGHT, name
    columns = {}
    for box in boxes.values():
        columns.setdefault(box.x, []).append((box.y, box.y + box.h))
    for spans in columns.values():
        spans.sort()
        assert all(top >= bottom for (_, bottom), (top, _) in itertools.pairwise(spans))


def test_the_ground_truth_never_shows():
    assert "truth" not in data_source.visible_columns("runs")
    assert "runs" not in LAB_TABLES
    assert data_source.visible_columns("users") == [c.name for c in schema.users.columns]


def test_columns_carry_their_declared_types_and_keys():
    columns = {c.name: c for c in data_source.table_columns("orders")}
    assert columns["order_id"].primary_key and not columns["order_id"].nullable
    assert columns["total"].type == "DOUBLE"
    assert columns["ordered_at"].type == "TIMESTAMP"
    assert columns["session_id"].nullable


def test_examples_are_single_selects_on_lab_tables():
    assert len({example.key for example in EXAMPLES}) == len(EXAMPLES)
    for example in EXAMPLES:
        statements = outline(example.sql)
        assert len(statements) == 1 and statements[0][0] in ("SELECT", "WITH"), example.key
        assert {word.lower() for word in statements[0]} & LAB_TABLES, example.key
