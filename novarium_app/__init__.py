"""NovaRium's Lab: the Reflex app, the `novarium` CLI and the settings (the composition root)."""

__version__ = "0.1.0"
