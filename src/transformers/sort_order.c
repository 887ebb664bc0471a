/*
 * The output order (kustomize's SortOrderTransformer). Only the top-level
 * kustomization's `sortOptions` count; kustomize ignores, without checking
 * their values, those of the kustomizations below it.
 *
 * "fifo" keeps the order in which resources were accumulated. "legacy", the
 * default, puts kinds of an order-first list first in that order and kinds
 * of an order-last list last; everything else sits between, ordered by
 * group, version and kind, and ties break on a fixed id string, so the order
 * is total and independent of input order.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kust/pipeline.h"

/* A kind's place: negative in the order-first list, positive in the
 * order-last one, 0 between. A kind listed twice takes its last place, and
 * the order-last list wins over the order-first one, as in kustomize, which
 * fills one map from both lists in turn. */
static int kind_rank(const pr_sort_options *o, const char *kind)
{
    for (size_t i = o->last_len; i-- > 0;)
        if (!strcmp(kind, o->last[i]))
            return (int)i + 1;
    for (size_t i = o->first_len; i-- > 0;)
        if (!strcmp(kind, o->first[i]))
            return (int)i - (int)o->first_len;
    return 0;
}

typedef struct {
    pr_resource *r;
    int rank;
    pr_resid id;
} sort_entry;

static const char *or_placeholder(const char *s, const char *placeholder)
{
    return s && *s ? s : placeholder;
}

/* The bytes of `n` parts joined with the separators `seps` (seps[i] after
 * part i), read one at a time: kustomize compares such joined keys, and
 * reading them in place saves making one per object at the build's peak. */
typedef struct {
    const char *const *parts;
    const char *seps;
    size_t n, i;
    const char *p;
} joined;

static int joined_next(joined *j)
{
    if (*j->p)
        return (unsigned char)*j->p++;
    if (j->i + 1 >= j->n)
        return -1;
    j->p = j->parts[++j->i];
    return (unsigned char)j->seps[j->i - 1];
}

/* strcmp of the two joined strings. */
static int compare_joined(const char *const *x, const char *const *y, const char *seps, size_t n)
{
    joined a = {x, seps, n, 0, x[0]}, b = {y, seps, n, 0, y[0]};
    for (;;) {
        int ca = joined_next(&a), cb = joined_next(&b);
        if (ca != cb)
            return ca < cb ? -1 : 1;
        if (ca < 0)
            return 0;
    }
}

/* group_version_kind with ~G/~V/~K placeholders. */
static int compare_gvk_keys(const pr_resid *a, const pr_resid *b)
{
    const char *x[] = {or_placeholder(a->gvk.group, "~G"), or_placeholder(a->gvk.version, "~V"),
                       or_placeholder(a->gvk.kind, "~K")};
    const char *y[] = {or_placeholder(b->gvk.group, "~G"), or_placeholder(b->gvk.version, "~V"),
                       or_placeholder(b->gvk.kind, "~K")};
    return compare_joined(x, y, "__", 3);
}

/* Kind.version.group|namespace|name with placeholders. */
static int compare_id_keys(const pr_resid *a, const pr_resid *b)
{
    const char *x[] = {or_placeholder(a->gvk.kind, "[noKind]"),
                       or_placeholder(a->gvk.version, "[noVer]"),
                       or_placeholder(a->gvk.group, "[noGrp]"), or_placeholder(a->namespace, "~X"),
                       or_placeholder(a->name, "~N")};
    const char *y[] = {or_placeholder(b->gvk.kind, "[noKind]"),
                       or_placeholder(b->gvk.version, "[noVer]"),
                       or_placeholder(b->gvk.group, "[noGrp]"), or_placeholder(b->namespace, "~X"),
                       or_placeholder(b->name, "~N")};
    return compare_joined(x, y, "..||", 5);
}

static int compare_entries(const void *x, const void *y)
{
    const sort_entry *a = x, *b = y;
    const pr_gvk *ga = &a->id.gvk, *gb = &b->id.gvk;
    bool same_gvk = !strcmp(ga->group, gb->group) && !strcmp(ga->version, gb->version) &&
                    !strcmp(ga->kind, gb->kind);
    if (!same_gvk) {
        if (a->rank != b->rank)
            return a->rank < b->rank ? -1 : 1;
        int c = compare_gvk_keys(&a->id, &b->id);
        /* kustomize inverts the order of Namespace objects when one of
         * them has no group. */
        if (!strcmp(ga->kind, "Namespace") && !strcmp(gb->kind, "Namespace") &&
            (!*ga->group || !*gb->group))
            c = -c;
        return c;
    }
    return compare_id_keys(&a->id, &b->id);
}

/* The entries are temporaries (ctx->tmp): the sort runs last, when the
 * build holds the most. */
static void legacy_order(pr_build_ctx *ctx, const pr_sort_options *o, pr_resmap *m)
{
    pr_arena_pos pos = pr_arena_mark(ctx->tmp);
    size_t n = pr_resmap_len(m);
    sort_entry *entries = pr_alloc(ctx->tmp, (n ? n : 1) * sizeof *entries);
    for (size_t i = 0; i < n; i++) {
        sort_entry *e = &entries[i];
        e->r = pr_resmap_at(m, i);
        e->id = pr_resource_id(ctx->tmp, e->r);
        e->rank = kind_rank(o, e->id.gvk.kind);
    }
    qsort(entries, n, sizeof *entries, compare_entries);
    for (size_t i = 0; i < n; i++)
        pr_resmap_replace(m, i, entries[i].r);
    pr_arena_release(ctx->tmp, pos);
}

static bool is_string(const pr_node *n)
{
    return n->kind == PR_SCALAR && n->tag != PR_TAG_NULL && n->tag != PR_TAG_BOOL &&
           n->tag != PR_TAG_INT && n->tag != PR_TAG_FLOAT;
}

/* A list of kinds; null reads as an empty list, as Go's JSON decoding does. */
static bool read_kinds(pr_build_ctx *ctx, const pr_kustomization *k,
                       const pr_node *v, const char *field,
                       const char *const **out, size_t *len, pr_error *err)
{
    *out = NULL;
    *len = 0;
    if (pr_node_is_null(v))
        return true;
    if (v->kind != PR_SEQ)
        return pr_error_at(err, k->path, v->mark.line, v->mark.col,
                           "sortOptions.legacySortOptions.%s must be a list of kinds", field);
    const char **kinds = pr_alloc(ctx->a, (v->seq.len ? v->seq.len : 1) * sizeof *kinds);
    for (size_t i = 0; i < v->seq.len; i++) {
        const pr_node *item = v->seq.items[i];
        if (!pr_node_is_null(item) && !is_string(item))
            return pr_error_at(err, k->path, item->mark.line, item->mark.col,
                               "sortOptions.legacySortOptions.%s[%zu] must be a kind name",
                               field, i);
        kinds[i] = pr_node_is_null(item) ? "" : item->scalar.text;
    }
    *out = kinds;
    *len = v->seq.len;
    return true;
}

/* Key lookup goes by Go's JSON decoding, which kustomize reads
 * kustomization files with: exact, or else ignoring case. */
static bool read_legacy(pr_build_ctx *ctx, const pr_kustomization *k,
                        const pr_node *v, pr_sort_options *o, pr_error *err)
{
    if (v->kind != PR_MAP)
        return pr_error_at(err, k->path, v->mark.line, v->mark.col,
                           "sortOptions.legacySortOptions must be a mapping");
    o->first_len = o->last_len = 0;
    for (size_t i = 0; i < v->map.len; i++) {
        const pr_node *key = v->map.items[i].key, *value = v->map.items[i].value;
        bool ok;
        if (!strcasecmp(key->scalar.text, "orderFirst"))
            ok = read_kinds(ctx, k, value, "orderFirst", &o->first, &o->first_len, err);
        else if (!strcasecmp(key->scalar.text, "orderLast"))
            ok = read_kinds(ctx, k, value, "orderLast", &o->last, &o->last_len, err);
        else
            ok = pr_error_at(err, k->path, key->mark.line, key->mark.col,
                             "invalid Kustomization: json: unknown field \"%s\"",
                             key->scalar.text);
        if (!ok)
            return false;
    }
    o->legacy_given = true;
    return true;
}

bool pr_sort_options_read(pr_build_ctx *ctx, const pr_kustomization *k,
                          pr_sort_options *out, pr_error *err)
{
    pr_sort_options o = {0};
    const pr_node *v = pr_map_get(k->root, "sortOptions");
    if (v && !pr_node_is_null(v)) {
        if (v->kind != PR_MAP)
            return pr_error_at(err, k->path, v->mark.line, v->mark.col,
                               "sortOptions must be a mapping");
        o.given = true;
        o.path = k->path;
        o.node = v;
        o.order = "";
        for (size_t i = 0; i < v->map.len; i++) {
            const pr_node *key = v->map.items[i].key, *value = v->map.items[i].value;
            if (!strcasecmp(key->scalar.text, "order")) {
                if (!pr_node_is_null(value) && !is_string(value))
                    return pr_error_at(err, k->path, value->mark.line, value->mark.col,
                                       "sortOptions.order must be a string");
                o.order = pr_node_is_null(value) ? "" : value->scalar.text;
                o.order_node = value;
            } else if (!strcasecmp(key->scalar.text, "legacySortOptions")) {
                o.legacy_given = false;
                o.legacy_node = key;
                if (!pr_node_is_null(value) && !read_legacy(ctx, k, value, &o, err))
                    return false;
            } else {
                return pr_error_at(err, k->path, key->mark.line, key->mark.col,
                                   "invalid Kustomization: json: unknown field \"%s\"",
                                   key->scalar.text);
            }
        }
    }
    if (out)
        *out = o;
    return true;
}

bool pr_tf_sort_order(pr_build_ctx *ctx, const pr_sort_options *o, pr_resmap *m,
                      pr_error *err)
{
    pr_sort_options defaults = {
        .first = pr_kind_order_first, .first_len = pr_kind_order_first_len,
        .last = pr_kind_order_last, .last_len = pr_kind_order_last_len};
    if (!o->given) {
        legacy_order(ctx, &defaults, m);
        return true;
    }
    const pr_node *at = o->order_node ? o->order_node : o->node;
    if (strcmp(o->order, "legacy") != 0 && strcmp(o->order, "fifo") != 0)
        return pr_error_at(err, o->path, at->mark.line, at->mark.col,
                           "the field 'sortOptions.order' must be one of [fifo, legacy]");
    if (!strcmp(o->order, "fifo")) {
        if (o->legacy_given)
            return pr_error_at(err, o->path, o->legacy_node->mark.line, o->legacy_node->mark.col,
                               "the field 'sortOptions.legacySortOptions' is set but the "
                               "selected sort order is 'fifo', not 'legacy'");
        return true;
    }
    legacy_order(ctx, o->legacy_given ? o : &defaults, m);
    return true;
}
