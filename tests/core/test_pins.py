"""The one home of PIN rules (core/pins.py): what is kept, what is checked, when a name locks."""

from __future__ import annotations

import pytest

from navtool_desktop.core import pins
from navtool_desktop.core.participation import rating_progress
from navtool_desktop.core.records import Participant, Rating


def test_only_a_salted_slow_hash_is_kept_and_it_checks_the_pin() -> None:
    first, second = pins.hash_pin("0420"), pins.hash_pin("0420")
    assert first != second  # a new salt each time
    assert first.startswith("scrypt$14$8$1$") and "0420" not in first
    assert pins.is_pin_hash(first)
    assert pins.check_pin("0420", first) and pins.check_pin("0420", second)
    assert not pins.check_pin("0421", first)


@pytest.mark.parametrize("pin", ["", "123", "12345", "12a4", " 123", "١٢٣٤", None, 1234])
def test_a_pin_is_four_ascii_digits(pin: object) -> None:
    assert not pins.valid_pin(pin)
    with pytest.raises(ValueError):
        pins.hash_pin(pin)  # type: ignore[arg-type]


@pytest.mark.parametrize("stored", ["", "plain", "scrypt$30$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,
                                    "scrypt$14$8$1$!!!!$" + "A" * 44, "pbkdf2$1$x$y"])
def test_a_malformed_or_too_costly_hash_never_checks(stored: str) -> None:
    assert not pins.check_pin("1234", stored)


def test_five_wrong_tries_lock_for_five_minutes_from_the_fifth_oldest() -> None:
    tries = [100.0, 110.0, 120.0, 130.0]
    assert pins.locked_for(tries, 140.0) == 0
    tries.append(140.0)
    assert pins.locked_for(tries, 140.0) == pytest.approx(pins.PIN_LOCK_SECONDS - 40)
    assert pins.locked_for(tries, 100.0 + pins.PIN_LOCK_SECONDS) == 0  # the oldest no longer counts
    assert pins.minutes_left(pins.PIN_LOCK_SECONDS) == 5 and pins.minutes_left(1) == 1
    # tries dated in the future (a clock turned back) count as now, not as a day-long lock
    assert pins.locked_for([10_000.0] * 5, 0.0) == pins.PIN_LOCK_SECONDS


def test_progress_by_group_names_people_and_never_levels() -> None:
    ana = Participant(name="Ana", role_group="educator")
    bo = Participant(name="Bo", role_group="educator")
    cy = Participant(code="L-1", role_group="learner")
    ratings = [Rating(participant_id=ana.id, competency_id=c, level="refining") for c in ("a.x", "a.y")]
    ratings.append(Rating(participant_id=bo.id, competency_id="a.x", level="developing"))
    ratings.append(Rating(participant_id=cy.id, competency_id="z.out-of-scope", level="developing"))
    progress = rating_progress([cy, bo, ana], ratings, ["a.x", "a.y"])
    assert [(g.role_group, g.finished, g.started, g.not_started) for g in progress] == [
        ("educator", ("Ana",), ("Bo",), ()), ("learner", (), (), ("L-1",))]
    assert "refining" not in repr(progress) and "developing" not in repr(progress)


def test_a_kept_hash_with_other_costs_is_not_a_pin_hash() -> None:
    """A planted file must not make a PIN cheap to crack, nor make one check take gigabytes."""
    made = pins.hash_pin("0420")
    salt_and_digest = made.split("$", 4)[4]
    for cost in ("10$1$1", "20$16$4", "14$8$2", "15$8$1"):
        assert not pins.is_pin_hash(f"scrypt${cost}${salt_and_digest}")
        assert not pins.check_pin("0420", f"scrypt${cost}${salt_and_digest}")
    assert pins.is_pin_hash(made) and pins.check_pin("0420", made)


def test_a_pin_hash_written_by_hashlib_scrypt_still_checks() -> None:
    """The earlier versions hashed with hashlib.scrypt; the bundle has no _hashlib now, so PINs
    hash with cryptography's scrypt. Same algorithm and settings: a PIN set before still opens."""
    before = "scrypt$14$8$1$AAECAwQFBgcICQoLDA0ODw==$zqTxOQ9+JdPlblLqzTpgLMM2UTmilg/97SVoXbGeuf8="
    assert pins.check_pin("2468", before)
    assert not pins.check_pin("2469", before)
