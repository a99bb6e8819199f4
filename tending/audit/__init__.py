"""The append-only audit trail. Write to it only through `tending.audit.services.record`."""
