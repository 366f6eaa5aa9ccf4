"""The ``tradewind`` command: setting up, adding staff and importing rates from a terminal."""

import threading
from collections.abc import Iterator
from decimal import Decimal
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User

from tradewind.cli import main
from tradewind.markets.models import FxRate
from tradewind.markets.tests.factories import DATA

pytestmark = pytest.mark.django_db

PORT = 8101


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("tradewind: error: ")
    return lines[0]


def test_init_creates_the_owner_once(capsys, static_root: Path) -> None:
    code, out, _ = run(capsys, "init", "--owner-email", "boss@example.com")

    assert code == 0
    assert "Database ready." in out
    password = out.split("Owner account: boss@example.com / ")[1].split()[0]
    owner = authenticate(username="boss@example.com", password=password)
    assert owner is not None
    assert owner.is_superuser
    assert list(owner.groups.values_list("name", flat=True)) == ["Owner"]
    assert (static_root / "admin" / "css" / "base.css").exists()

    code, out, _ = run(capsys, "init", "--owner-email", "other@example.com")

    assert code == 0
    assert "Owner account" not in out
    assert User.objects.count() == 1


def test_createstaff_creates_a_staff_user_in_the_role(capsys) -> None:
    code, out, _ = run(
        capsys, "createstaff", "ops@example.com", "--role", "Support", "--password", "tea-kettle-42"
    )

    assert code == 0
    assert out == "Staff account ops@example.com (Support) created.\n"
    user = User.objects.get(username="ops@example.com")
    assert user.is_staff
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Support"]


def test_createstaff_prints_a_generated_password_once(capsys) -> None:
    code, out, _ = run(capsys, "createstaff", "plan@example.com", "--role", "Planner")

    assert code == 0
    password = out.split("Password: ")[1].strip()
    assert authenticate(username="plan@example.com", password=password) is not None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ops@example.com"], "A staff account for ops@example.com already exists."),
        (["OPS@example.com"], "A staff account for OPS@example.com already exists."),
        (["not-an-email"], "'not-an-email' is not a valid email address."),
        (["new@example.com", "--password", "123"], "This password is too short."),
    ],
)
def test_createstaff_refuses_bad_input_in_one_line(capsys, argv: list[str], message: str) -> None:
    run(capsys, "createstaff", "ops@example.com", "--password", "tea-kettle-42")

    code, _, err = run(capsys, "createstaff", *argv)

    assert code == 2
    assert message in one_line_error(err)
    assert User.objects.count() == 1


def test_fx_import_prints_a_summary(capsys) -> None:
    code, out, _ = run(capsys, "fx", "import", str(DATA / "eurofxref-hist.xml"))

    assert code == 0
    assert out == (
        "Imported 12 new, 0 updated and 0 unchanged rates for 4 currencies over 3 days.\n"
    )
    assert FxRate.objects.count() == 12


def test_fx_import_of_a_bad_file_is_a_one_line_error(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "rates.xml"
    bad.write_bytes((DATA / "eurofxref-hist.xml").read_bytes().replace(b'"0.9622"', b'"-1"'))

    code, _, err = run(capsys, "fx", "import", str(bad))

    assert code == 2
    assert one_line_error(err) == (
        f"tradewind: error: {bad} is not an ECB rates file: "
        "rate for CHF on 2025-03-12 must be positive"
    )
    assert not FxRate.objects.exists()


def test_fx_import_of_a_missing_file_is_a_one_line_error(capsys, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.xml"

    code, _, err = run(capsys, "fx", "import", str(missing))

    assert code == 2
    assert (
        one_line_error(err) == f"tradewind: error: cannot read {missing}: No such file or directory"
    )


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean."""


@pytest.fixture
def ecb_server() -> Iterator[str]:
    """The test data served over HTTP on 127.0.0.1, for as long as one test runs."""
    server = ThreadingHTTPServer(("127.0.0.1", PORT), partial(_QuietHandler, directory=DATA))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{PORT}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_fx_import_from_a_url(capsys, ecb_server: str) -> None:
    code, out, _ = run(capsys, "fx", "import", f"{ecb_server}/eurofxref-daily.xml")

    assert code == 0
    assert "Imported 30 new" in out
    assert FxRate.objects.get(currency="JPY").rate == Decimal("161.69")


def test_fx_import_from_a_missing_url_is_a_one_line_error(capsys, ecb_server: str) -> None:
    url = f"{ecb_server}/eurofxref-yesterday.xml"

    code, _, err = run(capsys, "fx", "import", url)

    assert code == 2
    assert one_line_error(err) == f"tradewind: error: cannot read {url}: HTTP 404 File not found"


def test_search_reindex_makes_every_product_findable(capsys) -> None:
    from tradewind.catalog.models import Product
    from tradewind.catalog.search import search_products

    # A bulk write skips the save hooks, as a raw import or SQL fix would.
    [tee] = Product.objects.bulk_create([Product(handle="tee", name="Harbour Tee")])
    assert search_products("harbour") == []

    code, out, _ = run(capsys, "search", "reindex")

    assert (code, out.strip()) == (0, "Indexed 1 products for search.")
    assert search_products("harbour") == [tee.pk]


def test_manage_runs_a_django_command(capsys) -> None:
    code, out, _ = run(capsys, "manage", "showmigrations", "markets")

    assert code == 0
    assert "[X] 0001_initial" in out
