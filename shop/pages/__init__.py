"""The NovaEats shop's Reflex pages under /shop."""
