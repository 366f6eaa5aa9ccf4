"""VIES (the EU's VAT Information Exchange System) lookup over its REST interface.

No Django here. Any failure to reach the register (offline, timeout, member-state system
down) leaves the number unverified rather than failing the checkout: the format and
checksum were already checked, and the quote says the register was not consulted.
"""

from __future__ import annotations

import json
from dataclasses import replace
from urllib.error import URLError
from urllib.request import Request, urlopen

from tradewind.tax.vatid import VatIdCheck, VatIdStatus

VIES_URL = "https://ec.europa.eu/taxation_customs/vies/rest-api/check-vat-number"


class ViesRestVerifier:
    def __init__(self, url: str = VIES_URL, timeout: float = 5.0) -> None:
        self.url = url
        self.timeout = timeout

    def verify(self, check: VatIdCheck) -> VatIdCheck:
        if check.status is VatIdStatus.INVALID or not check.is_eu:
            return check
        body = json.dumps({"countryCode": check.number[:2], "vatNumber": check.number[2:]})
        request = Request(
            self.url,
            data=body.encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urlopen(request, timeout=self.timeout) as response:
                payload = json.loads(response.read())
        except (URLError, OSError, ValueError) as exc:
            return replace(
                check,
                reason=f"format and checksum are valid; VIES could not be reached ({exc})",
                checked_by="vies-unavailable",
            )
        verdict = payload.get("valid") if isinstance(payload, dict) else None
        if verdict is True:
            name = payload.get("name") or ""
            return replace(
                check,
                status=VatIdStatus.VALID,
                reason=f"confirmed by VIES{': ' + name if name and name != '---' else ''}",
                checked_by="vies",
            )
        if verdict is False:
            return replace(
                check,
                status=VatIdStatus.INVALID,
                reason="VIES reports the number as not valid for intra-EU supplies",
                checked_by="vies",
            )
        error = (
            payload.get("userError", "no verdict") if isinstance(payload, dict) else "no verdict"
        )
        return replace(
            check,
            reason=f"format and checksum are valid; VIES gave no verdict ({error})",
            checked_by="vies-unavailable",
        )
