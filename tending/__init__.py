"""Tending: a self-hostable web platform for Compassion-Focused Therapy."""
