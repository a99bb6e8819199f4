"""Homework views: the client's Today page and the clinician's assignment pages."""
