"""Identity through the gateway (issue 3): accounts, tokens, refresh rotation, authorization."""
import base64
import json
import unittest

from shop_platform import Platform, Client, ADMIN_EMAIL
import flows


def b64json(part):
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


class IdentityTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.platform = Platform({"DEMO_CATALOG": "0"}).start()
        cls.base = cls.platform.base_url
        cls.admin = flows.admin_client(cls.base)

    @classmethod
    def tearDownClass(cls):
        cls.platform.stop()

    def test_register_login_me(self):
        c = flows.new_customer(self.base, name="Grace")
        me = c.get("/api/v1/users/me")
        self.assertEqual(me.status, 200, me)
        body = me.json()
        self.assertEqual(set(body), {"id", "email", "name", "is_admin", "created_at", "updated_at"})
        self.assertFalse(body["is_admin"])
        self.assertEqual(body["email"], c.email)

    def test_access_token_is_eddsa_with_kid_in_jwks(self):
        c = flows.new_customer(self.base)
        header, claims, _ = c.token.split(".")
        h, cl = b64json(header), b64json(claims)
        self.assertEqual(h["alg"], "EdDSA")
        jwks = Client(self.base).get("/.well-known/jwks.json").json()
        self.assertIn(h["kid"], [k["kid"] for k in jwks["keys"]])
        for claim in ("iss", "sub", "aud", "exp", "iat", "jti"):
            self.assertIn(claim, cl)
        self.assertLessEqual(cl["exp"] - cl["iat"], 900)

    def test_duplicate_email_in_any_case_is_409(self):
        c = flows.new_customer(self.base)
        r = Client(self.base).post("/api/v1/auth/register",
                                   {"email": "  " + c.email.upper() + " ", "password": "another password 1", "name": "X"})
        self.assertEqual(r.status, 409, r)

    def test_registration_cannot_make_an_admin(self):
        anon = Client(self.base)
        email = flows.unique("sneaky") + "@example.com"
        r = anon.post("/api/v1/auth/register", {"email": email, "password": "long enough pw", "name": "S", "is_admin": True})
        self.assertEqual(r.status, 201, r)
        self.assertFalse(r.json()["is_admin"])

    def test_validation_errors_name_the_field(self):
        r = Client(self.base).post("/api/v1/auth/register", {"email": "not-an-email", "password": "short", "name": ""})
        self.assertEqual(r.status, 422, r)
        fields = {e["field"] for e in r.json()["errors"]}
        self.assertTrue({"email", "password"} <= fields, fields)

    def test_wrong_password_and_unknown_email_look_the_same(self):
        c = flows.new_customer(self.base)
        anon = Client(self.base)
        a = anon.post("/api/v1/auth/login", {"email": c.email, "password": "wrong password!"})
        b = anon.post("/api/v1/auth/login", {"email": flows.unique("nobody") + "@example.com", "password": "wrong password!"})
        self.assertEqual((a.status, b.status), (401, 401))
        strip = lambda r: {k: v for k, v in r.json().items() if k not in ("instance", "request_id")}
        self.assertEqual(strip(a), strip(b))

    def test_refresh_rotates_and_reuse_revokes_the_family(self):
        c = flows.new_customer(self.base)
        anon = Client(self.base)
        first = c.refresh_token
        r = anon.post("/api/v1/auth/refresh", {"refresh_token": first})
        self.assertEqual(r.status, 200, r)
        second = r.json()["refresh_token"]
        self.assertNotEqual(first, second)
        reuse = anon.post("/api/v1/auth/refresh", {"refresh_token": first})
        self.assertEqual(reuse.status, 401)
        # the whole family is gone, including the token that was issued legitimately
        self.assertEqual(anon.post("/api/v1/auth/refresh", {"refresh_token": second}).status, 401)

    def test_logout_revokes_refresh_tokens(self):
        c = flows.new_customer(self.base)
        r = c.post("/api/v1/auth/logout", {"refresh_token": c.refresh_token})
        self.assertEqual(r.status, 204, r)
        self.assertEqual(Client(self.base).post("/api/v1/auth/refresh", {"refresh_token": c.refresh_token}).status, 401)

    def test_users_see_only_themselves_and_admin_routes_are_403(self):
        alice, bob = flows.new_customer(self.base), flows.new_customer(self.base)
        self.assertIn(bob.get(f"/api/v1/users/{alice.user['id']}").status, (403, 404))
        self.assertEqual(bob.put(f"/api/v1/users/{alice.user['id']}", {"name": "Mallory"}).status, 403)
        self.assertEqual(bob.get("/api/v1/users").status, 403)
        self.assertEqual(bob.delete(f"/api/v1/users/{alice.user['id']}").status, 403)
        r = alice.put(f"/api/v1/users/{alice.user['id']}", {"name": "Alice B."})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["name"], "Alice B.")

    def test_admin_lists_creates_and_deletes_users(self):
        r = self.admin.post("/api/v1/users", {"email": flows.unique("staff") + "@example.com",
                                               "password": "staff password 1", "name": "Staff", "is_admin": True})
        self.assertEqual(r.status, 201, r)
        staff = r.json()
        self.assertTrue(staff["is_admin"])
        page = self.admin.get("/api/v1/users?limit=1")
        self.assertEqual(page.status, 200)
        self.assertEqual(len(page.json()["items"]), 1)
        self.assertTrue(page.json()["next_cursor"])
        self.assertEqual(self.admin.get("/api/v1/users?cursor=forged").status, 400)
        self.assertEqual(self.admin.delete(f"/api/v1/users/{staff['id']}").status, 204)
        self.assertEqual(self.admin.get(f"/api/v1/users/{staff['id']}").status, 404)

    def test_bad_tokens_are_401_with_www_authenticate(self):
        for token in ("garbage", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."):
            r = Client(self.base).get("/api/v1/users/me", token=token)
            self.assertEqual(r.status, 401, (token, r))
            self.assertIn('error="invalid_token"', r.header("WWW-Authenticate"))

    def test_no_response_carries_secrets(self):
        c = flows.new_customer(self.base)
        bodies = [c.get("/api/v1/users/me").body, self.admin.get("/api/v1/users?limit=100").body,
                  c.put(f"/api/v1/users/{c.user['id']}", {"name": "N"}).body]
        for b in bodies:
            self.assertNotIn(c.password, b)
            self.assertNotIn("argon2", b)
            self.assertNotIn(c.refresh_token, b)


if __name__ == "__main__":
    unittest.main(verbosity=2)
