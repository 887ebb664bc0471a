/*
 * configMapGenerator: builds ConfigMaps from env files, literals and files,
 * then folds each into the resources accumulated so far according to its
 * behavior -- create (new object), merge (data and metadata merged into an
 * existing generated object of that name) or replace. Generated names get
 * their hash suffix only at the very end of the build (see hash_suffix.c),
 * so overlays merge by the plain name.
 */
#include <string.h>

#include "kust/pipeline.h"
#include "pleo/kv.h"

static const char *const generator_fields[] = {
    "name", "namespace", "behavior", "envs", "env", "files", "literals", "options", NULL};
static const char *const option_fields[] = {"labels", "annotations", "disableNameSuffixHash",
                                            "immutable", NULL};

static bool check_fields(const pr_kustomization *k, const pr_node *map,
                         const char *const *allowed, pr_error *err)
{
    for (size_t i = 0; i < map->map.len; i++) {
        const pr_node *key = map->map.items[i].key;
        bool known = false;
        for (const char *const *f = allowed; *f; f++)
            known |= !strcmp(*f, key->scalar.text);
        if (!known)
            return pr_error_set(err, "%s:%d:%d: invalid Kustomization: json: unknown field \"%s\"",
                                k->path, key->mark.line, key->mark.col, key->scalar.text);
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
        return fn(ctx, v->scalar.text, err);
    if (v->kind != PR_SEQ)
        return pr_error_set(err, "%s:%d:%d: %s must be a list of strings", k->path,
                            v->mark.line, v->mark.col, field);
    for (size_t i = 0; i < v->seq.len; i++) {
        const char *s = pr_scalar_text(v->seq.items[i]);
        if (!s)
            return pr_error_set(err, "%s:%d:%d: %s must be a list of strings", k->path,
                                v->seq.items[i]->mark.line, v->seq.items[i]->mark.col, field);
        if (!fn(ctx, s, err))
            return false;
    }
    return true;
}

typedef struct {
    pr_build_ctx *ctx;
    const pr_kustomization *k;
    pr_kv_list kvs;
} source_reader;

static bool read_env(void *arg, const char *rel, pr_error *err)
{
    source_reader *r = arg;
    pr_strbuf content;
    pr_sb_init(&content);
    const char *path;
    bool ok = pr_kustomization_read_file(r->ctx, r->k, rel, &content, &path, err) &&
              pr_kv_add_env_file(r->ctx->a, &r->kvs, path, content.buf, content.len, err);
    pr_sb_release(&content);
    return ok;
}

static bool read_literal(void *arg, const char *literal, pr_error *err)
{
    source_reader *r = arg;
    return pr_kv_add_literal(r->ctx->a, &r->kvs, literal, err);
}

static bool read_file(void *arg, const char *source, pr_error *err)
{
    source_reader *r = arg;
    const char *key, *rel;
    if (!pr_kv_parse_file_source(r->ctx->a, source, &key, &rel, err))
        return false;
    pr_strbuf content;
    pr_sb_init(&content);
    bool ok = pr_kustomization_read_file(r->ctx, r->k, rel, &content, NULL, err);
    if (ok)
        pr_kv_add(r->ctx->a, &r->kvs, key, content.buf, content.len);
    pr_sb_release(&content);
    return ok;
}

static bool is_configmap_key(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 253 || !strcmp(s, ".") || !strcmp(s, ".."))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!(c == '-' || c == '.' || c == '_' || (c >= 'a' && c <= 'z') ||
              (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            return false;
    }
    return true;
}

static bool valid_utf8(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                                  : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (len == 0 || i + len > n)
            return false;
        for (size_t k = 1; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
        i += len;
    }
    return true;
}

static char *base64(pr_arena *a, const char *data, size_t n)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *s = (const unsigned char *)data;
    char *out = pr_alloc(a, (n + 2) / 3 * 4 + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) |
                     (i + 2 < n ? s[i + 2] : 0);
        out[k++] = tbl[v >> 18 & 63];
        out[k++] = tbl[v >> 12 & 63];
        out[k++] = i + 1 < n ? tbl[v >> 6 & 63] : '=';
        out[k++] = i + 2 < n ? tbl[v & 63] : '=';
    }
    out[k] = '\0';
    return out;
}

/* Copies string values of an options map (labels/annotations) into the
 * object's metadata map of the same name. */
static void copy_string_map(pr_arena *a, pr_node *obj, const char *field,
                            const pr_node *src)
{
    if (!src || src->kind != PR_MAP || src->map.len == 0)
        return;
    pr_node *dst = pr_map_ensure_map(a, pr_map_ensure_map(a, obj, "metadata"), field);
    for (size_t i = 0; i < src->map.len; i++) {
        const pr_node *v = src->map.items[i].value;
        if (v->kind == PR_SCALAR)
            pr_map_set(a, dst, src->map.items[i].key->scalar.text,
                       pr_node_scalar(a, PR_TAG_STR, v->scalar.text, v->scalar.len));
    }
}

static bool parse_behavior(const pr_kustomization *k, const pr_node *entry,
                           pr_behavior *out, pr_error *err)
{
    const pr_node *b = pr_map_get(entry, "behavior");
    const char *s = pr_scalar_text(b);
    if (!s || !*s || !strcmp(s, "create"))
        *out = PR_BEHAVIOR_CREATE;
    else if (!strcmp(s, "merge"))
        *out = PR_BEHAVIOR_MERGE;
    else if (!strcmp(s, "replace"))
        *out = PR_BEHAVIOR_REPLACE;
    else
        return pr_error_set(err, "%s:%d:%d: unknown generator behavior \"%s\" (create, merge or replace)",
                            k->path, b->mark.line, b->mark.col, s);
    return true;
}

static bool option_true(const pr_node *options, const char *key)
{
    const pr_node *v = pr_map_get(options, key);
    return v && v->tag == PR_TAG_BOOL && (v->scalar.text[0] == 't' || v->scalar.text[0] == 'T');
}

static bool generate_one(pr_build_ctx *ctx, const pr_kustomization *k,
                         const pr_node *entry, pr_resource **out, pr_error *err)
{
    pr_arena *a = ctx->a;
    if (entry->kind != PR_MAP)
        return pr_error_set(err, "%s:%d:%d: configMapGenerator entries must be mappings",
                            k->path, entry->mark.line, entry->mark.col);
    if (!check_fields(k, entry, generator_fields, err))
        return false;
    const pr_node *options = pr_map_get(entry, "options");
    if (options && options->kind == PR_MAP && !check_fields(k, options, option_fields, err))
        return false;
    const char *name = pr_map_get_str(entry, "name");
    if (!name || !*name)
        return pr_error_set(err, "%s:%d:%d: a configMapGenerator entry needs a name",
                            k->path, entry->mark.line, entry->mark.col);
    source_reader r = {ctx, k, {0}};
    if (!each_string(k, pr_map_get(entry, "envs"), "envs", read_env, &r, err) ||
        !each_string(k, pr_map_get(entry, "env"), "env", read_env, &r, err) ||
        !each_string(k, pr_map_get(entry, "literals"), "literals", read_literal, &r, err) ||
        !each_string(k, pr_map_get(entry, "files"), "files", read_file, &r, err))
        return pr_error_prefix(err, "%s: configMapGenerator %s", k->path, name);

    pr_node *obj = pr_node_map(a);
    pr_map_set_str(a, obj, "apiVersion", "v1");
    pr_map_set_str(a, obj, "kind", "ConfigMap");
    pr_node *meta = pr_map_ensure_map(a, obj, "metadata");
    pr_map_set_str(a, meta, "name", name);
    const char *ns = pr_map_get_str(entry, "namespace");
    if (ns && *ns)
        pr_map_set_str(a, meta, "namespace", ns);
    for (size_t i = 0; i < r.kvs.len; i++) {
        const pr_kv *kv = &r.kvs.items[i];
        if (!is_configmap_key(kv->key))
            return pr_error_set(err,
                                "%s: configMapGenerator %s: invalid key '%s': a valid config key "
                                "must consist of alphanumeric characters, '-', '_' or '.'",
                                k->path, name, kv->key);
        bool text = valid_utf8(kv->value, kv->value_len);
        pr_node *target = pr_map_ensure_map(a, obj, text ? "data" : "binaryData");
        if (pr_map_index(pr_map_get(obj, "data"), kv->key) >= 0 ||
            pr_map_index(pr_map_get(obj, "binaryData"), kv->key) >= 0)
            return pr_error_set(err, "%s: configmap %s illegally repeats the key `%s`",
                                k->path, name, kv->key);
        pr_node *value = text ? pr_node_scalar(a, PR_TAG_STR, kv->value, kv->value_len)
                              : pr_node_str(a, base64(a, kv->value, kv->value_len));
        pr_map_set(a, target, kv->key, value);
    }
    copy_string_map(a, obj, "labels", pr_map_get(options, "labels"));
    copy_string_map(a, obj, "annotations", pr_map_get(options, "annotations"));
    if (option_true(options, "immutable"))
        pr_map_set(a, obj, "immutable", pr_node_scalar(a, PR_TAG_BOOL, "true", 4));
    pr_resource *res = pr_resource_new(a, obj, pr_sprintf(a, "%s: configMapGenerator %s", k->path, name));
    res->needs_hash = !option_true(options, "disableNameSuffixHash");
    if (!parse_behavior(k, entry, &res->behavior, err))
        return false;
    *out = res;
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

/* Merges string maps: entries of `newer` win over `older`. */
static pr_node *merged_map(pr_arena *a, const pr_node *older, const pr_node *newer)
{
    pr_node *out = pr_node_map(a);
    const pr_node *maps[2] = {older, newer};
    for (int m = 0; m < 2; m++)
        if (maps[m] && maps[m]->kind == PR_MAP)
            for (size_t i = 0; i < maps[m]->map.len; i++)
                pr_map_set(a, out, maps[m]->map.items[i].key->scalar.text,
                           maps[m]->map.items[i].value);
    return out;
}

static void set_or_drop(pr_arena *a, pr_node *map, const char *key, pr_node *value)
{
    if (value->map.len)
        pr_map_set(a, map, key, value);
    else
        pr_map_remove(map, key);
}

/* kustomize's merge/replace of a generated object into an existing one:
 * the new object takes the old one's name, namespace, history and merged
 * metadata; with merge, the old data too. */
static void absorb(pr_arena *a, pr_resource *res, const pr_resource *old)
{
    pr_node *meta = pr_map_ensure_map(a, res->obj, "metadata");
    const pr_node *old_meta = pr_map_get(old->obj, "metadata");
    set_or_drop(a, meta, "labels", merged_map(a, pr_map_get(old_meta, "labels"), pr_map_get(meta, "labels")));
    set_or_drop(a, meta, "annotations",
                merged_map(a, pr_map_get(old_meta, "annotations"), pr_map_get(meta, "annotations")));
    pr_map_set_str(a, meta, "name", pr_obj_name(old->obj));
    const char *ns = pr_obj_namespace(old->obj);
    if (*ns)
        pr_map_set_str(a, meta, "namespace", ns);
    else
        pr_map_remove(meta, "namespace");
    if (res->behavior == PR_BEHAVIOR_MERGE) {
        set_or_drop(a, res->obj, "data",
                    merged_map(a, pr_map_get(old->obj, "data"), pr_map_get(res->obj, "data")));
        set_or_drop(a, res->obj, "binaryData",
                    merged_map(a, pr_map_get(old->obj, "binaryData"), pr_map_get(res->obj, "binaryData")));
    }
    res->needs_hash = res->needs_hash && old->needs_hash;
    res->prev_ids = old->prev_ids;
    res->nprev = old->nprev;
    res->prev_cap = old->prev_cap;
    res->orig_id = old->orig_id;
}

static bool add_generated(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                          pr_resource *res, pr_error *err)
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
    absorb(ctx->a, res, pr_resmap_at(m, (size_t)match));
    pr_resmap_replace(m, (size_t)match, res);
    return true;
}

bool pr_gen_configmaps(pr_build_ctx *ctx, const pr_kustomization *k,
                       pr_resmap *m, pr_error *err)
{
    const pr_node *list = pr_map_get(k->root, "configMapGenerator");
    if (!list || pr_node_is_null(list))
        return true;
    if (list->kind != PR_SEQ)
        return pr_error_set(err, "%s:%d:%d: configMapGenerator must be a list", k->path,
                            list->mark.line, list->mark.col);
    for (size_t i = 0; i < list->seq.len; i++) {
        pr_resource *res;
        if (!generate_one(ctx, k, list->seq.items[i], &res, err) ||
            !add_generated(ctx, k, m, res, err))
            return false;
    }
    return true;
}
