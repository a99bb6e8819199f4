"""Test support shared by every app's tests: the personas and how to sign them in."""
