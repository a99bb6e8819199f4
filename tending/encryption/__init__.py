"""Encryption of sensitive free text at rest, failing closed.

Values are stored as "f1:" + a Fernet token (AES-128-CBC with HMAC-SHA256). The keys come from
`TENDING_FIELD_ENCRYPTION_KEYS` (newest first), never from SECRET_KEY. A wrong, missing or
rotated-away key raises `DecryptionError`: ciphertext is never shown as text and never
encrypted a second time, unlike the common packages (shared/reliability-plan.md section 5).
"""
