"""Command groups of the ``novarium`` CLI, registered in ``novarium_app.cli``."""
