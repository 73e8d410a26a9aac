"""Foundation, black-box through the gateway (issue 2, section 9): operations endpoints, error
statuses of the HTTP core, request ids, a slow client, and graceful shutdown."""
import json
import os
import signal
import socket
import threading
import time
import unittest

from shop_platform import Platform, Client


def raw_exchange(port, data, read_timeout=5.0):
    """Sends raw bytes, returns everything the server sends until it closes or goes quiet."""
    s = socket.create_connection(("127.0.0.1", port), timeout=read_timeout)
    try:
        s.sendall(data)
        chunks = []
        while True:
            try:
                b = s.recv(65536)
            except socket.timeout:
                break
            if not b:
                break
            chunks.append(b)
        return b"".join(chunks)
    finally:
        s.close()


def status_of(raw):
    line = raw.split(b"\r\n", 1)[0]
    return int(line.split()[1]) if line.startswith(b"HTTP/1.1") else None


class FoundationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.platform = Platform({"READ_TIMEOUT_MS": "700"}).start()
        cls.port = cls.platform.port

    @classmethod
    def tearDownClass(cls):
        cls.platform.stop()

    def setUp(self):
        self.c = self.platform.client()

    def tearDown(self):
        self.c.close()

    def test_health_is_the_seed_body(self):
        r = self.c.get("/health")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["status"], "healthy")
        self.assertIn("service", r.json())

    def test_ready_when_every_database_answers(self):
        r = self.c.get("/ready")
        self.assertEqual(r.status, 200, r)

    def test_metrics_are_prometheus_text_with_route_templates(self):
        self.c.get("/api/v1/products?limit=1")
        r = self.c.get("/metrics")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("Content-Type").startswith("text/plain"))
        self.assertIn("http_requests_total", r.body)
        self.assertIn('route="/api/v1/products"', r.body)
        self.assertIn("http_request_duration_seconds_bucket", r.body)
        self.assertIn("shop_build_info", r.body)

    def test_unknown_route_is_404_problem(self):
        r = self.c.get("/api/v1/nothing-here")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.header("Content-Type"), "application/problem+json")
        self.assertEqual(r.json()["status"], 404)

    def test_wrong_method_is_405_with_allow(self):
        r = self.c.request("DELETE", "/api/v1/categories")
        self.assertEqual(r.status, 405, r)
        self.assertIn("GET", r.header("Allow"))

    def test_malformed_json_is_400(self):
        r = self.c.post("/api/v1/auth/register", raw=b'{"email": ', headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.header("Content-Type"), "application/problem+json")

    def test_non_json_body_is_415(self):
        r = self.c.post("/api/v1/auth/register", raw=b"email=a", headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 415, r)

    def test_body_over_limit_is_413(self):
        big = b'{"x":"' + b"a" * (1024 * 1024 + 10) + b'"}'
        raw = raw_exchange(self.port, b"POST /api/v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           b"Content-Length: " + str(len(big)).encode() + b"\r\n\r\n" + big)
        self.assertEqual(status_of(raw), 413, raw[:200])

    def test_oversized_headers_are_431(self):
        raw = raw_exchange(self.port, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n")
        self.assertEqual(status_of(raw), 431, raw[:200])

    def test_smuggling_shapes_are_400_and_close(self):
        for head in (b"Transfer-Encoding: gzip\r\nContent-Length: 3\r\n",
                     b"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n",
                     b"Content-Length: 3\r\nContent-Length: 4\r\n"):
            raw = raw_exchange(self.port, b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n" + head + b"\r\nabc"
                               b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(status_of(raw), 400, (head, raw[:200]))
            self.assertEqual(raw.count(b"HTTP/1.1 "), 1, "the connection must close after a smuggling attempt")

    def test_request_id_is_echoed_or_generated(self):
        r = self.c.get("/health", headers={"X-Request-Id": "e2e-abc-123"})
        self.assertEqual(r.header("X-Request-Id"), "e2e-abc-123")
        r = self.c.get("/api/v1/products?limit=1")
        self.assertTrue(r.header("X-Request-Id"))
        self.assertTrue(r.header("traceparent").startswith("00-"))

    def test_traceparent_is_continued(self):
        tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        r = self.c.get("/api/v1/products?limit=1", headers={"traceparent": tp})
        self.assertIn("4bf92f3577b34da6a3ce929d0e0e4736", r.header("traceparent"))

    def test_pipelined_requests_answer_in_order(self):
        raw = raw_exchange(self.port, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n"
                           b"Connection: close\r\n\r\n")
        self.assertEqual(raw.count(b"HTTP/1.1 "), 2)
        self.assertLess(raw.index(b"HTTP/1.1 200"), raw.index(b"HTTP/1.1 404"))

    def test_slow_client_is_timed_out(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        try:
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # never finishes the header
            start = time.time()
            data = b""
            while True:
                b = s.recv(4096)
                if not b:
                    break
                data += b
            elapsed = time.time() - start
        finally:
            s.close()
        self.assertLess(elapsed, 4.0, "a silent client must not hold the connection")
        if data:
            self.assertEqual(status_of(data), 408)

    def test_cors_preflight(self):
        r = self.c.request("OPTIONS", "/api/v1/products", headers={
            "Origin": "https://shop.example", "Access-Control-Request-Method": "GET"})
        self.assertIn(r.status, (200, 204))
        self.assertTrue(r.header("Access-Control-Allow-Origin"))


class GracefulShutdownTest(unittest.TestCase):
    def test_sigterm_lets_a_request_in_flight_complete(self):
        p = Platform({"FAILPOINTS": "gateway.slow_path=sleep(1500)"}).start()
        try:
            result = {}

            def slow_call():
                c = Client(p.base_url)
                result["r"] = c.get("/api/v1/products?limit=1", headers={"X-Debug-Slow": "1"})
                c.close()

            t = threading.Thread(target=slow_call)
            t.start()
            time.sleep(0.5)  # the request is now inside the gateway's slow path
            code = p.terminate(signal.SIGTERM)
            t.join(10)
            self.assertEqual(code, 0, p.read_log())
            self.assertIn("r", result)
            self.assertEqual(result["r"].status, 200, result["r"])
            # ... and the listener is gone.
            with self.assertRaises(OSError):
                socket.create_connection(("127.0.0.1", p.port), timeout=1).close()
        finally:
            p.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
