/*
 * `crds`: OpenAPI definition files (kube-openapi's name -> {Schema,
 * Dependencies} map, as openapi-gen writes it) whose properties tell the
 * transformers about a custom kind's fields, kustomize's
 * LoadConfigFromCRDs. A definition counts when its properties include
 * kind, apiVersion and metadata; its kind is the part of its name after
 * the last '.'. Walking its properties (and the definitions their `$ref`s
 * name, recursively):
 *
 *   x-kubernetes-annotation        -> commonAnnotations spec
 *   x-kubernetes-label-selector    -> commonLabels spec
 *   x-kubernetes-identity          -> namePrefix spec (not nameSuffix)
 *   x-kubernetes-object-ref-kind and -api-version (with
 *   x-kubernetes-object-ref-name-key, default "name")
 *                                  -> nameReference to that kind
 *
 * An extension counts only when its key is lower case and its value a
 * string, as kube-openapi's Extensions.GetString finds them. The specs
 * never create fields. The result is merged into the kustomization's
 * configuration after its `configurations`.
 */
#include <string.h>
#include <strings.h>

#include "kust/pipeline.h"
#include "pleo/yaml.h"

/* kustomize recurses without bound and dies on a reference cycle; this
 * stops with an error instead. */
#define MAX_REF_DEPTH 200

typedef struct {
    pr_build_ctx *ctx;
    const char *file;
    const pr_node *defs; /* the file's top-level mapping */
    pr_tconfig *tc;
} crd_walk;

/* encoding/json matches struct fields exactly, else ignoring case. */
static const pr_node *json_field(const pr_node *map, const char *name)
{
    const pr_node *v = pr_map_get(map, name);
    for (size_t i = 0; !v && map && map->kind == PR_MAP && i < map->map.len; i++)
        if (map->map.items[i].key->kind == PR_SCALAR &&
            !strcasecmp(map->map.items[i].key->scalar.text, name))
            v = map->map.items[i].value;
    return v;
}

static const pr_node *schema_properties(const crd_walk *w, const pr_node *def, pr_error *err,
                                        bool *ok)
{
    *ok = true;
    if (!def || pr_node_is_null(def))
        return NULL;
    const pr_node *schema = def->kind == PR_MAP ? json_field(def, "Schema") : NULL;
    if (def->kind != PR_MAP || (schema && !pr_node_is_null(schema) && schema->kind != PR_MAP)) {
        const pr_node *at = def->kind != PR_MAP ? def : schema;
        *ok = pr_error_at(err, w->file, at->mark.line, at->mark.col,
                          "unable to parse open API definition: expected a mapping with a "
                          "Schema mapping");
        return NULL;
    }
    const pr_node *props = schema ? pr_map_get(schema, "properties") : NULL;
    if (props && !pr_node_is_null(props) && props->kind != PR_MAP) {
        *ok = pr_error_at(err, w->file, props->mark.line, props->mark.col,
                          "unable to parse open API definition: \"properties\" must be a "
                          "mapping of property names to schemas");
        return NULL;
    }
    return props && props->kind == PR_MAP ? props : NULL;
}

/* The string value of extension `key` (case-sensitive lower-case key, as
 * kube-openapi stores and looks them up), or NULL. */
static const char *extension(const pr_node *prop, const char *key)
{
    const pr_node *v = pr_map_get(prop, key);
    if (!v || v->kind != PR_SCALAR || v->tag != PR_TAG_STR)
        return NULL;
    return v->scalar.text;
}

static const char *join_path(pr_arena *a, const char *path, const char *seg)
{
    return *path ? pr_sprintf(a, "%s/%s", path, seg) : seg;
}

static bool add_spec(crd_walk *w, int list, const char *kind, const char *path,
                     const pr_gvk *referral, pr_error *err)
{
    pr_arena *a = w->ctx->a;
    pr_fieldspec *fs = pr_alloc(a, sizeof *fs);
    memset(fs, 0, sizeof *fs);
    fs->gvk.kind = kind;
    fs->path = path;
    pr_tconfig one;
    memset(&one, 0, sizeof one);
    pr_fieldspec_list l = {fs, 1};
    switch (list) {
    case 0: one.common_annotations = l; break;
    case 1: one.common_labels = l; break;
    case 2: one.name_prefix = l; break;
    default: {
        pr_nameref_rule *rule = pr_alloc(a, sizeof *rule);
        rule->referral = *referral;
        rule->referrers = l;
        one.nameref = rule;
        one.nameref_len = 1;
    }
    }
    return pr_tconfig_merge(a, w->tc, &one, w->tc, err);
}

static bool walk_type(crd_walk *w, const char *kind, const char *type_name,
                      const char *path, int depth, pr_error *err)
{
    const pr_node *def = pr_map_get(w->defs, type_name);
    if (!def)
        return true;
    if (depth > MAX_REF_DEPTH)
        return pr_error_set(err, "%s: definition '%s' refers to itself through $ref more than "
                            "%d levels deep; break the cycle", w->file, type_name, MAX_REF_DEPTH);
    bool ok;
    const pr_node *props = schema_properties(w, def, err, &ok);
    if (!ok)
        return false;
    for (size_t i = 0; props && i < props->map.len; i++) {
        const char *name = pr_scalar_text(props->map.items[i].key);
        const pr_node *prop = props->map.items[i].value;
        if (!name || prop->kind != PR_MAP)
            continue;
        const char *here = join_path(w->ctx->a, path, name);
        if (extension(prop, "x-kubernetes-annotation") && !add_spec(w, 0, kind, here, NULL, err))
            return false;
        if (extension(prop, "x-kubernetes-label-selector") && !add_spec(w, 1, kind, here, NULL, err))
            return false;
        if (extension(prop, "x-kubernetes-identity") && !add_spec(w, 2, kind, here, NULL, err))
            return false;
        const char *version = extension(prop, "x-kubernetes-object-ref-api-version");
        const char *ref_kind = extension(prop, "x-kubernetes-object-ref-kind");
        if (version && ref_kind) {
            const char *key = extension(prop, "x-kubernetes-object-ref-name-key");
            pr_gvk referral = {NULL, version, ref_kind};
            if (!add_spec(w, 3, kind, join_path(w->ctx->a, here, key ? key : "name"), &referral,
                          err))
                return false;
        }
        const pr_node *ref = pr_map_get(prop, "$ref");
        if (ref && ref->kind == PR_SCALAR && !pr_node_is_null(ref) &&
            !walk_type(w, kind, ref->scalar.text, here, depth + 1, err))
            return false;
    }
    return true;
}

/* kustomize's looksLikeAk8sType. */
static bool looks_like_k8s_type(const pr_node *props)
{
    return props && pr_map_get(props, "kind") && pr_map_get(props, "apiVersion") &&
           pr_map_get(props, "metadata");
}

static bool load_one(pr_build_ctx *ctx, const pr_kustomization *k, const char *entry,
                     pr_tconfig *tc, pr_error *err)
{
    pr_strbuf content;
    pr_sb_init(&content);
    const char *path;
    pr_doclist docs = {0};
    bool ok = pr_kustomization_read_file(ctx, k, entry, &content, &path, err);
    if (ok && content.len == 0)
        ok = pr_error_set(err, "'%s' is empty; a crds file holds OpenAPI definitions", path);
    /* kustomize decodes a file starting with '{' as JSON (a repeated key:
     * the last wins) and anything else as YAML */
    if (ok)
        ok = pr_yaml_parse_with(ctx->a, path, content.buf, content.len,
                                content.buf[0] == '{' ? PR_YAML_LAST_KEY_WINS : 0, &docs, err);
    pr_sb_release(&content);
    if (!ok)
        return false;
    const pr_node *defs = docs.len ? docs.docs[0] : NULL;
    if (!defs || pr_node_is_null(defs))
        return true;
    if (defs->kind != PR_MAP)
        return pr_error_at(err, path, defs->mark.line, defs->mark.col,
                           "unable to parse open API definition: json: cannot unmarshal %s "
                           "into Go value of type accumulator.nameToApiMap; a crds file maps "
                           "type names to {Schema, Dependencies}",
                           defs->kind == PR_SEQ ? "array" : "a scalar");
    crd_walk w = {ctx, path, defs, tc};
    for (size_t i = 0; i < defs->map.len; i++) {
        const char *name = pr_scalar_text(defs->map.items[i].key);
        const pr_node *props = schema_properties(&w, defs->map.items[i].value, err, &ok);
        if (!ok)
            return false;
        if (!name || !looks_like_k8s_type(props))
            continue;
        const char *dot = strrchr(name, '.');
        if (!walk_type(&w, dot ? dot + 1 : name, name, "", 0, err))
            return false;
    }
    return true;
}

bool pr_crds_config(pr_build_ctx *ctx, const pr_kustomization *k, pr_tconfig *out,
                    pr_error *err)
{
    memset(out, 0, sizeof *out);
    const pr_node *list = pr_map_get(k->root, "crds");
    for (size_t i = 0; list && list->kind == PR_SEQ && i < list->seq.len; i++) {
        const char *entry = pr_scalar_text(list->seq.items[i]);
        if (!entry || !load_one(ctx, k, entry, out, err))
            return pr_error_prefix(err, "%s: loading crds[%zu] %s", k->path, i,
                                   entry ? entry : "");
    }
    return true;
}
