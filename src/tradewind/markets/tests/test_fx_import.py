"""Importing ECB reference-rate files: every rate or none, and again without duplicates."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tradewind.markets.fx import FxFormatError
from tradewind.markets.models import FxRate
from tradewind.markets.services import fx_table, import_ecb_rates
from tradewind.markets.tests.factories import DATA, fx_rate

DAILY = (DATA / "eurofxref-daily.xml").read_bytes()
HIST = (DATA / "eurofxref-hist.xml").read_bytes()

pytestmark = pytest.mark.django_db


def stored() -> set[tuple[str, datetime, Decimal, str]]:
    return set(FxRate.objects.values_list("currency", "effective_at", "rate", "source"))


def test_daily_file_stores_every_currency_for_its_day() -> None:
    result = import_ecb_rates(DAILY)

    assert (result.created, result.updated, result.unchanged) == (30, 0, 0)
    assert (result.days, result.currencies) == (1, 30)
    usd = FxRate.objects.get(currency="USD")
    assert usd.rate == Decimal("1.0880")
    assert usd.source == FxRate.Source.ECB
    assert usd.effective_at == datetime(2025, 3, 14, 16, 0, tzinfo=UTC)
    assert FxRate.objects.get(currency="IDR").rate == Decimal("17855.49")


def test_history_file_keeps_each_day_apart() -> None:
    result = import_ecb_rates(HIST)

    assert (result.created, result.days, result.currencies) == (12, 3, 4)
    on_13th = fx_table(datetime(2025, 3, 13, 18, 0, tzinfo=UTC))
    assert on_13th.per_euro == {
        "USD": Decimal("1.0856"),
        "JPY": Decimal("160.96"),
        "GBP": Decimal("0.83775"),
        "CHF": Decimal("0.9583"),
    }


def test_a_days_rate_is_not_used_before_the_ecb_publishes_it() -> None:
    import_ecb_rates(HIST)

    # The ECB publishes around 16:00 CET; at noon UTC the 14th still runs on the 13th's rates.
    noon = fx_table(datetime(2025, 3, 14, 12, 0, tzinfo=UTC))

    assert noon.per_euro["USD"] == Decimal("1.0856")


def test_reimport_is_idempotent() -> None:
    import_ecb_rates(HIST)
    before = stored()

    again = import_ecb_rates(HIST)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 12)
    assert stored() == before


def test_reimport_applies_corrections_in_place() -> None:
    import_ecb_rates(HIST)
    corrected = HIST.replace(b'rate="1.0856"', b'rate="1.0857"')

    result = import_ecb_rates(corrected)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 11)
    assert FxRate.objects.count() == 12
    on_13th = datetime(2025, 3, 13, 16, 0, tzinfo=UTC)
    assert FxRate.objects.get(currency="USD", effective_at=on_13th).rate == Decimal("1.0857")


def test_ecb_rate_replaces_a_manual_rate_at_the_same_moment() -> None:
    fx_rate("USD", "1.2", datetime(2025, 3, 14, 16, 0, tzinfo=UTC))

    result = import_ecb_rates(DAILY)

    assert (result.created, result.updated) == (29, 1)
    usd = FxRate.objects.get(currency="USD")
    assert (usd.rate, usd.source) == (Decimal("1.0880"), FxRate.Source.ECB)


MALFORMED = [
    pytest.param(b"USD;1.0880\nJPY;161.69\n", "not well-formed XML", id="not-xml"),
    pytest.param(HIST[:400], "not well-formed XML", id="truncated"),
    pytest.param(
        HIST.replace(b"www.ecb.int/vocabulary", b"example.com/vocabulary"),
        "no <Cube time",
        id="wrong-namespace",
    ),
    pytest.param(
        b'<?xml version="1.0"?><gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/'
        b'2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">'
        b"<gesmes:subject>Reference rates</gesmes:subject></gesmes:Envelope>",
        "no <Cube time",
        id="no-cube",
    ),
    pytest.param(
        HIST.replace(b'rate="0.9622"', b'rate="abc"'), "bad rate 'abc' for CHF", id="bad-rate"
    ),
    pytest.param(
        HIST.replace(b'rate="0.9622"', b'rate="-0.9622"'), "must be positive", id="negative"
    ),
    pytest.param(HIST.replace(b'rate="0.9622"', b'rate="0"'), "must be positive", id="zero"),
    pytest.param(HIST.replace(b'rate="0.9622"', b'rate="NaN"'), "must be positive", id="nan"),
    pytest.param(HIST.replace(b'rate="0.9622"', b'rate="1e12"'), "too large", id="absurdly-large"),
    pytest.param(
        HIST.replace(b'time="2025-03-12"', b'time="2025-02-30"'),
        "bad date '2025-02-30'",
        id="bad-date",
    ),
    pytest.param(
        HIST.replace(b'currency="CHF" rate="0.9622"', b'currency="C1F" rate="0.9622"'),
        "bad currency 'C1F'",
        id="bad-currency",
    ),
    pytest.param(
        HIST.replace(b'time="2025-03-12"', b'time="2025-03-13"'),
        "quoted twice on 2025-03-13",
        id="duplicate-day",
    ),
]


@pytest.mark.parametrize(("content", "message"), MALFORMED)
def test_malformed_file_is_refused_and_nothing_is_stored(content: bytes, message: str) -> None:
    import_ecb_rates(DAILY)
    before = stored()

    with pytest.raises(FxFormatError, match=message):
        import_ecb_rates(content)

    assert stored() == before


def test_xml_entity_bombs_are_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><Cube>&lol2;</Cube>'
    )

    with pytest.raises(FxFormatError, match="unsafe XML refused"):
        import_ecb_rates(bomb)
    assert not FxRate.objects.exists()


def test_summary_reads_as_a_sentence() -> None:
    usd_only = b"\n".join(
        line for line in HIST.splitlines() if b"currency=" not in line or b'"USD"' in line
    )

    assert import_ecb_rates(DAILY).summary() == (
        "Imported 30 new, 0 updated and 0 unchanged rates for 30 currencies over 1 day."
    )
    assert import_ecb_rates(usd_only).summary() == (
        "Imported 2 new, 0 updated and 1 unchanged rates for 1 currency over 3 days."
    )
