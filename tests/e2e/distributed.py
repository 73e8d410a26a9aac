"""The distributed shape on one machine: a Kafka-protocol broker (librdkafka's mock cluster, the
`shop-kafka-mock` process), the four services and the gateway, each its own process with its own
database, talking HTTP and Kafka. Used by `make run-distributed` (foreground, Ctrl-C stops all) and
by the distributed end-to-end test (the same suites as the embedded shape, against the gateway).

  python3 distributed.py <build-dir> [--serve] [suite.py ...]
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from shop_platform import ADMIN_EMAIL, ADMIN_PASSWORD, Client, free_port

SERVICES = ["user-service", "product-service", "order-service", "payment-service"]


class Distributed:
    def __init__(self, build_dir, admin_email=ADMIN_EMAIL, admin_password=ADMIN_PASSWORD, port=None, data_dir=None):
        self.build = os.path.abspath(build_dir)
        self.procs = []
        self.tmp = data_dir or tempfile.mkdtemp(prefix="shop-dist-")
        os.makedirs(self.tmp, exist_ok=True)
        self.admin = (admin_email, admin_password)
        self.gateway_port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.gateway_port}"

    def spawn(self, name, argv, env):
        log = open(os.path.join(self.tmp, name + ".log"), "wb")
        p = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append((name, p, log))
        return p

    def wait_health(self, url, name, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                c = Client(url, timeout=2)
                if c.get("/health").status == 200:
                    c.close()
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{name} did not become healthy: see {self.tmp}/{name}.log")

    def start(self):
        bootstrap_file = os.path.join(self.tmp, "kafka.bootstrap")
        self.spawn("kafka-mock", [os.path.join(self.build, "libs/kafka/shop-kafka-mock"), bootstrap_file], dict(os.environ))
        deadline = time.time() + 20
        while not (os.path.exists(bootstrap_file) and open(bootstrap_file).read().strip()):
            if time.time() > deadline:
                raise RuntimeError("the mock Kafka broker did not start")
            time.sleep(0.05)
        brokers = open(bootstrap_file).read().strip()
        ports = {s: free_port() for s in SERVICES}
        urls = {s: f"http://127.0.0.1:{ports[s]}" for s in SERVICES}
        common = dict(os.environ)
        common.update({
            "HOST": "127.0.0.1", "LOG_LEVEL": os.environ.get("LOG_LEVEL", "warn"), "KAFKA_BROKERS": brokers,
            "KAFKA_CREATE_TOPICS": "false", "KAFKA_SESSION_TIMEOUT_MS": "6000", "KAFKA_HEARTBEAT_INTERVAL_MS": "500",
            "CURSOR_SECRET": "distributed-shape-cursor-secret", "DATA_DIR": self.tmp,
            "USER_SERVICE_URL": urls["user-service"], "PRODUCT_SERVICE_URL": urls["product-service"],
            "ORDER_SERVICE_URL": urls["order-service"], "PAYMENT_SERVICE_URL": urls["payment-service"],
        })
        for s in SERVICES:
            env = dict(common)
            env["PORT"] = str(ports[s])
            env["DATABASE_URL"] = f"sqlite://{self.tmp}/{s.split('-')[0]}.db"
            if s == "user-service":
                env.update({"ADMIN_EMAIL": self.admin[0], "ADMIN_PASSWORD": self.admin[1]})
            if s == "product-service":
                env["DEMO_CATALOG"] = os.environ.get("DEMO_CATALOG", "1")
            self.spawn(s, [os.path.join(self.build, f"services/{s}/{s}")], env)
            self.wait_health(urls[s], s)
        env = dict(common)
        env["PORT"] = str(self.gateway_port)
        self.spawn("api-gateway", [os.path.join(self.build, "api-gateway/api-gateway")], env)
        self.wait_health(self.base_url, "api-gateway")
        # The consumer groups must have their partitions before the first event matters.
        time.sleep(float(os.environ.get("SHOP_KAFKA_SETTLE_S", "4")))
        return self

    def stop(self):
        for name, p, log in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for name, p, log in reversed(self.procs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            log.close()
        self.procs = []


def main():
    build = sys.argv[1]
    args = sys.argv[2:]
    if args and args[0] == "--serve":
        port = int(os.environ.get("PORT", "8080"))
        data_dir = os.environ.get("DATA_DIR", os.path.abspath("var/distributed"))
        d = Distributed(build, os.environ.get("ADMIN_EMAIL", ADMIN_EMAIL), os.environ.get("ADMIN_PASSWORD", ADMIN_PASSWORD),
                        port=port, data_dir=data_dir)
        try:
            d.start()
            print(f"distributed shape: gateway on {d.base_url}; logs in {d.tmp}; Ctrl-C stops everything", flush=True)
            signal.sigwait({signal.SIGINT, signal.SIGTERM})
        except KeyboardInterrupt:
            pass
        finally:
            d.stop()
        return 0
    d = Distributed(build)
    code = 0
    try:
        d.start()
        env = dict(os.environ)
        env.pop("SHOP_BINARY", None)
        env["SHOP_BASE_URL"] = d.base_url
        env["SHOP_SHAPE"] = "distributed"
        for suite in args:
            r = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), suite), "-v"], env=env)
            code = code or r.returncode
    finally:
        d.stop()
        if code:
            for name in ["kafka-mock"] + SERVICES + ["api-gateway"]:
                path = os.path.join(d.tmp, name + ".log")
                if os.path.exists(path):
                    print(f"---- {name}.log (tail)")
                    print(open(path, "rb").read()[-1500:].decode("utf-8", "replace"))
        shutil.rmtree(d.tmp, ignore_errors=True)
    return code


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[2] == "--serve":
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    sys.exit(main())
