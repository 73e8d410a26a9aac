"""Prepares wrk scripts for the catalog and login scenarios: collects product ids and categories
through the gateway, registers a bench user, and writes the Lua files into the work directory."""
import json
import sys
import urllib.request

base, work = sys.argv[1], sys.argv[2]


def call(method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")


ids, cursor = [], None
while len(ids) < 20000:
    page = call("GET", "/api/v1/products?limit=100" + (f"&cursor={cursor}" if cursor else ""))
    ids += [p["id"] for p in page["items"]]
    cursor = page["next_cursor"]
    if not cursor:
        break
cats = [c["name"] for c in call("GET", "/api/v1/categories")["items"]]
email, password = "bench-user@example.com", "bench user password 1"
try:
    call("POST", "/api/v1/auth/register", {"email": email, "password": password, "name": "Bench"})
except Exception:
    pass  # already registered
token = call("POST", "/api/v1/auth/login", {"email": email, "password": password})["access_token"]
open(f"{work}/token", "w").write(token)

lua_ids = "local ids = {" + ",".join(f'"{i}"' for i in ids) + "}\n"
pick = 'math.randomseed(os.time())\nrequest = function()\n  return wrk.format("GET", "/api/v1/products/" .. ids[math.random(#ids)])\nend\n'
open(f"{work}/product_get.lua", "w").write(lua_ids + pick)
open(f"{work}/product_get_auth.lua", "w").write(
    lua_ids + f'wrk.headers["Authorization"] = "Bearer {token}"\n' + pick)
open(f"{work}/category_list.lua", "w").write(
    "local cats = {" + ",".join(f'"{c}"' for c in cats) + "}\nmath.randomseed(os.time())\n"
    'request = function()\n  return wrk.format("GET", "/api/v1/products?limit=20&category=" .. cats[math.random(#cats)])\nend\n')
open(f"{work}/login.lua", "w").write(
    'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
    f'wrk.body = \'{json.dumps({"email": email, "password": password})}\'\n')
print(f"bench: {len(ids)} product ids, {len(cats)} categories")
