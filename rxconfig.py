"""Reflex configuration only; app settings come from novarium_app.settings."""

import reflex as rx

config = rx.Config(
    app_name="novarium_app",
    telemetry_enabled=False,
    # One process holds the embedded DuckDB file, so state lives in that process's memory (no Redis).
    state_manager_mode="memory",
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(appearance="inherit", accent_color="violet", gray_color="slate", radius="large")
        )
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
    show_built_with_reflex=False,
)
