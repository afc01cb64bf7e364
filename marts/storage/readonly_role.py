"""The SQL lab's guarantee on PostgreSQL: its queries run as a role that can read only the allowed tables.

PostgreSQL checks privileges on every table a statement reads when the statement starts, whatever names, CTEs,
views or functions led to it. So the lab's transaction takes ``SET LOCAL ROLE`` to a role made for the set of
tables it may read, and the server itself refuses the rest ("permission denied for table runs"), even when the app's
own user owns every table or is a superuser.

The role (``novarium_lab_`` and a digest of the table names) is created by the app the first time it is needed: a
NOLOGIN, NOINHERIT role with no attribute and no membership, granted to the app's user so it may take it. Roles
belong to the whole server, grants to one database: before each lab query the grants here are compared with the
allowed set (one catalog query) and made equal to it when they differ (REVOKE ALL, then GRANT SELECT on each allowed
table and USAGE on the schema). Nothing else is granted, so a table added later, a hidden table, a sequence or a
view stays unreadable until it is allowed.

The app's user needs CREATEROLE (or a superuser) the first time, or an administrator creates the role and grants it;
without it the SQL lab says so and runs nothing.
"""

import hashlib

import psycopg
from psycopg import sql

from marts.storage.readonly import unavailable

ROLE_PREFIX = "novarium_lab_"
LOCK_KEY = "novarium_sql_lab_roles"
READABLE_KINDS = ("r", "p", "v", "m", "f")
DUPLICATE = ("42710", "23505")  # duplicate_object, unique_violation: another session created the role first


def role_name(tables: frozenset[str]) -> str:
    """The role for a set of readable tables: the same set always gets the same role."""
    digest = hashlib.sha256(",".join(sorted(tables)).encode()).hexdigest()[:12]
    return f"{ROLE_PREFIX}{digest}"


def prepare_role(connection: psycopg.Connection, tables: frozenset[str]) -> str:
    """The lab role for ``tables``, existing, takeable by the app's user and granted exactly ``tables`` here.

    ``connection`` is in autocommit mode. Raises QueryFailed (``UNAVAILABLE``) when that cannot be made true.
    """
    role = role_name(tables)
    if _problem(connection, role, tables) is None:
        return role
    for attempt in range(2):
        try:
            _grant(connection, role, tables)
            break
        except psycopg.Error as error:
            if error.sqlstate not in DUPLICATE or attempt:
                raise unavailable(_advice(role, error)) from None
    problem = _problem(connection, role, tables)
    if problem is not None:
        raise unavailable(problem)
    return role


def _problem(connection: psycopg.Connection, role: str, tables: frozenset[str]) -> str | None:
    """What is wrong with the role here (None when nothing is): missing, not takeable, or reads the wrong tables."""
    row = connection.execute(
        "SELECT r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolcanlogin OR r.rolbypassrls OR r.rolreplication,"
        " EXISTS (SELECT 1 FROM pg_auth_members AS m WHERE m.member = r.oid),"
        " pg_has_role(session_user, r.oid, 'MEMBER') FROM pg_roles AS r WHERE r.rolname = %s",
        [role],
    ).fetchone()
    if row is None:
        return f"the role {role} does not exist"
    privileged, member_of_others, takeable = row
    if privileged or member_of_others:
        return f"the role {role} has attributes or memberships of its own; drop it and let the app create it"
    if not takeable:
        return f"the app's database user may not take the role {role}"
    readable = {
        name
        for name, can_read in connection.execute(
            "SELECT c.relname, CASE WHEN c.relkind = 'S' THEN has_sequence_privilege(%s, c.oid, 'SELECT,USAGE') "
            "ELSE has_any_column_privilege(%s, c.oid, 'SELECT') END FROM pg_class AS c "
            "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = ANY(%s)",
            [role, role, [*READABLE_KINDS, "S"]],
        )
        if can_read
    }
    wanted = tables & _existing(connection)
    if readable == wanted:
        return None
    extra = sorted(readable - wanted)
    if extra:
        return f"the role {role} can read {', '.join(extra)} (granted to PUBLIC?); revoke that"
    return f"the role {role} cannot read {', '.join(sorted(wanted - readable))}"


def _existing(connection: psycopg.Connection) -> set[str]:
    rows = connection.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = ANY(%s)",
        [list(READABLE_KINDS)],
    )
    return {row[0] for row in rows}


def _grant(connection: psycopg.Connection, role: str, tables: frozenset[str]) -> None:
    """Create the role if missing, let the app's user take it, and grant it exactly ``tables`` here."""
    name = sql.Identifier(role)
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [LOCK_KEY])
        exists, superuser = connection.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s), "
            "(SELECT rolsuper FROM pg_roles WHERE rolname = session_user)",
            [role],
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE ROLE {} NOLOGIN NOINHERIT").format(name))
        if not superuser:
            connection.execute(sql.SQL("GRANT {} TO SESSION_USER").format(name))
        schema = sql.Identifier(connection.execute("SELECT current_schema()").fetchone()[0])
        connection.execute(sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(schema, name))
        connection.execute(sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA {} FROM {}").format(schema, name))
        connection.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, name))
        readable = sorted(tables & _existing(connection))
        if readable:
            targets = sql.SQL(", ").join(sql.Identifier(table) for table in readable)
            connection.execute(sql.SQL("GRANT SELECT ON {} TO {}").format(targets, name))


def _advice(role: str, error: psycopg.Error) -> str:
    line = (str(error).strip().splitlines() or [type(error).__name__])[0]
    if error.sqlstate == "42501":
        return f"its database role {role} cannot be created or granted ({line}); give the app's user CREATEROLE"
    return f"its database role {role} cannot be prepared ({line})"
