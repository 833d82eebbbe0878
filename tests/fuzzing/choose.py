"""One way of making choices, over a seeded `random.Random` (the long run) or a Hypothesis `draw` (the tests).

The generators in `generate` are written against `Chooser`, so the same code
makes the long run's cases and Hypothesis's examples; through `DrawChooser`
every choice is a Hypothesis draw, so failing examples shrink.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from hypothesis import strategies as st

T = TypeVar("T")


class Chooser(Protocol):
    def integer(self, lo: int, hi: int) -> int:
        """An integer in [lo, hi]; shrinks towards lo."""
        ...

    def choice(self, options: Sequence[T]) -> T:
        """One of the options; shrinks towards the first."""
        ...

    def chance(self, p: float) -> bool:
        """True with probability p; shrinks towards False."""
        ...


class RandomChooser:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def choice(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p


class DrawChooser:
    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any]) -> None:
        self.draw = draw

    def integer(self, lo: int, hi: int) -> int:
        value: int = self.draw(st.integers(lo, hi))
        return value

    def choice(self, options: Sequence[T]) -> T:
        return options[self.draw(st.integers(0, len(options) - 1))]  # type: ignore[no-any-return]

    def chance(self, p: float) -> bool:
        return bool(self.draw(st.integers(0, 999)) >= 1000 - round(p * 1000))
