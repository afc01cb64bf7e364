"""Storage, warehouse, marts and statistics. Imports no other project package."""
