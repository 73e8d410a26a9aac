"""Catalog and inventory through the gateway (issue 4), on the demo catalog `make run` loads."""
import unittest

from shop_platform import Platform, Client
import flows


class CatalogTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.platform = Platform({"DEMO_CATALOG": "1"}).start()
        cls.base = cls.platform.base_url
        cls.admin = flows.admin_client(cls.base)
        cls.anon = Client(cls.base)

    @classmethod
    def tearDownClass(cls):
        cls.platform.stop()

    def test_demo_catalog_is_loaded_with_stock(self):
        cats = self.anon.get("/api/v1/categories").json()["items"]
        self.assertGreaterEqual(len(cats), 5)
        self.assertGreaterEqual(sum(c["product_count"] for c in cats), 200)
        page = self.anon.get("/api/v1/products?limit=5").json()
        self.assertEqual(len(page["items"]), 5)
        self.assertTrue(any(p["stock_available"] > 0 for p in page["items"]))

    def test_walk_every_page_without_duplicates(self):
        seen, cursor, pages = [], None, 0
        while True:
            path = "/api/v1/products?limit=37&sort=price" + (f"&cursor={cursor}" if cursor else "")
            r = self.anon.get(path)
            self.assertEqual(r.status, 200, r)
            body = r.json()
            seen += [p["id"] for p in body["items"]]
            prices = [p["price_cents"] for p in body["items"]]
            self.assertEqual(prices, sorted(prices))
            cursor = body["next_cursor"]
            pages += 1
            if not cursor:
                break
        self.assertEqual(len(seen), len(set(seen)))
        total = sum(c["product_count"] for c in self.anon.get("/api/v1/categories").json()["items"])
        self.assertEqual(len(seen), total)

    def test_filters_and_search(self):
        cat = self.anon.get("/api/v1/categories").json()["items"][0]["name"]
        items = self.anon.get(f"/api/v1/products?category={cat}&limit=100").json()["items"]
        self.assertTrue(items)
        self.assertTrue(all(p["category"] == cat for p in items))
        r = self.anon.get("/api/v1/products?min_price=1000&max_price=5000&limit=100").json()["items"]
        self.assertTrue(all(1000 <= p["price_cents"] <= 5000 for p in r))
        p = flows.new_product(self.admin, name="Zyxwv Quantum Teapot", category="kitchen-e2e")
        hits = self.anon.get("/api/v1/products?q=quantum%20TEAPOT").json()["items"]
        self.assertIn(p["id"], [h["id"] for h in hits])
        hits = self.anon.get(f"/api/v1/products?q={p['sku'].lower()}").json()["items"]
        self.assertIn(p["id"], [h["id"] for h in hits])

    def test_bad_list_parameters_are_rejected(self):
        self.assertEqual(self.anon.get("/api/v1/products?limit=-1").status // 100, 4)
        self.assertEqual(self.anon.get("/api/v1/products?limit=abc").status // 100, 4)
        self.assertEqual(self.anon.get("/api/v1/products?cursor=forged").status, 400)
        self.assertEqual(self.anon.get("/api/v1/products?sort=evil").status // 100, 4)
        self.assertEqual(len(self.anon.get("/api/v1/products?limit=1000").json()["items"]), 100)

    def test_etag_and_cache_headers(self):
        pid = self.anon.get("/api/v1/products?limit=1").json()["items"][0]["id"]
        r = self.anon.get(f"/api/v1/products/{pid}")
        self.assertEqual(r.status, 200)
        etag = r.header("ETag")
        self.assertTrue(etag and etag.startswith('"'))
        self.assertIn("public", r.header("Cache-Control"))
        r2 = self.anon.get(f"/api/v1/products/{pid}", headers={"If-None-Match": etag})
        self.assertEqual(r2.status, 304)
        self.assertEqual(r2.body, "")

    def test_admin_product_lifecycle_and_authorization(self):
        customer = flows.new_customer(self.base)
        body = {"sku": flows.unique("SKU"), "name": "Lamp", "description": "", "price_cents": 2500,
                "currency": "USD", "category": "home-e2e"}
        self.assertEqual(self.anon.post("/api/v1/products", body).status, 401)
        self.assertEqual(customer.post("/api/v1/products", body).status, 403)
        r = self.admin.post("/api/v1/products", body)
        self.assertEqual(r.status, 201, r)
        p = r.json()
        self.assertEqual(self.admin.post("/api/v1/products", body).status, 409)
        self.assertEqual(self.admin.post("/api/v1/products", dict(body, sku=flows.unique("S"), currency="XYZ")).status, 422)
        self.assertEqual(self.admin.post("/api/v1/products", dict(body, sku=flows.unique("S"), price_cents=-5)).status, 422)
        r = self.admin.patch(f"/api/v1/products/{p['id']}", {"price_cents": 2600})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["price_cents"], 2600)
        self.assertEqual(self.anon.get(f"/api/v1/inventory/{p['id']}").status, 401)
        self.assertEqual(customer.get(f"/api/v1/inventory/{p['id']}").status, 403)
        self.assertEqual(self.admin.delete(f"/api/v1/products/{p['id']}").status, 204)
        self.assertEqual(self.anon.get(f"/api/v1/products/{p['id']}").status, 404)


if __name__ == "__main__":
    unittest.main(verbosity=2)
