"""Reusable pieces of the NovaEats shop's pages."""
