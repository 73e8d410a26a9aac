"""Starts and stops the platform under test, and a tiny JSON HTTP client (stdlib only).

The suites in this folder are black-box: they talk HTTP to the gateway. The target is chosen by
environment: SHOP_BINARY (the all-in-one program, started here on a free port with a fresh
DATA_DIR) or SHOP_BASE_URL (an already running platform, e.g. the distributed shape).
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body) if self.body else None

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def __repr__(self):
        return f"<{self.status} {self.body[:300]!r}>"


class Client:
    """Keep-alive JSON client for one base URL."""

    def __init__(self, base_url, timeout=30):
        u = urllib.parse.urlparse(base_url)
        self.host, self.port = u.hostname, u.port
        self.timeout = timeout
        self.conn = None
        self.token = None

    def _conn(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.conn

    def request(self, method, path, body=None, headers=None, token=None, raw=None):
        hdrs = dict(headers or {})
        data = None
        if raw is not None:
            data = raw
        elif body is not None:
            data = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        tok = token if token is not None else self.token
        if tok:
            hdrs.setdefault("Authorization", f"Bearer {tok}")
        for attempt in range(2):
            try:
                c = self._conn()
                c.request(method, path, body=data, headers=hdrs)
                r = c.getresponse()
                payload = r.read().decode("utf-8", "replace")
                if r.getheader("Connection", "").lower() == "close":
                    self.close()
                return Response(r.status, r.getheaders(), payload)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 1:
                    raise
            except Exception:
                # Whatever happened (refused, timeout, protocol error), the connection's state is
                # unknown: drop it so the next request starts clean.
                self.close()
                raise
        raise AssertionError("unreachable")

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


ADMIN_EMAIL = "admin@e2e.test"
ADMIN_PASSWORD = "e2e-admin-password-123"


class Platform:
    """The embedded binary on a free port with a fresh data directory."""

    def __init__(self, extra_env=None):
        self.binary = os.environ.get("SHOP_BINARY")
        self.base_url = os.environ.get("SHOP_BASE_URL")
        self.proc = None
        self.data_dir = None
        self.extra_env = extra_env or {}
        self.log_path = None

    def start(self):
        if self.base_url and not self.binary:
            return self
        self.port = free_port()
        self.data_dir = tempfile.mkdtemp(prefix="shop-e2e-")
        env = dict(os.environ)
        env.update({
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "DATA_DIR": self.data_dir,
            "LOG_LEVEL": "warn",
            "ADMIN_EMAIL": ADMIN_EMAIL,
            "ADMIN_PASSWORD": ADMIN_PASSWORD,
            "ARGON2_MEMLIMIT_KIB": "19456",
        })
        env.update(self.extra_env)
        self.log_path = os.path.join(self.data_dir, "platform.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([self.binary], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.wait_healthy()
        return self

    def wait_healthy(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(f"platform exited with {self.proc.returncode}: {self.read_log()}")
            try:
                c = Client(self.base_url, timeout=2)
                r = c.get("/health")
                c.close()
                if r.status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"platform not healthy in {timeout}s: {self.read_log()}")

    def read_log(self):
        if not self.log_path:
            return ""
        with open(self.log_path, "rb") as f:
            return f.read()[-4000:].decode("utf-8", "replace")

    def client(self):
        return Client(self.base_url)

    def terminate(self, sig=signal.SIGTERM, timeout=20):
        if self.proc is None:
            return None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("platform did not stop in time after " + str(sig))

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.terminate()
        if self.proc is not None:
            self.log.close()
        if self.data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)


def wait_for(fn, timeout=10, interval=0.02):
    """Polls fn() until it returns a truthy value; returns it or raises."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"condition not met in {timeout}s (last: {last!r})")
