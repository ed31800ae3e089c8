"""Pure parts of the lifecycle: backoff with jitter, poll intervals, the rate limiter, who goes in a
summary, the stored summary line, deadlines."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import ubl_sale_cases
from yupana.domain.summary_from_sales import summary_line_from_sale
from yupana.service.deadlines import deadline_of
from yupana.service.lifecycle import RateLimiter, goes_in_summary
from yupana.service.retry_schedule import PollSchedule, RetrySchedule
from yupana.service.summary_lines import summary_line_from_json, summary_line_json
from yupana.store.models import Document


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    schedule = RetrySchedule(base=2, factor=2, maximum=60, max_attempts=5)
    rng = random.Random(1)
    for attempt, ceiling in [(1, 2), (2, 4), (3, 8), (4, 16), (6, 60), (20, 60)]:
        delays = [schedule.delay(attempt, rng=rng) for _ in range(200)]
        assert min(delays) >= ceiling / 2 and max(delays) <= ceiling
        assert len(set(delays)) > 100  # jittered, not one value
    assert schedule.delay(1, retryable=False) == 60
    now = datetime(2026, 12, 7, tzinfo=UTC)
    assert schedule.next_at(now, 4) is not None
    assert schedule.next_at(now, 5) is None  # out of attempts


def test_polls_slow_down_up_to_a_ceiling() -> None:
    poll = PollSchedule(first=1, factor=2, maximum=10)
    assert [poll.delay(n) for n in range(6)] == [1, 2, 4, 8, 10, 10]


def test_rate_limiter_spaces_sends_per_company() -> None:
    clock = [0.0]
    limiter = RateLimiter(clock=lambda: clock[0])
    waits = [limiter.wait(1, 1000.0) for _ in range(1010)]  # a burst of one second, then 10 more
    assert waits[0] == 0.0
    assert waits[:1000] == [0.0] * 1000 and all(w > 0 for w in waits[1000:])  # the bucket ran dry
    assert limiter.wait(2, 1000.0) == 0.0  # another company has its own bucket
    assert limiter.wait(1, None) == 0.0


def test_who_goes_in_a_summary() -> None:
    assert goes_in_summary("03", "B001")
    assert goes_in_summary("07", "B001") and goes_in_summary("08", "b002")
    assert not goes_in_summary("07", "F001") and not goes_in_summary("01", "F001")
    assert not goes_in_summary("03", "B001", boletas_individually=True)


def test_summary_line_round_trip() -> None:
    from yupana.service.families import family_of

    for sale in (
        ubl_sale_cases.boleta_dni(),
        ubl_sale_cases.boleta_icbper(),
        ubl_sale_cases.nota_credito_boleta(),
    ):
        family_of(sale).complete(sale)
        stored = summary_line_json(sale)
        assert set(stored["customer"]) == {"tipo_documento", "numero_documento", "razon_social"}
        for estado in ("1", "3"):
            line = summary_line_from_json(stored, estado)
            expected = summary_line_from_sale(sale, estado)
            expected.customer = line.customer  # only the customer's identity is kept
            assert line == expected


def _document(**values: object) -> Document:
    base: dict[str, object] = {
        "tipo_documento": "01",
        "serie": "F001",
        "correlativo": 1,
        "issue_date": date(2026, 12, 1),
        "state": "01",
        "attempts": 0,
        "next_attempt_at": None,
    }
    base.update(values)
    return Document(**base)


def test_deadlines_by_kind() -> None:
    issued = date(2026, 12, 1)
    assert deadline_of(_document(), False) == ("send", issued + timedelta(days=3))
    assert deadline_of(_document(tipo_documento="07", serie="B001"), False) == (
        "summary",
        issued + timedelta(days=7),
    )
    assert deadline_of(_document(tipo_documento="07", serie="B001"), True) == (
        "send",
        issued + timedelta(days=5),
    )
    assert deadline_of(_document(tipo_documento="03", serie="B001", state="13"), False) == (
        "void",
        issued + timedelta(days=7),
    )
    assert deadline_of(_document(state="05"), False) is None
    assert deadline_of(_document(serie="0001"), False) is None  # contingency
    assert deadline_of(_document(tipo_documento="RC", serie="20261201"), False) is None


def test_failures_that_may_have_reached_sunat() -> None:
    from yupana.service.lifecycle import may_have_arrived

    for error in (
        "TIMEOUT: ReadTimeout",
        "CONNECTION: reset",
        "HTTP-503: busy",
        "INTERRUPTED: x",
        "MALFORMED: y",
    ):
        assert may_have_arrived(error), error
    for error in (
        None,
        "",
        "0109: servicio no disponible",
        "HTTP-429: slow down",
        "UNREACHABLE: no endpoint",
    ):
        assert not may_have_arrived(error), error
