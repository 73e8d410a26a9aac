"""Two replicas of the product-service on one database and one consumer group (issue 6), black-box
through the gateway: every OrderCreated is reserved once (never twice, never lost), payments
commit the stock once, and no order is left waiting.

Starts its own distributed shape (distributed.py): SHOP_BUILD_DIR is the CMake build directory;
SHOP_DB picks the databases as there (PostgreSQL when available). Replica 2 is SIGKILLed half-way,
so its partitions and outbox rows move to replica 1.
"""
import concurrent.futures
import os
import random
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from distributed import Distributed  # noqa: E402
from shop_platform import Client, wait_for  # noqa: E402
import flows  # noqa: E402

SETTLED = {"RESERVED", "REJECTED", "PAID"}


class ProductReplicasTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.environ.setdefault("DEMO_CATALOG", "0")
        os.environ.setdefault("KAFKA_LAG_INTERVAL_MS", "300")  # assignments show up in /metrics soon
        cls.shape = Distributed(os.environ["SHOP_BUILD_DIR"], replicas={"product-service": 2})
        try:
            cls.shape.start()
        except Exception:
            cls.shape.stop()
            cls.shape.cleanup(keep_logs=True)
            raise
        print(f"\nproduct replicas: databases {cls.shape.database_kinds()}", file=sys.stderr, flush=True)
        cls.base = cls.shape.base_url
        cls.admin = flows.admin_client(cls.base)

    @classmethod
    def tearDownClass(cls):
        cls.shape.stop()
        cls.shape.cleanup(keep_logs=cls.failed)

    failed = False

    def place_and_settle(self, customer, product_ids, rng_seed):
        """Places one order of 1-3 units of 1-2 products; pays every other RESERVED one."""
        rng = random.Random(rng_seed)
        items = [{"product_id": p, "quantity": rng.randint(1, 3)} for p in rng.sample(product_ids, rng.randint(1, 2))]
        cl = Client(self.base)
        cl.token = customer.token
        order = flows.place_order(cl, items, key=flows.unique("order")).json()
        final = flows.wait_status(cl, order["id"], SETTLED, timeout=60)
        if final["status"] == "RESERVED" and rng_seed % 2 == 0:
            flows.pay(cl, order["id"], key=flows.unique("pay"))
            final = flows.wait_status(cl, order["id"], {"PAID"}, timeout=60)
        cl.close()
        return {"id": order["id"], "items": items, "status": final["status"]}

    def orders_partitions(self, instance):
        """The `orders` partitions an instance consumes, from its /metrics (lag gauge per partition)."""
        cl = Client(self.shape.instances[instance][2], timeout=5)
        try:
            text = cl.get("/metrics").body
        finally:
            cl.close()
        return {line.split('partition="')[1].split('"')[0] for line in text.splitlines()
                if line.startswith("shop_kafka_consumer_lag") and 'topic="orders"' in line}

    def test_each_order_created_is_reserved_once_across_replicas(self):
        type(self).failed = True  # until the last assertion passed
        # Both replicas are members of the group with their share of the orders topic.
        wait_for(lambda: self.orders_partitions("product-service-2"), timeout=30, interval=0.2)
        stock = 12
        products = [flows.new_product(self.admin, stock=stock) for _ in range(3)]
        ids = [p["id"] for p in products]
        customers = [flows.new_customer(self.base) for _ in range(6)]
        orders = []
        with concurrent.futures.ThreadPoolExecutor(max_workers=6) as ex:
            first = [ex.submit(self.place_and_settle, customers[i % 6], ids, i) for i in range(24)]
            orders += [f.result() for f in first]
            # Replica 2 dies without a goodbye: its partitions go to replica 1 after the session
            # timeout; the orders placed meanwhile must still be reserved exactly once.
            self.shape.kill("product-service-2")
            second = [ex.submit(self.place_and_settle, customers[i % 6], ids, i) for i in range(24, 40)]
            orders += [f.result() for f in second]

        statuses = [o["status"] for o in orders]
        self.assertTrue(set(statuses) <= SETTLED, statuses)
        self.assertIn("RESERVED", statuses)
        self.assertIn("PAID", statuses)
        self.assertIn("REJECTED", statuses)  # 3 x 12 units for ~40 x 2-4 units: stock runs out

        def expected(pid):
            held = sum(i["quantity"] for o in orders if o["status"] == "RESERVED" for i in o["items"]
                       if i["product_id"] == pid)
            sold = sum(i["quantity"] for o in orders if o["status"] == "PAID" for i in o["items"]
                       if i["product_id"] == pid)
            return {"on_hand": stock - sold, "reserved": held, "available": stock - sold - held}

        def consistent():
            return all({k: flows.inventory(self.admin, pid)[k] for k in ("on_hand", "reserved", "available")}
                       == expected(pid) for pid in ids)

        # Paid orders commit their stock asynchronously (OrderPaid -> product-service).
        try:
            wait_for(consistent, timeout=30, interval=0.2)
        except AssertionError:
            for pid in ids:
                self.assertEqual({k: flows.inventory(self.admin, pid)[k] for k in ("on_hand", "reserved", "available")},
                                 expected(pid), pid)
        # Nothing is reserved twice later either (a late duplicate would show up here).
        time.sleep(1.0)
        self.assertTrue(consistent())
        type(self).failed = False


if __name__ == "__main__":
    unittest.main(verbosity=2)
