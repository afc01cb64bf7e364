"""The warehouse: the NovaEats catalog, the shape of its history and loading it (``swarm.history`` generates it)."""

from marts.warehouse.catalog import RESTAURANTS, menu_items_frame, restaurants_frame
from marts.warehouse.generator import Warehouse, load

__all__ = ["RESTAURANTS", "Warehouse", "load", "menu_items_frame", "restaurants_frame"]
