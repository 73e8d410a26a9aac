"""The distributed shape on one machine: a Kafka-protocol broker (librdkafka's mock cluster, the
`shop-kafka-mock` process), the four services and the gateway, each its own process with its own
database, talking HTTP and Kafka. Used by `make run-distributed` (foreground, Ctrl-C stops all) and
by the distributed end-to-end test (the same suites as the embedded shape, against the gateway).

  python3 distributed.py <build-dir> [--serve] [suite.py ...]

Databases (env SHOP_DB): "postgres" runs every service on its own database of ONE private
PostgreSQL cluster (`shop_pg_server`: initdb in a temp dir, loopback, free port; deleted at stop);
"sqlite" gives each service a SQLite file in the data directory; "auto" (the default) uses
PostgreSQL when shop_pg_server is built and the PostgreSQL server binaries are installed, and
falls back to SQLite with a message otherwise. SHOP_DB_<SERVICE>=sqlite|postgres overrides it
for one service (e.g. SHOP_DB_PRODUCT=sqlite).

Tests that need more than the suites (replicas, a killed and restarted service) use the class:
Distributed(build, replicas={"product-service": 2}).start(), .kill(name), .restart(name).
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from shop_platform import ADMIN_EMAIL, ADMIN_PASSWORD, Client, free_port

def _unblock_signals():
    # --serve blocks SIGINT/SIGTERM in this process to sigwait() for them; children inherit the
    # mask, and a service that cannot receive SIGTERM cannot shut down gracefully.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


SERVICES = ["user-service", "product-service", "order-service", "payment-service"]


def short(service):
    """"order-service" -> "order" (database and SHOP_DB_<NAME> names)."""
    return service.split("-")[0]


def pg_database(service):
    """"order-service" -> "order_service" (a plain identifier; "user" is reserved in SQL)."""
    return service.replace("-", "_")


class PgCluster:
    """One private PostgreSQL cluster (shop_pg_server) with a database per service."""

    def __init__(self, build, tmp):
        self.binary = os.path.join(build, "libs/pg/shop_pg_server")
        self.tmp = tmp
        self.proc = None
        self.urls = {}

    def available(self):
        return os.access(self.binary, os.X_OK)

    def start(self, databases, timeout=90):
        url_file = os.path.join(self.tmp, "pg.urls")
        self.log = open(os.path.join(self.tmp, "postgres.log"), "wb")
        self.proc = subprocess.Popen([self.binary, "--url-file", url_file] + list(databases), preexec_fn=_unblock_signals,
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.time() + timeout
        while not os.path.exists(url_file):
            code = self.proc.poll()
            if code is not None:
                self.log.close()
                self.proc = None
                return code  # 2: PostgreSQL is not installed
            if time.time() > deadline:
                raise RuntimeError(f"shop_pg_server did not start: see {self.tmp}/postgres.log")
            time.sleep(0.05)
        for line in open(url_file).read().splitlines():
            name, _, url = line.partition("=")
            self.urls[name] = url
        return 0

    def stop(self):
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None
        self.log.close()


class Distributed:
    def __init__(self, build_dir, admin_email=ADMIN_EMAIL, admin_password=ADMIN_PASSWORD, port=None, data_dir=None,
                 replicas=None, db=None):
        self.build = os.path.abspath(build_dir)
        self.procs = []
        self.replicas = dict(replicas or {})  # service -> number of processes (default 1)
        self.db_choice = (db or os.environ.get("SHOP_DB", "auto")).lower()
        self.pg = None
        self.databases = {}  # service -> DATABASE_URL
        self.instances = {}  # instance name ("product-service", "product-service-2") -> (argv, env, url)
        self.tmp = data_dir or tempfile.mkdtemp(prefix="shop-dist-")
        os.makedirs(self.tmp, exist_ok=True)
        self.admin = (admin_email, admin_password)
        self.gateway_port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.gateway_port}"

    def spawn(self, name, argv, env):
        log = open(os.path.join(self.tmp, name + ".log"), "ab")  # a restart appends
        p = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_unblock_signals)
        self.procs.append((name, p, log))
        return p

    def proc(self, name):
        """The live process of an instance, or None."""
        for n, p, _ in reversed(self.procs):
            if n == name and p.poll() is None:
                return p
        return None

    def kill(self, name, sig=signal.SIGKILL):
        """Kills an instance (SIGKILL by default: no drain, no clean shutdown) and reaps it."""
        p = self.proc(name)
        if p is None:
            raise RuntimeError(f"{name} is not running")
        p.send_signal(sig)
        p.wait(timeout=30)

    def restart(self, name, timeout=30):
        """Starts an instance again with the same port, database and environment."""
        argv, env, url = self.instances[name]
        self.spawn(name, argv, env)
        self.wait_health(url, name, timeout)

    def cleanup(self, keep_logs=False):
        """After stop(): deletes the data directory, or with keep_logs prints each log's tail."""
        if not keep_logs:
            shutil.rmtree(self.tmp, ignore_errors=True)
            return
        for name in ["kafka-mock", "postgres"] + list(self.instances) + ["api-gateway"]:
            path = os.path.join(self.tmp, name + ".log")
            if os.path.exists(path):
                print(f"---- {name}.log (tail)", file=sys.stderr)
                print(open(path, "rb").read()[-1500:].decode("utf-8", "replace"), file=sys.stderr)
        print(f"logs kept in {self.tmp}", file=sys.stderr, flush=True)

    def choose_databases(self):
        """Fills self.databases: SHOP_DB (+ SHOP_DB_<SERVICE>) -> a URL per service."""
        choice = {s: os.environ.get(f"SHOP_DB_{short(s).upper()}", self.db_choice).lower() for s in SERVICES}
        for s, c in choice.items():
            if c not in ("auto", "postgres", "postgresql", "sqlite"):
                raise RuntimeError(f"SHOP_DB for {s}: expected auto, postgres or sqlite, got {c!r}")
        want_pg = [s for s in SERVICES if choice[s] != "sqlite"]
        if want_pg:
            self.pg = PgCluster(self.build, self.tmp)
            code = self.pg.start([pg_database(s) for s in want_pg]) if self.pg.available() else None
            if code not in (0, None, 2):
                log = open(os.path.join(self.tmp, "postgres.log"), "rb").read()[-1500:].decode("utf-8", "replace")
                raise RuntimeError(f"shop_pg_server failed (exit {code}):\n{log}")
            if code != 0:
                why = ("shop_pg_server is not built (libpq-dev missing?)" if code is None
                       else "PostgreSQL is not installed (apt-get install postgresql)")
                self.pg = None
                if any(choice[s] in ("postgres", "postgresql") for s in want_pg):
                    raise RuntimeError("SHOP_DB=postgres: " + why)
                print(f"distributed shape: {why}; the services use SQLite", file=sys.stderr, flush=True)
        for s in SERVICES:
            if self.pg is not None and s in want_pg:
                self.databases[s] = self.pg.urls[pg_database(s)]
            else:
                self.databases[s] = f"sqlite://{self.tmp}/{short(s)}.db"

    def database_kinds(self):
        """{"user-service": "postgres"|"sqlite", ...} after start()."""
        return {s: ("sqlite" if u.startswith("sqlite") else "postgres") for s, u in self.databases.items()}

    def wait_health(self, url, name, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            p = self.proc(name)
            if p is None and any(n == name for n, _, _ in self.procs):
                raise RuntimeError(f"{name} exited at start: see {self.tmp}/{name}.log")
            try:
                c = Client(url, timeout=2)
                # /ready: the database answers and, for token-checking processes, the JWKS is loaded.
                if c.get("/ready").status == 200:
                    c.close()
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{name} did not become ready: see {self.tmp}/{name}.log")

    def start(self):
        bootstrap_file = os.path.join(self.tmp, "kafka.bootstrap")
        self.spawn("kafka-mock", [os.path.join(self.build, "libs/kafka/shop-kafka-mock"), bootstrap_file], dict(os.environ))
        deadline = time.time() + 20
        while not (os.path.exists(bootstrap_file) and open(bootstrap_file).read().strip()):
            if time.time() > deadline:
                raise RuntimeError("the mock Kafka broker did not start")
            time.sleep(0.05)
        brokers = open(bootstrap_file).read().strip()
        self.choose_databases()
        ports = {s: free_port() for s in SERVICES}
        urls = {s: f"http://127.0.0.1:{ports[s]}" for s in SERVICES}
        common = dict(os.environ)
        common.update({
            "HOST": "127.0.0.1", "LOG_LEVEL": os.environ.get("LOG_LEVEL", "warn"), "KAFKA_BROKERS": brokers,
            "KAFKA_CREATE_TOPICS": "false", "KAFKA_FETCH_WAIT_MAX_MS": "10", "KAFKA_SESSION_TIMEOUT_MS": "6000", "KAFKA_HEARTBEAT_INTERVAL_MS": "500",
            "CURSOR_SECRET": "distributed-shape-cursor-secret", "DATA_DIR": self.tmp,
            "USER_SERVICE_URL": urls["user-service"], "PRODUCT_SERVICE_URL": urls["product-service"],
            "ORDER_SERVICE_URL": urls["order-service"], "PAYMENT_SERVICE_URL": urls["payment-service"],
        })
        for s in SERVICES:
            env = dict(common)
            env["DATABASE_URL"] = self.databases[s]
            if s == "user-service":
                env.update({"ADMIN_EMAIL": self.admin[0], "ADMIN_PASSWORD": self.admin[1]})
            if s == "product-service":
                env["DEMO_CATALOG"] = os.environ.get("DEMO_CATALOG", "1")
            argv = [os.path.join(self.build, f"services/{s}/{s}")]
            for i in range(self.replicas.get(s, 1)):
                # Replicas share the database and the consumer group; the gateway calls the first.
                name = s if i == 0 else f"{s}-{i + 1}"
                port = ports[s] if i == 0 else free_port()
                renv = dict(env)
                renv["PORT"] = str(port)
                if i > 0:
                    renv["KAFKA_CLIENT_ID"] = name
                url = f"http://127.0.0.1:{port}"
                if s == "product-service" and i == 0 and os.environ.get("SHOP_SEED_PRODUCTS"):
                    # A large demo catalog (benchmarks): loaded before the service starts.
                    subprocess.run(argv + ["seed-demo", os.environ["SHOP_SEED_PRODUCTS"]], env=renv, check=True,
                                   stdout=subprocess.DEVNULL, preexec_fn=_unblock_signals)
                self.instances[name] = (argv, renv, url)
                self.spawn(name, argv, renv)
                self.wait_health(url, name)
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
        if self.pg is not None:
            self.pg.stop()
            self.pg = None


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
            with open(os.path.join(d.tmp, "pids"), "w") as f:  # for benchmarks (CPU from /proc)
                f.write(" ".join(str(p.pid) for n, p, _ in d.procs if n not in ("kafka-mock", "postgres")) + "\n")
            print(f"distributed shape: gateway on {d.base_url}; databases {d.database_kinds()}; logs in {d.tmp}; "
                  "Ctrl-C stops everything", flush=True)
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
        print(f"distributed shape: databases {d.database_kinds()}", flush=True)
        env = dict(os.environ)
        env.pop("SHOP_BINARY", None)
        env["SHOP_BASE_URL"] = d.base_url
        env["SHOP_SHAPE"] = "distributed"
        for suite in args:
            r = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), suite), "-v"], env=env)
            code = code or r.returncode
    finally:
        d.stop()
        d.cleanup(keep_logs=bool(code))
    return code


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[2] == "--serve":
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    sys.exit(main())
