"""The one error type that services raise: a field and a message a PES clerk understands."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str
    existing_id: int | None = None  # the record the input collides with, when the actor may open it


class DomainError(Exception):
    """Raised by services when input is rejected; nothing has been written when it is raised."""

    def __init__(self, field: str | FieldError | list[FieldError], message: str = "") -> None:
        if isinstance(field, list):
            self.errors = field
        elif isinstance(field, FieldError):
            self.errors = [field]
        else:
            self.errors = [FieldError(field, message)]
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors))

    def as_dicts(self) -> list[dict[str, str | int]]:
        return [
            {"field": e.field, "message": e.message}
            | ({"existing_id": e.existing_id} if e.existing_id is not None else {})
            for e in self.errors
        ]


class NotFound(Exception):
    """A record that does not exist or lies outside the actor's jurisdiction: both look the same."""
