"""The results page's number formats: the one set in ``marts.display``, which the retrospective uses too."""

from marts.display import DASH, MINUS, chance, count, interval, lift, percent, unit_of, value

__all__ = ["DASH", "MINUS", "chance", "count", "interval", "lift", "percent", "unit_of", "value"]
