"""A string that refuses to show itself.

Every password, passcode and TOTP secret travels wrapped in `Secret`, so a
stray `print`, f-string, `repr` in a traceback or pydantic dump shows a mask
instead of the value. Only `reveal()` gives the value, and only the code that
types it into a page or computes a passcode calls it.
"""

from __future__ import annotations

MASK = "********"


class Secret:
    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __repr__(self) -> str:
        return f"Secret({MASK})" if self._value else "Secret('')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __reduce__(self) -> tuple:  # pragma: no cover - defensive
        raise TypeError("Secret values are never pickled")
