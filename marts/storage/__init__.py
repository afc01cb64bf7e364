"""Storage: the Store protocol, its DuckDB and PostgreSQL implementations, and versioned migrations."""

from marts.storage.errors import SchemaTooNew, StorageError, StorageUnavailable
from marts.storage.factory import DUCKDB_FILE, open_store
from marts.storage.store import DuckDBStore, PostgresStore, Store

__all__ = [
    "DUCKDB_FILE",
    "DuckDBStore",
    "PostgresStore",
    "SchemaTooNew",
    "StorageError",
    "StorageUnavailable",
    "Store",
    "open_store",
]
