"""Warehouse generator: a deterministic, persona-driven history of the NovaEats shop."""

from marts.warehouse.catalog import RESTAURANTS, menu_items_frame, restaurants_frame
from marts.warehouse.generator import Warehouse, generate, load
from marts.warehouse.personas import DEFAULT_PROFILES, HistoryProfile

__all__ = [
    "DEFAULT_PROFILES",
    "RESTAURANTS",
    "HistoryProfile",
    "Warehouse",
    "generate",
    "load",
    "menu_items_frame",
    "restaurants_frame",
]
