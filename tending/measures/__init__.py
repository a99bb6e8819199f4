"""Questionnaires: definitions, exact scoring, reliable change, risk alerts and FHIR export."""
