"""Pure statistics engine."""
