"""Questionnaire views: the client's side and the clinician's side."""
