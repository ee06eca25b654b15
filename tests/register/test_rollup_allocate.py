"""Sharing out money to the cent: the one-share shortcut gives what the general rule gives."""

from __future__ import annotations

import random
from decimal import ROUND_DOWN, Decimal

from cajad.register.rollup import allocate

CENT = Decimal("0.01")


def _general(amount: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """The largest-remainder rule written out in full (the reference for the shortcut)."""
    total = sum(shares, Decimal(0))
    if not shares or total == 0:
        return [amount] if shares else []
    raw = [amount * s / total for s in shares]
    parts = [r.quantize(CENT, rounding=ROUND_DOWN) for r in raw]
    left = int((amount - sum(parts, Decimal(0))) / CENT)
    step = CENT if left >= 0 else -CENT
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=left >= 0)
    for i in order[: abs(left)]:
        parts[i] += step
    return parts


def test_one_share_gives_what_the_general_rule_gives() -> None:
    rng = random.Random(7)
    weights = ["100", "33.3", "33.333333333333", "0.001", "1", "12.5", "-3", "0"]
    for _ in range(20_000):
        amount = Decimal(rng.randint(-(10**14), 10**14)).scaleb(-rng.choice([0, 2, 3, 7]))
        shares = [Decimal(rng.choice(weights))]
        got, want = allocate(amount, shares), _general(amount, shares)
        assert [str(x) for x in got] == [str(x) for x in want], (amount, shares)


def test_several_shares_add_up_to_the_amount() -> None:
    parts = allocate(Decimal("100.00"), [Decimal(1), Decimal(1), Decimal(1)])
    assert parts == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert sum(parts) == Decimal("100.00")
