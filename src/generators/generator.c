/*
 * Shared machinery of the generators (see generator.h). kustomize merges a
 * generator's own options over the kustomization's generatorOptions (its
 * own labels and annotations win; disableNameSuffixHash and immutable are
 * set if either sets them), and folds each generated object into what is
 * already there: create appends, merge and replace take over an object
 * with the same id, inheriting its name, namespace and history.
 */
#include "generators/generator.h"

#include <string.h>

static const char *const common_fields[] = {"name", "namespace", "behavior", "envs", "env",
                                            "files", "literals", "options", NULL};
static const char *const option_fields[] = {"labels", "annotations", "disableNameSuffixHash",
                                            "immutable", NULL};

static bool in_list(const char *const *list, const char *s)
{
    for (; list && *list; list++)
        if (!strcmp(*list, s))
            return true;
    return false;
}

static bool check_fields(const pr_kustomization *k, const pr_node *map,
                         const char *const *allowed, const char *const *extra,
                         pr_error *err)
{
    for (size_t i = 0; i < map->map.len; i++) {
        const pr_node *key = map->map.items[i].key;
        if (!in_list(allowed, key->scalar.text) && !in_list(extra, key->scalar.text))
            return pr_error_at(err, k->path, key->mark.line, key->mark.col, "invalid Kustomization: json: unknown field \"%s\"", key->scalar.text);
    }
    return true;
}

/* Calls `fn` for each string of a list field (or a single string). */
static bool each_string(const pr_kustomization *k, const pr_node *v, const char *field,
                        bool (*fn)(void *, const char *, pr_error *), void *ctx,
                        pr_error *err)
{
    if (!v || pr_node_is_null(v))
        return true;
    if (v->kind == PR_SCALAR)
        return fn(ctx, v->scalar.text, err) ||
               pr_error_prefix(err, "%s %s", field, v->scalar.text);
    if (v->kind != PR_SEQ)
        return pr_error_at(err, k->path, v->mark.line, v->mark.col, "%s must be a list of strings", field);
    for (size_t i = 0; i < v->seq.len; i++) {
        const char *s = pr_scalar_text(v->seq.items[i]);
        if (!s)
            return pr_error_at(err, k->path, v->seq.items[i]->mark.line, v->seq.items[i]->mark.col, "%s must be a list of strings", field);
        if (!fn(ctx, s, err))
            return pr_error_prefix(err, "%s[%zu] %s", field, i, s);
    }
    return true;
}

typedef struct {
    pr_build_ctx *ctx;
    const pr_kustomization *k;
    pr_kv_list *kvs;
} source_reader;

static bool read_env(void *arg, const char *rel, pr_error *err)
{
    source_reader *r = arg;
    pr_strbuf content;
    pr_sb_init(&content);
    const char *path;
    bool ok = pr_kustomization_read_file(r->ctx, r->k, rel, &content, &path, err) &&
              pr_kv_add_env_file(r->ctx->tmp, r->kvs, path, content.buf, content.len, err);
    pr_sb_release(&content);
    return ok;
}

static bool read_literal(void *arg, const char *literal, pr_error *err)
{
    source_reader *r = arg;
    return pr_kv_add_literal(r->ctx->tmp, r->kvs, literal, err);
}

static bool read_file(void *arg, const char *source, pr_error *err)
{
    source_reader *r = arg;
    const char *key, *rel;
    if (!pr_kv_parse_file_source(r->ctx->tmp, source, &key, &rel, err))
        return false;
    pr_strbuf content;
    pr_sb_init(&content);
    bool ok = pr_kustomization_read_file(r->ctx, r->k, rel, &content, NULL, err);
    if (ok)
        pr_kv_add(r->ctx->tmp, r->kvs, key, content.buf, content.len);
    pr_sb_release(&content);
    return ok;
}

char *pr_base64(pr_arena *a, const char *data, size_t n)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *s = (const unsigned char *)data;
    size_t enc_len = (n + 2) / 3 * 4;
    bool wrap = enc_len >= 70;
    char *out = pr_alloc(a, enc_len + enc_len / 70 + 2);
    size_t k = 0, col = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) |
                     (i + 2 < n ? s[i + 2] : 0);
        char quad[4] = {tbl[v >> 18 & 63], tbl[v >> 12 & 63], i + 1 < n ? tbl[v >> 6 & 63] : '=',
                        i + 2 < n ? tbl[v & 63] : '='};
        for (int q = 0; q < 4; q++) {
            out[k++] = quad[q];
            if (wrap && ++col == 70) {
                out[k++] = '\n';
                col = 0;
            }
        }
    }
    if (wrap && col)
        out[k++] = '\n';
    out[k] = '\0';
    return out;
}

/* Sets `field` (labels or annotations) of the object's metadata from the
 * local options map, then fills in the global keys it lacks. */
static void apply_string_maps(pr_arena *a, pr_node *obj, const char *field,
                              const pr_node *local, const pr_node *global)
{
    const pr_node *maps[2] = {local, global};
    for (int m = 0; m < 2; m++) {
        const pr_node *src = maps[m];
        if (!src || src->kind != PR_MAP || src->map.len == 0)
            continue;
        pr_node *dst = pr_map_ensure_map(a, pr_map_ensure_map(a, obj, "metadata"), field);
        for (size_t i = 0; i < src->map.len; i++) {
            const pr_node *v = src->map.items[i].value;
            const char *key = src->map.items[i].key->scalar.text;
            if (v->kind == PR_SCALAR && (m == 0 || pr_map_index(dst, key) < 0))
                pr_map_set(a, dst, key, pr_node_scalar(a, PR_TAG_STR, v->scalar.text, v->scalar.len));
        }
    }
}

static bool option_true(const pr_node *options, const char *key)
{
    const pr_node *v = pr_map_get(options, key);
    return v && v->tag == PR_TAG_BOOL && (v->scalar.text[0] == 't' || v->scalar.text[0] == 'T');
}

/* kustomize's NewGenerationBehavior: the three words, exactly; any other
 * (`add`, `Merge`) or none is "unspecified", which creates. */
static void read_behavior(const pr_node *entry, pr_resource *res)
{
    const char *s = pr_scalar_text(pr_map_get(entry, "behavior"));
    res->behavior = PR_BEHAVIOR_CREATE;
    res->generator_behavior = "unspecified";
    if (s && !strcmp(s, "create")) {
        res->generator_behavior = "create";
    } else if (s && !strcmp(s, "merge")) {
        res->behavior = PR_BEHAVIOR_MERGE;
        res->generator_behavior = "merge";
    } else if (s && !strcmp(s, "replace")) {
        res->behavior = PR_BEHAVIOR_REPLACE;
        res->generator_behavior = "replace";
    }
}

bool pr_generator_start(pr_build_ctx *ctx, const pr_kustomization *k,
                        const pr_generator_kind *gk, const pr_node *entry,
                        const pr_node *global, pr_generated *out, pr_error *err)
{
    pr_arena *a = ctx->a;
    memset(out, 0, sizeof *out);
    out->entry = entry;
    if (entry->kind != PR_MAP)
        return pr_error_at(err, k->path, entry->mark.line, entry->mark.col, "%s entries must be mappings", gk->field);
    if (!check_fields(k, entry, common_fields, gk->extra_fields, err))
        return false;
    const pr_node *options = pr_map_get(entry, "options");
    if ((options && options->kind == PR_MAP && !check_fields(k, options, option_fields, NULL, err)) ||
        (global && global->kind == PR_MAP && !check_fields(k, global, option_fields, NULL, err)))
        return false;
    const char *name = pr_map_get_str(entry, "name");
    if (!name || !*name)
        return pr_error_at(err, k->path, entry->mark.line, entry->mark.col, "a %s entry needs a name", gk->field);
    out->name = name;
    source_reader r = {ctx, k, &out->kvs};
    if (!each_string(k, pr_map_get(entry, "envs"), "envs", read_env, &r, err) ||
        !each_string(k, pr_map_get(entry, "env"), "env", read_env, &r, err) ||
        !each_string(k, pr_map_get(entry, "literals"), "literals", read_literal, &r, err) ||
        !each_string(k, pr_map_get(entry, "files"), "files", read_file, &r, err))
        return pr_error_prefix(err, "%s: %s %s", k->path, gk->field, name);

    pr_node *obj = pr_node_map(a);
    pr_map_set_str(a, obj, "apiVersion", "v1");
    pr_map_set_str(a, obj, "kind", gk->kind);
    pr_node *meta = pr_map_ensure_map(a, obj, "metadata");
    pr_map_set_str(a, meta, "name", name);
    const char *ns = pr_map_get_str(entry, "namespace");
    if (ns && *ns)
        pr_map_set_str(a, meta, "namespace", ns);
    if (!pr_check_keys_read_as_strings(k, pr_map_get(options, "labels"), "options.labels", err) ||
        !pr_check_keys_read_as_strings(k, pr_map_get(global, "labels"), "generatorOptions.labels",
                                       err))
        return false;
    apply_string_maps(a, obj, "labels", pr_map_get(options, "labels"), pr_map_get(global, "labels"));
    apply_string_maps(a, obj, "annotations", pr_map_get(options, "annotations"),
                      pr_map_get(global, "annotations"));
    if (option_true(options, "immutable") || option_true(global, "immutable"))
        pr_map_set(a, obj, "immutable", pr_node_scalar(a, PR_TAG_BOOL, "true", 4));
    pr_resource *res = pr_resource_new(a, obj, pr_sprintf(a, "%s: %s %s", k->path, gk->field, name));
    res->needs_hash = !option_true(options, "disableNameSuffixHash") &&
                      !option_true(global, "disableNameSuffixHash");
    read_behavior(entry, res);
    out->res = res;
    return true;
}

static bool has_any_id(pr_arena *a, const pr_resource *r, const pr_resid *id)
{
    pr_resid cur = pr_resource_id(a, r);
    if (pr_resid_equal(&cur, id))
        return true;
    for (size_t i = 0; i < r->nprev; i++)
        if (pr_resid_equal(&r->prev_ids[i], id))
            return true;
    return false;
}

/* A value as kustomize reads it into a map[string]string: a scalar's text
 * as written (`42`, `False`), "" for a mapping or a list. Data is read
 * with kyaml's GetValue, which makes null "" too; labels and annotations
 * are read from the node's text, so a `~` there stays "~". */
static pr_node *as_string(pr_arena *a, const pr_node *v, bool null_is_empty)
{
    bool text = v->kind == PR_SCALAR && !(null_is_empty && v->tag == PR_TAG_NULL);
    pr_node *s = text ? pr_node_scalar(a, PR_TAG_STR, v->scalar.text, v->scalar.len)
                      : pr_node_str(a, "");
    s->mark = v->mark;
    return s;
}

typedef enum { METADATA_MAP, DATA_MAP } map_role;

/* Merges maps as kustomize merges data, labels and annotations on merge
 * and replace: both read as maps of strings, entries of `newer` winning
 * over `older`. */
static pr_node *merged_map(pr_arena *a, const pr_node *older, const pr_node *newer, map_role role)
{
    pr_node *out = pr_node_map(a);
    const pr_node *maps[2] = {older, newer};
    for (int m = 0; m < 2; m++)
        if (maps[m] && maps[m]->kind == PR_MAP)
            for (size_t i = 0; i < maps[m]->map.len; i++)
                pr_map_set(a, out, maps[m]->map.items[i].key->scalar.text,
                           as_string(a, maps[m]->map.items[i].value, role == DATA_MAP));
    return out;
}

static void set_or_drop(pr_arena *a, pr_node *map, const char *key, pr_node *value)
{
    if (value->map.len)
        pr_map_set(a, map, key, value);
    else
        pr_map_remove(map, key);
}

/* The new object takes the old one's name, namespace, history and merged
 * metadata; with merge, the old data too. */
static void absorb(pr_arena *a, pr_resource *res, const pr_resource *old)
{
    pr_node *meta = pr_map_ensure_map(a, res->obj, "metadata");
    const pr_node *old_meta = pr_map_get(old->obj, "metadata");
    set_or_drop(a, meta, "labels", merged_map(a, pr_map_get(old_meta, "labels"), pr_map_get(meta, "labels"),
                           METADATA_MAP));
    set_or_drop(a, meta, "annotations",
                merged_map(a, pr_map_get(old_meta, "annotations"), pr_map_get(meta, "annotations"),
                           METADATA_MAP));
    pr_map_set_str(a, meta, "name", pr_obj_name(old->obj));
    const char *ns = pr_obj_namespace(old->obj);
    if (*ns)
        pr_map_set_str(a, meta, "namespace", ns);
    else
        pr_map_remove(meta, "namespace");
    if (res->behavior == PR_BEHAVIOR_MERGE) {
        set_or_drop(a, res->obj, "data",
                    merged_map(a, pr_map_get(old->obj, "data"), pr_map_get(res->obj, "data"), DATA_MAP));
        set_or_drop(a, res->obj, "binaryData",
                    merged_map(a, pr_map_get(old->obj, "binaryData"), pr_map_get(res->obj, "binaryData"),
                           DATA_MAP));
    }
    res->needs_hash = res->needs_hash && old->needs_hash;
    res->generator_behavior = old->generator_behavior;
    res->prev_ids = old->prev_ids;
    res->nprev = old->nprev;
    res->prev_cap = old->prev_cap;
    res->prefixes = old->prefixes;
    res->suffixes = old->suffixes;
    res->ref_var_names = old->ref_var_names;
}

bool pr_generator_add(pr_build_ctx *ctx, const pr_kustomization *k,
                      pr_resmap *m, pr_resource *res, pr_error *err)
{
    pr_resid id = pr_resource_id(ctx->a, res);
    long match = -1;
    for (size_t i = 0; i < pr_resmap_len(m); i++) {
        if (!has_any_id(ctx->a, pr_resmap_at(m, i), &id))
            continue;
        if (match >= 0)
            return pr_error_set(err, "%s: found multiple objects that could accept merge of %s",
                                k->path, pr_resid_string(ctx->a, &id));
        match = (long)i;
    }
    if (match < 0) {
        if (res->behavior != PR_BEHAVIOR_CREATE)
            return pr_error_set(err, "%s: id %s does not exist; cannot merge or replace",
                                k->path, pr_resid_string(ctx->a, &id));
        return pr_resmap_append(m, res, err);
    }
    if (res->behavior == PR_BEHAVIOR_CREATE)
        return pr_error_set(err, "%s: id %s exists; behavior must be merge or replace",
                            k->path, pr_resid_string(ctx->a, &id));
    const pr_resource *old = pr_resmap_at(m, (size_t)match);
    /* a merge keeps the origin of what it merges into */
    pr_origin old_origin;
    int has_origin = 0;
    if (res->behavior == PR_BEHAVIOR_MERGE &&
        (has_origin = pr_resource_get_origin(ctx->a, old, &old_origin, err)) < 0)
        return false;
    absorb(ctx->a, res, old);
    if (has_origin && !pr_resource_set_origin(ctx->a, res, &old_origin, err))
        return false;
    pr_resmap_replace(m, (size_t)match, res);
    return true;
}

bool pr_generator_run_entry(pr_build_ctx *ctx, const pr_kustomization *k,
                            const pr_generator_kind *gk, const pr_node *entry,
                            const pr_node *global, const pr_origin *origin, pr_resmap *m,
                            bool (*fill)(pr_build_ctx *, const pr_kustomization *,
                                         pr_generated *, pr_error *),
                            pr_error *err)
{
    /* The keys and values read (g.kvs) live in ctx->tmp until the object
     * holds its copies. */
    pr_arena_pos pos = pr_arena_mark(ctx->tmp);
    pr_generated g;
    bool ok = pr_generator_start(ctx, k, gk, entry, global, &g, err) && fill(ctx, k, &g, err);
    pr_arena_release(ctx->tmp, pos);
    return ok && pr_resource_add_origin(ctx->a, g.res, origin, err) &&
           pr_generator_add(ctx, k, m, g.res, err);
}

bool pr_generator_run(pr_build_ctx *ctx, const pr_kustomization *k,
                      const pr_generator_kind *gk, pr_resmap *m,
                      bool (*fill)(pr_build_ctx *, const pr_kustomization *,
                                   pr_generated *, pr_error *),
                      pr_error *err)
{
    const pr_node *global = pr_map_get(k->root, "generatorOptions");
    const pr_node *list = pr_map_get(k->root, gk->field);
    if (!list || pr_node_is_null(list))
        return true;
    if (list->kind != PR_SEQ)
        return pr_error_at(err, k->path, list->mark.line, list->mark.col, "%s must be a list", gk->field);
    for (size_t i = 0; i < list->seq.len; i++)
        if (!pr_generator_run_entry(ctx, k, gk, list->seq.items[i], global,
                                    pr_origin_for_builtin(ctx, k, gk->generator), m, fill, err))
            return false;
    return true;
}
