#!/usr/bin/env python3
"""Derives src/kust/openapi_tables.c from the Kubernetes OpenAPI document
kustomize v5.5 uses (v1.21.2).

Usage: tools/gen-openapi-tables.py ../shared/reference/kubernetes-openapi-v1.21.2.json.gz \
           > src/kust/openapi_tables.c

Emits two things:

- the (apiVersion, kind) pairs the document declares cluster-scoped;
  kustomize treats every other type, known or not, as namespaced;
- the strategic-merge schema: every schema reachable from a definition that
  names a group/version/kind, with what kustomize's merge consults of it
  (its properties, whether it is an array and of what, the value schema of
  map-typed objects, and for lists the patch strategy and merge keys).

References are resolved here, so in C every property points straight at the
schema it uses. Schemas written inline in a property (arrays, maps) become
table entries of their own, shared when equal. Lists name their merge keys
as kustomize reads them: x-kubernetes-list-map-keys when present, else
x-kubernetes-patch-merge-key, and none without a patch strategy.
"""
import gzip
import json
import sys

STRATEGIES = {"merge": "PR_SMP_MERGE", "replace": "PR_SMP_REPLACE",
              "retainKeys": "PR_SMP_RETAIN_KEYS"}


def cstr(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ref_name(ref):
    prefix = "#/definitions/"
    if not ref.startswith(prefix):
        raise SystemExit("unexpected $ref " + ref)
    return ref[len(prefix):]


class Schemas:
    """Numbers schemas: definitions by name, inline schemas by content."""

    def __init__(self, definitions):
        self.definitions = definitions
        self.rows = []        # (label, props, items, additional, flags, keys)
        self.by_def = {}
        self.by_content = {}

    def definition(self, name):
        if name in self.by_def:
            return self.by_def[name]
        index = len(self.rows)
        self.by_def[name] = index
        self.rows.append(None)  # reserved: definitions may refer to themselves
        self.rows[index] = self.describe(name, self.definitions[name])
        return index

    def schema(self, s):
        """Index of a schema met in a property, items or additionalProperties."""
        if "$ref" in s:
            return self.definition(ref_name(s["$ref"]))
        row = self.describe(None, s)
        key = row[1:]
        if key not in self.by_content:
            self.by_content[key] = len(self.rows)
            self.rows.append(row)
        return self.by_content[key]

    def describe(self, label, s):
        props = tuple((name, self.schema(p))
                      for name, p in sorted(s.get("properties", {}).items()))
        is_array = s.get("type") == "array"
        items = self.schema(s["items"]) if is_array and "items" in s else -1
        additional = -1
        if isinstance(s.get("additionalProperties"), dict):
            additional = self.schema(s["additionalProperties"])
        flags = ["PR_SMP_ARRAY"] if is_array else []
        keys = ()
        strategy = s.get("x-kubernetes-patch-strategy")
        if strategy:
            for part in strategy.split(","):
                flags.append(STRATEGIES[part])
            if "x-kubernetes-list-map-keys" in s:
                keys = tuple(s["x-kubernetes-list-map-keys"])
            elif "x-kubernetes-patch-merge-key" in s:
                keys = (s["x-kubernetes-patch-merge-key"],)
        return (label, props, items, additional, tuple(flags), keys)


def cluster_scoped_table(doc):
    cluster = sorted({(r["apiVersion"], r["kind"]) for r in doc["resources"]
                      if r.get("scope") == "Cluster"})
    out = ["/* Sorted by apiVersion, then kind, for binary search. */",
           "const pr_type_ref pr_cluster_scoped_types[] = {"]
    out += ["    {{{}, {}}},".format(cstr(a), cstr(k)) for a, k in cluster]
    out.append("};")
    out.append("const size_t pr_cluster_scoped_types_len =\n"
               "    sizeof pr_cluster_scoped_types / sizeof pr_cluster_scoped_types[0];")
    return out


def smp_tables(doc):
    definitions = doc["definitions"]
    types = {}
    for name in sorted(definitions):
        for gvk in definitions[name].get("x-kubernetes-group-version-kind", []):
            api = gvk["group"] + "/" + gvk["version"] if gvk["group"] else gvk["version"]
            if (api, gvk["kind"]) in types:
                raise SystemExit("two definitions for " + api + " " + gvk["kind"])
            types[(api, gvk["kind"])] = name
    schemas = Schemas(definitions)
    roots = {t: schemas.definition(types[t]) for t in sorted(types)}

    props, keys = [], []
    schema_rows = []
    for index, (label, p, items, additional, flags, k) in enumerate(schemas.rows):
        key_start = len(keys)
        keys.extend(k)
        schema_rows.append("    /* {} {} */ {{{}, {}, {}, {}, {}, {}, {}}},".format(
            index, label or "(inline)", len(props), len(p), items, additional,
            " | ".join(flags) or "0", key_start, len(k)))
        props.extend(p)

    out = ["/* Property names of every schema, each schema's run sorted by name. */",
           "const pr_smp_prop pr_smp_props[] = {"]
    out += ["    {{{}, {}}},".format(cstr(name), target) for name, target in props]
    out += ["};", "",
            "/* Merge keys of list schemas, a run per schema. */",
            "const char *const pr_smp_keys[] = {"]
    out += ["    {},".format(cstr(k)) for k in keys]
    out += ["};", "",
            "/* {props, nprops, items, additional, flags, keys, nkeys} */",
            "const pr_smp_schema pr_smp_schemas[] = {"]
    out += schema_rows
    out += ["};",
            "const size_t pr_smp_schemas_len = sizeof pr_smp_schemas / sizeof pr_smp_schemas[0];",
            "",
            "/* Sorted by apiVersion, then kind, for binary search. */",
            "const pr_smp_type pr_smp_types[] = {"]
    out += ["    {{{}, {}, {}}},".format(cstr(a), cstr(k), roots[(a, k)])
            for a, k in sorted(roots)]
    out += ["};",
            "const size_t pr_smp_types_len = sizeof pr_smp_types / sizeof pr_smp_types[0];"]
    return out


def main():
    with gzip.open(sys.argv[1], "rt") as f:
        doc = json.load(f)
    out = ["/*\n * Generated by tools/gen-openapi-tables.py from the Kubernetes v1.21.2\n"
           " * OpenAPI document; do not edit by hand.\n */",
           '#include "kust/openapi_tables.h"\n']
    out += cluster_scoped_table(doc)
    out.append("")
    out += smp_tables(doc)
    print("\n".join(out))


if __name__ == "__main__":
    main()
