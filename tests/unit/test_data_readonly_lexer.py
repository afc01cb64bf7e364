"""The read-only runner's pure parts: the SQL outline, text checks, node-tree reader and PostgreSQL function rule."""

import pytest

from marts.storage import readonly as ro
from marts.storage.readonly import Limits, QueryRefused, check_text
from marts.storage.readonly_lexer import first_statement, outline, tree_references
from marts.storage.readonly_postgres import function_allowed


@pytest.mark.parametrize(
    ("text", "statements"),
    [
        ("SELECT 1", [["SELECT"]]),
        ("select a from t;", [["SELECT", "A", "FROM", "T"]]),
        ("SELECT 1; DELETE FROM t", [["SELECT"], ["DELETE", "FROM", "T"]]),
        ("SELECT ';' AS semi", [["SELECT", "AS", "SEMI"]]),
        ("SELECT 'it''s; fine'", [["SELECT"]]),
        ("SELECT E'\\'; DROP TABLE t; --'", [["SELECT"]]),
        ("SELECT '\\'; DELETE FROM t", [["SELECT"], ["DELETE", "FROM", "T"]]),
        ('SELECT 1 AS "a;b"', [["SELECT", "AS"]]),
        ("SELECT $$ ; $$, $tag$ ; $$ ; $tag$", [["SELECT"]]),
        ("SELECT $1; SELECT 2", [["SELECT"], ["SELECT"]]),
        ("SELECT 1 -- ; DELETE\n", [["SELECT"]]),
        ("SELECT 1 /* ; /* nested ; */ still ; */", [["SELECT"]]),
        ("/* lead */ WITH x AS (SELECT 1) SELECT * FROM x", [["WITH", "X", "AS", "SELECT", "SELECT", "FROM", "X"]]),
        ("SELECT 1e5, 2.5e-3 AS e", [["SELECT", "AS", "E"]]),
        ("SELECT 지역 FROM users", [["SELECT", "지역", "FROM", "USERS"]]),
        (";;  ; -- nothing\n", []),
        ("SELECT 'unterminated; DELETE FROM t", [["SELECT"]]),
    ],
)
def test_outline_splits_statements_outside_literals_and_comments(text: str, statements: list[list[str]]):
    assert outline(text) == statements


@pytest.mark.parametrize(
    ("text", "core"),
    [
        ("SELECT 1;", "SELECT 1"),
        ("SELECT 1 ;  -- bye\n", "SELECT 1"),
        ("SELECT 1 -- a ; in a comment", "SELECT 1"),
        ("  SELECT 'x;' ", "  SELECT 'x;'"),
        ("-- only a comment", ""),
    ],
)
def test_first_statement_drops_what_trails_it(text: str, core: str):
    assert first_statement(text) == core


@pytest.mark.parametrize(
    ("text", "code", "subject"),
    [
        ("", ro.EMPTY, ""),
        ("  ; -- nothing", ro.EMPTY, ""),
        ("SELECT 1; SELECT 2", ro.MULTIPLE, "2"),
        ("SELECT 1 /* ; */ ; DELETE FROM users", ro.MULTIPLE, "2"),
        ("DELETE FROM users", ro.NOT_SELECT, "DELETE"),
        ("  update users set region = 'x'", ro.NOT_SELECT, "UPDATE"),
        ("COPY users TO '/tmp/x.csv'", ro.NOT_SELECT, "COPY"),
        ("(DELETE FROM users)", ro.NOT_SELECT, "DELETE"),
        ("'just a string'", ro.NOT_SELECT, "?"),
        ("SELECT * INTO loot FROM users", ro.WRITE, "SELECT ... INTO"),
        ("SELECT 1" + " " * ro.MAX_QUERY_CHARS, ro.TOO_LONG, f"{ro.MAX_QUERY_CHARS:,}"),
    ],
)
def test_check_text_refuses_with_a_code_and_subject(text: str, code: str, subject: str):
    with pytest.raises(QueryRefused) as caught:
        check_text(text)
    assert (caught.value.code, caught.value.subject) == (code, subject)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "text",
    ["SELECT 1", "with x as (select 1) select * from x", "VALUES (1)", "TABLE users", "(SELECT 1)", "FROM users"],
)
def test_check_text_lets_reads_through(text: str):
    check_text(text)


def test_tree_references_reads_ids_and_ignores_escaped_user_text():
    tree = (
        "({QUERY :commandType 1 :rtable ({RANGETBLENTRY :alias {ALIAS :aliasname x\\ :relid\\ 1259 :colnames <>} "
        ":rtekind 0 :relid 16384 :relkind r} {RANGETBLENTRY :relid 0}) :targetList ({TARGETENTRY :expr "
        "{FUNCEXPR :funcid 2621 :funcresulttype 25 :args ({OPEXPR :opno 96 :opfuncid 0}) } :resname :funcid} "
        "{TARGETENTRY :expr {AGGREF :aggfnoid 2147 :aggtype 20}} {TARGETENTRY :expr {WINDOWFUNC :winfnoid 3100}} "
        "{ROWCOMPAREEXPR :opnos (o 97 521)} {TABLESAMPLECLAUSE :tsmhandler 3313}) :sortClause "
        "({SORTGROUPCLAUSE :eqop 98 :sortop 664 :hashable true}) :windowClause ({WINDOWCLAUSE "
        ":startInRangeFunc 4127 :endInRangeFunc 0})})"
    )
    found = tree_references(tree)
    assert found.relations == {16384}
    assert found.functions == {2621, 2147, 3100, 3313, 4127}
    assert found.operators == {96, 97, 521, 98, 664}
    assert found.types == {25, 20}


def test_tree_references_reads_type_ids_of_constants_casts_and_column_lists():
    tree = (
        "({QUERY :targetList ({TARGETENTRY :expr {CONST :consttype 2205 :consttypmod -1 :constvalue 4 [ 1 0 0 0 ]}} "
        "{TARGETENTRY :expr {RELABELTYPE :arg {VAR :vartype 25} :resulttype 26}}) :rtable ({RANGETBLENTRY "
        ":coltypes (o 23 4089) :jointype 0})})"
    )
    assert tree_references(tree).types == {2205, 25, 26, 23, 4089}


@pytest.mark.parametrize(
    ("name", "schema", "volatility", "allowed"),
    [
        ("upper", "pg_catalog", "i", True),
        ("now", "pg_catalog", "s", True),
        ("random", "pg_catalog", "v", True),
        ("pg_sleep", "pg_catalog", "v", True),
        ("pg_typeof", "pg_catalog", "s", True),
        ("nextval", "pg_catalog", "v", False),
        ("set_config", "pg_catalog", "v", False),
        ("current_setting", "pg_catalog", "s", False),
        ("pg_read_file", "pg_catalog", "v", False),
        ("pg_stat_get_activity", "pg_catalog", "s", False),
        ("pg_get_functiondef", "pg_catalog", "s", False),
        ("table_to_xml", "pg_catalog", "s", False),
        ("query_to_xml", "pg_catalog", "v", False),
        ("ts_stat", "pg_catalog", "v", False),
        ("inet_server_addr", "pg_catalog", "s", False),
        ("txid_current", "pg_catalog", "s", False),
        ("lo_get", "pg_catalog", "v", False),
        ("dblink", "public", "v", False),
        ("my_helper", "public", "i", False),
    ],
)
def test_postgres_function_rule(name: str, schema: str, volatility: str, allowed: bool):
    assert function_allowed(name, schema, volatility) is allowed


@pytest.mark.parametrize(("rows", "seconds"), [(0, 5), (10, 0), (10, 301), (10, -1)])
def test_limits_name_the_field_and_the_rule(rows: int, seconds: float):
    with pytest.raises(ValueError, match=r"^(max_rows: must be at least 1|timeout_seconds: must be more than 0)"):
        Limits(max_rows=rows, timeout_seconds=seconds)
