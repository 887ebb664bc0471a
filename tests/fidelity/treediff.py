#!/usr/bin/env python3
"""Tree-level differential test of pleo-render against kubectl kustomize.

  treediff.py PLEO_RENDER --count N [--seed S] [--out DIR] [--jobs 2]

Generates N random multi-directory kustomization trees (bases, overlays,
diamonds, components) over the fields pleo-render supports, with objects
that refer to each other by name and, at a low rate, YAML edge values.
Each tree is rendered with `PLEO_RENDER build DIR` and `kubectl kustomize
DIR`; the verdict per tree is: same bytes, both failed, or a difference:
  accepted  pleo-render renders where kustomize fails,
  rejected  pleo-render fails where kustomize renders,
  output    both render, the bytes differ.
A difference is minimized by delta debugging (drop files, then any map
entry or list item of any file, largest first, while the same verdict
holds) and written to --out with both outputs. The same seed gives the same
trees, verdicts and minimized trees. Stdlib only; kubectl must be on PATH.
"""

import argparse
import concurrent.futures
import copy
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

TOP = "top"  # the directory rendered in every tree

# --------------------------------------------------------------------------
# Tree model: {path: File}. Files hold plain Python data so the minimizer can
# delete any map entry or list item; Raw scalars are written verbatim (that
# is how YAML edge values get in), Inline values become block scalars.


class Raw(str):
    """A scalar written exactly as given: `yes`, `0x1F`, `"quoted"`, `{}`."""


class Inline:
    """Data written as a literal block scalar (an inline patch)."""

    def __init__(self, data, fmt="yaml"):
        self.data, self.fmt = data, fmt  # fmt: yaml, docs (several), json


class File:
    def __init__(self, data, fmt="yaml"):
        self.data, self.fmt = data, fmt  # fmt: yaml, docs, json, lines


YAML11 = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", ""}


def scalar(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, Raw):
        return str(v)
    if re.fullmatch(r"[A-Za-z_/][A-Za-z0-9_./=-]*", v) and v.lower() not in YAML11:
        return v
    return json.dumps(v, ensure_ascii=False)


def is_block(v):
    return isinstance(v, (dict, list)) and len(v) > 0


def yaml_lines(v, ind):
    pad = " " * ind
    out = []
    if isinstance(v, dict):
        for k, val in v.items():
            key = scalar(k)
            if is_block(val):
                out.append("%s%s:" % (pad, key))
                out += yaml_lines(val, ind + 2)
            elif isinstance(val, Inline):
                out.append("%s%s: |" % (pad, key))
                out += block_text(val, ind + 2)
            else:
                out.append("%s%s: %s" % (pad, key, flow(val)))
    elif isinstance(v, list):
        for item in v:
            if is_block(item):
                sub = yaml_lines(item, ind + 2)
                out.append(pad + "- " + sub[0][ind + 2:])
                out += sub[1:]
            elif isinstance(item, Inline):
                out.append(pad + "- |")
                out += block_text(item, ind + 2)
            else:
                out.append(pad + "- " + flow(item))
    return out


def flow(v):
    if isinstance(v, dict):
        return "{}"
    if isinstance(v, list):
        return "[]"
    return scalar(v)


def dump_yaml(v):
    if not is_block(v):
        return flow(v) + "\n"
    return "\n".join(yaml_lines(v, 0)) + "\n"


def dump_inline(il):
    if il.fmt == "json":
        return json.dumps(il.data) + "\n"
    if il.fmt == "docs":
        return "---\n".join(dump_yaml(d) for d in il.data) or "{}\n"
    return dump_yaml(il.data)


def block_text(il, ind):
    return [" " * ind + line for line in dump_inline(il).rstrip("\n").split("\n")]


def dump_file(f):
    if f.fmt == "json":
        return json.dumps(f.data, indent=2) + "\n"
    if f.fmt == "docs":
        return "---\n".join(dump_yaml(d) for d in f.data)
    if f.fmt == "lines":
        return "".join(line + "\n" for line in f.data)
    return dump_yaml(f.data)


def write_tree(root, tree):
    for path, f in sorted(tree.items()):
        p = os.path.join(root, path)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", newline="") as fh:
            fh.write(dump_file(f))
    os.makedirs(os.path.join(root, TOP), exist_ok=True)


# --------------------------------------------------------------------------
# Generator

EDGE_VALUES = ["yes", "no", "on", "off", "y", "True", "FALSE", "~", "null", "Null", "1e3", "0x1F",
               "012", "0o17", "1_000", "3.0", ".5", "-1", "+1", "2024-01-01", ".inf", ".NaN",
               '"yes"', "'123'", '"null"', '""', "''", "{}", "[]", "[a, b]", "{a: b}",
               '"\\ufeffxyz"', '"a: b"', '"#hash"', '"@at"', '"*star"', '"&amp"', '"!bang"',
               '"%pct"', '" lead"', '"trail "', '"multi\\nline"', '"tab\\tin"', '"é"', '"😀"',
               '"0777"', '"1.0"', '"=x"', '"-"', "9223372036854775808", "12345678901234567890"]
EDGE_KEYS = ['"1"', '"true"', '"a b"', "a.b/c", "x_y", '"-dash"', "UPPER", '"k:v"', "yes", "1",
             '"null"', "example.com/key", '"é"']
IMAGES = ["nginx", "nginx:1.25", "alpine", "busybox:1.36", "example.com/team/api:v2",
          "redis@sha256:" + "a" * 64, "ghcr.io/org/tool:latest"]
APPS = ["web", "api", "db", "cache", "worker"]


class Gen:
    def __init__(self, rng):
        self.rng = rng
        self.edge_rate = rng.choice([0.0, 0.0, 0.03, 0.08])

    def p(self, x):
        return self.rng.random() < x

    def pick(self, seq):
        return self.rng.choice(seq)

    def val(self, normal):
        """A scalar: usually `normal`, at the tree's edge rate a YAML edge value."""
        if self.p(self.edge_rate):
            return Raw(self.pick(EDGE_VALUES))
        return normal

    def kval(self, normal):
        """A kustomization field's value: edge values rarer, as most are type errors."""
        if self.p(self.edge_rate / 3):
            return Raw(self.pick(EDGE_VALUES))
        return normal

    def key(self, normal):
        if self.p(self.edge_rate / 2):
            return Raw(self.pick(EDGE_KEYS))
        return normal

    def smallmap(self, prefix, n=None, kust=False):
        n = self.rng.randint(1, 2) if n is None else n
        words = ["team", "tier", "env", "app", "owner", "note", "version", "zone"]
        m = {}
        for _ in range(n):
            m[self.key(prefix + self.pick(words))] = (self.kval if kust else self.val)(self.pick(
                ["alpha", "beta", "gamma", "prod", "v1", "blue", "x"]))
        return m


class Dir:
    def __init__(self, path, role):
        self.path, self.role = path, role
        self.k = {}
        self.objects = []     # (kind, name, apiVersion) of objects this dir defines
        self.generated = []   # (kind, name) of generators
        self.files = {}       # path relative to the dir -> File


def meta(name, g, labels=None):
    m = {"name": name}
    if labels:
        m["labels"] = labels
    if g.p(0.15):
        m["annotations"] = g.smallmap("")
    return m


def make_objects(g, d, app, refs):
    """Objects for one base; refs says which names the Deployment refers to."""
    objs = []
    lab = {"app": app}
    cm, sec, sa, pvc = refs["cm"], refs["secret"], app + "-sa", app + "-data"
    kinds = ["Deployment", "ConfigMap", "Service", "ServiceAccount", "Secret", "PVC",
             "Role", "Ingress", "HPA", "Job", "Widget"]
    chosen = ["Deployment"] + [k for k in kinds[1:] if g.p(0.35)]
    for kind in chosen:
        if kind == "Deployment":
            c = {"name": "main", "image": g.val(g.pick(IMAGES))}
            if g.p(0.6):
                c["envFrom"] = [{"configMapRef": {"name": cm}}]
            if g.p(0.4):
                c["env"] = [{"name": "SECRET", "valueFrom": {"secretKeyRef": {"name": sec, "key": "token"}}},
                            {"name": "MODE", "value": g.val("fast")}]
            if g.p(0.3):
                c["ports"] = [{"containerPort": 8080, "name": "http"}]
            spec = {"containers": [c]}
            if g.p(0.3):
                spec["initContainers"] = [{"name": "init", "image": g.pick(IMAGES)}]
            if g.p(0.5):
                spec["serviceAccountName"] = sa
            vols = []
            if g.p(0.4):
                vols.append({"name": "data", "persistentVolumeClaim": {"claimName": pvc}})
            if g.p(0.4):
                vols.append({"name": "cfg", "configMap": {"name": cm}})
            if g.p(0.3):
                vols.append({"name": "sec", "secret": {"secretName": sec}})
            if vols:
                spec["volumes"] = vols
            o = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(app, g, dict(lab)),
                 "spec": {"replicas": g.val(g.pick([1, 2, 3])), "selector": {"matchLabels": dict(lab)},
                          "template": {"metadata": {"labels": dict(lab)}, "spec": spec}}}
        elif kind == "ConfigMap":
            o = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(app + "-cm", g),
                 "data": {g.key("LOG_LEVEL"): g.val("info"), "port": g.val("8080")}}
        elif kind == "Secret":
            o = {"apiVersion": "v1", "kind": "Secret", "metadata": meta(app + "-secret", g),
                 "type": "Opaque", "stringData": {"token": g.val("s3cr3t")}}
        elif kind == "Service":
            o = {"apiVersion": "v1", "kind": "Service", "metadata": meta(app + "-svc", g, dict(lab)),
                 "spec": {"selector": dict(lab), "ports": [{"port": 80, "targetPort": g.val(8080)}]}}
        elif kind == "ServiceAccount":
            o = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta(sa, g)}
        elif kind == "PVC":
            kind = "PersistentVolumeClaim"
            o = {"apiVersion": "v1", "kind": kind, "metadata": meta(pvc, g),
                 "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}
        elif kind == "Role":
            objs.append(("Role", app + "-role", {
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": meta(app + "-role", g),
                "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}]}))
            kind = "RoleBinding"
            o = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                 "metadata": meta(app + "-rb", g),
                 "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": app + "-role"},
                 "subjects": [{"kind": "ServiceAccount", "name": sa}]}
        elif kind == "Ingress":
            o = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta(app + "-ing", g),
                 "spec": {"rules": [{"host": "example.com", "http": {"paths": [{
                     "path": "/", "pathType": "Prefix",
                     "backend": {"service": {"name": app + "-svc", "port": {"number": 80}}}}]}}]}}
        elif kind == "HPA":
            kind = "HorizontalPodAutoscaler"
            o = {"apiVersion": "autoscaling/v2", "kind": kind, "metadata": meta(app + "-hpa", g),
                 "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": app},
                          "minReplicas": 1, "maxReplicas": g.val(5)}}
        elif kind == "Job":
            o = {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta(app + "-job", g)}
            if g.p(0.7):
                o["spec"] = {"template": {"spec": {"restartPolicy": "Never",
                                                   "containers": [{"name": "job", "image": g.pick(IMAGES)}]}}}
        else:
            o = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": meta(app + "-widget", g),
                 "spec": {"size": g.val(3), "flag": g.val(True), "items": [g.val("a"), g.val("b")],
                          g.key("weird"): g.val("value")}}
        objs.append((kind, o["metadata"]["name"], o))
    return objs


def add_resources(g, d, objs):
    """Writes objects into one or two files of d and lists them in resources."""
    if not objs:
        return
    files = ["res.yaml"] if len(objs) < 3 or g.p(0.5) else ["res-a.yaml", "res-b.yaml"]
    buckets = {f: [] for f in files}
    for i, (kind, name, o) in enumerate(objs):
        buckets[files[i % len(files)]].append(o)
        d.objects.append((kind, name, o["apiVersion"]))
    for f, docs in buckets.items():
        d.files[f] = File(docs, "docs")
        d.k.setdefault("resources", []).append(f)


def generator(g, d, kind, base_names):
    """A configMapGenerator or secretGenerator entry; merges into a base's sometimes."""
    e = {}
    if base_names and g.p(0.5):
        e["name"] = g.pick(base_names)
        e["behavior"] = g.pick(["merge", "merge", "replace", "create"])
    else:
        e["name"] = g.pick(APPS) + ("-cm" if kind == "ConfigMap" else "-secret") + g.pick(["", "-gen"])
        if g.p(0.1):
            e["behavior"] = "create"
    src = g.rng.random()
    if src < 0.5 or g.p(0.2):
        keys = g.rng.sample(["LOG_LEVEL", "mode", "port", "token", "K"], g.rng.randint(1, 3))
        e["literals"] = ["%s=%s" % (k, g.val(g.pick(["debug", "1", "on", "x y", "a=b"]))) for k in keys]
    if 0.5 <= src < 0.75:
        fn = "%s.txt" % e["name"].split("-")[0]
        d.files[fn] = File([g.pick(["hello", "line one", "key: value", "  indented"])], "lines")
        e["files"] = [g.pick([fn, "renamed=" + fn])]
    if src >= 0.75:
        fn = "%s.env" % e["name"].split("-")[0]
        keys = g.rng.sample(["A", "B", "LOG_LEVEL"], g.rng.randint(1, 3))
        d.files[fn] = File(["%s=%s" % (k, g.pick(["1", "x", "yes", ""])) for k in keys] + (["# comment"] if g.p(0.2) else []),
                           "lines")
        e["envs"] = [fn]
    if g.p(0.05):
        for k in ("literals", "files", "envs"):
            e.pop(k, None)
    if kind == "Secret" and g.p(0.3):
        e["type"] = g.pick(["Opaque", "kubernetes.io/tls"])
    if g.p(0.25):
        opts = {}
        if g.p(0.5):
            opts["labels"] = g.smallmap("g-")
        if g.p(0.4):
            opts["annotations"] = g.smallmap("ga-")
        if g.p(0.3):
            opts["disableNameSuffixHash"] = g.kval(True)
        if g.p(0.2):
            opts["immutable"] = True
        e["options"] = opts
    key = "configMapGenerator" if kind == "ConfigMap" else "secretGenerator"
    d.k.setdefault(key, []).append(e)
    if e.get("behavior") in (None, "create"):
        d.generated.append((kind, e["name"]))


def target_objects(dirs_below):
    out = []
    for d in dirs_below:
        out += d.objects
    return out


def smp_for(g, kind, name, api):
    o = {"apiVersion": api, "kind": kind, "metadata": {"name": name}}
    r = g.rng.random()
    if kind == "Deployment":
        if r < 0.3:
            o["spec"] = {"replicas": g.val(g.pick([2, 4]))}
        elif r < 0.6:
            o["spec"] = {"template": {"spec": {"containers": [{"name": "main", "image": g.pick(IMAGES),
                                                               "env": [{"name": "EXTRA", "value": g.val("1")}]}]}}}
        elif r < 0.8:
            o["metadata"]["labels"] = g.smallmap("")
            o["spec"] = {"template": {"metadata": {"labels": g.smallmap("")}}}
        else:
            o["spec"] = {"template": {"spec": {"containers": [{"name": "side", "image": "busybox"}]}}}
    elif kind == "ConfigMap" and r < 0.6:
        o["data"] = {g.key("extra"): g.val("yes-please")}
    elif r < 0.08:
        o["$patch"] = "delete"
    else:
        o["metadata"]["annotations"] = g.smallmap("p-")
        if g.p(0.3):
            o["metadata"]["labels"] = g.smallmap("")
    return o


def json_ops(g, kind):
    ops = []
    for _ in range(g.rng.randint(1, 3)):
        r = g.rng.random()
        labelled = kind in ("Deployment", "Service")
        if r < 0.25:
            ops.append({"op": "add", "path": "/metadata/labels/j-added", "value": g.val("v")} if labelled
                       else {"op": "add", "path": "/metadata/annotations", "value": g.smallmap("j-")})
        elif r < 0.4 and kind == "Deployment":
            ops.append({"op": "replace", "path": "/spec/replicas", "value": g.val(g.pick([0, 5]))})
        elif r < 0.5 and kind == "ConfigMap":
            ops.append({"op": "add", "path": "/data/" + g.pick(["new", "LOG_LEVEL"]), "value": g.val("z")})
        elif r < 0.6 and labelled:
            ops.append({"op": "remove", "path": "/metadata/labels/app"})
        elif r < 0.7:
            ops.append({"op": "test", "path": "/kind", "value": kind})
        elif r < 0.8:
            ops.append({"op": "copy", "from": "/metadata/name", "path": "/metadata/annotations/copied"} if g.p(0.5)
                       else {"op": "move", "from": "/metadata/labels", "path": "/metadata/annotations/moved"}
                       if labelled else {"op": "add", "path": "/metadata/annotations", "value": {}})
        elif r < 0.9 and kind == "Deployment":
            ops.append({"op": "add", "path": "/spec/template/spec/containers/0/args",
                        "value": [g.val("--flag"), g.val("yes")]})
        else:
            ops.append({"op": "add", "path": "/metadata/annotations/" + g.pick(["x", "y~1z"]),
                        "value": g.val(g.pick(["v", 7, True, None]))})
    return ops


def target_of(g, kind, name, api):
    t = {}
    if g.p(0.8):
        t["kind"] = kind
    if g.p(0.8) or not t:
        t["name"] = name if g.p(0.8) else name[:2] + ".*"
    if g.p(0.2):
        grp, _, ver = api.rpartition("/")
        t["group"], t["version"] = grp, ver
    if g.p(0.1):
        t["labelSelector"] = "app=" + name.split("-")[0]
    return t


def patches(g, d, below, pn):
    targets = target_objects(below) + d.objects
    if not targets:
        return
    for i in range(g.rng.randint(1, 2)):
        kind, name, api = g.pick(targets)
        form = g.rng.random()
        fname = "patch-%d-%d" % (pn, i)
        if form < 0.3:      # SMP, inline or file, maybe with target
            o = smp_for(g, kind, name, api)
            e = {}
            if g.p(0.5):
                e["patch"] = Inline(o)
            else:
                d.files[fname + ".yaml"] = File(o)
                e["path"] = fname + ".yaml"
            if g.p(0.3):
                e["target"] = target_of(g, kind, name, api)
            d.k.setdefault("patches", []).append(e)
        elif form < 0.6:    # JSON 6902 under patches
            ops = json_ops(g, kind)
            e = {"target": target_of(g, kind, name, api)}
            r = g.rng.random()
            if r < 0.4:
                e["patch"] = Inline(ops)
            elif r < 0.55:
                e["patch"] = Inline(ops, "json")
            elif r < 0.8:
                d.files[fname + ".yaml"] = File(ops)
                e["path"] = fname + ".yaml"
            else:
                d.files[fname + ".json"] = File(ops, "json")
                e["path"] = fname + ".json"
            if g.p(0.05):
                e["options"] = {"allowNameChange": True}
            d.k.setdefault("patches", []).append(e)
        elif form < 0.8:    # patchesStrategicMerge
            o = smp_for(g, kind, name, api)
            if g.p(0.6):
                d.files[fname + ".yaml"] = File(o)
                d.k.setdefault("patchesStrategicMerge", []).append(fname + ".yaml")
            else:
                d.k.setdefault("patchesStrategicMerge", []).append(Inline(o))
        else:               # patchesJson6902
            grp, _, ver = api.rpartition("/")
            t = {"version": ver, "kind": kind, "name": name}
            if grp:
                t["group"] = grp
            ops = json_ops(g, kind)
            e = {"target": t}
            if g.p(0.5):
                d.files[fname + ".yaml"] = File(ops)
                e["path"] = fname + ".yaml"
            else:
                e["patch"] = Inline(ops)
            d.k.setdefault("patchesJson6902", []).append(e)


def transformers(g, d, below, top):
    k = d.k
    if g.p(0.25):
        k["namespace"] = g.kval(g.pick(["prod", "staging", "team-a"]))
    if g.p(0.25):
        k["namePrefix"] = g.kval(g.pick(["p-", "pre-", "x"]))
    if g.p(0.2):
        k["nameSuffix"] = g.kval(g.pick(["-s", "-v2"]))
    if g.p(0.2):
        k["commonLabels"] = g.smallmap("", kust=True)
    if g.p(0.25):
        ls = []
        for _ in range(g.rng.randint(1, 2)):
            e = {"pairs": g.smallmap("", kust=True)}
            if g.p(0.4):
                e["includeSelectors"] = g.kval(True)
            if g.p(0.3):
                e["includeTemplates"] = g.kval(True)
            if g.p(0.15):
                e["fields"] = [{"kind": g.pick(["Deployment", "Widget", "ConfigMap"]),
                                "path": g.pick(["spec/extraLabels", "metadata/labels", "data"]),
                                "create": g.kval(g.pick([True, False]))}]
            ls.append(e)
        k["labels"] = ls
    if g.p(0.2):
        k["commonAnnotations"] = g.smallmap("", kust=True)
    if g.p(0.25):
        ims = []
        for _ in range(g.rng.randint(1, 2)):
            base = g.pick(IMAGES).split("@")[0].split(":")[0]
            e = {"name": base}
            r = g.rng.random()
            if r < 0.5:
                e["newTag"] = g.kval(g.pick(["v9", "2.0", "stable"]))
            elif r < 0.7:
                e["newName"] = g.pick(["mirror.io/" + base, "other"])
            elif r < 0.85:
                e["digest"] = "sha256:" + "b" * 64
            else:
                e["newName"], e["newTag"] = "mirror.io/x", "t1"
            ims.append(e)
        k["images"] = ims
    objs = target_objects(below) + d.objects
    deps = [n for kind, n, _ in objs if kind == "Deployment"]
    if deps and g.p(0.15):
        k["replicas"] = [{"name": g.pick(deps), "count": g.kval(g.pick([2, 3, 0]))}]
    if g.p(0.1):
        k["generatorOptions"] = {}
        if g.p(0.6):
            k["generatorOptions"]["disableNameSuffixHash"] = g.kval(True)
        if g.p(0.5):
            k["generatorOptions"]["labels"] = g.smallmap("go-")
        if g.p(0.3):
            k["generatorOptions"]["annotations"] = g.smallmap("goa-")
    if top and g.p(0.1):
        if g.p(0.5):
            k["sortOptions"] = {"order": "fifo"}
        else:
            k["sortOptions"] = {"order": "legacy", "legacySortOptions": {
                "orderFirst": ["Deployment", "ConfigMap"], "orderLast": ["Service"]}}
    if objs and g.p(0.07):
        src_kind, src_name, _ = g.pick(objs)
        tkind, tname, _ = g.pick(objs)
        k["replacements"] = [{"source": {"kind": src_kind, "name": src_name,
                                         "fieldPath": g.pick(["metadata.name", "metadata.labels.app"])},
                              "targets": [{"select": {"kind": tkind},
                                           "fieldPaths": [g.pick(["metadata.annotations.copied",
                                                                  "metadata.labels.app",
                                                                  "spec.template.metadata.labels.app"])],
                                           "options": {"create": g.p(0.5)}}]}]
    if objs and g.p(0.05):
        vk, vn, va = g.pick(objs)
        grp, _, ver = va.rpartition("/")
        ref = {"kind": vk, "name": vn, "apiVersion": va}
        k["vars"] = [{"name": "VAR_NAME", "objref": ref, "fieldref": {"fieldPath": "metadata.name"}}]


def build_tree(rng):
    g = Gen(rng)
    layout = g.pick(["single", "chain", "chain", "chain3", "diamond", "twobases", "component"])
    dirs = {}

    def new_dir(path, role):
        dirs[path] = Dir(path, role)
        return dirs[path]

    def base(path, app):
        d = new_dir(path, "base")
        refs = {"cm": app + "-cm", "secret": app + "-secret"}
        if g.p(0.4):
            refs["cm"] = app + "-config"
            generator(g, d, "ConfigMap", [])
            d.k["configMapGenerator"][-1]["name"] = refs["cm"]
            d.generated[-1] = ("ConfigMap", refs["cm"])
        if g.p(0.25):
            generator(g, d, "Secret", [])
        add_resources(g, d, make_objects(g, d, app, refs))
        return d

    def overlay(path, children, top=False, comps=()):
        d = new_dir(path, "overlay")
        key = "bases" if g.p(0.08) else "resources"
        for c in children:
            d.k.setdefault(key, []).append(os.path.relpath(c.path, path))
        if comps:
            d.k["components"] = [os.path.relpath(c.path, path) for c in comps]
        if g.p(0.2):
            add_resources(g, d, make_objects(g, d, g.pick(APPS) + "-extra", {"cm": "x-cm", "secret": "x-sec"})[:2])
        below = all_below(children)
        gnames = {"ConfigMap": [], "Secret": []}
        for c in below:
            for kind, n in c.generated:
                gnames[kind].append(n)
        if g.p(0.3):
            generator(g, d, "ConfigMap", gnames["ConfigMap"])
        if g.p(0.15):
            generator(g, d, "Secret", gnames["Secret"])
        transformers(g, d, below, top)
        if g.p(0.45):
            patches(g, d, below, len(dirs))
        d.children = children
        return d

    def all_below(children):
        out = []
        for c in children:
            out.append(c)
            out += all_below(getattr(c, "children", []))
        return out

    apps = rng.sample(APPS, 2)
    if layout == "single":
        d = base(TOP, apps[0])
        transformers(g, d, [], True)
        if g.p(0.4):
            patches(g, d, [], 0)
    elif layout == "chain":
        overlay(TOP, [base("base", apps[0])], True)
    elif layout == "chain3":
        mid = overlay("mid", [base("base", apps[0])])
        overlay(TOP, [mid], True)
    elif layout == "diamond":
        common = base("common", apps[0])
        a = overlay("left", [common])
        b = overlay("right", [common])
        for side, pre in ((a, "l-"), (b, "r-")):
            if "namePrefix" not in side.k and "namespace" not in side.k and g.p(0.9):
                side.k["namePrefix"] = pre
        overlay(TOP, [a, b], True)
    elif layout == "twobases":
        overlay(TOP, [base("base1", apps[0]), base("base2", apps[1])], True)
    else:
        b = base("base", apps[0])
        comp = new_dir("comp", "component")
        comp.k["apiVersion"] = "kustomize.config.k8s.io/v1alpha1"
        comp.k["kind"] = "Component"
        if g.p(0.3):
            add_resources(g, comp, make_objects(g, comp, apps[1], {"cm": "c-cm", "secret": "c-sec"})[:2])
        if g.p(0.4):
            generator(g, comp, "ConfigMap", [n for k, n in b.generated if k == "ConfigMap"])
        transformers(g, comp, [b], False)
        comp.k.pop("namespace", None)
        patches(g, comp, [b], 9)
        overlay(TOP, [b], True, comps=[comp])

    tree = {}
    for d in dirs.values():
        k = d.k
        # kustomize's own field order is irrelevant; shuffle it a little
        items = list(k.items())
        if g.p(0.3):
            rng.shuffle(items)
        tree[d.path + "/kustomization.yaml"] = File(dict(items))
        for name, f in d.files.items():
            tree[d.path + "/" + name] = f
    return tree


# --------------------------------------------------------------------------
# Running and judging


def run(cmd, timeout=60):
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=timeout)
        return r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired:
        return -1, b"", b"timeout"


def verdict(binary, tree):
    """Renders tree with both tools: (verdict, kubectl result, pleo-render result)."""
    with tempfile.TemporaryDirectory(prefix="treediff-") as tmp:
        write_tree(tmp, tree)
        top = os.path.join(tmp, TOP)
        k = run(["kubectl", "kustomize", top])
        p = run([binary, "build", top])
        k = (k[0], k[1], k[2].replace(tmp.encode(), b"<TREE>"))
        p = (p[0], p[1], p[2].replace(tmp.encode(), b"<TREE>"))
    if k[0] == 0 and p[0] == 0:
        v = "same" if k[1] == p[1] else "output"
    elif k[0] != 0 and p[0] != 0:
        v = "bothfail"
    else:
        v = "accepted" if p[0] == 0 else "rejected"
    return v, k, p


def fingerprint(v, k, p):
    """A rough mechanism key: the error's words, or the first differing line's key."""
    def norm(err):
        lines = [ln for ln in err.decode(errors="replace").split("\n")
                 if ln.strip() and not ln.startswith("# Warning")
                 and not re.match(r"[IW]\d{4} ", ln)]  # klog's info and warning lines
        line = lines[0] if lines else ""
        if line.endswith("err=<") and len(lines) > 1:  # klog's multi-line form
            line = lines[1].strip()
        m = re.search(r'err="(.*)"$', line)  # kubectl's klog line: the message is err="..."
        if m:
            line = m.group(1).replace('\\"', '"')
        line = re.sub(r"<TREE>\S*", "P", line)
        line = re.sub(r"^(pleo-render: |Error: )?(P[^ ]* )*", "", line)
        line = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "Q", line)
        line = re.sub(r"\d+", "N", line)
        line = re.sub(r"^(((resources|components|bases)\[N\] \S+|P[^ ]*): )*", "", line)
        return line[:90]
    if v == "accepted":
        return "accepted: " + norm(k[2])
    if v == "rejected":
        return "rejected: " + norm(p[2])
    kl, pl = k[1].split(b"\n"), p[1].split(b"\n")
    for a, b in zip(kl, pl):
        if a != b:
            key = a.decode(errors="replace").strip().split(":")[0][:30]
            return "output: line %s" % re.sub(r"\d+", "N", key)
    return "output: length"


def candidates(data, path=()):
    """Every removable node (a map entry or list item) below data, outermost first."""
    out, queue = [], [(data, path)]
    while queue:
        node, p = queue.pop(0)
        if isinstance(node, Inline):
            node, p = node.data, p + ("@",)
        if isinstance(node, dict):
            for key in node:
                out.append(p + (key,))
                queue.append((node[key], p + (key,)))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                out.append(p + (i,))
                queue.append((item, p + (i,)))
    return out


def removed(data, path):
    data = copy.deepcopy(data)
    node = data
    for step in path[:-1]:
        node = node.data if step == "@" else node[step]
    if isinstance(node, Inline):
        node = node.data
    del node[path[-1]]
    return data


def minimize(binary, tree, want, budget):
    """Delta debugging: drops files, then nodes, while the verdict and its
    fingerprint stay `want` (so the tree keeps showing the same mechanism)."""
    tests = [0]

    def holds(t):
        if tests[0] >= budget:
            return False
        tests[0] += 1
        v, k, p = verdict(binary, t)
        return (v, fingerprint(v, k, p)) == want

    changed = True
    while changed and tests[0] < budget:
        changed = False
        for path in sorted(tree):
            if path == TOP + "/kustomization.yaml":
                continue
            t = {k: v for k, v in tree.items() if k != path}
            if holds(t):
                tree, changed = t, True
        for path in sorted(tree):
            i = 0
            while tests[0] < budget:
                cands = candidates(tree[path].data)
                if i >= len(cands):
                    break
                f = tree[path]
                t = dict(tree)
                t[path] = File(removed(f.data, cands[i]), f.fmt)
                if holds(t):
                    tree, changed = t, True
                else:
                    i += 1
    return tree, tests[0]


def save(outdir, name, tree, k, p, v):
    d = os.path.join(outdir, name)
    shutil.rmtree(d, ignore_errors=True)
    write_tree(d, tree)
    for tool, (rc, out, err) in (("kubectl", k), ("pleo-render", p)):
        with open(os.path.join(d, tool + ".out"), "wb") as f:
            f.write(out)
        with open(os.path.join(d, tool + ".err"), "wb") as f:
            f.write(err + b"\nexit status %d\n" % rc)
    with open(os.path.join(d, "VERDICT"), "w") as f:
        f.write(v + "\n" + fingerprint(v, k, p) + "\n")
    return d


def tree_rng(seed, i):
    h = hashlib.sha256(("%d:%d" % (seed, i)).encode()).digest()
    return random.Random(int.from_bytes(h[:8], "big"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--out", default="treediff-out")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--per-kind", type=int, default=2,
                    help="minimize at most this many differences with the same rough fingerprint")
    ap.add_argument("--budget", type=int, default=300, help="renders per minimization at most")
    ap.add_argument("--verbose", action="store_true", help="also list the trees both tools reject")
    args = ap.parse_args()
    if shutil.which("kubectl") is None:
        sys.exit("treediff: kubectl is not on PATH")
    binary = os.path.abspath(args.binary)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    trees = [build_tree(tree_rng(seed, i)) for i in range(args.count)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda t: verdict(binary, t), trees))
        counts = {"same": 0, "bothfail": 0, "accepted": 0, "rejected": 0, "output": 0}
        seen, todo = {}, []
        for i, (v, k, p) in enumerate(results):
            counts[v] += 1
            if v == "bothfail" and args.verbose:
                print("tree %d: both fail (%s)" % (i, fingerprint("accepted", k, p)[10:]))
            if v in ("same", "bothfail"):
                continue
            fp = fingerprint(v, k, p)
            seen[fp] = seen.get(fp, 0) + 1
            print("tree %d: %s (%s)" % (i, v, fp))
            save(args.out, "seed%d-tree%04d-full" % (seed, i), trees[i], k, p, v)
            if seen[fp] <= args.per_kind:
                todo.append(i)

        def shrink(i):
            t, n = minimize(binary, trees[i], (results[i][0], fingerprint(*results[i])), args.budget)
            v, k, p = verdict(binary, t)
            return i, t, n, v, k, p
        for i, t, n, v, k, p in pool.map(shrink, todo):
            d = save(args.out, "seed%d-tree%04d" % (seed, i), t, k, p, v)
            print("tree %d minimized in %d renders to %d files: %s [%s]" % (
                i, n, len(t), d, fingerprint(v, k, p)))
    print("treediff: %d same, %d both failed" % (counts["same"], counts["bothfail"]))
    diff = counts["accepted"] + counts["rejected"] + counts["output"]
    print("treediff: seed %d, %d trees, %d differences (%d accepted where kustomize fails, "
          "%d rejected where it renders, %d output)" % (
              seed, args.count, diff, counts["accepted"], counts["rejected"], counts["output"]))
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
