"""CFT practices: the library, therapists' recordings, the guided player and practice logs."""
