/*
 * Transformer configurations: the builtin one, reading the files named by
 * `configurations`, and merging them as kustomize does.
 *
 * kustomize decodes a configuration file with go-yaml v2 into JSON and then
 * strictly into its TransformerConfig type, so this reader keeps that
 * decoder's rules: YAML 1.1 booleans, keys in sorted order (the first
 * problem met in that order is the one reported), an exact key match or
 * else a case-insensitive one, null leaving a field as it was.
 *
 * Merging finds the spec an incoming one covers through an index keyed by
 * the parts of the kind the incoming spec sets, so a merge is linear in
 * the number of specs instead of comparing every pair as kustomize does.
 */
#include "pleo/tconfig.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kust/pipeline.h"
#include "pleo/yaml.h"

/* ------------------------------------------------------------------ */
/* Sorting                                                             */

typedef struct {
    const pr_gvk *gvk;
    size_t pos;
} gvk_pos;

static int compare_gvk_pos(const void *x, const void *y)
{
    const gvk_pos *a = x, *b = y;
    int c = pr_gvk_compare(a->gvk, b->gvk);
    if (c)
        return c;
    return (a->pos > b->pos) - (a->pos < b->pos);
}

/* Sorts `n` items of `size` bytes by the gvk found `gvk_offset` bytes into
 * each. Items of the same kind keep their order: kustomize's sort is not
 * stable, but such items differ only in path, so their order never decides
 * which spec a merge keeps. */
static void sort_by_gvk(pr_arena *a, void *items, size_t n, size_t size,
                        size_t gvk_offset)
{
    if (n < 2)
        return;
    char *base = items;
    gvk_pos *order = pr_alloc(a, n * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = (gvk_pos){(const pr_gvk *)(base + i * size + gvk_offset), i};
    qsort(order, n, sizeof *order, compare_gvk_pos);
    char *sorted = pr_alloc(a, n * size);
    for (size_t i = 0; i < n; i++)
        memcpy(sorted + i * size, base + order[i].pos * size, size);
    memcpy(base, sorted, n * size);
}

static void sort_specs(pr_arena *a, pr_fieldspec_list *list)
{
    sort_by_gvk(a, (void *)list->specs, list->len, sizeof *list->specs,
                offsetof(pr_fieldspec, gvk));
}

static void sort_rules(pr_arena *a, pr_nameref_rule *rules, size_t n)
{
    sort_by_gvk(a, rules, n, sizeof *rules, offsetof(pr_nameref_rule, referral));
}

/* ------------------------------------------------------------------ */
/* Merging field-spec lists                                            */

enum { SEL_GROUP = 1, SEL_VERSION = 2, SEL_KIND = 4, SEL_MASKS = 8 };

static const char *text_or_empty(const char *s)
{
    return s ? s : "";
}

/* Which parts of a kind a selector sets. */
static unsigned selector_mask(const pr_gvk *g)
{
    return (g->group && *g->group ? SEL_GROUP : 0) |
           (g->version && *g->version ? SEL_VERSION : 0) |
           (g->kind && *g->kind ? SEL_KIND : 0);
}

static uint64_t hash_text(uint64_t h, const char *s)
{
    for (s = text_or_empty(s); *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3u;
    return (h ^ 0xff) * 0x100000001b3u; /* a separator keeps parts apart */
}

/* The hash of what a selector setting exactly the parts in `mask` sees of
 * a spec of kind `g` at `path`. */
static uint64_t cover_hash(const pr_gvk *g, unsigned mask, const char *path)
{
    uint64_t h = 0xcbf29ce484222325u ^ mask;
    h = hash_text(h, mask & SEL_GROUP ? g->group : NULL);
    h = hash_text(h, mask & SEL_VERSION ? g->version : NULL);
    h = hash_text(h, mask & SEL_KIND ? g->kind : NULL);
    return hash_text(h, path);
}

static bool same_text(const char *x, const char *y)
{
    return !strcmp(text_or_empty(x), text_or_empty(y));
}

/* Whether a selector setting the parts in `mask` of `want` at `path` sees
 * the spec of kind `g` at `gpath`. */
static bool cover_equal(const pr_gvk *g, const char *gpath, unsigned mask,
                        const pr_gvk *want, const char *path)
{
    return (!(mask & SEL_GROUP) || same_text(g->group, want->group)) &&
           (!(mask & SEL_VERSION) || same_text(g->version, want->version)) &&
           (!(mask & SEL_KIND) || same_text(g->kind, want->kind)) &&
           same_text(gpath, path);
}

/* An open-addressing index from (selector mask, kind parts, path) to the
 * first of a list's items with them, sized once for all it will hold, so
 * no key is ever formatted or copied. */
typedef struct {
    uint64_t hash;
    uint32_t at; /* 1 + item index; 0: empty */
    uint32_t mask;
} cover_slot;

typedef struct {
    cover_slot *slots;
    size_t size; /* a power of two */
} cover_index;

static void index_init(pr_arena *a, cover_index *ix, size_t entries)
{
    ix->size = 16;
    while (ix->size < 2 * entries)
        ix->size *= 2;
    ix->slots = pr_alloc(a, ix->size * sizeof *ix->slots);
}

/* Where the indexed items are and where their kind and path sit. */
typedef struct {
    const void *items;
    size_t size, gvk_offset, path_offset; /* path_offset: (size_t)-1, none */
} item_layout;

static const pr_gvk *item_gvk(const item_layout *l, size_t i)
{
    return (const pr_gvk *)((const char *)l->items + i * l->size + l->gvk_offset);
}

static const char *item_path(const item_layout *l, size_t i)
{
    if (l->path_offset == (size_t)-1)
        return NULL;
    return *(const char *const *)((const char *)l->items + i * l->size + l->path_offset);
}

/* The slot holding the first item seen as (want, mask, path), or the
 * empty slot where it would go. */
static cover_slot *index_slot(const cover_index *ix, const item_layout *l,
                              const pr_gvk *want, unsigned mask, const char *path)
{
    uint64_t h = cover_hash(want, mask, path);
    for (size_t i = (size_t)h & (ix->size - 1);; i = (i + 1) & (ix->size - 1)) {
        cover_slot *s = &ix->slots[i];
        if (!s->at)
            return s;
        if (s->hash == h && s->mask == mask &&
            cover_equal(item_gvk(l, s->at - 1), item_path(l, s->at - 1), mask, want, path))
            return s;
    }
}

/* Records item `i` (already in l->items) under `mask` unless an earlier
 * item has the same key. */
static void index_add(cover_index *ix, const item_layout *l, size_t i, unsigned mask)
{
    cover_slot *s = index_slot(ix, l, item_gvk(l, i), mask, item_path(l, i));
    if (!s->at) {
        s->hash = cover_hash(item_gvk(l, i), mask, item_path(l, i));
        s->mask = mask;
        s->at = (uint32_t)(i + 1);
    }
}

/* kustomize's FieldSpec.String(): "Kind.version.group:create:path". */
static const char *spec_string(pr_arena *a, const pr_fieldspec *s)
{
    return pr_sprintf(a, "%s:%s:%s", pr_gvk_string(a, &s->gvk),
                      s->create ? "true" : "false", text_or_empty(s->path));
}

bool pr_fieldspec_list_merge(pr_arena *a, const pr_fieldspec_list *base,
                             const pr_fieldspec_list *incoming,
                             pr_fieldspec_list *out, pr_error *err)
{
    if (incoming->len == 0) {
        *out = *base;
        return true;
    }
    /* Index the result for the selector masks the incoming specs use: a
     * spec covers an incoming one when it has its path and the parts of
     * the kind the incoming one sets (kustomize's effectivelyEquals). */
    unsigned masks = 0, nmasks = 0;
    for (size_t i = 0; i < incoming->len; i++)
        masks |= 1u << selector_mask(&incoming->specs[i].gvk);
    for (unsigned m = 0; m < SEL_MASKS; m++)
        nmasks += (masks >> m) & 1;
    size_t cap = base->len + incoming->len, len = 0;
    pr_fieldspec *specs = pr_alloc(a, cap * sizeof *specs);
    item_layout l = {specs, sizeof *specs, offsetof(pr_fieldspec, gvk),
                     offsetof(pr_fieldspec, path)};
    cover_index ix;
    index_init(a, &ix, cap * nmasks);
    for (size_t i = 0; i < base->len; i++) {
        specs[len] = base->specs[i];
        for (unsigned m = 0; m < SEL_MASKS; m++)
            if (masks & (1u << m))
                index_add(&ix, &l, len, m);
        len++;
    }
    for (size_t i = 0; i < incoming->len; i++) {
        const pr_fieldspec *x = &incoming->specs[i];
        const cover_slot *found = index_slot(&ix, &l, &x->gvk, selector_mask(&x->gvk), x->path);
        if (found->at) {
            const pr_fieldspec *covered = &specs[found->at - 1];
            if (covered->create != x->create)
                return pr_error_set(err, "conflicting fieldspecs (%s and %s)",
                                    spec_string(a, covered), spec_string(a, x));
            continue;
        }
        specs[len] = *x;
        for (unsigned m = 0; m < SEL_MASKS; m++)
            if (masks & (1u << m))
                index_add(&ix, &l, len, m);
        len++;
    }
    /* Nothing added: the base itself, which lets a build remember merges
     * (see pr_build_tconfig_merge). */
    out->specs = len == base->len ? base->specs : specs;
    out->len = len;
    return true;
}

/* ------------------------------------------------------------------ */
/* Merging whole configurations                                        */

typedef struct {
    const char *key;     /* in configuration files */
    const char *go_name; /* in kustomize's merge errors */
    size_t offset;       /* of the pr_fieldspec_list in pr_tconfig */
} config_field;

#define NAMEREF_FIELD ((size_t)-1)

/* The fields in the order kustomize merges them, which decides the error
 * reported when several conflict. */
static const config_field config_fields[] = {
    {"namePrefix", "NamePrefix", offsetof(pr_tconfig, name_prefix)},
    {"nameSuffix", "NameSuffix", offsetof(pr_tconfig, name_suffix)},
    {"namespace", "NameSpace", offsetof(pr_tconfig, namespace)},
    {"commonAnnotations", "CommonAnnotations", offsetof(pr_tconfig, common_annotations)},
    {"commonLabels", "CommonLabels", offsetof(pr_tconfig, common_labels)},
    {"labels", "Labels", offsetof(pr_tconfig, labels)},
    {"templateLabels", "TemplateLabels", offsetof(pr_tconfig, template_labels)},
    {"varReference", "VarReference", offsetof(pr_tconfig, var_reference)},
    {"nameReference", "NameReference", NAMEREF_FIELD},
    {"images", "Images", offsetof(pr_tconfig, images)},
    {"replicas", "Replicas", offsetof(pr_tconfig, replicas)},
};
#define NCONFIG_FIELDS (sizeof config_fields / sizeof config_fields[0])

static pr_fieldspec_list *list_at(pr_tconfig *c, size_t field)
{
    return (pr_fieldspec_list *)((char *)c + config_fields[field].offset);
}

static const pr_fieldspec_list *clist_at(const pr_tconfig *c, size_t field)
{
    return (const pr_fieldspec_list *)((const char *)c + config_fields[field].offset);
}

/* kustomize's nbrSlice merge: an incoming entry for a kind already listed
 * (same group, version and kind) adds its fields to that entry's. */
static bool is_sorted(const pr_fieldspec_list *l)
{
    for (size_t i = 1; i < l->len; i++)
        if (pr_gvk_compare(&l->specs[i - 1].gvk, &l->specs[i].gvk) > 0)
            return false;
    return true;
}

static bool same_rules(const pr_nameref_rule *x, const pr_nameref_rule *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (x[i].referral.group != y[i].referral.group ||
            x[i].referral.version != y[i].referral.version ||
            x[i].referral.kind != y[i].referral.kind ||
            x[i].referrers.specs != y[i].referrers.specs ||
            x[i].referrers.len != y[i].referrers.len)
            return false;
    return true;
}

static bool merge_namerefs(pr_arena *a, const pr_tconfig *base,
                           const pr_tconfig *incoming, pr_tconfig *out,
                           pr_error *err)
{
    size_t n = 0, cap = base->nameref_len + incoming->nameref_len;
    pr_nameref_rule *rules = pr_alloc(a, (cap ? cap : 1) * sizeof *rules);
    item_layout l = {rules, sizeof *rules, offsetof(pr_nameref_rule, referral), (size_t)-1};
    cover_index by_kind;
    index_init(a, &by_kind, cap);
    const unsigned all = SEL_GROUP | SEL_VERSION | SEL_KIND;
    const pr_tconfig *sources[2] = {base, incoming};
    for (int src = 0; src < 2; src++) {
        for (size_t i = 0; i < sources[src]->nameref_len; i++) {
            const pr_nameref_rule *r = &sources[src]->nameref[i];
            cover_slot *slot = index_slot(&by_kind, &l, &r->referral, all, NULL);
            if (src == 1 && slot->at) {
                pr_nameref_rule *into = &rules[slot->at - 1];
                if (!pr_fieldspec_list_merge(a, &into->referrers, &r->referrers,
                                             &into->referrers, err))
                    return false;
                continue;
            }
            rules[n++] = *r;
            if (!slot->at) {
                slot->hash = cover_hash(&r->referral, all, NULL);
                slot->mask = all;
                slot->at = (uint32_t)n;
            }
        }
    }
    sort_rules(a, rules, n);
    out->nameref = rules;
    out->nameref_len = n;
    if (n == base->nameref_len && same_rules(rules, base->nameref, n))
        out->nameref = base->nameref; /* so later merges find it remembered */
    return true;
}

/* Merges a build has done, by the identity of their inputs. Lists are
 * never modified once made and the arena never reuses memory, so the same
 * two lists (pointer and length) always merge to the same result: every
 * kustomization merging the builtin configuration into what its bases
 * brought repeats the merges the first one did. Failed merges are not
 * recorded; they are redone for their error. */
typedef enum { MEMO_SORTED, MEMO_NAMEREF, MEMO_UNSORTED } memo_kind;

typedef struct {
    const void *base, *incoming, *out;
    size_t base_len, incoming_len, out_len;
    memo_kind kind; /* the same lists merge differently for each */
} memo_entry;

struct pr_tconfig_memo {
    memo_entry *slots;
    size_t size, used; /* size: a power of two, or 0 */
};

static memo_entry *memo_slot(const struct pr_tconfig_memo *m, memo_kind kind, const void *base,
                             size_t base_len, const void *incoming, size_t incoming_len)
{
    uint64_t h = ((uint64_t)(uintptr_t)base * 0x9e3779b97f4a7c15u) ^ base_len ^
                 ((uint64_t)(uintptr_t)incoming * 0xc2b2ae3d27d4eb4fu) ^ (incoming_len << 32) ^
                 ((uint64_t)kind << 60);
    h ^= h >> 29;
    for (size_t i = (size_t)h & (m->size - 1);; i = (i + 1) & (m->size - 1)) {
        memo_entry *e = &m->slots[i];
        if (!e->out || (e->kind == kind && e->base == base && e->base_len == base_len &&
                        e->incoming == incoming && e->incoming_len == incoming_len))
            return e;
    }
}

/* The recorded result of merging the two lists, or NULL. */
static const memo_entry *memo_get(const struct pr_tconfig_memo *m, memo_kind kind,
                                  const void *base, size_t base_len, const void *incoming,
                                  size_t incoming_len)
{
    if (!m || !m->size)
        return NULL;
    const memo_entry *e = memo_slot(m, kind, base, base_len, incoming, incoming_len);
    return e->out ? e : NULL;
}

static void memo_put(pr_arena *a, struct pr_tconfig_memo *m, memo_kind kind, const void *base,
                     size_t base_len, const void *incoming, size_t incoming_len,
                     const void *out, size_t out_len)
{
    if (!m || !out)
        return;
    if (2 * (m->used + 1) > m->size) {
        struct pr_tconfig_memo bigger = {NULL, m->size ? 2 * m->size : 64, 0};
        bigger.slots = pr_alloc(a, bigger.size * sizeof *bigger.slots);
        for (size_t i = 0; i < m->size; i++)
            if (m->slots[i].out)
                *memo_slot(&bigger, m->slots[i].kind, m->slots[i].base, m->slots[i].base_len,
                           m->slots[i].incoming, m->slots[i].incoming_len) = m->slots[i];
        bigger.used = m->used;
        *m = bigger;
    }
    memo_entry *e = memo_slot(m, kind, base, base_len, incoming, incoming_len);
    *e = (memo_entry){base, incoming, out, base_len, incoming_len, out_len, kind};
    m->used++;
}

static bool merge_configs(pr_arena *a, struct pr_tconfig_memo *memo, const pr_tconfig *base,
                          const pr_tconfig *incoming, pr_tconfig *out, pr_error *err)
{
    pr_tconfig merged = *base;
    for (size_t f = 0; f < NCONFIG_FIELDS; f++) {
        bool ok;
        /* Nothing incoming leaves a list as it was: sorted already. */
        if (config_fields[f].offset == NAMEREF_FIELD) {
            if (!incoming->nameref_len)
                continue;
            const memo_entry *e = memo_get(memo, MEMO_NAMEREF, base->nameref, base->nameref_len,
                                           incoming->nameref, incoming->nameref_len);
            if (e) {
                merged.nameref = e->out;
                merged.nameref_len = e->out_len;
                continue;
            }
            ok = merge_namerefs(a, base, incoming, &merged, err);
            if (ok)
                memo_put(a, memo, MEMO_NAMEREF, base->nameref, base->nameref_len, incoming->nameref,
                         incoming->nameref_len, merged.nameref, merged.nameref_len);
        } else if (clist_at(incoming, f)->len == 0) {
            continue;
        } else {
            const pr_fieldspec_list *from = clist_at(base, f), *in = clist_at(incoming, f);
            pr_fieldspec_list *into = list_at(&merged, f);
            const memo_entry *e =
                memo_get(memo, MEMO_SORTED, from->specs, from->len, in->specs, in->len);
            if (e) {
                into->specs = e->out;
                into->len = e->out_len;
                continue;
            }
            ok = pr_fieldspec_list_merge(a, from, in, into, err);
            if (ok && into->specs == from->specs) {
                /* Nothing added: lists are never modified once made, so
                 * an unsorted base is sorted in a copy. */
                if (!is_sorted(into)) {
                    pr_fieldspec *copy = pr_alloc(a, into->len * sizeof *copy);
                    memcpy(copy, into->specs, into->len * sizeof *copy);
                    into->specs = copy;
                    sort_specs(a, into);
                }
            } else if (ok) {
                sort_specs(a, into);
            }
            if (ok)
                memo_put(a, memo, MEMO_SORTED, from->specs, from->len, in->specs, in->len,
                         into->specs, into->len);
        }
        if (!ok)
            return pr_error_prefix(err, "failed to merge %s fieldSpec", config_fields[f].go_name);
    }
    *out = merged;
    return true;
}

bool pr_tconfig_merge(pr_arena *a, const pr_tconfig *base,
                      const pr_tconfig *incoming, pr_tconfig *out,
                      pr_error *err)
{
    return merge_configs(a, NULL, base, incoming, out, err);
}

bool pr_build_fieldspec_merge(pr_build_ctx *ctx, const pr_fieldspec_list *base,
                              const pr_fieldspec_list *incoming, pr_fieldspec_list *out,
                              pr_error *err)
{
    if (!ctx->tconfig_memo)
        ctx->tconfig_memo = pr_alloc(ctx->a, sizeof *ctx->tconfig_memo);
    const memo_entry *e = memo_get(ctx->tconfig_memo, MEMO_UNSORTED, base->specs, base->len,
                                   incoming->specs, incoming->len);
    if (e) {
        out->specs = e->out;
        out->len = e->out_len;
        return true;
    }
    const pr_fieldspec_list from = *base, in = *incoming; /* out may be either */
    if (!pr_fieldspec_list_merge(ctx->a, &from, &in, out, err))
        return false;
    memo_put(ctx->a, ctx->tconfig_memo, MEMO_UNSORTED, from.specs, from.len, in.specs, in.len,
             out->specs, out->len);
    return true;
}

bool pr_build_tconfig_merge(pr_build_ctx *ctx, const pr_tconfig *base,
                            const pr_tconfig *incoming, pr_tconfig *out, pr_error *err)
{
    if (!ctx->tconfig_memo)
        ctx->tconfig_memo = pr_alloc(ctx->a, sizeof *ctx->tconfig_memo);
    return merge_configs(ctx->a, ctx->tconfig_memo, base, incoming, out, err);
}

static pr_fieldspec_list copy_specs(pr_arena *a, const pr_fieldspec_list *l)
{
    pr_fieldspec_list c = {NULL, l->len};
    if (!l->len)
        return c;
    pr_fieldspec *specs = pr_alloc(a, l->len * sizeof *specs);
    for (size_t i = 0; i < l->len; i++) {
        const pr_fieldspec *s = &l->specs[i];
        specs[i] = *s;
        specs[i].gvk = pr_gvk_copy(a, &s->gvk);
        specs[i].path = s->path ? pr_strdup(a, s->path) : NULL;
    }
    c.specs = specs;
    return c;
}

void pr_tconfig_copy(pr_arena *a, const pr_tconfig *src, pr_tconfig *out)
{
    *out = *src;
    for (size_t f = 0; f < NCONFIG_FIELDS; f++)
        if (config_fields[f].offset != NAMEREF_FIELD)
            *list_at(out, f) = copy_specs(a, clist_at(src, f));
    if (src->nameref_len) {
        pr_nameref_rule *rules = pr_alloc(a, src->nameref_len * sizeof *rules);
        for (size_t i = 0; i < src->nameref_len; i++) {
            const pr_nameref_rule *r = &src->nameref[i];
            rules[i] = *r;
            rules[i].referral.group = r->referral.group ? pr_strdup(a, r->referral.group) : NULL;
            rules[i].referral.version =
                r->referral.version ? pr_strdup(a, r->referral.version) : NULL;
            rules[i].referral.kind = r->referral.kind ? pr_strdup(a, r->referral.kind) : NULL;
            rules[i].referrers = copy_specs(a, &r->referrers);
        }
        out->nameref = rules;
    }
}

/* ------------------------------------------------------------------ */
/* The builtin configuration                                           */

/* A sorted copy of the concatenation of `n` generated tables. */
static pr_fieldspec_list sorted_copy(pr_arena *a, const pr_fieldspec_list *const *tables,
                                     size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += tables[i]->len;
    pr_fieldspec *specs = pr_alloc(a, (len ? len : 1) * sizeof *specs);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(specs + at, tables[i]->specs, tables[i]->len * sizeof *specs);
        at += tables[i]->len;
    }
    pr_fieldspec_list out = {specs, len};
    sort_specs(a, &out);
    return out;
}

#define ONE_TABLE(t) sorted_copy(a, (const pr_fieldspec_list *const[]){&(t)}, 1)

void pr_tconfig_builtin(pr_arena *a, pr_tconfig *out)
{
    memset(out, 0, sizeof *out);
    out->name_prefix = ONE_TABLE(pr_fs_name_prefix);
    out->name_suffix = ONE_TABLE(pr_fs_name_suffix);
    out->namespace = ONE_TABLE(pr_fs_namespace);
    /* kustomize's commonLabels specs are the selectors plus the metadata
     * labels, which are also its templateLabels specs. */
    out->common_labels = sorted_copy(
        a, (const pr_fieldspec_list *const[]){&pr_fs_common_labels_selectors,
                                              &pr_fs_metadata_labels},
        2);
    out->template_labels = ONE_TABLE(pr_fs_metadata_labels);
    out->common_annotations = ONE_TABLE(pr_fs_common_annotations);
    out->var_reference = ONE_TABLE(pr_fs_var_reference);
    out->images = ONE_TABLE(pr_fs_images);
    out->replicas = ONE_TABLE(pr_fs_replicas);
    pr_nameref_rule *rules = pr_alloc(a, (pr_nameref_rules_len + 1) * sizeof *rules);
    memcpy(rules, pr_nameref_rules, pr_nameref_rules_len * sizeof *rules);
    sort_rules(a, rules, pr_nameref_rules_len);
    out->nameref = rules;
    out->nameref_len = pr_nameref_rules_len;
}

/* ------------------------------------------------------------------ */
/* Reading configuration files                                         */

typedef struct {
    pr_arena *a;
    const char *file;
    pr_error *err;
} decoder;

/* The boolean go-yaml v2 reads from a scalar (YAML 1.1: yes, on, y, ...):
 * 1 or 0, or -1 when it reads something else. */
static int v2_bool(const pr_node *n)
{
    static const char *const words[2][11] = {
        {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"},
        {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}};
    if (n->kind != PR_SCALAR || pr_style_is_quoted(n->style) ||
        (n->tag != PR_TAG_STR && n->tag != PR_TAG_BOOL))
        return -1;
    for (int value = 0; value < 2; value++)
        for (size_t i = 0; i < 11; i++)
            if (!strcmp(n->scalar.text, words[value][i]))
                return value;
    return -1;
}

/* What a value is once converted to JSON, in Go's error wording. */
static const char *json_type(const pr_node *n)
{
    if (n->kind == PR_MAP)
        return "object";
    if (n->kind == PR_SEQ)
        return "array";
    if (pr_node_is_null(n))
        return "null";
    if (v2_bool(n) >= 0)
        return "bool";
    if (n->tag == PR_TAG_INT || n->tag == PR_TAG_FLOAT)
        return "number";
    return "string";
}

/* Go's UnmarshalTypeError: `owner` is the struct holding the field at
 * JSON path `field` (NULL for the document itself). */
static bool type_error(decoder *d, const pr_node *v, const char *owner,
                       const char *field, const char *type)
{
    if (!owner)
        return pr_error_at(d->err, d->file, v->mark.line, v->mark.col,
                           "json: cannot unmarshal %s into Go value of type %s",
                           json_type(v), type);
    return pr_error_at(d->err, d->file, v->mark.line, v->mark.col,
                       "json: cannot unmarshal %s into Go struct field %s.%s of type %s",
                       json_type(v), owner, field, type);
}

static int compare_pair_keys(const void *x, const void *y)
{
    const pr_node *a = (*(const pr_pair *const *)x)->key;
    const pr_node *b = (*(const pr_pair *const *)y)->key;
    size_t n = a->scalar.len < b->scalar.len ? a->scalar.len : b->scalar.len;
    int c = memcmp(a->scalar.text, b->scalar.text, n);
    if (c)
        return c;
    return (a->scalar.len > b->scalar.len) - (a->scalar.len < b->scalar.len);
}

/* The pairs of `map` in the order the JSON decoder meets them: kustomize
 * turns YAML into JSON through a Go map, which marshals keys sorted. */
static const pr_pair **sorted_pairs(pr_arena *a, const pr_node *map)
{
    const pr_pair **pairs = pr_alloc(a, (map->map.len + 1) * sizeof *pairs);
    for (size_t i = 0; i < map->map.len; i++)
        pairs[i] = &map->map.items[i];
    if (map->map.len > 1)
        qsort(pairs, map->map.len, sizeof *pairs, compare_pair_keys);
    return pairs;
}

/* The field `key` names: exactly, or else ignoring case, as Go matches. */
static long field_index(const char *const *names, size_t n, const pr_node *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(names[i], key->scalar.text))
            return (long)i;
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp(names[i], key->scalar.text))
            return (long)i;
    return -1;
}

static bool unknown_field(decoder *d, const pr_node *key)
{
    return pr_error_at(d->err, d->file, key->mark.line, key->mark.col,
                       "json: unknown field \"%s\"", key->scalar.text);
}

/* A string field. Other scalars become strings as go-yaml v2 prints them
 * (kustomize's YAML-to-JSON step does so for string targets); null leaves
 * the field alone. */
static bool decode_string(decoder *d, const pr_node *v, const char *owner,
                          const char *field, const char **out)
{
    if (pr_node_is_null(v))
        return true;
    if (v->kind != PR_SCALAR)
        return type_error(d, v, owner, field, "string");
    int b = v2_bool(v);
    *out = b < 0 ? v->scalar.text : b ? "true" : "false";
    return true;
}

static bool decode_bool(decoder *d, const pr_node *v, const char *owner,
                        const char *field, bool *out)
{
    if (pr_node_is_null(v))
        return true;
    int b = v2_bool(v);
    if (b < 0)
        return type_error(d, v, owner, field, "bool");
    *out = b;
    return true;
}

static const char *const fieldspec_keys[] = {"group", "version", "kind", "path", "create"};

/* One field spec; `at` is the JSON path of the list holding it. */
static bool decode_fieldspec(decoder *d, const pr_node *m, const char *at,
                             pr_fieldspec *out)
{
    const pr_pair **pairs = sorted_pairs(d->a, m);
    for (size_t i = 0; i < m->map.len; i++) {
        long f = field_index(fieldspec_keys, 5, pairs[i]->key);
        if (f < 0)
            return unknown_field(d, pairs[i]->key);
        const char *field = pr_sprintf(d->a, "%s.%s", at, fieldspec_keys[f]);
        const pr_node *v = pairs[i]->value;
        const char **text[] = {&out->gvk.group, &out->gvk.version, &out->gvk.kind, &out->path};
        bool ok = f == 4 ? decode_bool(d, v, "FieldSpec", field, &out->create)
                         : decode_string(d, v, "FieldSpec", field, text[f]);
        if (!ok)
            return false;
    }
    return true;
}

/* A list of field specs held by struct `owner` at JSON path `at`. A null
 * item is a spec with nothing set, as Go decodes it. */
static bool decode_fsslice(decoder *d, const pr_node *v, const char *owner,
                           const char *at, pr_fieldspec_list *out)
{
    out->specs = NULL;
    out->len = 0;
    if (pr_node_is_null(v))
        return true;
    if (v->kind != PR_SEQ)
        return type_error(d, v, owner, at, "types.FsSlice");
    pr_fieldspec *specs = pr_alloc(d->a, (v->seq.len + 1) * sizeof *specs);
    for (size_t i = 0; i < v->seq.len; i++) {
        const pr_node *item = v->seq.items[i];
        specs[i] = (pr_fieldspec){{NULL, NULL, NULL}, "", false};
        if (pr_node_is_null(item))
            continue;
        if (item->kind != PR_MAP)
            return type_error(d, item, owner, at, "types.FieldSpec");
        if (!decode_fieldspec(d, item, at, &specs[i]))
            return false;
    }
    out->specs = specs;
    out->len = v->seq.len;
    return true;
}

static const char *const nameref_keys[] = {"group", "version", "kind", "fieldSpecs"};

static bool decode_nameref(decoder *d, const pr_node *m, pr_nameref_rule *out)
{
    const pr_pair **pairs = sorted_pairs(d->a, m);
    for (size_t i = 0; i < m->map.len; i++) {
        long f = field_index(nameref_keys, 4, pairs[i]->key);
        if (f < 0)
            return unknown_field(d, pairs[i]->key);
        const char *field = pr_sprintf(d->a, "nameReference.%s", nameref_keys[f]);
        const pr_node *v = pairs[i]->value;
        const char **text[] = {&out->referral.group, &out->referral.version,
                               &out->referral.kind};
        bool ok = f == 3 ? decode_fsslice(d, v, "NameBackReferences", field, &out->referrers)
                         : decode_string(d, v, "NameBackReferences", field, text[f]);
        if (!ok)
            return false;
    }
    return true;
}

static bool decode_namerefs(decoder *d, const pr_node *v, pr_tconfig *out)
{
    out->nameref = NULL;
    out->nameref_len = 0;
    if (pr_node_is_null(v))
        return true;
    if (v->kind != PR_SEQ)
        return type_error(d, v, "TransformerConfig", "nameReference", "builtinconfig.nbrSlice");
    pr_nameref_rule *rules = pr_alloc(d->a, (v->seq.len + 1) * sizeof *rules);
    for (size_t i = 0; i < v->seq.len; i++) {
        const pr_node *item = v->seq.items[i];
        if (pr_node_is_null(item))
            continue;
        if (item->kind != PR_MAP)
            return type_error(d, item, "TransformerConfig", "nameReference",
                              "builtinconfig.NameBackReferences");
        if (!decode_nameref(d, item, &rules[i]))
            return false;
    }
    out->nameref = rules;
    out->nameref_len = v->seq.len;
    return true;
}

static bool decode_config(decoder *d, const pr_node *doc, pr_tconfig *out)
{
    if (!doc || pr_node_is_null(doc))
        return true;
    if (doc->kind != PR_MAP)
        return type_error(d, doc, NULL, NULL, "builtinconfig.TransformerConfig");
    const char *keys[NCONFIG_FIELDS];
    for (size_t f = 0; f < NCONFIG_FIELDS; f++)
        keys[f] = config_fields[f].key;
    const pr_pair **pairs = sorted_pairs(d->a, doc);
    for (size_t i = 0; i < doc->map.len; i++) {
        long f = field_index(keys, NCONFIG_FIELDS, pairs[i]->key);
        if (f < 0)
            return unknown_field(d, pairs[i]->key);
        const pr_node *v = pairs[i]->value;
        bool ok = config_fields[f].offset == NAMEREF_FIELD
                      ? decode_namerefs(d, v, out)
                      : decode_fsslice(d, v, "TransformerConfig", keys[f], list_at(out, (size_t)f));
        if (!ok)
            return false;
    }
    return true;
}

bool pr_tconfig_parse(pr_arena *a, const char *filename, const char *data,
                      size_t len, pr_tconfig *out, pr_error *err)
{
    memset(out, 0, sizeof *out);
    pr_doclist docs = {0};
    if (!pr_yaml_parse_with(a, filename, data, len, PR_YAML_FIRST_DOCUMENT | PR_YAML_SIGS_YAML,
                            &docs, err))
        return false;
    decoder d = {a, filename, err};
    if (!decode_config(&d, docs.len ? docs.docs[0] : NULL, out))
        return false;
    for (size_t f = 0; f < NCONFIG_FIELDS; f++)
        if (config_fields[f].offset != NAMEREF_FIELD)
            sort_specs(a, list_at(out, f));
    sort_rules(a, (pr_nameref_rule *)out->nameref, out->nameref_len);
    return true;
}

/* ------------------------------------------------------------------ */
/* A kustomization's configuration                                     */

static const pr_tconfig *builtin_config(pr_build_ctx *ctx)
{
    if (!ctx->builtin_tconfig) {
        pr_tconfig *b = pr_alloc(ctx->a, sizeof *b);
        pr_tconfig_builtin(ctx->a, b);
        ctx->builtin_tconfig = b;
    }
    return ctx->builtin_tconfig;
}

static bool read_config_file(pr_build_ctx *ctx, const pr_kustomization *k,
                             const char *entry, pr_tconfig *out, pr_error *err)
{
    pr_strbuf content;
    pr_sb_init(&content);
    const char *path;
    bool ok = pr_kustomization_read_file(ctx, k, entry, &content, &path, err) &&
              pr_tconfig_parse(ctx->a, path, content.buf, content.len, out, err);
    pr_sb_release(&content);
    return ok;
}

/* After the files merged with the builtin configuration failed: the first
 * file whose specs, merged with those before it, conflict with it. */
static size_t culprit_file(pr_build_ctx *ctx, const pr_tconfig *files, size_t n)
{
    pr_tconfig sofar = {0}, trial;
    for (size_t i = 0; i < n; i++) {
        if (!pr_tconfig_merge(ctx->a, &sofar, &files[i], &sofar, NULL) ||
            !pr_tconfig_merge(ctx->a, builtin_config(ctx), &sofar, &trial, NULL))
            return i;
    }
    return n - 1;
}

bool pr_tconfig_read(pr_build_ctx *ctx, const pr_kustomization *k,
                     const pr_tconfig **out, pr_error *err)
{
    *out = builtin_config(ctx);
    const pr_node *list = pr_map_get(k->root, "configurations");
    if (!list || pr_node_is_null(list))
        return true;
    if (list->kind != PR_SEQ)
        return pr_error_at(err, k->path, list->mark.line, list->mark.col,
                           "configurations must be a list of paths");
    if (list->seq.len == 0)
        return true;
    size_t n = list->seq.len;
    pr_tconfig *files = pr_alloc(ctx->a, n * sizeof *files);
    pr_tconfig merged = {0};
    for (size_t i = 0; i < n; i++) {
        const pr_node *item = list->seq.items[i];
        if (item->kind != PR_SCALAR || item->tag != PR_TAG_STR)
            return pr_error_at(err, k->path, item->mark.line, item->mark.col,
                               "configurations[%zu] must be a path", i);
        if (!read_config_file(ctx, k, item->scalar.text, &files[i], err) ||
            !pr_tconfig_merge(ctx->a, &merged, &files[i], &merged, err))
            return pr_error_prefix(err, "%s: configurations[%zu] %s", k->path, i,
                                   item->scalar.text);
    }
    pr_tconfig *own = pr_alloc(ctx->a, sizeof *own);
    if (!pr_build_tconfig_merge(ctx, builtin_config(ctx), &merged, own, err)) {
        size_t i = culprit_file(ctx, files, n);
        return pr_error_prefix(err, "%s: configurations[%zu] %s: merging with the builtin "
                               "configuration", k->path, i, list->seq.items[i]->scalar.text);
    }
    *out = own;
    return true;
}
