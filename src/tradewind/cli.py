"""The ``tradewind`` command: set up, run and feed the store from a terminal."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Callable, Sequence

Handler = Callable[[argparse.Namespace], int]


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tradewind.settings")
    import django

    django.setup()


class CommandError(Exception):
    """A problem to report to the operator as one clear line, without a traceback."""


def _migrate(verbose: bool = False) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if verbose else 0)
    call_command("collectstatic", interactive=False, verbosity=0)


def _ensure_owner(email: str, password: str | None) -> tuple[str, str | None]:
    """Create the owner account once; returns (email, password if newly generated)."""
    from django.contrib.auth import get_user_model

    from tradewind.core.staff import create_staff

    if get_user_model().objects.filter(is_superuser=True).exists():
        return email, None
    chosen = password or secrets.token_urlsafe(12)
    create_staff(email, chosen, role="Owner", superuser=True)
    return email, chosen if password is None else None


def cmd_init(args: argparse.Namespace) -> int:
    from django.conf import settings

    print(f"Data directory: {settings.DATA_DIR}")
    _migrate(verbose=args.verbose)
    email, generated = _ensure_owner(args.owner_email, args.owner_password)
    print("Database ready.")
    if generated:
        print(f"Owner account: {email} / {generated}  (change it after first login)")
    return 0


def cmd_createstaff(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from tradewind.core.staff import create_staff

    password = args.password or secrets.token_urlsafe(12)
    try:
        create_staff(args.email, password, role=args.role, superuser=args.role == "Owner")
    except ValidationError as exc:
        raise CommandError("; ".join(exc.messages)) from exc
    print(f"Staff account {args.email} ({args.role}) created.")
    if not args.password:
        print(f"Password: {password}")
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from tradewind.api.auth import issue_token

    user = get_user_model().objects.filter(username__iexact=args.email).first()
    if user is None:
        raise CommandError(f"No staff account for {args.email}; create it with 'createstaff'.")
    if args.days is not None and args.days < 1:
        raise CommandError("--days must be 1 or more.")
    expires_at = None if args.days is None else timezone.now() + timedelta(days=args.days)
    try:
        issued = issue_token(user, args.name, expires_at=expires_at)
    except ValidationError as exc:
        raise CommandError("; ".join(exc.messages)) from exc
    until = f"until {expires_at:%Y-%m-%d}" if expires_at else "without expiry"
    print(f"API token '{issued.token.name}' for {user.get_username()} created ({until}).")
    print(f"Token: {issued.secret}")
    print("Store it now: it is not shown again. Send it as 'Authorization: Bearer <token>'.")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from tradewind.core.server import serve

    serve(args.host, args.port, workers=args.workers, with_worker=not args.no_worker)
    return 0


def _read_failure(exc: OSError) -> str:
    """The reason a path or URL could not be read, without Python's decorations."""
    from urllib.error import HTTPError, URLError

    if isinstance(exc, HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, URLError):
        return str(exc.reason)
    return exc.strerror or str(exc)


def cmd_fx_import(args: argparse.Namespace) -> int:
    from tradewind.markets import fx
    from tradewind.markets.services import import_ecb_rates, read_rates_source

    try:
        content = read_rates_source(args.source)
    except OSError as exc:
        raise CommandError(f"cannot read {args.source}: {_read_failure(exc)}") from exc
    try:
        result = import_ecb_rates(content)
    except fx.FxFormatError as exc:
        raise CommandError(f"{args.source} is not an ECB rates file: {exc}") from exc
    print(result.summary())
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from django.contrib.auth import get_user_model

    from tradewind.demo import DemoError, build_demo
    from tradewind.demo.builder import check_size

    try:
        check_size(args.products, args.customers)
    except DemoError as exc:
        raise CommandError(str(exc)) from exc
    _migrate()
    try:
        build_demo(seed=args.seed, products=args.products, customers=args.customers, out=sys.stdout)
    except DemoError as exc:
        raise CommandError(str(exc)) from exc
    owner = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if owner is None:
        email, generated = _ensure_owner("owner@demo.tradewind.dev", args.owner_password)
        print(f"Staff login: {email} / {generated or '(the --owner-password you gave)'}")
    else:
        print(f"Staff login: {owner.get_username()} (existing owner account, password unchanged)")
    base = f"http://{args.host}:{args.port}"
    print(f"Admin: {base}/admin/  API docs: {base}/api/docs")
    if args.no_serve:
        print(f"Serve it with: tradewind serve --host {args.host} --port {args.port}")
        return 0
    from tradewind.core.server import serve

    serve(args.host, args.port, workers=args.workers, with_worker=not args.no_worker)
    return 0


def _show_progress(done: int, total: int) -> None:
    print(f"\r  {done}/{total} rows", end="" if done < total else "\n", file=sys.stderr)


def cmd_import_shopify(args: argparse.Namespace) -> int:
    from tradewind.catalog.csv_io import ShopifyCsvError, import_shopify_products

    try:
        with open(args.file, "rb") as handle:
            report = import_shopify_products(
                handle,
                publish_to_all=not args.no_publish,
                progress=_show_progress if sys.stderr.isatty() else None,
            )
    except OSError as exc:
        raise CommandError(f"cannot read {args.file}: {_read_failure(exc)}") from exc
    except ShopifyCsvError as exc:
        raise CommandError(f"{args.file}: {exc}") from exc
    print(report.summary())
    for problem in report.errors:
        print(f"  line {problem.line}: {problem.message}", file=sys.stderr)
    return 1 if report.errors else 0


def cmd_export_products(args: argparse.Namespace) -> int:
    from tradewind.catalog.csv_io import export_shopify_products

    try:
        with open(args.file, "w", newline="", encoding="utf-8") as handle:
            count = export_shopify_products(handle)
    except OSError as exc:
        raise CommandError(f"cannot write {args.file}: {_read_failure(exc)}") from exc
    print(f"Exported {count} products to {args.file}.")
    return 0


def cmd_search_reindex(args: argparse.Namespace) -> int:
    from tradewind.catalog.search import reindex_products

    print(f"Indexed {reindex_products(None)} products for search.")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from django.db import DatabaseError

    from tradewind.core.worker import run

    if args.interval <= 0:
        raise CommandError("--interval must be above 0 seconds.")
    try:
        run(interval=args.interval, once=args.once)
    except DatabaseError as exc:
        raise CommandError(f"worker cycle failed: {exc}".splitlines()[0]) from exc
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tradewind manage", *args.arguments])
    return 0


def _add_server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    parser.add_argument(
        "--workers", type=int, default=None, help="worker processes (default: 2 per core + 1)"
    )
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help="do not start the background event worker (run 'tradewind worker' yourself)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tradewind",
        description="Tradewind: the operating system for cross-border D2C brands.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("init", help="create the data directory, database and owner account")
    p.add_argument("--owner-email", default="owner@example.com")
    p.add_argument("--owner-password", help="default: a generated one, printed once")
    p.add_argument("--verbose", action="store_true", help="show each migration")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("demo", help="build the demo brand and serve it")
    p.add_argument("--seed", type=int, default=42, help="random seed (same seed, same store)")
    p.add_argument("--products", type=int, default=200, help="how many products")
    p.add_argument(
        "--customers", type=int, default=2000, help="customers with two years of order history"
    )
    p.add_argument("--no-serve", action="store_true", help="only build the demo data")
    p.add_argument("--owner-password", help="default: a generated one, printed once")
    _add_server_options(p)
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("serve", help="run the production web server (gunicorn + whitenoise)")
    _add_server_options(p)
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser("createstaff", help="create a staff account with a role")
    p.add_argument("email")
    p.add_argument(
        "--role",
        default="Operator",
        choices=["Owner", "Operator", "Marketer", "Planner", "Risk", "Support"],
    )
    p.add_argument("--password", help="default: a generated one, printed once")
    p.set_defaults(handler=cmd_createstaff)

    token = sub.add_parser("token", help="staff API tokens")
    token_sub = token.add_subparsers(dest="token_command", required=True, metavar="COMMAND")
    p = token_sub.add_parser("create", help="create an admin API token for a staff account")
    p.add_argument("email", metavar="EMAIL")
    p.add_argument("--name", default="API", help="what the token is for (default: API)")
    p.add_argument("--days", type=int, help="expire after this many days (default: never)")
    p.set_defaults(handler=cmd_token_create)

    fx_parser = sub.add_parser("fx", help="exchange rates")
    fx_sub = fx_parser.add_subparsers(dest="fx_command", required=True, metavar="COMMAND")
    p = fx_sub.add_parser("import", help="import ECB reference rates (eurofxref XML)")
    p.add_argument("source", metavar="FILE", help="path or http(s) URL of an ECB XML file")
    p.set_defaults(handler=cmd_fx_import)

    imp = sub.add_parser("import", help="import data from other platforms")
    imp_sub = imp.add_subparsers(dest="import_command", required=True, metavar="FORMAT")
    p = imp_sub.add_parser("shopify-products", help="import a Shopify product CSV export")
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--no-publish", action="store_true", help="do not publish new products to every market"
    )
    p.set_defaults(handler=cmd_import_shopify)

    exp = sub.add_parser("export", help="export data")
    exp_sub = exp.add_subparsers(dest="export_command", required=True, metavar="WHAT")
    p = exp_sub.add_parser("products", help="export products as Shopify-format CSV")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(handler=cmd_export_products)

    search = sub.add_parser("search", help="the catalog search index")
    search_sub = search.add_subparsers(dest="search_command", required=True, metavar="COMMAND")
    p = search_sub.add_parser("reindex", help="rebuild the search index of every product")
    p.set_defaults(handler=cmd_search_reindex)

    p = sub.add_parser(
        "worker",
        help="deliver outbox events (order updates, emails) and expire stock holds and payments",
    )
    p.add_argument("--once", action="store_true", help="run one cycle and exit (for cron)")
    p.add_argument(
        "--interval", type=float, default=5.0, help="seconds between cycles (default: 5)"
    )
    p.set_defaults(handler=cmd_worker)

    p = sub.add_parser(
        "manage",
        help="run a Django management command (e.g. 'tradewind manage shell')",
        add_help=False,
    )
    p.add_argument("arguments", nargs=argparse.REMAINDER)
    p.set_defaults(handler=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup_django()
    handler: Handler = args.handler
    try:
        return handler(args)
    except CommandError as exc:
        print(f"tradewind: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
