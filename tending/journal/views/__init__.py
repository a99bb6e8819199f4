"""The journal's pages: the client's own (entries, letters) and the clinician's (shared only)."""
