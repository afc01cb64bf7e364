"""shop package."""
