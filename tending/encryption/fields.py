"""A text field whose contents are encrypted in the database and fail closed when read."""

from __future__ import annotations

from typing import Any

from django.db import models

from tending.encryption.keys import decrypt, encrypt, is_ciphertext


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Store text encrypted; decrypt only when loading from the database.

    `to_python` never tries to decrypt (that guess is how other packages end up showing or
    re-encrypting ciphertext); only `from_db_value` does, and it raises when it cannot. The
    empty string is stored as it is, so "no note" needs no key.
    """

    description = "Text encrypted at rest"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if is_ciphertext(str(value)):
            # Already encrypted under a current key (a raw value copied back, or loaded from a
            # dump): store it as it is. Encrypting it again would later show ciphertext as text.
            return value
        return encrypt(str(value))

    def value_to_string(self, obj: Any) -> str:
        """Serialise (dumpdata) the stored, encrypted form: dumps never hold plaintext."""
        value = self.value_from_object(obj)
        return self.get_prep_value(value) or ""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        # Comparing ciphertexts is meaningless (each encryption differs); only null checks work.
        if lookup_name not in {"isnull"}:
            return None
        return super().get_lookup(lookup_name)
