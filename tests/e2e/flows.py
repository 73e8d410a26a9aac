"""Shared steps for the end-to-end suites: accounts, products, orders, payments."""
import itertools
import time
import uuid

from shop_platform import ADMIN_EMAIL, ADMIN_PASSWORD, Client, wait_for

_seq = itertools.count()

ADDRESS = {"name": "Ada Lovelace", "line1": "1 Main St", "city": "Springfield", "postal_code": "12345",
           "country": "US"}
GOOD_CARD = {"card_number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"}
DECLINED_CARD = {"card_number": "4000000000000002", "exp_month": 12, "exp_year": 2035, "cvc": "123"}
NO_FUNDS_CARD = {"card_number": "4000000000009995", "exp_month": 12, "exp_year": 2035, "cvc": "123"}


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}-{next(_seq)}"


def login(c, email, password):
    r = c.post("/api/v1/auth/login", {"email": email, "password": password})
    assert r.status == 200, r
    return r.json()


def admin_client(base_url):
    c = Client(base_url)
    c.token = login(c, ADMIN_EMAIL, ADMIN_PASSWORD)["access_token"]
    return c


def new_customer(base_url, name="Customer"):
    c = Client(base_url)
    email = unique("user") + "@example.com"
    password = "correct horse battery " + uuid.uuid4().hex[:6]
    r = c.post("/api/v1/auth/register", {"email": email, "password": password, "name": name})
    assert r.status == 201, r
    tokens = login(c, email, password)
    c.token = tokens["access_token"]
    c.user = r.json()
    c.email, c.password, c.refresh_token = email, password, tokens["refresh_token"]
    return c


def new_product(admin, price_cents=1999, stock=10, category="e2e", name=None):
    body = {"sku": unique("SKU"), "name": name or unique("Product"), "description": "An end-to-end test product",
            "price_cents": price_cents, "currency": "USD", "category": category}
    r = admin.post("/api/v1/products", body)
    assert r.status == 201, r
    p = r.json()
    if stock:
        r = admin.put(f"/api/v1/inventory/{p['id']}", {"on_hand": stock})
        assert r.status == 200, r
    return p


def inventory(admin, product_id):
    r = admin.get(f"/api/v1/inventory/{product_id}")
    assert r.status == 200, r
    return r.json()


def place_order(c, items, key=None, expect=201):
    headers = {"Idempotency-Key": key} if key else {}
    r = c.post("/api/v1/orders", {"items": items, "shipping_address": ADDRESS}, headers=headers)
    assert r.status == expect, r
    return r


def wait_status(c, order_id, statuses, timeout=10):
    def check():
        r = c.get(f"/api/v1/orders/{order_id}")
        assert r.status == 200, r
        return r.json() if r.json()["status"] in statuses else None
    return wait_for(check, timeout=timeout)


def pay(c, order_id, card=GOOD_CARD, key=None, expect=201):
    headers = {"Idempotency-Key": key} if key else {}
    r = c.post("/api/v1/payments", {"order_id": order_id, "payment_method": card}, headers=headers)
    assert r.status == expect, r
    return r
