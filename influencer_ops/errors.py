"""Domain errors: services raise them; views show the message, the API answers 4xx."""


class DomainError(Exception):
    """A rule refused the action; the message is safe to show to the user."""

    status_code = 400


class Conflict(DomainError):
    """The action conflicts with the current state (an illegal transition, a duplicate)."""

    status_code = 409


class Forbidden(DomainError):
    """The actor's role does not allow the action."""

    status_code = 403
