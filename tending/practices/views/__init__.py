"""Practices views, one module per area: library, player, history, recordings."""
