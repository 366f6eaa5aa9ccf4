"""VAT IDs: format and checksum offline, the register when it can be reached."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from tradewind.tax.vatid import OfflineVerifier, VatIdStatus, check_vat_id
from tradewind.tax.vies import ViesRestVerifier


@pytest.mark.parametrize(
    ("raw", "default_country", "number", "country"),
    [
        ("DE136695976", "FR", "DE136695976", "DE"),
        ("de 136 695 976", "FR", "DE136695976", "DE"),
        ("EL094259216", "GR", "EL094259216", "GR"),
        ("ATU13585627", "AT", "ATU13585627", "AT"),
        ("GB980780684", "GB", "GB980780684", "GB"),
        ("CHE-116.281.710 MWST", "CH", "CHE116281710MWST", "CH"),
        ("51 824 753 556", "AU", "51824753556", "AU"),
    ],
)
def test_well_formed_numbers_are_format_valid(
    raw: str, default_country: str, number: str, country: str
) -> None:
    check = check_vat_id(raw, default_country)
    assert (check.number, check.country, check.status) == (number, country, VatIdStatus.UNVERIFIED)


@pytest.mark.parametrize("raw", ["DE136695977", "ATU13585626", "garbage!!", "", "FR"])
def test_bad_numbers_are_invalid_with_a_reason(raw: str) -> None:
    check = check_vat_id(raw, "DE")
    assert check.status is VatIdStatus.INVALID
    assert check.reason


def test_a_number_of_a_country_without_checksum_rules_stays_unverified() -> None:
    check = check_vat_id("300000000000003", "SA")
    assert check.status is VatIdStatus.UNVERIFIED
    assert "no checksum rule" in check.reason


def test_a_non_string_vat_id_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        check_vat_id(136695976, "DE")  # type: ignore[arg-type]


def test_the_offline_verifier_keeps_a_valid_number_unverified() -> None:
    checked = OfflineVerifier().verify(check_vat_id("DE136695976", "DE"))
    assert checked.status is VatIdStatus.UNVERIFIED
    assert "offline" in checked.reason


class FakeVies(BaseHTTPRequestHandler):
    registered = {"DE136695976"}
    requests: list[dict[str, str]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeVies.requests.append(body)
        number = body["countryCode"] + body["vatNumber"]
        payload = json.dumps({"valid": number in self.registered, "name": "Example GmbH"})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload.encode())

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def fake_vies() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), FakeVies)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    FakeVies.requests = []
    try:
        yield f"http://127.0.0.1:{server.server_port}/check-vat-number"
    finally:
        server.shutdown()
        server.server_close()


def test_vies_confirms_a_registered_number(fake_vies: str) -> None:
    checked = ViesRestVerifier(fake_vies).verify(check_vat_id("DE136695976", "DE"))
    assert checked.status is VatIdStatus.VALID
    assert checked.checked_by == "vies"
    assert FakeVies.requests == [{"countryCode": "DE", "vatNumber": "136695976"}]


def test_vies_rejects_an_unregistered_number(fake_vies: str) -> None:
    checked = ViesRestVerifier(fake_vies).verify(check_vat_id("ATU13585627", "AT"))
    assert checked.status is VatIdStatus.INVALID


def test_vies_is_not_asked_about_a_malformed_number(fake_vies: str) -> None:
    checked = ViesRestVerifier(fake_vies).verify(check_vat_id("DE136695977", "DE"))
    assert checked.status is VatIdStatus.INVALID
    assert FakeVies.requests == []


def test_an_unreachable_register_leaves_the_number_unverified() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago has no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    verifier = ViesRestVerifier(f"http://127.0.0.1:{port}/check-vat-number", timeout=1)
    checked = verifier.verify(check_vat_id("DE136695976", "DE"))
    assert checked.status is VatIdStatus.UNVERIFIED
    assert checked.checked_by == "vies-unavailable"
    assert "could not be reached" in checked.reason
