"""CPU seconds (user+system, threads included) of a process tree, grouped by process name, from
/proc. Used by bench/dist_checkout.sh to tell where a distributed checkout's CPU goes (services,
gateway, the Kafka mock broker, PostgreSQL backends).

  python3 proc_cpu.py <root-pid> [pg-port] > snapshot.json   # a snapshot (+ that PostgreSQL)
  python3 proc_cpu.py --diff before.json after.json [N]  # per name: seconds (and ms per N units)
Processes that exited between two snapshots are not counted (their CPU is lost to the diff)."""
import json
import os
import sys

HZ = os.sysconf("SC_CLK_TCK")


def stat(pid):
    text = open(f"/proc/{pid}/stat").read()
    name = text[text.index("(") + 1:text.rindex(")")]
    f = text.rsplit(")", 1)[1].split()
    return name, int(f[1]), (int(f[11]) + int(f[12])) / HZ  # name, ppid, cpu seconds


def postmasters(port):
    """Pids of PostgreSQL postmasters listening on `port` (pg_ctl detaches them from the tree)."""
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            args = open(f"/proc/{d}/cmdline", "rb").read().split(b"\0")
            if b"-D" not in args or not os.path.basename(args[0]).startswith(b"postgres"):
                continue
            data = args[args.index(b"-D") + 1].decode()
            lines = open(os.path.join(data, "postmaster.pid")).read().splitlines()
            if lines[0].strip() == d and lines[3].strip() == str(port):
                found.append(int(d))
        except (OSError, IndexError, ValueError):
            pass
    return found


def snapshot(root, pg_port=None):
    procs = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                procs[int(d)] = stat(d)
            except (OSError, ValueError):
                pass
    tree, todo = set(), [root] + (postmasters(pg_port) if pg_port else [])
    while todo:
        p = todo.pop()
        tree.add(p)
        todo += [c for c, (_, ppid, _) in procs.items() if ppid == p and c not in tree]
    out = {}
    for p in tree:
        if p in procs and p != root:
            name, _, cpu = procs[p]
            if name.startswith("postgres") or name.startswith("shop_pg"):
                name = "postgres"
            out[f"{name}:{p}"] = cpu
    return out


def diff(a, b, n=0):
    """Lines, per process name: the CPU seconds from snapshot a to b (and ms per unit of n)."""
    by_name = {}
    for k, v in b.items():
        name = k.rsplit(":", 1)[0]
        by_name[name] = by_name.get(name, 0) + v - a.get(k, 0)
    total = sum(by_name.values())
    out = []
    for name, s in sorted(by_name.items(), key=lambda kv: -kv[1]) + [("total", total)]:
        per = f" | {s / n * 1000:.2f}" if n else ""
        out.append(f"| {name} | {s:.2f}{per} |")
    return out


def main():
    if sys.argv[1] == "--diff":
        n = float(sys.argv[4]) if len(sys.argv) > 4 else 0
        print(f"| process | CPU s |{' ms per unit |' if n else ''}")
        print(f"|---|---|{'---|' if n else ''}")
        print("\n".join(diff(json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), n)))
        return
    json.dump(snapshot(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None), sys.stdout)


if __name__ == "__main__":
    main()
