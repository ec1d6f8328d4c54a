#!/usr/bin/env python3
"""The truth of an SBOM benchmark corpus, derived from its lockfiles and manifests by
code that shares nothing with signoff-sbom: each format is read here with Python's own
parsers (json, tomllib, yaml, ElementTree) from its documentation.

For a directory it prints (or returns) three sets over third-party packages:
  components  "type/name@version" keys (lower case, PEP 503 for PyPI, no qualifiers)
  dev         the keys the files mark development-only (lockfile flags where they exist,
              else reachable only from development roots)
  edges       (from, to) pairs the lockfiles record between packages

Usage: sbom_truth.py DIR   (prints counts and, with --list, the sets)
"""
from __future__ import annotations

import json
import os
import re
import sys
import tomllib
import xml.etree.ElementTree as ET
from collections import defaultdict

import yaml

SKIP = {".git", "node_modules", ".yarn", "vendor", "target", ".venv", "fixtures", "testdata",
        "__fixtures__", "__pycache__", "build"}


def pep503(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def key(eco: str, name: str, version: str) -> str:
    if eco == "pypi":
        name = pep503(name)
    return f"{eco}/{name}@{version}".lower()


class Truth:
    def __init__(self):
        self.components: set[str] = set()
        self.runtime: set[str] = set()   # used at runtime by some file
        self.dev_seen: set[str] = set()  # development-only in some file
        self.edges: set[tuple[str, str]] = set()

    def add(self, k: str, dev: bool | None = False):
        self.components.add(k)
        if dev:
            self.dev_seen.add(k)
        else:
            self.runtime.add(k)

    @property
    def dev(self) -> set[str]:
        return self.dev_seen - self.runtime


def reach(starts, graph) -> set:
    seen, todo = set(), list(starts)
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        todo.extend(graph.get(n, ()))
    return seen


def classify(t: Truth, nodes: dict, graph: dict, runtime_roots, dev_roots, flags=None):
    """Adds nodes (id -> key) with dev-only = reachable from dev roots only (or the flag)."""
    rt = reach(runtime_roots, graph)
    dv = reach(dev_roots, graph)
    for n, k in nodes.items():
        if flags is not None and n in flags:
            t.add(k, flags[n])
        else:
            t.add(k, n not in rt and n in dv)
    for a, tos in graph.items():
        for b in tos:
            if a in nodes and b in nodes and nodes[a] != nodes[b]:
                t.edges.add((nodes[a], nodes[b]))


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# ------------------------------------------------------------------ JavaScript

def npm_names(path: str) -> list[str]:
    """Package names along a node_modules path or a bun key."""
    parts, out, i = path.split("/"), [], 0
    while i < len(parts):
        if parts[i].startswith("@") and i + 1 < len(parts):
            out.append(parts[i] + "/" + parts[i + 1]); i += 2
        else:
            out.append(parts[i]); i += 1
    return out


def package_lock(t: Truth, path: str):
    lock = json.loads(read(path))
    pk = lock.get("packages") or {}
    nodes, graph, flags = {}, defaultdict(set), {}
    for k, e in pk.items():
        if "node_modules/" not in k or e.get("link"):
            continue
        name = e.get("name") or k.rsplit("node_modules/", 1)[1]
        nodes[k] = key("npm", name, e.get("version", ""))
        flags[k] = bool(e.get("dev"))   # npm: devOptional ships (optional of a prod package)
    for k, e in pk.items():
        for dep in list(e.get("dependencies", {})) + list(e.get("optionalDependencies", {})) + list(e.get("peerDependencies", {})):
            base = k
            while True:
                cand = (base + "/" if base else "") + "node_modules/" + dep
                if cand in nodes:
                    graph[k].add(cand); break
                if not base:
                    break
                base = base.rsplit("/node_modules/", 1)[0] if "/node_modules/" in base else ""
    classify(t, nodes, graph, [], [], flags)


def bun_lock(t: Truth, path: str):
    text = re.sub(r",(\s*[}\]])", r"\1", read(path))
    lock = json.loads(text)
    pk = lock.get("packages", {})
    nodes, graph, info = {}, defaultdict(set), {}
    for k, v in pk.items():
        ident = v[0]
        at = ident.find("@", 1)
        name, ref = ident[:at], ident[at + 1:]
        info[k] = next((x for x in v if isinstance(x, dict)), {})
        if ref.startswith("workspace:"):
            continue
        nodes[k] = key("npm", name, ref)

    def locate(frm, dep):
        names = npm_names(frm)
        for depth in range(len(names), -1, -1):
            cand = "/".join(names[:depth] + [dep])
            if cand in pk:
                return cand
        return None
    for k in pk:
        for group in ("dependencies", "optionalDependencies", "peerDependencies"):
            for dep in info[k].get(group, {}):
                to = locate(k, dep)
                if to:
                    graph[k].add(to)
    rt, dv = [], []
    for ws in lock.get("workspaces", {}).values():
        scope = ws.get("name", "")
        find = lambda d: (scope + "/" + d) if scope and (scope + "/" + d) in pk else (d if d in pk else None)
        for group in ("dependencies", "optionalDependencies", "peerDependencies"):
            rt += [x for x in map(find, ws.get(group, {})) if x]
        dv += [x for x in map(find, ws.get("devDependencies", {})) if x]
    classify(t, nodes, graph, rt, dv)


def yarn_berry(t: Truth, path: str):
    root = os.path.dirname(path)
    text = read(path)
    blocks, cur, sub = [], None, None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        ind = len(line) - len(line.lstrip())
        s = line.strip()
        if ind == 0:
            cur = {"descriptors": [d.strip().strip('"') for d in s.rstrip(":").strip('"').split(",")], "fields": {}, "maps": defaultdict(dict)}
            blocks.append(cur); sub = None
        elif ind == 2:
            k, _, v = s.partition(":")
            k, v = k.strip('"'), v.strip().strip('"')
            if v:
                cur["fields"][k] = v; sub = None
            else:
                sub = k
        elif ind == 4 and sub:
            k, _, v = s.partition(":")
            cur["maps"][sub][k.strip('"')] = v.strip().strip('"')
    by_desc, nodes, ws_by_name = {}, {}, {}
    for i, b in enumerate(blocks):
        if b["descriptors"][0] == "__metadata":
            continue
        res = b["fields"].get("resolution", "")
        at = res.find("@", 1)
        name, ref = res[:at], res[at + 1:]
        for d in b["descriptors"]:
            by_desc[d] = i
        if ref.startswith("workspace:"):
            ws_by_name[name] = (i, ref[len("workspace:"):])
        else:
            nodes[i] = key("npm", name, b["fields"].get("version", ""))
    manifest = json.loads(read(os.path.join(root, "package.json")))
    resolutions = []
    for pat, forced in (manifest.get("resolutions") or {}).items():
        names = npm_names(pat)
        target, parent = names[-1], (names[-2] if len(names) > 1 else None)
        tat = target.find("@", 1)
        tname, trange = (target, None) if tat < 0 else (target[:tat], target[tat + 1:])
        if parent and parent != "**":
            pat_ = parent.find("@", 1)
            parent = parent if pat_ < 0 else parent[:pat_]
        else:
            parent = None
        resolutions.append((parent, tname, trange, forced))
    resolutions.sort(key=lambda r: r[0] is None)

    def lookup(name, rng):
        for d in (f"{name}@{rng}", f"{name}@npm:{rng}"):
            if d in by_desc:
                return by_desc[d]
        return None

    def resolve(parent, name, rng):
        for p, n, r, forced in resolutions:
            if n == name and (p is None or p == parent) and (r is None or r.removeprefix("npm:") == rng.removeprefix("npm:")):
                if forced.startswith("workspace:"):
                    return ws_by_name.get(name, (None,))[0]
                if forced.startswith("patch:"):
                    hit = lookup(name, forced)
                    if hit is None:
                        hits = [i for d, i in by_desc.items() if d.startswith(name + "@patch:")]
                        hit = min(hits) if hits else None
                    if hit is not None:
                        return hit
                hit = lookup(name, forced)
                if hit is not None:
                    return hit
        hit = lookup(name, rng)
        return hit if hit is not None else ws_by_name.get(name, (None,))[0]
    graph = defaultdict(set)
    for i, b in enumerate(blocks):
        if i not in nodes and b["descriptors"][0] == "__metadata":
            continue
        res = b["fields"].get("resolution", "")
        pname = res[:res.find("@", 1)]
        for group in ("dependencies", "optionalDependencies"):
            for n, r in b["maps"].get(group, {}).items():
                to = resolve(pname, n, r)
                if to is not None:
                    graph[i].add(to)
    # A workspace's entry lists its dev dependencies too; its package.json tells them
    # apart, by the name it declares (an alias such as `@babel-8/core` included).
    rt, dv = [], []
    for name, (i, rel) in ws_by_name.items():
        mpath = os.path.join(root, rel, "package.json")
        m = json.loads(read(mpath)) if os.path.exists(mpath) else {}
        runtime = set(m.get("dependencies", {})) | set(m.get("optionalDependencies", {}))
        dev_only = set(m.get("devDependencies", {})) - runtime
        b = blocks[i]
        for group in ("dependencies", "optionalDependencies"):
            for n, r in b["maps"].get(group, {}).items():
                to = resolve(name, n, r)
                if to is not None:
                    (dv if n in dev_only else rt).append(to)
        graph.pop(i, None)  # reached through the split above only
    classify(t, nodes, graph, rt, dv)


def deno_lock(t: Truth, path: str):
    lock = json.loads(read(path))
    specs = lock.get("specifiers", {})
    npm, jsr = lock.get("npm", {}), lock.get("jsr", {})
    nodes, graph, by_name = {}, defaultdict(set), {}
    for k in npm:
        at = k.find("@", 1)
        name, ver = k[:at], k[at + 1:].split("_")[0]
        nodes["npm:" + k] = key("npm", name, ver)
        by_name.setdefault(name, "npm:" + k)
    for k in jsr:
        at = k.find("@", 1)
        nodes["jsr:" + k] = key("jsr", k[:at], k[at + 1:])

    def spec(s):
        reg, rest = s.split(":", 1)
        at = rest.find("@", 1)
        name = rest if at < 0 else rest[:at]
        v = specs.get(s)
        return f"{reg}:{name}@{v}" if v else s
    for k, e in npm.items():
        for d in e.get("dependencies", []):
            d = d.split("@npm:", 1)[1] if "@npm:" in d else d
            to = ("npm:" + d) if d.find("@", 1) > 0 else by_name.get(d)
            if to in nodes:
                graph["npm:" + k].add(to)
    for k, e in jsr.items():
        for d in e.get("dependencies", []):
            to = spec(d)
            if to in nodes:
                graph["jsr:" + k].add(to)
    classify(t, nodes, graph, [], [])


# ------------------------------------------------------------------ Python

def pdm_lock(t: Truth, path: str):
    lock = tomllib.loads(read(path))
    extras = set()
    pp = os.path.join(os.path.dirname(path), "pyproject.toml")
    if os.path.exists(pp):
        extras = {pep503(x) for x in tomllib.loads(read(pp)).get("project", {}).get("optional-dependencies", {})}
    nodes, graph, flags, names = {}, defaultdict(set), {}, defaultdict(list)
    for p in lock.get("package", []):
        n = pep503(p["name"])
        nodes[n] = key("pypi", n, p.get("version", ""))
        groups = p.get("groups", [])
        flags[n] = bool(groups) and not any(g == "default" or pep503(g) in extras for g in groups)
        names[n].append(p)  # a package locked with extras is listed once more
    for n, entries in names.items():
        for req in [r for p in entries for r in p.get("dependencies", [])]:
            m = re.match(r"[A-Za-z0-9._-]+", req.strip())
            if m and pep503(m.group(0)) in nodes and pep503(m.group(0)) != n:
                graph[n].add(pep503(m.group(0)))
    classify(t, nodes, graph, [], [], flags)


def pylock(t: Truth, path: str):
    lock = tomllib.loads(read(path))
    for p in lock.get("packages", []):
        if "directory" in p:
            continue  # the project's own source tree
        marker = p.get("marker", "")
        groups = re.findall(r"['\"]([^'\"]+)['\"]\s+in\s+dependency_groups", marker)
        dev = bool(groups) and not set(groups) & set(lock.get("default-groups", [])) and "in extras" not in marker
        t.add(key("pypi", p["name"], p.get("version", "")), dev)


# ------------------------------------------------------------------ others

def podfile_lock(t: Truth, path: str):
    lock = yaml.safe_load(read(path))
    nodes, graph = {}, defaultdict(set)

    def pod(s):
        m = re.match(r"\s*([^ (]+)(?: \(([^)]*)\))?", s)
        return m.group(1).split("/")[0], (m.group(2) or "")
    external = lock.get("EXTERNAL SOURCES") or {}
    local = {n for n, src in external.items()
             if ":path" in (src or {}) and "node_modules" not in src[":path"]}
    for e in lock.get("PODS", []):
        head, deps = (e, []) if isinstance(e, str) else next(iter(e.items()))
        name, ver = pod(head)
        if name not in local:  # a development pod in the repository is first party
            nodes.setdefault(name, key("cocoapods", name, ver))
        for d in deps:
            dn = pod(d)[0]
            if dn != name:
                graph[name].add(dn)
    classify(t, nodes, graph, [], [])


def gradle_lockfile(t: Truth, path: str):
    conf_from_file = os.path.basename(path)[:-len(".lockfile")] if "gradle/dependency-locks/" in path else None
    for line in read(path).splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("empty="):
            continue
        coords, _, confs = line.partition("=")
        if not confs and conf_from_file:
            confs = conf_from_file
        g, a, v = coords.split(":")[:3]
        prod = any((c.lower().endswith("compileclasspath") or c.lower().endswith("runtimeclasspath")) and "test" not in c.lower() for c in confs.split(","))
        t.add(key("maven", f"{g}/{a}", v), not prod if confs else False)


def conda_lock(t: Truth, path: str):
    if path.endswith(".lock"):
        for line in read(path).splitlines():
            if "://" in line and not line.startswith("#"):
                f = line.split("#")[0].rsplit("/", 1)[1]
                stem = re.sub(r"(\.tar\.bz2|\.conda)$", "", f)
                name, ver, _ = stem.rsplit("-", 2)
                t.add(key("conda", name, ver))
        return
    lock = yaml.safe_load(read(path))
    nodes, graph, flags, per = {}, defaultdict(set), {}, defaultdict(dict)
    for p in lock.get("package", []):
        eco = "pypi" if p.get("manager") == "pip" else "conda"
        k = key(eco, p["name"], p["version"])
        nodes[k] = k
        cats = p.get("categories") or [p.get("category", "main")]
        flags[k] = flags.get(k, True) and "main" not in cats
        per[p.get("platform")][pep503(p["name"]) if eco == "pypi" else p["name"].lower()] = k
    for p in lock.get("package", []):
        eco = "pypi" if p.get("manager") == "pip" else "conda"
        k = key(eco, p["name"], p["version"])
        for d in p.get("dependencies") or {}:
            to = per[p.get("platform")].get(pep503(d) if eco == "pypi" else d.lower())
            if to and to != k:
                graph[k].add(to)
    classify(t, nodes, graph, [], [], flags)


def conda_env(t: Truth, path: str):
    env = yaml.safe_load(read(path)) or {}
    for d in env.get("dependencies", []):
        if isinstance(d, str):
            spec = d.split("::")[-1]
            m = re.match(r"([A-Za-z0-9._-]+)\s*(==?)?\s*([^=<>!~*,| ]*)", spec)
            name, op, ver = m.group(1), m.group(2), m.group(3)
            t.add(key("conda", name, ver if op else ""))
        elif isinstance(d, dict):
            for s in d.get("pip", []):
                if s.startswith("-") or "://" in s:
                    continue
                name = re.match(r"[A-Za-z0-9._-]+", s).group(0)
                ver = s.split("==", 1)[1].split(";")[0].strip() if "==" in s else ""
                t.add(key("pypi", name, ver))


def flake_lock(t: Truth, path: str):
    lock = json.loads(read(path))
    ns, root = lock["nodes"], lock.get("root", "root")
    nodes, graph = {}, defaultdict(set)
    for k, n in ns.items():
        lk = n.get("locked")
        if k == root or not lk:
            continue
        if lk.get("type") == "github":
            nodes[k] = key("github", f"{lk['owner']}/{lk['repo']}", lk.get("rev", ""))
        else:
            nodes[k] = key("generic", re.sub(r"_\d+$", "", k), lk.get("rev", ""))

    def resolve(target):
        if isinstance(target, str):
            return target
        at = root
        for step in target:
            nxt = ns[at].get("inputs", {}).get(step)
            at = resolve(nxt) if isinstance(nxt, list) else nxt
        return at
    for k, n in ns.items():
        for v in n.get("inputs", {}).values():
            to = resolve(v)
            if k in nodes and to in nodes:
                graph[k].add(to)
    classify(t, nodes, graph, [], [])


def workflow(t: Truth, path: str):
    doc = yaml.safe_load(read(path)) or {}
    uses = []
    for job in (doc.get("jobs") or {}).values():
        uses += [s.get("uses") for s in job.get("steps") or [] if isinstance(s, dict)]
        uses.append(job.get("uses"))
    uses += [s.get("uses") for s in ((doc.get("runs") or {}).get("steps") or []) if isinstance(s, dict)]
    for u in filter(None, uses):
        u = u.strip()
        if u.startswith("."):
            continue
        if u.startswith("docker://"):
            img = u[9:]
            name, ver = img.split("@", 1) if "@" in img else (img.rsplit(":", 1) if ":" in img.rsplit("/", 1)[-1] else (img, "latest"))
            t.add(key("docker", name, ver))
            continue
        repo, _, ref = u.partition("@")
        owner, name = repo.split("/")[:2]
        t.add(key("githubactions", f"{owner}/{name}", ref))


def gemfile_lock(t: Truth, path: str):
    text = read(path)
    nodes, graph, section, cur, direct = {}, defaultdict(set), "", None, []
    for line in text.splitlines():
        if not line.strip():
            continue
        ind = len(line) - len(line.lstrip())
        if ind == 0:
            section = line.strip(); continue
        if section in ("GEM", "GIT", "PATH", "PLUGIN SOURCE"):
            m = re.match(r"\s+(\S+)(?: \(([^)]*)\))?", line)
            if ind == 4:
                ver = m.group(2).split("-")[0]
                cur = m.group(1)
                if section != "PATH":
                    nodes.setdefault(cur, key("gem", cur, ver))
            elif ind == 6 and cur:
                graph[cur].add(m.group(1))
        elif section == "DEPENDENCIES" and ind == 2:
            direct.append(re.split(r"[ !]", line.strip())[0])
    gemfile = os.path.join(os.path.dirname(path), "Gemfile")
    dev_names, run_names = set(), set()
    if os.path.exists(gemfile):
        stack = []
        for raw in read(gemfile).splitlines():
            line = raw.split("#")[0].strip()
            m = re.match(r"group\s+(.*)\s+do$", line)
            if m:
                groups = re.findall(r":(\w+)", m.group(1))
                stack.append(bool(groups) and all(g in ("development", "test") for g in groups)); continue
            if re.search(r"\sdo(\s*\|.*\|)?$", line) and not line.startswith("gem "):
                stack.append(stack[-1] if stack else False); continue
            if line == "end":
                stack and stack.pop(); continue
            m = re.match(r"gem\s+['\"]([^'\"]+)['\"](.*)", line)
            if m:
                opt = re.search(r"group:\s*(\[[^\]]*\]|:\w+)", m.group(2))
                dev = (stack[-1] if stack else False) or bool(opt and all(g in ("development", "test") for g in re.findall(r":(\w+)", opt.group(1))))
                (dev_names if dev else run_names).add(m.group(1))
    dev_names -= run_names
    rt = [d for d in direct if d not in dev_names]
    dv = [d for d in direct if d in dev_names]
    classify(t, nodes, graph, rt, dv)


def mix_lock(t: Truth, path: str):
    nodes, graph = {}, defaultdict(set)
    for line in read(path).splitlines():
        m = re.match(r'\s*"([^"]+)": \{:(hex|git), ([^,]+), "([^"]*)"', line)
        if not m:
            continue
        name = m.group(1)
        ver = m.group(4) if m.group(2) == "hex" else re.findall(r'"([^"]*)"', line)[2]
        nodes[name] = key("hex", name, ver)
        for dep in re.finditer(r"\{:(\w+), \"[^\"]*\", \[([^\]]*)\]\}", line):
            if "optional: true" not in dep.group(2):
                graph[name].add(dep.group(1))
    exs = os.path.join(os.path.dirname(path), "mix.exs")
    rt, dv = [], []
    if os.path.exists(exs):
        code = "\n".join(l.split("#")[0] for l in read(exs).splitlines())
        for m in re.finditer(r"\{:(\w+),([^{}]*(?:\[[^\]]*\])?[^{}]*)\}", code):
            name, body = m.group(1), m.group(2)
            if name not in nodes:
                continue
            only = re.search(r"only:\s*(\[[^\]]*\]|:\w+)", body)
            envs = re.findall(r":(\w+)", only.group(1)) if only else []
            (dv if envs and all(e in ("dev", "test") for e in envs) else rt).append(name)
    if not rt and not dv:
        rt = list(nodes)
    classify(t, nodes, graph, rt, dv)


def pubspec_lock(t: Truth, path: str):
    lock = yaml.safe_load(read(path))
    d = os.path.dirname(path)
    root = yaml.safe_load(read(os.path.join(d, "pubspec.yaml"))) if os.path.exists(os.path.join(d, "pubspec.yaml")) else {}
    runtime, dev = set(), set()
    members = [d] + [os.path.join(d, m) for m in (root or {}).get("workspace", [])]
    if (root or {}).get("workspace"):
        for m in members:
            p = os.path.join(m, "pubspec.yaml")
            if os.path.exists(p):
                spec = yaml.safe_load(read(p)) or {}
                runtime |= set(spec.get("dependencies") or {})
                dev |= set(spec.get("dev_dependencies") or {})
    for name, e in (lock.get("packages") or {}).items():
        if e.get("source") in ("sdk", "path"):
            continue  # the SDK, and packages of this repository
        label = e.get("dependency", "")
        is_dev = (label == "direct dev") if not dev else (name in dev and name not in runtime)
        t.add(key("pub", name, e.get("version", "")), is_dev)


def go_mod(t: Truth, path: str):
    block, replaces, reqs = None, {}, []
    for raw in read(path).splitlines():
        code = raw.split("//")[0].strip()
        if not code:
            continue
        if code == ")":
            block = None; continue
        words = code.split()
        if words[-1] == "(":
            block = words[0]; continue
        verb, rest = (block, words) if block else (words[0], words[1:])
        if verb == "require":
            reqs.append((rest[0], rest[1]))
        elif verb == "replace" and "=>" in rest:
            i = rest.index("=>")
            if len(rest) > i + 2:
                replaces[rest[0]] = (rest[i + 1], rest[i + 2])
    for p, v in reqs:
        p2, v2 = replaces.get(p, (p, v))
        t.add(key("golang", p2, v2))


# ------------------------------------------------------------------ JVM and .NET manifests

def pom(t: Truth, path: str):
    def load(p):
        root = ET.parse(p).getroot()
        for el in root.iter():
            el.tag = el.tag.split("}")[-1]
        return root

    def text(el, tag):
        c = el.find(tag)
        return (c.text or "").strip() if c is not None and c.text else ""
    chain, p = [], path
    for _ in range(10):
        if not os.path.exists(p):
            break
        x = load(p)
        if chain:
            parent = chain[-1].find("parent")
            if parent is None or text(parent, "artifactId") != text(x, "artifactId"):
                break
        chain.append(x)
        parent = x.find("parent")
        if parent is None:
            break
        rel = text(parent, "relativePath") or "../pom.xml"
        p = os.path.normpath(os.path.join(os.path.dirname(p), rel))
        if not p.endswith(".xml"):
            p = os.path.join(p, "pom.xml")
    props, managed = {}, {}
    for x in reversed(chain):
        par = x.find("parent")
        g = text(x, "groupId") or (text(par, "groupId") if par is not None else "")
        v = text(x, "version") or (text(par, "version") if par is not None else "")
        props.update({"project.groupId": g, "project.version": v, "project.artifactId": text(x, "artifactId"),
                      "project.parent.version": text(par, "version") if par is not None else ""})
        pr = x.find("properties")
        if pr is not None:
            props.update({c.tag: (c.text or "").strip() for c in pr})
        dm = x.find("dependencyManagement/dependencies")
        for d in (dm if dm is not None else []):
            if text(d, "scope") != "import":
                managed[(text(d, "groupId"), text(d, "artifactId"))] = text(d, "version")

    def interp(s):
        for _ in range(10):
            m = re.search(r"\$\{([^}]+)\}", s)
            if not m or m.group(1) not in props:
                break
            s = s[:m.start()] + props[m.group(1)] + s[m.end():]
        return "" if "${" in s else s
    me = chain[0]
    modules = set()
    top = os.path.dirname(path)
    while os.path.exists(os.path.join(os.path.dirname(top), "pom.xml")) and os.path.dirname(top) != top:
        top = os.path.dirname(top)
    for base, _, files in os.walk(top):
        if "pom.xml" in files:
            modules.add(text(load(os.path.join(base, "pom.xml")), "artifactId"))
    for d in me.findall("dependencies/dependency"):
        g, a = interp(text(d, "groupId")), interp(text(d, "artifactId"))
        if a in modules:
            continue  # another module of this repository
        v = text(d, "version") or managed.get((g, a), "") or managed.get((text(d, "groupId"), text(d, "artifactId")), "")
        t.add(key("maven", f"{g}/{a}", interp(v)), text(d, "scope") == "test")


def gradle_build(t: Truth, settings: str):
    d = os.path.dirname(settings)
    libs, plugins = {}, []
    gdir = os.path.join(d, "gradle")
    for f in sorted(os.listdir(gdir)) if os.path.isdir(gdir) else []:
        if not f.endswith(".versions.toml"):
            continue
        cat = tomllib.loads(read(os.path.join(gdir, f)))
        vers = cat.get("versions", {})

        def ver(v):
            if isinstance(v, str):
                return v
            if isinstance(v, dict):
                if "ref" in v:
                    return ver(vers.get(v["ref"], ""))
                return v.get("strictly") or v.get("require") or v.get("prefer") or ""
            return ""
        for alias, lib in cat.get("libraries", {}).items():
            if isinstance(lib, str):
                g, a, *v = lib.split(":")
                libs[re.sub(r"[-_]", ".", alias).lower()] = (g, a, v[0] if v else "")
            else:
                g, a = lib["module"].split(":") if "module" in lib else (lib.get("group", ""), lib.get("name", ""))
                v = ver(vers.get(lib["version"]["ref"], "")) if isinstance(lib.get("version"), dict) and "ref" in lib["version"] else (
                    ver(vers.get(lib["version.ref"], "")) if "version.ref" in lib else ver(lib.get("version", "")))
                libs[re.sub(r"[-_]", ".", alias).lower()] = (g, a, v)
        for p in cat.get("plugins", {}).values():
            pid, v = (p.split(":") + [""])[:2] if isinstance(p, str) else (p.get("id", ""), ver(p.get("version", "")))
            plugins.append((pid, v))
    used = defaultdict(set)
    tools = ("kapt", "ksp", "annotationprocessor", "lintchecks", "detektplugins", "classpath", "coredesugaring", "errorprone", "spotbugsplugins", "compileonly")
    for base, _, files in os.walk(d):
        for f in files:
            if f not in ("build.gradle", "build.gradle.kts"):
                continue
            for line in read(os.path.join(base, f)).splitlines():
                m = re.match(r"\s*([a-z]\w*)\s*[(\"']", line)
                if not m or not re.search(r"(implementation|api|compileonly|runtimeonly|kapt|ksp|annotationprocessor|lintchecks|classpath|detektplugins|compile|runtime|coredesugaring)$", m.group(1).lower()):
                    continue
                conf = m.group(1).lower()
                runtime = "test" not in conf and not conf.endswith(tools)
                for ref in re.findall(r"(?<![\w.])libs\.([\w.]+)", line):
                    ref = ref.removesuffix(".get").rstrip(".")
                    if ref.split(".")[0] not in ("versions", "plugins"):
                        lib = libs.get(ref.replace("_", ".").lower())
                        if lib:
                            used[lib].add(runtime)
                for lit in re.findall(r"[\"']([\w.-]+:[\w.-]+(?::[\w.-]*)?)[\"']", line):
                    parts = lit.split(":")
                    used[(parts[0], parts[1], parts[2] if len(parts) > 2 else "")].add(runtime)
    for lib in set(libs.values()) | set(used):
        t.add(key("maven", f"{lib[0]}/{lib[1]}", lib[2]), bool(used.get(lib)) and not any(used[lib]))
    for pid, v in plugins:
        t.add(key("maven", f"{pid}/{pid}.gradle.plugin", v), True)


def msbuild(t: Truth, path: str):
    d = os.path.dirname(path)
    if os.path.exists(os.path.join(d, "packages.lock.json")):
        return

    def load(p):
        root = ET.parse(p).getroot()
        for el in root.iter():
            el.tag = el.tag.split("}")[-1]
        return root

    def nearest(name):
        cur = d
        while True:
            p = os.path.join(cur, name)
            if os.path.exists(p):
                return load(p)
            if cur in ("", ".", "/") or os.path.dirname(cur) == cur:
                return None
            cur = os.path.dirname(cur)
    props = {}
    for x in filter(None, [nearest("Directory.Build.props"), load(path)]):
        for g in x.findall("PropertyGroup"):
            props.update({c.tag.lower(): (c.text or "").strip() for c in g})

    def expand(s):
        for _ in range(10):
            m = re.search(r"\$\(([^)]+)\)", s)
            if not m or m.group(1).lower() not in props:
                break
            s = s[:m.start()] + props[m.group(1).lower()] + s[m.end():]
        return "" if "$(" in s else s
    central = {}
    cpm = nearest("Directory.Packages.props")
    if cpm is not None:
        for item in cpm.iter("PackageVersion"):
            if item.get("Include"):
                central[item.get("Include").lower()] = expand(item.get("Version", ""))
    proj = load(path)
    refs = [r for r in proj.iter("PackageReference")]
    stem = os.path.basename(path).rsplit(".", 1)[0].lower()
    test = (props.get("istestproject", "").lower() == "true" or props.get("projecttype", "").lower() == "test"
            or stem.endswith((".tests", ".test", ".unittests", ".integrationtests", ".specs", ".benchmarks", ".benchmark"))
            or any((r.get("Include") or "").lower() in ("microsoft.net.test.sdk", "xunit", "xunit.v3", "nunit", "mstest.testframework", "mstest", "benchmarkdotnet") for r in refs))
    for r in refs:
        pid = r.get("Include") or r.get("Update")
        if not pid:
            continue
        v = r.get("VersionOverride") or r.get("Version")
        v = expand(v) if v is not None else central.get(pid.lower(), "")
        t.add(key("nuget", pid, v.strip("[]")), test or (r.get("PrivateAssets") or "").lower() == "all")
    if cpm is not None:
        for item in cpm.iter("GlobalPackageReference"):
            t.add(key("nuget", item.get("Include"), item.get("Version", "")), True)


# ------------------------------------------------------------------ dispatch

def kind(rel: str):
    name = rel.rsplit("/", 1)[-1]
    if name in ("package-lock.json", "npm-shrinkwrap.json"):
        return package_lock
    if name == "bun.lock":
        return bun_lock
    if name == "yarn.lock":
        return yarn_berry
    if name == "deno.lock":
        return deno_lock
    if name == "pdm.lock":
        return pdm_lock
    if name.startswith("pylock.") and name.endswith(".toml"):
        return pylock
    if name == "Podfile.lock":
        return podfile_lock
    if name.endswith(".lockfile") and (name == "gradle.lockfile" or name.endswith("-gradle.lockfile") or "gradle/dependency-locks/" in rel):
        return gradle_lockfile
    if name in ("conda-lock.yml", "conda-lock.yaml") or (name.startswith("conda-") and name.endswith(".lock")):
        return conda_lock
    if name.startswith("environment") and name.endswith((".yml", ".yaml")):
        return conda_env
    if name == "flake.lock":
        return flake_lock
    if (rel.startswith(".github/workflows/") and rel.count("/") == 2 and name.endswith((".yml", ".yaml"))) or name in ("action.yml", "action.yaml"):
        return workflow
    if name == "Gemfile.lock":
        return gemfile_lock
    if name == "mix.lock":
        return mix_lock
    if name == "pubspec.lock":
        return pubspec_lock
    if name == "go.mod":
        return go_mod
    if name == "pom.xml":
        return pom
    if name in ("settings.gradle", "settings.gradle.kts"):
        return gradle_build
    if name.endswith((".csproj", ".fsproj", ".vbproj")):
        return msbuild
    return None


def truth(root: str) -> Truth:
    t = Truth()
    for base, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if x not in SKIP)
        for f in sorted(files):
            path = os.path.join(base, f)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            fn = kind(rel)
            if fn:
                fn(t, path)
    return t


if __name__ == "__main__":
    t = truth(sys.argv[1])
    print(f"components={len(t.components)} dev={len(t.dev)} edges={len(t.edges)}")
    if "--list" in sys.argv:
        for k in sorted(t.components):
            print(("dev " if k in t.dev else "    ") + k)
