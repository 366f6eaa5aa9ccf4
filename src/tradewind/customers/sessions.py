"""Keeping a shopper signed in through Django's session.

Shoppers' sessions live beside the staff's (``django.contrib.auth``) under their own keys,
so signing in to the store never signs anyone in to the admin. Next to the customer's id
the session holds a keyed hash of the password hash: changing the password changes it,
which ends every other session of that customer.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from tradewind.customers.models import Customer

SESSION_KEY = "_customer_id"
HASH_SESSION_KEY = "_customer_hash"

# One lookup per request however many views and helpers ask who is signed in.
_resolved: WeakKeyDictionary[HttpRequest, Customer | None] = WeakKeyDictionary()


def session_hash(customer: Customer) -> str:
    return salted_hmac(
        "tradewind.customers.sessions", customer.password, algorithm="sha256"
    ).hexdigest()


def log_in(request: HttpRequest, customer: Customer) -> None:
    """Sign ``customer`` in on this request's session."""
    session = request.session
    if session.get(SESSION_KEY) not in (None, str(customer.pk)):
        # Someone else was signed in on this browser: nothing of theirs may carry over.
        session.flush()
    else:
        # A fresh key defeats session fixation; the session's contents (cart) stay.
        session.cycle_key()
    session[SESSION_KEY] = str(customer.pk)
    session[HASH_SESSION_KEY] = session_hash(customer)
    customer.last_login = timezone.now()
    Customer.objects.filter(pk=customer.pk).update(last_login=customer.last_login)
    _resolved[request] = customer


def log_out(request: HttpRequest) -> None:
    """Sign the shopper out and forget everything the session held."""
    request.session.flush()
    _resolved[request] = None


def current_customer(request: HttpRequest) -> Customer | None:
    """The signed-in, active customer of this request, or None."""
    if request in _resolved:
        return _resolved[request]
    customer = _from_session(request)
    _resolved[request] = customer
    return customer


def keep_signed_in(request: HttpRequest, customer: Customer) -> None:
    """After ``customer`` changed the password here, keep this session (only) signed in."""
    if request.session.get(SESSION_KEY) == str(customer.pk):
        request.session.cycle_key()
        request.session[HASH_SESSION_KEY] = session_hash(customer)
        _resolved[request] = customer


def _from_session(request: HttpRequest) -> Customer | None:
    session = request.session
    customer_id = session.get(SESSION_KEY)
    if customer_id is None:
        return None
    if not str(customer_id).isdigit():
        session.flush()
        return None
    customer = Customer.objects.filter(pk=customer_id, is_active=True).first()
    if customer is None or not constant_time_compare(
        session.get(HASH_SESSION_KEY, ""), session_hash(customer)
    ):
        session.flush()
        return None
    return customer
