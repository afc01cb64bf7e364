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
    # Never a wildcard: Reflex sends credentials. `novarium serve` sets REFLEX_CORS_ALLOWED_ORIGINS to the app's own
    # origins for the configured host and port; this default covers the default port.
    cors_allowed_origins=["http://localhost:3000", "http://127.0.0.1:3000"],
)
