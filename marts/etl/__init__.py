"""ETL: idempotent builders of the marts."""
