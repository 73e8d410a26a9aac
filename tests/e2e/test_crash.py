"""Crash safety (issue 5): kill -9 the embedded process at random moments during 200 checkouts,
restart it on the same data, let it settle, then check the platform's invariants."""
import concurrent.futures
import http.client
import os
import random
import signal
import subprocess
import threading
import time
import unittest

from shop_platform import Platform, Client, wait_for
import flows

CHECKOUTS = int(os.environ.get("CRASH_CHECKOUTS", "200"))
KILLS = int(os.environ.get("CRASH_KILLS", "4"))
STOCK_PER_PRODUCT = 30
PRODUCTS = 5


class Restartable(Platform):
    """A Platform whose process can be killed and started again on the same data directory."""

    def restart(self):
        self.proc = subprocess.Popen([self.binary], env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_healthy()

    def start(self):
        super().start()
        self.env = dict(os.environ)
        self.env.update({"HOST": "127.0.0.1", "PORT": str(self.port), "DATA_DIR": self.data_dir, "LOG_LEVEL": "warn",
                         "ADMIN_EMAIL": flows.ADMIN_EMAIL, "ADMIN_PASSWORD": flows.ADMIN_PASSWORD,
                         "DEMO_CATALOG": "0"})
        return self

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


def retrying(fn, deadline_s=60):
    """Calls fn() until it returns without a connection error (the server may be restarting)."""
    deadline = time.time() + deadline_s
    while True:
        try:
            return fn()
        except (OSError, AssertionError, http.client.HTTPException):  # the process is down or restarting
            if time.time() > deadline:
                raise
            time.sleep(0.05)


class CrashTest(unittest.TestCase):
    def test_kill9_during_checkouts_keeps_every_invariant(self):
        p = Restartable({"DEMO_CATALOG": "0"}).start()
        try:
            self.run_scenario(p)
        finally:
            p.stop()

    def run_scenario(self, p):
        admin = flows.admin_client(p.base_url)
        products = [flows.new_product(admin, price_cents=1000 + i, stock=STOCK_PER_PRODUCT) for i in range(PRODUCTS)]
        users = [flows.new_customer(p.base_url) for _ in range(10)]
        rng = random.Random(1234)
        plans = [(users[i % len(users)], rng.choice(products), flows.unique("o"), flows.unique("p"))
                 for i in range(CHECKOUTS)]
        done = threading.Event()
        errors = []
        progress = [0]
        progress_lock = threading.Lock()
        kills = [0]

        def checkout(plan):
            try:
                checkout_steps(plan)
            finally:
                with progress_lock:
                    progress[0] += 1

        def checkout_steps(plan):
            user, product, okey, pkey = plan
            c = Client(p.base_url)
            c.token = user.token

            def place():
                r = c.post("/api/v1/orders", {"items": [{"product_id": product["id"], "quantity": 1}],
                                              "shipping_address": flows.ADDRESS}, headers={"Idempotency-Key": okey})
                if r.status >= 500:
                    raise AssertionError(r)
                return r
            r = retrying(place)
            if r.status != 201:
                errors.append(("order", r.status, r.body))
                return
            oid = r.json()["id"]

            def settled():
                s = c.get(f"/api/v1/orders/{oid}")
                if s.status != 200:
                    raise AssertionError(s)
                st = s.json()["status"]
                return st if st in ("RESERVED", "REJECTED", "CANCELLED") else None
            st = retrying(lambda: wait_for(settled, timeout=20))
            if st != "RESERVED":
                return

            def charge():
                r = c.post("/api/v1/payments", {"order_id": oid, "payment_method": flows.GOOD_CARD},
                           headers={"Idempotency-Key": pkey})
                if r.status >= 500:
                    raise AssertionError(r)
                return r
            r = retrying(charge)
            if r.status not in (201, 409):
                errors.append(("pay", r.status, r.body))
            c.close()

        def killer():
            # Kill at evenly spread points of the run (plus a random few ms), so that every run
            # kills KILLS times while checkouts are in flight, however fast the machine is.
            krng = random.Random(99)
            for i in range(KILLS):
                threshold = CHECKOUTS * (i + 1) // (KILLS + 1)
                while progress[0] < threshold:
                    if done.wait(0.005):
                        return
                time.sleep(krng.uniform(0, 0.03))
                p.kill9()
                kills[0] += 1
                p.restart()

        k = threading.Thread(target=killer)
        k.start()
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as ex:
            list(ex.map(checkout, plans))
        done.set()
        k.join()
        self.assertEqual(errors, [])
        self.assertEqual(kills[0], KILLS, "the process must have been killed during the run")
        admin = retrying(lambda: flows.admin_client(p.base_url))

        def all_pages(path):
            items, cursor = [], None
            while True:
                r = admin.get(path + ("&" if "?" in path else "?") + "limit=100" + (f"&cursor={cursor}" if cursor else ""))
                assert r.status == 200, r
                items += r.json()["items"]
                cursor = r.json()["next_cursor"]
                if not cursor:
                    return items

        # Let the saga settle: no order still waiting for an event.
        def quiet():
            orders = all_pages("/api/v1/orders")
            if any(o["status"] == "PENDING" for o in orders):
                return None
            return orders
        orders = wait_for(quiet, timeout=30, interval=0.2)
        time.sleep(0.5)
        orders = all_pages("/api/v1/orders")
        payments = all_pages("/api/v1/payments")
        by_order = {}
        for pay in payments:
            by_order.setdefault(pay["order_id"], []).append(pay)
        paid_like = {"PAID", "SHIPPED", "DELIVERED", "REFUNDED"}
        for o in orders:
            succeeded = [x for x in by_order.get(o["id"], []) if x["status"] == "SUCCEEDED"]
            if o["status"] == "PAID":
                self.assertEqual(len(succeeded), 1, o)
                self.assertEqual(succeeded[0]["amount_cents"], o["total_cents"])
        order_status = {o["id"]: o["status"] for o in orders}
        for pay in payments:
            if pay["status"] == "SUCCEEDED":
                self.assertIn(order_status.get(pay["order_id"]), paid_like, pay)
        sold = {}
        reserved = {}
        for o in orders:
            for line in o["items"]:
                if o["status"] in paid_like:
                    sold[line["product_id"]] = sold.get(line["product_id"], 0) + line["quantity"]
                if o["status"] == "RESERVED":
                    reserved[line["product_id"]] = reserved.get(line["product_id"], 0) + line["quantity"]
        for prod in products:
            inv = flows.inventory(admin, prod["id"])
            self.assertEqual(inv["on_hand"] + sold.get(prod["id"], 0), STOCK_PER_PRODUCT, (prod["id"], inv))
            self.assertEqual(inv["reserved"], reserved.get(prod["id"], 0), (prod["id"], inv))
            self.assertEqual(inv["available"], inv["on_hand"] - inv["reserved"])
            self.assertGreaterEqual(inv["available"], 0)
        self.assertEqual(len(orders), CHECKOUTS)


if __name__ == "__main__":
    unittest.main(verbosity=2)
