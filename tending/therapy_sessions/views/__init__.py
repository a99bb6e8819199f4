"""Therapy session views, one module per area: records, signing, development."""
