"""Restarting the order-service mid-checkout loses nothing (issue 6), black-box through the gateway:
while customers place and pay orders, the order-service process is SIGKILLed (no drain, no clean
shutdown) and started again on the same database; every order that got a 201 then finishes its
saga (RESERVED, then PAID once paid; REJECTED only for lack of stock), no order is left PENDING,
and the inventory matches the orders exactly.

Starts its own distributed shape (distributed.py): SHOP_BUILD_DIR is the CMake build directory;
SHOP_DB picks the databases as there (PostgreSQL when available).
"""
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from distributed import Distributed  # noqa: E402
from shop_platform import Client, wait_for  # noqa: E402
import flows  # noqa: E402
from flows import ADDRESS, GOOD_CARD  # noqa: E402

SAGA_TIMEOUT_S = 60


# Answers of a service that is up but has not fetched the user-service's JWKS yet: a restarted
# service reports ready (/ready pings only its database) before its first JWKS fetch completes, so
# for a moment it refuses valid tokens with 401 "unknown key". Counted and reported, not failed on.
NOT_READY_401 = []


def call(cl, method, path, body=None, key=None):
    """One request; None when the gateway or the connection failed (the service is down)."""
    try:
        r = cl.request(method, path, body=body, headers={"Idempotency-Key": key} if key else {})
    except OSError:
        cl.close()
        return None
    if r.status == 401 and "unknown key" in r.body:
        NOT_READY_401.append(r.body)
        return None
    return None if r.status >= 500 else r


class OrderRestartTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.environ.setdefault("DEMO_CATALOG", "0")
        cls.shape = Distributed(os.environ["SHOP_BUILD_DIR"])
        try:
            cls.shape.start()
        except Exception:
            cls.shape.stop()
            cls.shape.cleanup(keep_logs=True)
            raise
        print(f"\norder restart: databases {cls.shape.database_kinds()}", file=sys.stderr, flush=True)
        cls.base = cls.shape.base_url
        cls.admin = flows.admin_client(cls.base)

    @classmethod
    def tearDownClass(cls):
        cls.shape.stop()
        cls.shape.cleanup(keep_logs=cls.failed)

    failed = False

    def customer_loop(self, customer, items, stop, accepted, errors):
        """Places orders until `stop`; then drives each accepted one to its end (paying it)."""
        cl = Client(self.base, timeout=10)
        cl.token = customer.token
        mine = []
        try:
            while not stop.is_set():
                key = flows.unique("order")
                r = call(cl, "POST", "/api/v1/orders", {"items": items, "shipping_address": ADDRESS}, key)
                if r is None:
                    time.sleep(0.05)
                    continue  # not accepted (or accepted but unanswered: found later by the admin list)
                if r.status != 201:
                    errors.append(f"order POST {r.status}: {r.body[:200]}")
                    continue
                mine.append(r.json()["id"])
                accepted.append(r.json()["id"])
                self.settle(cl, mine[-1], errors, deadline=time.time() + SAGA_TIMEOUT_S, wait=False)
            for order_id in mine:
                self.settle(cl, order_id, errors, deadline=time.time() + SAGA_TIMEOUT_S, wait=True)
        except Exception as e:  # noqa: BLE001 - reported by the test
            errors.append(f"customer loop: {e!r}")
        finally:
            cl.close()

    def settle(self, cl, order_id, errors, deadline, wait):
        """Pays a RESERVED order (same key on every retry) and, with `wait`, waits for its end."""
        pay_key = "pay-" + order_id
        while time.time() < deadline:
            r = call(cl, "GET", f"/api/v1/orders/{order_id}")
            status = r.json()["status"] if r is not None and r.status == 200 else None
            if status in ("PAID", "REJECTED"):
                return status
            if status == "RESERVED":
                p = call(cl, "POST", "/api/v1/payments", {"order_id": order_id, "payment_method": GOOD_CARD}, pay_key)
                if p is not None and p.status not in (200, 201, 409):
                    errors.append(f"payment POST {p.status}: {p.body[:200]}")
                    return None
            if not wait:
                return status
            time.sleep(0.1)
        errors.append(f"order {order_id} did not finish its saga in {SAGA_TIMEOUT_S}s")
        return None

    def all_orders_for(self, product_ids):
        out, cursor = [], None
        while True:
            path = "/api/v1/orders?limit=100" + (f"&cursor={cursor}" if cursor else "")
            r = self.admin.get(path)
            self.assertEqual(r.status, 200, r)
            page = r.json()
            out += [o for o in page["items"] if any(i["product_id"] in product_ids for i in o["items"])]
            cursor = page.get("next_cursor")
            if not cursor:
                return out

    def test_sigkill_of_order_service_mid_checkout_loses_no_order(self):
        type(self).failed = True  # until the last assertion passed
        plenty = flows.new_product(self.admin, stock=500)
        scarce = flows.new_product(self.admin, stock=6)
        ids = {plenty["id"], scarce["id"]}
        customers = [flows.new_customer(self.base) for _ in range(6)]
        stop = threading.Event()
        accepted, errors = [], []
        threads = []
        for n, c in enumerate(customers):
            items = [{"product_id": plenty["id"], "quantity": 1 + n % 2}]
            if n % 3 == 0:
                items.append({"product_id": scarce["id"], "quantity": 1})
            t = threading.Thread(target=self.customer_loop, args=(c, items, stop, accepted, errors))
            t.start()
            threads.append(t)

        wait_for(lambda: len(accepted) >= 10, timeout=30, interval=0.05)
        before = len(accepted)
        self.shape.kill("order-service")  # SIGKILL mid-checkout
        time.sleep(1.0)
        self.shape.restart("order-service")
        wait_for(lambda: len(accepted) >= before + 10, timeout=60, interval=0.05)
        stop.set()
        for t in threads:
            t.join(timeout=SAGA_TIMEOUT_S * 3)
        self.assertEqual(errors, [])
        if NOT_READY_401:
            print(f"order restart: WARNING: {len(NOT_READY_401)} valid tokens refused with 401 'unknown key' "
                  "right after the restart (readiness does not wait for the JWKS)", file=sys.stderr, flush=True)

        # Every order that exists (including one created just before the kill whose 201 never
        # arrived) has finished its saga: nothing is left PENDING.
        def finished():
            orders = self.all_orders_for(ids)
            return orders if all(o["status"] in ("PAID", "REJECTED", "RESERVED") for o in orders) else None
        orders = wait_for(finished, timeout=SAGA_TIMEOUT_S, interval=0.5)
        by_id = {o["id"]: o for o in orders}
        counts = {st: sum(o["status"] == st for o in orders) for st in ("PAID", "REJECTED", "RESERVED")}
        print(f"order restart: {len(accepted)} orders got a 201 ({before} before the kill), "
              f"{len(orders)} exist: {counts}", file=sys.stderr, flush=True)
        for order_id in accepted:
            self.assertIn(order_id, by_id)
            self.assertIn(by_id[order_id]["status"], ("PAID", "REJECTED"), by_id[order_id])
        # Only orders that wanted the scarce product may be rejected, and only once it ran out.
        rejected = [o for o in orders if o["status"] == "REJECTED"]
        for o in rejected:
            self.assertIn(scarce["id"], {i["product_id"] for i in o["items"]}, o)

        def stock_matches():
            for product, start in ((plenty, 500), (scarce, 6)):
                qty = {s: sum(i["quantity"] for o in orders if o["status"] == s for i in o["items"]
                              if i["product_id"] == product["id"]) for s in ("PAID", "RESERVED")}
                inv = flows.inventory(self.admin, product["id"])
                want = (start - qty["PAID"], qty["RESERVED"])
                if (inv["on_hand"], inv["reserved"]) != want:
                    return None
            return True
        try:
            wait_for(stock_matches, timeout=30, interval=0.2)
        except AssertionError:
            for product in (plenty, scarce):
                print(product["id"], flows.inventory(self.admin, product["id"]), file=sys.stderr)
            raise
        scarce_taken = sum(i["quantity"] for o in orders if o["status"] in ("PAID", "RESERVED") for i in o["items"]
                           if i["product_id"] == scarce["id"])
        if rejected:
            self.assertEqual(scarce_taken, 6)  # rejected only because the scarce stock was gone
        type(self).failed = False


if __name__ == "__main__":
    unittest.main(verbosity=2)
