"""Warehouse generator: a deterministic, persona-driven history of the NovaEats shop."""
