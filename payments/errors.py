"""The payments app's refusal of several fields at once (a schedule, payout details)."""

from __future__ import annotations

from influencer_ops.errors import DomainError


class FieldsInvalid(DomainError):
    """Values refused together; ``errors`` maps each field to its messages. Forms show them
    through ``form_add_domain_error`` (each on its field), the API as a 400 per field."""

    def __init__(self, errors: dict[str, list[str]], message: str) -> None:
        self.errors = errors
        super().__init__(message)

    def field_errors(self) -> dict[str | None, list[str]]:
        return {name: list(messages) for name, messages in self.errors.items()}
