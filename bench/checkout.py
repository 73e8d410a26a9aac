"""Checkout benchmark (issue 5) against the embedded platform: many users each place an order of
1-3 items and pay it, through the gateway; then a stock-contention run (200 buyers, stock 50).
Reports checkouts/s, p50/p99 of each step and server CPU per completed checkout (from /proc)."""
import concurrent.futures
import json
import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "e2e"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shop_platform import Client  # noqa: E402

base, out = sys.argv[1], sys.argv[3]
pids = [int(x) for x in sys.argv[2].replace(',', ' ').split()]  # the server processes (one, or the distributed set)
USERS = int(os.environ.get("BENCH_CHECKOUT_USERS", "32"))
PER_USER = int(os.environ.get("BENCH_CHECKOUTS_PER_USER", "10"))
ADDRESS = {"name": "B", "line1": "1 Main St", "city": "X", "postal_code": "1", "country": "US"}
CARD = {"card_number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"}


def cpu_seconds(ps):
    total = 0
    for p in ps:
        f = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
        total += int(f[11]) + int(f[12])
    return total / os.sysconf("SC_CLK_TCK")


def login(c, email, password):
    return c.post("/api/v1/auth/login", {"email": email, "password": password}).json()["access_token"]


admin = Client(base)
admin.token = login(admin, "bench@example.com", "bench-password-123")
products = []
for i in range(20):
    p = admin.post("/api/v1/products", {"sku": f"BENCH-{i}-{random.randrange(1 << 30)}", "name": f"Bench {i}",
                                         "description": "", "price_cents": 500 + i, "currency": "USD",
                                         "category": "bench"}).json()
    admin.put(f"/api/v1/inventory/{p['id']}", {"on_hand": 1_000_000})
    products.append(p["id"])

users = []
for u in range(USERS):
    c = Client(base)
    email = f"buyer{u}-{random.randrange(1 << 30)}@example.com"
    c.post("/api/v1/auth/register", {"email": email, "password": "buyer password 1", "name": "B"})
    c.token = login(c, email, "buyer password 1")
    users.append(c)

steps = {"place": [], "reserved": [], "pay": []}
polls = [0]  # GET /orders/{id} while PENDING: each costs server CPU, so a slow saga costs CPU too
lock = threading.Lock()


def run_user(c):
    rng = random.Random()
    for _ in range(PER_USER):
        items = [{"product_id": pid_, "quantity": rng.randint(1, 2)} for pid_ in rng.sample(products, rng.randint(1, 3))]
        t0 = time.perf_counter()
        o = c.post("/api/v1/orders", {"items": items, "shipping_address": ADDRESS}).json()
        t1 = time.perf_counter()
        k = 1
        while c.get(f"/api/v1/orders/{o['id']}").json()["status"] == "PENDING":
            time.sleep(0.001)
            k += 1
        t2 = time.perf_counter()
        r = c.post("/api/v1/payments", {"order_id": o["id"], "payment_method": CARD})
        t3 = time.perf_counter()
        assert r.status == 201, r
        with lock:
            steps["place"].append(t1 - t0)
            steps["reserved"].append(t2 - t1)
            steps["pay"].append(t3 - t2)
            polls[0] += k


# BENCH_CPU_TREE=<pid>: also report the checkouts' CPU per process name of that process tree (the
# distributed shape's runner: services, gateway, Kafka mock broker; BENCH_PG_PORT adds the
# PostgreSQL server listening there, which pg_ctl detached from the tree).
tree = int(os.environ["BENCH_CPU_TREE"]) if os.environ.get("BENCH_CPU_TREE") else None
if tree:
    sys.dont_write_bytecode = True  # no bench/__pycache__ in the tree
    from proc_cpu import snapshot, diff  # noqa: E402
    pg_port = os.environ.get("BENCH_PG_PORT") or None
    tree0 = snapshot(tree, pg_port)
cpu0, wall0 = cpu_seconds(pids), time.perf_counter()
with concurrent.futures.ThreadPoolExecutor(max_workers=USERS) as ex:
    list(ex.map(run_user, users))
wall, cpu = time.perf_counter() - wall0, cpu_seconds(pids) - cpu0
n = USERS * PER_USER
if tree:
    per_process = diff(tree0, snapshot(tree, pg_port), n)


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] * 1000


# Stock contention: 200 buyers, stock 50: exactly 50 orders reserved (PAID-able), never more.
hot = admin.post("/api/v1/products", {"sku": f"HOT-{random.randrange(1 << 30)}", "name": "Hot item", "description": "",
                                       "price_cents": 999, "currency": "USD", "category": "bench"}).json()
admin.put(f"/api/v1/inventory/{hot['id']}", {"on_hand": 50})


def contend(i):
    c = users[i % len(users)]
    cl = Client(base)
    cl.token = c.token
    o = cl.post("/api/v1/orders", {"items": [{"product_id": hot["id"], "quantity": 1}], "shipping_address": ADDRESS}).json()
    while True:
        s = cl.get(f"/api/v1/orders/{o['id']}").json()["status"]
        if s != "PENDING":
            return s
        time.sleep(0.002)


with concurrent.futures.ThreadPoolExecutor(max_workers=50) as ex:
    outcome = list(ex.map(contend, range(200)))
reserved = outcome.count("RESERVED")
inv = admin.get(f"/api/v1/inventory/{hot['id']}").json()

lines = [
    f"## Checkout ({os.environ.get('BENCH_SHAPE', 'embedded')} shape)",
    "",
    f"{USERS} users x {PER_USER} checkouts (1-3 items each, then a sandbox card payment), through the gateway.",
    "",
    f"- completed checkouts: {n} in {wall:.2f} s = **{n / wall:.1f} checkouts/s**",
    f"- server CPU per completed checkout (all services + gateway): **{cpu / n * 1000:.2f} ms** (target <= 1 ms); "
    f"it includes {polls[0] / n:.1f} order-status GETs per checkout (polled every 1 ms until not PENDING)",
    "",
    "| step | p50 (ms) | p99 (ms) |",
    "|---|---|---|",
]
for k, v in steps.items():
    lines.append(f"| {k} | {pct(v, 0.5):.2f} | {pct(v, 0.99):.2f} |")
lines += ["", f"Stock contention: 200 buyers, stock 50: **{reserved} reserved**, {outcome.count('REJECTED')} rejected; "
              f"inventory on_hand {inv['on_hand']}, reserved {inv['reserved']}, available {inv['available']} "
              f"({'never oversold' if reserved <= 50 and inv['available'] >= 0 else 'OVERSOLD'})."]
if tree:
    lines += ["", "Where the checkouts' CPU went (every process of the shape, PostgreSQL server included):", "",
              "| process | CPU s | ms per checkout |", "|---|---|---|"] + per_process
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
