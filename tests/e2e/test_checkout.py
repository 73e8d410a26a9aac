"""Orders, payments and the checkout saga, black-box through the gateway (issue 5)."""
import concurrent.futures
import json
import unittest

from shop_platform import Platform, Client, wait_for
import flows
from flows import ADDRESS, GOOD_CARD, DECLINED_CARD, NO_FUNDS_CARD


class CheckoutTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.platform = Platform({"DEMO_CATALOG": "0"}).start()
        cls.base = cls.platform.base_url
        cls.admin = flows.admin_client(cls.base)

    @classmethod
    def tearDownClass(cls):
        cls.platform.stop()

    def test_full_checkout_ship_deliver_refund(self):
        product = flows.new_product(self.admin, price_cents=1999, stock=10)
        c = flows.new_customer(self.base)
        r = c.put(f"/api/v1/cart/items/{product['id']}", {"quantity": 2})
        self.assertEqual(r.status, 200, r)
        cart = c.get("/api/v1/cart").json()
        self.assertEqual(cart["items"][0]["quantity"], 2)

        r = c.post("/api/v1/orders", {"from_cart": True, "shipping_address": ADDRESS},
                   headers={"Idempotency-Key": flows.unique("k")})
        self.assertEqual(r.status, 201, r)
        order = r.json()
        self.assertEqual(order["status"], "PENDING")
        self.assertEqual(order["total_cents"], 3998)
        self.assertEqual(order["items"][0]["unit_price_cents"], 1999)
        self.assertEqual(c.get("/api/v1/cart").json()["items"], [])

        flows.wait_status(c, order["id"], {"RESERVED"})
        inv = flows.inventory(self.admin, product["id"])
        self.assertEqual((inv["on_hand"], inv["reserved"], inv["available"]), (10, 2, 8))

        p = flows.pay(c, order["id"], key=flows.unique("pay")).json()
        self.assertEqual(p["status"], "SUCCEEDED")
        self.assertEqual(p["amount_cents"], 3998)
        self.assertEqual(p["card_last4"], "4242")
        self.assertNotIn("4242424242424242", json.dumps(p))
        flows.wait_status(c, order["id"], {"PAID"})
        wait_for(lambda: flows.inventory(self.admin, product["id"])["reserved"] == 0)
        inv = flows.inventory(self.admin, product["id"])
        self.assertEqual((inv["on_hand"], inv["reserved"], inv["available"]), (8, 0, 8))

        # fulfilment is admin-only
        self.assertEqual(c.post(f"/api/v1/orders/{order['id']}/ship").status, 403)
        r = self.admin.post(f"/api/v1/orders/{order['id']}/ship")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["status"], "SHIPPED")
        r = self.admin.post(f"/api/v1/orders/{order['id']}/deliver")
        self.assertEqual(r.json()["status"], "DELIVERED")
        # a delivered order cannot be cancelled
        r = c.post(f"/api/v1/orders/{order['id']}/cancel")
        self.assertEqual(r.status, 409, r)
        self.assertIn("DELIVERED", r.json()["detail"])

        r = self.admin.post(f"/api/v1/payments/{p['id']}/refund")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["status"], "REFUNDED")
        flows.wait_status(c, order["id"], {"REFUNDED"})
        self.assertEqual(self.admin.post(f"/api/v1/payments/{p['id']}/refund").status, 409)
        # stock is not put back by a refund
        self.assertEqual(flows.inventory(self.admin, product["id"])["on_hand"], 8)

    def test_declined_card_keeps_order_reserved_and_another_card_pays(self):
        product = flows.new_product(self.admin, stock=5)
        c = flows.new_customer(self.base)
        order = flows.place_order(c, [{"product_id": product["id"], "quantity": 1}]).json()
        flows.wait_status(c, order["id"], {"RESERVED"})
        p = flows.pay(c, order["id"], card=DECLINED_CARD).json()
        self.assertEqual(p["status"], "FAILED")
        self.assertEqual(p["failure_reason"], "card_declined")
        p = flows.pay(c, order["id"], card=NO_FUNDS_CARD).json()
        self.assertEqual(p["failure_reason"], "insufficient_funds")
        self.assertEqual(c.get(f"/api/v1/orders/{order['id']}").json()["status"], "RESERVED")
        self.assertEqual(flows.inventory(self.admin, product["id"])["reserved"], 1)
        self.assertEqual(flows.pay(c, order["id"]).json()["status"], "SUCCEEDED")
        flows.wait_status(c, order["id"], {"PAID"})
        # a second successful payment is refused
        r = c.post("/api/v1/payments", {"order_id": order["id"], "payment_method": GOOD_CARD})
        self.assertEqual(r.status, 409, r)

    def test_invalid_card_is_422_and_changes_nothing(self):
        product = flows.new_product(self.admin, stock=5)
        c = flows.new_customer(self.base)
        order = flows.place_order(c, [{"product_id": product["id"], "quantity": 1}]).json()
        flows.wait_status(c, order["id"], {"RESERVED"})
        bad = dict(GOOD_CARD, card_number="4242424242424241")
        r = c.post("/api/v1/payments", {"order_id": order["id"], "payment_method": bad})
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.header("Content-Type"), "application/problem+json")
        expired = dict(GOOD_CARD, exp_year=2020)
        self.assertEqual(c.post("/api/v1/payments", {"order_id": order["id"], "payment_method": expired}).status, 422)
        r = c.get(f"/api/v1/payments?order_id={order['id']}")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["items"], [])

    def test_out_of_stock_order_is_rejected_and_holds_nothing(self):
        a = flows.new_product(self.admin, stock=5)
        b = flows.new_product(self.admin, stock=1)
        c = flows.new_customer(self.base)
        order = flows.place_order(c, [{"product_id": a["id"], "quantity": 2},
                                      {"product_id": b["id"], "quantity": 3}]).json()
        final = flows.wait_status(c, order["id"], {"REJECTED"})
        self.assertEqual(final["status"], "REJECTED")
        self.assertEqual(flows.inventory(self.admin, a["id"])["reserved"], 0)
        self.assertEqual(flows.inventory(self.admin, b["id"])["reserved"], 0)
        self.assertEqual(flows.pay(c, order["id"], expect=409).status, 409)

    def test_cancel_releases_stock(self):
        product = flows.new_product(self.admin, stock=3)
        c = flows.new_customer(self.base)
        order = flows.place_order(c, [{"product_id": product["id"], "quantity": 3}]).json()
        flows.wait_status(c, order["id"], {"RESERVED"})
        self.assertEqual(flows.inventory(self.admin, product["id"])["available"], 0)
        r = c.post(f"/api/v1/orders/{order['id']}/cancel")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["status"], "CANCELLED")
        wait_for(lambda: flows.inventory(self.admin, product["id"])["available"] == 3)
        self.assertEqual(c.post(f"/api/v1/orders/{order['id']}/cancel").status, 409)
        self.assertEqual(flows.pay(c, order["id"], expect=409).status, 409)

    def test_client_prices_are_ignored(self):
        product = flows.new_product(self.admin, price_cents=5000, stock=5)
        c = flows.new_customer(self.base)
        order = flows.place_order(c, [{"product_id": product["id"], "quantity": 1, "unit_price_cents": 1,
                                       "price_cents": 1}]).json()
        self.assertEqual(order["total_cents"], 5000)

    def test_another_users_order_and_payment_are_404(self):
        product = flows.new_product(self.admin, stock=5)
        alice, bob = flows.new_customer(self.base), flows.new_customer(self.base)
        order = flows.place_order(alice, [{"product_id": product["id"], "quantity": 1}]).json()
        flows.wait_status(alice, order["id"], {"RESERVED"})
        self.assertEqual(bob.get(f"/api/v1/orders/{order['id']}").status, 404)
        self.assertEqual(bob.post(f"/api/v1/orders/{order['id']}/cancel").status, 404)
        self.assertEqual(flows.pay(bob, order["id"], expect=404).status, 404)
        p = flows.pay(alice, order["id"]).json()
        self.assertEqual(bob.get(f"/api/v1/payments/{p['id']}").status, 404)
        self.assertNotIn(order["id"], json.dumps(bob.get("/api/v1/orders").json()))
        self.assertIn(order["id"], json.dumps(self.admin.get("/api/v1/orders?limit=100").json()))

    def test_unauthenticated_checkout_is_401(self):
        anon = Client(self.base)
        r = anon.post("/api/v1/orders", {"items": [], "shipping_address": ADDRESS})
        self.assertEqual(r.status, 401)
        self.assertIn("Bearer", r.header("WWW-Authenticate"))
        self.assertEqual(anon.get("/api/v1/cart").status, 401)
        self.assertEqual(anon.post("/api/v1/payments", {}).status, 401)

    def test_idempotent_order_retries(self):
        product = flows.new_product(self.admin, stock=50)
        c = flows.new_customer(self.base)
        items = [{"product_id": product["id"], "quantity": 1}]
        key = flows.unique("key")
        first = flows.place_order(c, items, key=key)
        again = flows.place_order(c, items, key=key)
        self.assertEqual(first.body, again.body)
        other = c.post("/api/v1/orders", {"items": [{"product_id": product["id"], "quantity": 2}],
                                          "shipping_address": ADDRESS}, headers={"Idempotency-Key": key})
        self.assertEqual(other.status, 409, other)
        mine = c.get("/api/v1/orders?limit=100").json()["items"]
        self.assertEqual(len(mine), 1)

    def test_twenty_concurrent_retries_of_one_key_make_one_order(self):
        product = flows.new_product(self.admin, stock=50)
        c = flows.new_customer(self.base)
        key = flows.unique("key")
        body = {"items": [{"product_id": product["id"], "quantity": 1}], "shipping_address": ADDRESS}

        def attempt(_):
            cl = Client(self.base)
            r = cl.post("/api/v1/orders", body, headers={"Idempotency-Key": key}, token=c.token)
            cl.close()
            return r

        with concurrent.futures.ThreadPoolExecutor(max_workers=20) as ex:
            results = list(ex.map(attempt, range(20)))
        ok = [r for r in results if r.status == 201]
        self.assertTrue(ok)
        self.assertTrue(all(r.status in (201, 409) for r in results), [r.status for r in results])
        self.assertEqual(len({r.body for r in ok}), 1)
        self.assertEqual(len(c.get("/api/v1/orders?limit=100").json()["items"]), 1)

    def test_idempotent_payment_retry_charges_once(self):
        product = flows.new_product(self.admin, stock=5)
        c = flows.new_customer(self.base)
        order = flows.place_order(c, [{"product_id": product["id"], "quantity": 1}]).json()
        flows.wait_status(c, order["id"], {"RESERVED"})
        key = flows.unique("pay")
        a = flows.pay(c, order["id"], key=key)
        b = flows.pay(c, order["id"], key=key)
        self.assertEqual(a.body, b.body)
        payments = c.get(f"/api/v1/payments?order_id={order['id']}").json()["items"]
        self.assertEqual(len(payments), 1)

    def test_stock_contention_never_oversells(self):
        stock = 5
        product = flows.new_product(self.admin, stock=stock)
        buyers = [flows.new_customer(self.base) for _ in range(12)]

        def buy(c):
            cl = Client(self.base)
            cl.token = c.token
            r = flows.place_order(cl, [{"product_id": product["id"], "quantity": 1}])
            final = flows.wait_status(cl, r.json()["id"], {"RESERVED", "REJECTED"})
            cl.close()
            return final["status"]

        with concurrent.futures.ThreadPoolExecutor(max_workers=12) as ex:
            statuses = list(ex.map(buy, buyers))
        self.assertEqual(statuses.count("RESERVED"), stock, statuses)
        self.assertEqual(statuses.count("REJECTED"), len(buyers) - stock)
        inv = flows.inventory(self.admin, product["id"])
        self.assertEqual((inv["on_hand"], inv["reserved"], inv["available"]), (stock, stock, 0))


if __name__ == "__main__":
    unittest.main(verbosity=2)
