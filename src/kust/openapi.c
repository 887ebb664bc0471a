/*
 * `openapi`: the schema strategic merges take their list merge keys from.
 *
 * kustomize keeps one schema for the whole build (kyaml's global) and sets
 * it once: the top-level kustomization first, then, while nothing is set,
 * each kustomization as accumulation reaches it (openapi.SetSchema). A
 * `path` is read (load restrictions apply) even when the schema is already
 * set; `version` must be a builtin one (only v1.21.2, the default, in
 * kustomize v5.5) and cannot go with `path`. A custom document replaces the
 * builtin schema for every merge that follows, in every kustomization.
 *
 * pr_openapi_parse turns a swagger 2 document into the tables smp.c walks
 * (see src/kust/openapi_tables.h), the way tools/gen-openapi-tables.py
 * derives the builtin ones.
 */
#include <stdlib.h>
#include <string.h>

#include "kust/openapi_tables.h"
#include "kust/pipeline.h"
#include "pleo/smp.h"
#include "pleo/yaml.h"

#define BUILTIN_VERSION "v1.21.2"
#define MAX_DEPTH 1000

typedef struct {
    pr_arena *a;
    const char *file;
    const pr_node *defs;
    pr_smp_schema *rows;
    size_t nrows, rows_cap;
    pr_smp_prop *props;
    size_t nprops, props_cap;
    const char **keys;
    size_t nkeys, keys_cap;
    const char **def_names; /* definition described at each row, or NULL */
    size_t def_names_cap;
    pr_error *err;
} builder;

static int describe(builder *b, const pr_node *s, const char *def_name, int depth);

static int definition(builder *b, const char *name, int depth)
{
    for (size_t i = 0; i < b->nrows; i++)
        if (b->def_names[i] && !strcmp(b->def_names[i], name))
            return (int)i;
    const pr_node *d = pr_map_get(b->defs, name);
    if (!d || d->kind != PR_MAP)
        return -1; /* kyaml finds no schema behind a dangling $ref */
    return describe(b, d, name, depth);
}

/* A schema met in a property, items or additionalProperties. */
static int schema(builder *b, const pr_node *s, int depth)
{
    if (!s || s->kind != PR_MAP)
        return -1;
    const char *ref = pr_scalar_text(pr_map_get(s, "$ref"));
    if (ref) {
        static const char prefix[] = "#/definitions/";
        if (strncmp(ref, prefix, sizeof prefix - 1) != 0)
            return -1;
        return definition(b, ref + sizeof prefix - 1, depth);
    }
    return describe(b, s, NULL, depth);
}

static int cmp_prop(const void *x, const void *y)
{
    return strcmp(((const pr_smp_prop *)x)->name, ((const pr_smp_prop *)y)->name);
}

static bool is_array(const pr_node *s)
{
    const pr_node *type = pr_map_get(s, "type");
    if (type && type->kind == PR_SEQ) {
        for (size_t i = 0; i < type->seq.len; i++)
            if (pr_scalar_is(type->seq.items[i], "array"))
                return true;
        return false;
    }
    return pr_scalar_is(type, "array");
}

static int describe(builder *b, const pr_node *s, const char *def_name, int depth)
{
    if (depth > MAX_DEPTH) {
        pr_error_set(b->err, "%s: schemas nested more than %d levels deep", b->file, MAX_DEPTH);
        return -2;
    }
    if (b->nrows >= 0x7fff) {
        pr_error_set(b->err, "%s: more than %d schemas; pleo-render's tables cannot hold them",
                     b->file, 0x7fff);
        return -2;
    }
    size_t cap = b->rows_cap;
    b->rows = pr_grow(b->a, b->rows, sizeof *b->rows, &cap, b->nrows + 1);
    b->def_names = pr_grow(b->a, b->def_names, sizeof *b->def_names, &b->def_names_cap,
                           b->nrows + 1);
    b->rows_cap = cap;
    size_t row = b->nrows++;
    b->def_names[row] = def_name; /* reserved first: definitions may refer to themselves */
    memset(&b->rows[row], 0, sizeof b->rows[row]);

    const pr_node *props = pr_map_get(s, "properties");
    size_t n = props && props->kind == PR_MAP ? props->map.len : 0;
    pr_smp_prop *mine = n ? pr_alloc(b->a, n * sizeof *mine) : NULL;
    for (size_t i = 0; i < n; i++) {
        const char *name = pr_scalar_text(props->map.items[i].key);
        int sub = schema(b, props->map.items[i].value, depth + 1);
        if (sub == -2)
            return -2;
        mine[i].name = name ? name : "";
        mine[i].schema = (uint16_t)(sub < 0 ? 0xffff : sub);
    }
    int items = -1, additional = -1;
    bool array = is_array(s);
    if (array && (items = schema(b, pr_map_get(s, "items"), depth + 1)) == -2)
        return -2;
    if ((additional = schema(b, pr_map_get(s, "additionalProperties"), depth + 1)) == -2)
        return -2;
    if (n)
        qsort(mine, n, sizeof *mine, cmp_prop);
    /* a property without a schema is left out: lookups then find none */
    size_t start = b->nprops;
    for (size_t i = 0; i < n; i++) {
        if (mine[i].schema == 0xffff)
            continue;
        b->props = pr_grow(b->a, b->props, sizeof *b->props, &b->props_cap, b->nprops + 1);
        b->props[b->nprops++] = mine[i];
    }
    pr_smp_schema *sc = &b->rows[row];
    sc->props = (uint16_t)start;
    sc->nprops = (uint16_t)(b->nprops - start);
    sc->items = (int16_t)items;
    sc->additional = (int16_t)additional;
    sc->flags = array ? PR_SMP_ARRAY : 0;
    sc->keys = (uint16_t)b->nkeys;
    const char *strategy = pr_scalar_text(pr_map_get(s, "x-kubernetes-patch-strategy"));
    if (strategy && *strategy) {
        char *parts = pr_strdup(b->a, strategy);
        for (char *p = strtok(parts, ","); p; p = strtok(NULL, ","))
            sc->flags |= !strcmp(p, "merge")        ? PR_SMP_MERGE
                         : !strcmp(p, "replace")    ? PR_SMP_REPLACE
                         : !strcmp(p, "retainKeys") ? PR_SMP_RETAIN_KEYS
                                                    : 0;
        const pr_node *map_keys = pr_map_get(s, "x-kubernetes-list-map-keys");
        const char *merge_key = pr_scalar_text(pr_map_get(s, "x-kubernetes-patch-merge-key"));
        if (map_keys && map_keys->kind == PR_SEQ) {
            for (size_t i = 0; i < map_keys->seq.len && i < 255; i++) {
                const char *k = pr_scalar_text(map_keys->seq.items[i]);
                b->keys = pr_grow(b->a, b->keys, sizeof *b->keys, &b->keys_cap, b->nkeys + 1);
                b->keys[b->nkeys++] = k ? k : "";
            }
        } else if (merge_key) {
            b->keys = pr_grow(b->a, b->keys, sizeof *b->keys, &b->keys_cap, b->nkeys + 1);
            b->keys[b->nkeys++] = merge_key;
        }
    }
    sc->nkeys = (uint8_t)(b->nkeys - sc->keys);
    if (b->nprops > 0xffff || b->nkeys > 0xffff) {
        pr_error_set(b->err, "%s: too many properties; pleo-render's tables cannot hold them",
                     b->file);
        return -2;
    }
    return (int)row;
}

static int cmp_type(const void *x, const void *y)
{
    const pr_smp_type *a = x, *b = y;
    int c = strcmp(a->api_version, b->api_version);
    return c ? c : strcmp(a->kind, b->kind);
}

bool pr_openapi_parse(pr_arena *a, const char *filename, const char *data, size_t len,
                      const pr_openapi **out, pr_error *err)
{
    pr_doclist docs = {0};
    if (!pr_yaml_parse_with(a, filename, data, len,
                            len && data[0] == '{' ? PR_YAML_LAST_KEY_WINS : PR_YAML_FIRST_DOCUMENT,
                            &docs, err))
        return pr_error_prefix(err, "invalid schema file");
    const pr_node *doc = docs.len ? docs.docs[0] : NULL;
    if (!doc || doc->kind != PR_MAP)
        return pr_error_set(err, "%s: invalid schema file: expected an OpenAPI (swagger 2) "
                            "document, a mapping with `definitions`", filename);
    const pr_node *defs = pr_map_get(doc, "definitions");
    builder b = {.a = a, .file = filename, .err = err};
    b.defs = defs && defs->kind == PR_MAP ? defs : NULL;
    pr_smp_type *types = NULL;
    size_t ntypes = 0, types_cap = 0;
    for (size_t i = 0; b.defs && i < b.defs->map.len; i++) {
        const char *name = pr_scalar_text(b.defs->map.items[i].key);
        const pr_node *gvks = pr_map_get(b.defs->map.items[i].value, "x-kubernetes-group-version-kind");
        if (!name || !gvks || gvks->kind != PR_SEQ)
            continue;
        for (size_t j = 0; j < gvks->seq.len; j++) {
            const pr_node *g = gvks->seq.items[j];
            const char *group = pr_scalar_text(pr_map_get(g, "group"));
            const char *version = pr_scalar_text(pr_map_get(g, "version"));
            const char *kind = pr_scalar_text(pr_map_get(g, "kind"));
            if (!version || !kind)
                continue;
            int root = definition(&b, name, 0);
            if (root == -2)
                return false;
            if (root < 0)
                continue;
            types = pr_grow(a, types, sizeof *types, &types_cap, ntypes + 1);
            types[ntypes].api_version = group && *group ? pr_sprintf(a, "%s/%s", group, version)
                                                        : version;
            types[ntypes].kind = kind;
            types[ntypes++].schema = (uint16_t)root;
        }
    }
    if (ntypes)
        qsort(types, ntypes, sizeof *types, cmp_type);
    /* a kind declared twice: the later definition wins, as kyaml's index */
    size_t w = 0;
    for (size_t i = 0; i < ntypes; i++) {
        if (w && !cmp_type(&types[w - 1], &types[i]))
            types[w - 1] = types[i];
        else
            types[w++] = types[i];
    }
    struct pr_openapi *t = pr_alloc(a, sizeof *t);
    t->props = b.props;
    t->keys = b.keys;
    t->schemas = b.rows;
    t->types = types;
    t->ntypes = w;
    *out = t;
    return true;
}

bool pr_openapi_read(pr_build_ctx *ctx, const pr_kustomization *k, pr_error *err)
{
    const pr_node *field = pr_map_get(k->root, "openapi");
    const pr_node *path = field && field->kind == PR_MAP ? pr_map_get(field, "path") : NULL;
    const pr_node *version = field && field->kind == PR_MAP ? pr_map_get(field, "version") : NULL;
    const char *rel = pr_scalar_text(path);
    const char *ver = pr_scalar_text(version);
    pr_strbuf content;
    pr_sb_init(&content);
    const char *file = NULL;
    bool ok = !rel || pr_kustomization_read_file(ctx, k, rel, &content, &file, err);
    if (!ok)
        return pr_sb_release(&content), pr_error_prefix(err, "%s: openapi.path", k->path);
    /* only the first kustomization that sets a schema counts */
    if (ctx->openapi_set) {
        pr_sb_release(&content);
        return true;
    }
    if (rel) {
        if (version) {
            pr_sb_release(&content);
            return pr_error_at(err, k->path, version->mark.line, version->mark.col,
                               "builtin version and custom schema provided, cannot use both; "
                               "give openapi either a path or a version");
        }
        ok = pr_openapi_parse(ctx->a, file, content.buf, content.len, &ctx->openapi, err);
        pr_sb_release(&content);
        if (!ok)
            return pr_error_prefix(err, "%s: openapi.path %s", k->path, rel);
        ctx->openapi_set = true;
        return true;
    }
    pr_sb_release(&content);
    if (!ver || !*ver)
        return true;
    if (strcmp(ver, BUILTIN_VERSION) != 0)
        return pr_error_at(err, k->path, version->mark.line, version->mark.col,
                           "the specified OpenAPI version is not built in (the only one is "
                           "%s, the default)", BUILTIN_VERSION);
    ctx->openapi = NULL;
    ctx->openapi_set = true;
    return true;
}
