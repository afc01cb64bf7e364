"""Reusable UI pieces of the Lab."""
