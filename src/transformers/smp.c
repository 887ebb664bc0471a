/*
 * Strategic merge; see smp.h for the behaviour.
 *
 * The walk follows the shape of kyaml's merge walker closely, because
 * kustomize's output depends on its exact steps, not only on its intent:
 * which node a merged list item is (the object's own item, changed in
 * place, or the patch's), in which order items are matched, and how a list
 * is rebuilt from "items to add" and the object's items. Comparisons are on
 * scalar text, as kyaml compares yaml.Node values; maps and sequences
 * compare as the empty string.
 *
 * Every walk step sees two sources: `dest` (the object's node, or NULL
 * when the object lacks it) and `origin` (the patch's node, or NULL).
 */
#include "pleo/smp.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kust/openapi_tables.h"
#include "pleo/yaml.h"

#define NO_SCHEMA (-1)

/* The route to the node being merged, for messages. */
typedef struct path path;
struct path {
    const path *up;
    const char *key;
    bool index; /* `key` names a list item ("[name=web]") */
};

/* Nesting the walk follows before it gives up. The walk recurses (its
 * steps mirror kyaml's and are clearest that way); this keeps its stack
 * use bounded far below any real object, which is a few dozen levels. */
#define SMP_MAX_DEPTH 2000

typedef struct {
    pr_arena *a;
    pr_arena *tmp; /* what the merge needs only while it runs (keys, labels) */
    pr_error *err;
    int depth;
    size_t *work; /* list items visited so far in this build */
    const pr_openapi *t; /* the schema merges consult */
} smp;

typedef enum { SMP_MERGE, SMP_REPLACE, SMP_DELETE, SMP_UNKNOWN } directive;

/* A tuple of merge-key values of one list item. */
typedef struct {
    const char **v;
    size_t n;
} tuple;

typedef struct {
    tuple *items;
    size_t len, cap;
} tuple_list;

static bool walk(smp *s, pr_node *dest, pr_node *origin, int schema,
                 const path *at, pr_node **out);

/* ---- schema ---------------------------------------------------------- */

static int type_compare(const void *key, const void *elem)
{
    const pr_smp_type *k = key, *e = elem;
    int c = strcmp(k->api_version, e->api_version);
    return c ? c : strcmp(k->kind, e->kind);
}

/* The generated tables of kustomize's builtin schema (Kubernetes v1.21.2). */
static const pr_openapi builtin_schema = {
    pr_smp_props, pr_smp_keys, pr_smp_schemas, pr_smp_types, 0,
};

static pr_openapi builtin_with_length;

static void set_builtin_length(void)
{
    builtin_with_length = builtin_schema;
    builtin_with_length.ntypes = pr_smp_types_len;
}

const pr_openapi *pr_openapi_builtin(void)
{
    /* The length is no constant expression in C, so it is filled in on
     * first use; builds on several threads (many roots) share the table. */
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, set_builtin_length);
    return &builtin_with_length;
}

int pr_openapi_schema_for(const pr_openapi *t, const char *api_version, const char *kind)
{
    pr_smp_type key = {api_version, kind, 0};
    const pr_smp_type *found = t->ntypes ? bsearch(&key, t->types, t->ntypes,
                                                   sizeof *t->types, type_compare) : NULL;
    return found ? found->schema : NO_SCHEMA;
}

int pr_smp_schema_for(const char *api_version, const char *kind)
{
    return pr_openapi_schema_for(pr_openapi_builtin(), api_version, kind);
}

static int prop_compare(const void *key, const void *elem)
{
    return strcmp(key, ((const pr_smp_prop *)elem)->name);
}

/* Properties first, then the value schema of a map-typed object. */
static int field_schema(const pr_openapi *t, int schema, const char *key)
{
    if (schema == NO_SCHEMA)
        return NO_SCHEMA;
    const pr_smp_schema *sc = &t->schemas[schema];
    const pr_smp_prop *p = sc->nprops ? bsearch(key, t->props + sc->props, sc->nprops,
                                                sizeof *t->props, prop_compare) : NULL;
    if (p)
        return p->schema;
    return sc->additional;
}

static int element_schema(const pr_openapi *t, int schema)
{
    if (schema == NO_SCHEMA || !(t->schemas[schema].flags & PR_SMP_ARRAY))
        return NO_SCHEMA;
    return t->schemas[schema].items;
}

/* ---- node helpers with kyaml's notion of emptiness ------------------- */

static bool missing_or_null(const pr_node *n)
{
    return !n || pr_node_is_null(n);
}

static bool empty_map(const pr_node *n)
{
    return missing_or_null(n) || (n->kind == PR_MAP && n->map.len == 0);
}

static bool nil_or_empty(const pr_node *n)
{
    return empty_map(n) || (n->kind == PR_SEQ && n->seq.len == 0);
}

/* yaml.Node.Value: a scalar's text, "" for collections. */
static const char *value_of(const pr_node *n)
{
    return n->kind == PR_SCALAR ? n->scalar.text : "";
}

static pr_node *field(const pr_node *map, const char *key)
{
    return map && map->kind == PR_MAP ? pr_map_get(map, key) : NULL;
}

/* Writes the route to `at`, eliding the middle of a very deep one. */
static void add_path(pr_strbuf *sb, const path *at)
{
    enum { HEAD = 4, TAIL = 6 };
    const path *steps[HEAD + TAIL];
    size_t n = 0;
    for (const path *p = at; p; p = p->up)
        n++;
    size_t kept = 0, i = n;
    for (const path *p = at; p; p = p->up) {
        i--;
        if (i < HEAD || i >= n - TAIL)
            steps[HEAD + TAIL - 1 - kept++] = p;
    }
    const path *const *first = steps + (HEAD + TAIL - kept);
    for (size_t k = 0; k < kept; k++) {
        if (n > HEAD + TAIL && k == HEAD)
            pr_sb_adds(sb, "...");
        if (first[k]->index)
            pr_sb_addf(sb, "[%s]", first[k]->key);
        else
            pr_sb_addf(sb, "%s%s", k ? "." : "", first[k]->key);
    }
}

static bool fail(smp *s, const path *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fails with a message led by the path of the node being merged. */
static bool fail(smp *s, const path *at, const char *fmt, ...)
{
    pr_strbuf msg;
    pr_sb_init(&msg);
    if (at) {
        pr_sb_adds(&msg, "at ");
        add_path(&msg, at);
        pr_sb_adds(&msg, ": ");
    }
    va_list ap;
    va_start(ap, fmt);
    pr_sb_vaddf(&msg, fmt, ap);
    va_end(ap);
    pr_error_set(s->err, "%s", msg.buf);
    pr_sb_release(&msg);
    return false;
}

static bool wrong_kind(smp *s, const path *at, pr_kind want, pr_kind got)
{
    return fail(s, at, "wrong node kind: expected %s but got %s", pr_kind_kyaml_name(want),
                pr_kind_kyaml_name(got));
}

/* Counts `items` list items visited. kyaml's list merge is quadratic, and
 * it duplicates the object's items that lack their merge key on every
 * patch, so a few dozen patches make kustomize run for minutes or out of
 * memory; a budget per build turns that into an error in bounded time. */
static bool spend(smp *s, const path *at, size_t items)
{
    if (items > (size_t)PR_SMP_MAX_WORK - *s->work)
        return fail(s, at, "strategic merge visited more than %d list items in this build "
                    "(items without their merge key are duplicated by every patch, as in "
                    "kustomize)", PR_SMP_MAX_WORK);
    *s->work += items;
    return true;
}

/* Whether kustomize's node for `n` has a non-plain style. Without a
 * recorded style (the renderer made the scalar), kustomize's own would be
 * quoted exactly when a YAML 1.1 reader would misread the text, and a
 * block when it spans lines. */
static bool quoted_style(const pr_node *n)
{
    if (n->style != PR_STYLE_UNKNOWN)
        return pr_style_is_quoted(n->style);
    return n->tag == PR_TAG_STR &&
           (memchr(n->scalar.text, '\n', n->scalar.len) ||
            pr_plain_is_nonstring_v2(n->scalar.text, n->scalar.len));
}

/* Sets `key` of `map` to `value`, or removes it when the walk produced
 * nothing or a null (a null the object had and the patch did not touch is
 * kept: `keep`). A scalar replacing a scalar takes over its style, as in
 * kyaml; kustomize prints through YAML text, so a quoted style turns an
 * int or bool into a string. */
/* `key_node`, when given, is the patch's own key: a new field keeps its
 * tag, so a key like `.inf` is still no string when the output is checked. */
static void set_field(smp *s, pr_node *map, const char *key, pr_node *key_node,
                      pr_node *value, bool keep)
{
    if (!value || (pr_node_is_null(value) && !keep)) {
        pr_map_remove(map, key);
        return;
    }
    long i = pr_map_index(map, key);
    if (i < 0) {
        if (value->kind == PR_SCALAR && value->tag == PR_TAG_STR &&
            (value->style == PR_STYLE_PLAIN || value->style == PR_STYLE_TAGGED) &&
            pr_plain_is_nonstring_v2(value->scalar.text, value->scalar.len))
            value->style = PR_STYLE_QUOTED;
        pr_map_append(s->a, map, key_node ? key_node : pr_node_str(s->a, key), value);
        return;
    }
    pr_node *old = map->map.items[i].value;
    if (old != value && old->kind == PR_SCALAR && value->kind == PR_SCALAR) {
        if (quoted_style(old) && value->tag != PR_TAG_STR && value->tag != PR_TAG_BINARY)
            value->tag = PR_TAG_STR;
        value->style = old->style;
        /* kyaml overwrites the field's node in place, so a value that
         * labels or annotations share between fields changes in all of
         * them (see set_entries.c). */
        *old = *value;
        return;
    }
    map->map.items[i].value = value;
}

/* ---- field and element matching ------------------------------------- */

/* The value of field `name` of `elem` when the field exists and, with
 * `want` set, has that text. A nameless match compares a scalar item. */
static bool match_field(smp *s, const path *at, const pr_node *elem,
                        const char *name, const char *want,
                        const pr_node **out)
{
    *out = NULL;
    if (missing_or_null(elem))
        return true;
    if (!*name) {
        if (elem->kind != PR_SCALAR)
            return wrong_kind(s, at, PR_SCALAR, elem->kind);
        if (!strcmp(value_of(elem), want ? want : ""))
            *out = elem;
        return true;
    }
    if (elem->kind != PR_MAP)
        return wrong_kind(s, at, PR_MAP, elem->kind);
    const pr_node *v = pr_map_get(elem, name);
    if (v && (!want || !strcmp(value_of(v), want)))
        *out = v;
    return true;
}

/* Replaces every item of `seq` whose fields `keys` have `values` with
 * `element`, or deletes them when `element` is NULL; appends `element`
 * when nothing matched. On the way it drops null and empty-map items, and
 * with no values at all it drops every item that does not match (kyaml's
 * ElementSetter does all of this, and the merge relies on it). */
static bool element_setter(smp *s, const path *at, pr_node *seq,
                           pr_node *element, const char *const *keys,
                           size_t nkeys, const char *const *values,
                           size_t nvalues)
{
    static const char *const no_key[] = {""};
    if (nkeys == 0) {
        keys = no_key;
        nkeys = 1;
    }
    if (seq->kind != PR_SEQ)
        return wrong_kind(s, at, PR_SEQ, seq->kind);
    if (!spend(s, at, seq->seq.len))
        return false;
    bool mapping_setter = *keys[0] && nvalues > 0 && *values[0];
    bool matched = false;
    size_t w = 0;
    for (size_t r = 0; r < seq->seq.len; r++) {
        pr_node *item = seq->seq.items[r];
        if (empty_map(item))
            continue;
        if (item->kind != PR_MAP && mapping_setter) {
            seq->seq.items[w++] = item;
            continue;
        }
        bool found = true;
        const pr_node *v = NULL;
        for (size_t j = 0; j < nkeys; j++) {
            /* Keys beyond the values reuse the previous match, as in kyaml. */
            if (j < nvalues && !match_field(s, at, item, keys[j],
                                            *values[j] ? values[j] : NULL, &v))
                return false;
            if (!v) {
                found = false;
                break;
            }
        }
        if (!found) {
            if (nvalues > 0)
                seq->seq.items[w++] = item;
            continue;
        }
        matched = true;
        if (element)
            seq->seq.items[w++] = element;
    }
    seq->seq.len = w;
    if (!missing_or_null(element) && !matched)
        pr_seq_append(s->a, seq, element);
    return true;
}

/* The first map item whose fields `keys` have exactly `values` (text
 * compared, "" included); with a nameless key, the first item whose text
 * is values[0]. */
static pr_node *element_list(const pr_node *seq, const char *const *keys,
                             const char *const *values, size_t n)
{
    if (!seq || seq->kind != PR_SEQ)
        return NULL;
    if (n == 0 || !*keys[0]) {
        const char *want = n ? values[0] : "";
        for (size_t i = 0; i < seq->seq.len; i++)
            if (!strcmp(value_of(seq->seq.items[i]), want))
                return seq->seq.items[i];
        return NULL;
    }
    for (size_t i = 0; i < seq->seq.len; i++) {
        pr_node *item = seq->seq.items[i];
        if (item->kind != PR_MAP)
            continue;
        size_t k = 0;
        for (; k < n; k++) {
            const pr_node *v = pr_map_get(item, keys[k]);
            if (!v || strcmp(value_of(v), values[k]))
                break;
        }
        if (k == n)
            return item;
    }
    return NULL;
}

/* ---- directives ------------------------------------------------------ */

static directive directive_named(const char *v)
{
    if (!strcmp(v, "delete"))
        return SMP_DELETE;
    if (!strcmp(v, "replace"))
        return SMP_REPLACE;
    if (!strcmp(v, "merge"))
        return SMP_MERGE;
    return SMP_UNKNOWN;
}

/* Reads and removes the `$patch` directive of a patch node. A list carries
 * it as an item `{$patch: ...}`; an item with other fields does not count.
 * An unknown value is an error, unless `lenient` (kyaml ignores the error
 * where the object lacks the node, and then keeps `$patch` as data). */
static bool read_directive(smp *s, const path *at, pr_node *patch,
                           bool lenient, directive *out)
{
    *out = SMP_MERGE;
    if (!patch)
        return true;
    if (patch->kind == PR_MAP) {
        const pr_node *v = pr_map_get(patch, "$patch");
        if (!v)
            return true;
        *out = directive_named(value_of(v));
        if (*out != SMP_UNKNOWN) {
            pr_map_remove(patch, "$patch");
            return true;
        }
        return lenient || fail(s, at, "unknown patch strategy '%s'", value_of(v));
    }
    if (patch->kind == PR_SEQ) {
        const pr_node *item = NULL;
        for (size_t i = 0; i < patch->seq.len && !item; i++)
            if (patch->seq.items[i]->kind == PR_MAP &&
                pr_map_get(patch->seq.items[i], "$patch"))
                item = patch->seq.items[i];
        if (!item || item->map.len > 1)
            return true;
        const char *v = value_of(pr_map_get(item, "$patch"));
        *out = directive_named(v);
        if (*out == SMP_UNKNOWN)
            return lenient || fail(s, at, "unknown patch strategy '%s'", v);
        static const char *const key[] = {"$patch"};
        const char *values[] = {v};
        return element_setter(s, at, patch, NULL, key, 1, values, 1);
    }
    *out = SMP_UNKNOWN;
    return lenient || fail(s, at, "no implemented strategic merge patch strategy for '%s'",
                           value_of(patch));
}

/* ---- maps and scalars ------------------------------------------------ */

/* Which node a map merges into: the object's, the patch's (object lacks
 * it, or `$patch: replace`) or none (deleted). */
static bool visit_map(smp *s, const path *at, pr_node *dest, pr_node *origin,
                      pr_node **out)
{
    directive d;
    if (missing_or_null(dest)) {
        read_directive(s, at, origin, true, &d);
        if (d == SMP_DELETE)
            *out = NULL;
        else if (!origin && dest && dest->scalar.len > 0)
            *out = dest; /* an explicit `~`/`null` the patch leaves alone */
        else
            *out = origin;
        return true;
    }
    if (origin && pr_node_is_null(origin)) {
        *out = NULL;
        return true;
    }
    if (!read_directive(s, at, origin, false, &d))
        return false;
    *out = d == SMP_DELETE ? NULL : d == SMP_REPLACE ? origin : dest;
    return true;
}

static int key_compare(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Sorted, distinct field names of the maps among `a` and `b`. */
static const char **field_names(smp *s, const pr_node *a, const pr_node *b,
                                size_t *n)
{
    size_t cap = (a && a->kind == PR_MAP ? a->map.len : 0) +
                 (b && b->kind == PR_MAP ? b->map.len : 0);
    const char **names = pr_alloc(s->tmp, (cap ? cap : 1) * sizeof *names);
    size_t len = 0;
    const pr_node *both[] = {a, b};
    for (size_t k = 0; k < 2; k++)
        if (both[k] && both[k]->kind == PR_MAP)
            for (size_t i = 0; i < both[k]->map.len; i++)
                names[len++] = both[k]->map.items[i].key->scalar.text;
    qsort(names, len, sizeof *names, key_compare);
    size_t w = 0;
    for (size_t i = 0; i < len; i++)
        if (w == 0 || strcmp(names[w - 1], names[i]))
            names[w++] = names[i];
    *n = w;
    return names;
}

static bool walk_map(smp *s, pr_node *dest, pr_node *origin, int schema,
                     const path *at, pr_node **out)
{
    if (!visit_map(s, at, dest, origin, out))
        return false;
    dest = *out;
    if (!dest)
        return true;
    size_t n;
    const char **names = field_names(s, dest, origin, &n);
    for (size_t i = 0; i < n; i++) {
        pr_node *fd = field(dest, names[i]), *fo = field(origin, names[i]);
        path here = {at, names[i], false};
        pr_node *v;
        if (!walk(s, fd, fo, field_schema(s->t, schema, names[i]), &here, &v))
            return false;
        bool keep = v && v == fd && !fo && pr_node_is_null(v);
        long ko = origin && origin->kind == PR_MAP ? pr_map_index(origin, names[i]) : -1;
        set_field(s, dest, names[i], ko >= 0 ? origin->map.items[ko].key : NULL, v, keep);
    }
    return true;
}

/* ---- lists ----------------------------------------------------------- */

static bool tuple_equal(const tuple *x, const tuple *y)
{
    if (x->n != y->n)
        return false;
    for (size_t i = 0; i < x->n; i++)
        if (strcmp(x->v[i], y->v[i]))
            return false;
    return true;
}

static bool tuples_add_distinct(smp *s, const path *at, tuple_list *l, tuple t)
{
    if (!spend(s, at, l->len))
        return false;
    for (size_t i = 0; i < l->len; i++)
        if (tuple_equal(&l->items[i], &t))
            return true;
    l->items = pr_grow(s->tmp, l->items, sizeof *l->items, &l->cap, l->len + 1);
    l->items[l->len++] = t;
    return true;
}

/* Merge-key values of every item, patch items first, each tuple once; a
 * key an item lacks (or holds empty) reads as "". */
static bool keyed_values(smp *s, const path *at, const pr_node *dest,
                         const pr_node *origin, const char *const *keys, size_t nkeys,
                         tuple_list *out)
{
    tuple_list l = {0};
    const pr_node *order[] = {origin, dest};
    for (size_t k = 0; k < 2; k++) {
        const pr_node *src = order[k];
        if (!src || src->kind != PR_SEQ)
            continue;
        for (size_t i = 0; i < src->seq.len; i++) {
            tuple t = {pr_alloc(s->tmp, nkeys * sizeof *t.v), nkeys};
            for (size_t j = 0; j < nkeys; j++) {
                const pr_node *v = field(src->seq.items[i], keys[j]);
                t.v[j] = nil_or_empty(v) ? "" : value_of(v);
            }
            if (nkeys && !tuples_add_distinct(s, at, &l, t))
                return false;
        }
    }
    *out = l;
    return true;
}

/* The items of lists of scalars, patch items first, each text once. */
static bool primitive_values(smp *s, const path *at, const pr_node *dest,
                             const pr_node *origin, tuple_list *out)
{
    tuple_list l = {0};
    const pr_node *order[] = {origin, dest};
    for (size_t k = 0; k < 2; k++) {
        const pr_node *src = order[k];
        if (!src || src->kind != PR_SEQ)
            continue;
        for (size_t i = 0; i < src->seq.len; i++) {
            tuple t = {pr_alloc(s->tmp, sizeof *t.v), 1};
            t.v[0] = value_of(src->seq.items[i]);
            if (!tuples_add_distinct(s, at, &l, t))
                return false;
        }
    }
    *out = l;
    return true;
}

/* Two tuples that agree somewhere and never conflict (one side "") are
 * the same item; both become the union. Needed for lists keyed by several
 * fields, where a patch may leave out a key (ports without protocol). */
static bool union_of(smp *s, const tuple *x, const tuple *y, tuple *out)
{
    if (x->n != y->n)
        return false;
    bool common = false;
    out->v = pr_alloc(s->tmp, (x->n ? x->n : 1) * sizeof *out->v);
    out->n = x->n;
    for (size_t i = 0; i < x->n; i++) {
        if (!strcmp(x->v[i], y->v[i])) {
            common = true;
            out->v[i] = x->v[i];
        } else if (*x->v[i] && *y->v[i]) {
            return false;
        } else {
            out->v[i] = *x->v[i] ? x->v[i] : y->v[i];
        }
    }
    return common;
}

static void merge_tuples(smp *s, tuple_list *l)
{
    for (size_t i = 0; i < l->len; i++) {
        tuple first = l->items[i]; /* as it was when this round began */
        for (size_t j = 0; j < l->len; j++) {
            tuple u;
            if (union_of(s, &first, &l->items[j], &u))
                l->items[i] = l->items[j] = u;
        }
    }
}

/* Keys that have a value in some tuple, and this tuple's values for them;
 * when no key has any value, all of them. */
static void valid_keys(const tuple *all, size_t nall, const tuple *t,
                       const char *const *keys, size_t nkeys,
                       const char **vk, const char **vv, size_t *n)
{
    bool any = false;
    for (size_t k = 0; k < nkeys; k++) {
        bool valid = false;
        for (size_t i = 0; i < nall && !valid; i++)
            valid = k < all[i].n && *all[i].v[k];
        any |= valid;
        vk[k] = valid ? keys[k] : NULL;
    }
    *n = 0;
    for (size_t k = 0; k < nkeys; k++) {
        if (any && !vk[k])
            continue;
        vv[*n] = t->v[k];
        vk[(*n)++] = keys[k];
    }
}

/* Puts the object's items after the merged ones, each replacing its
 * merged counterpart, in kyaml's manner: an item lacking a key is
 * appended as is, and with several keys a matched item moves to the end. */
static bool append_items(smp *s, const path *at, pr_node *dst,
                         const pr_node *src, const char *const *keys,
                         size_t nkeys)
{
    const char **v = pr_alloc(s->tmp, nkeys * sizeof *v);
    for (size_t i = 0; i < src->seq.len; i++) {
        pr_node *item = src->seq.items[i];
        if (!*keys[0]) {
            const char *value[] = {value_of(item)};
            if (!element_setter(s, at, dst, item, keys, 1, value, 1))
                return false;
            continue;
        }
        size_t nv = 0;
        for (size_t k = 0; k < nkeys; k++) {
            const pr_node *f;
            if (!match_field(s, at, item, keys[k], NULL, &f))
                return false;
            if (!f)
                pr_seq_append(s->a, dst, item);
            else
                v[nv++] = value_of(f);
        }
        if (nkeys > 1 && !element_setter(s, at, dst, NULL, keys, nkeys, v, nv))
            return false;
        if (!element_setter(s, at, dst, item, keys, nkeys, v, nv))
            return false;
    }
    return true;
}

static const char *item_label(smp *s, const char *const *keys,
                              const char *const *values, size_t n)
{
    pr_strbuf sb;
    pr_sb_init(&sb);
    for (size_t i = 0; i < n; i++)
        pr_sb_addf(&sb, "%s%s%s%s", i ? "," : "", keys[i], *keys[i] ? "=" : "",
                   values[i]);
    const char *label = pr_strndup(s->tmp, sb.buf ? sb.buf : "", sb.len);
    pr_sb_release(&sb);
    return label;
}

static bool set_elements(smp *s, const path *at, tuple_list *values,
                         const char *const *keys, size_t nkeys, pr_node *dest,
                         pr_node *origin, int schema, pr_node **out)
{
    pr_node *added = pr_node_seq(s->a);
    int item_schema = element_schema(s->t, schema);
    if (nkeys > 1)
        merge_tuples(s, values);
    const char **vk = pr_alloc(s->tmp, nkeys * sizeof *vk);
    const char **vv = pr_alloc(s->tmp, nkeys * sizeof *vv);
    size_t nv = 0;
    for (size_t i = 0; i < values->len; i++) {
        tuple *t = &values->items[i];
        valid_keys(values->items, values->len, t, keys, nkeys, vk, vv, &nv);
        /* Finding the item to merge narrows the keys to this tuple's own. */
        const char **mk = pr_alloc(s->tmp, nkeys * sizeof *mk);
        const char **mv = pr_alloc(s->tmp, nkeys * sizeof *mv);
        size_t nm;
        tuple own = {vv, nv};
        valid_keys(&own, 1, &own, vk, nv, mk, mv, &nm);
        path here = {at, item_label(s, vk, vv, nv), true};
        pr_node *val;
        if (!spend(s, &here, (dest && dest->kind == PR_SEQ ? dest->seq.len : 0) +
                                 (origin && origin->kind == PR_SEQ ? origin->seq.len : 0)))
            return false;
        if (!walk(s, element_list(dest, mk, mv, nm), element_list(origin, mk, mv, nm),
                  item_schema, &here, &val))
            return false;
        bool gone = false;
        for (size_t k = 0; k < nv; k++) {
            if (empty_map(val)) {
                if (!element_setter(s, &here, dest, NULL, vk, nv, vv, nv))
                    return false;
                gone = true;
            } else if (!field(val, vk[k]) && *vv[k]) {
                /* A merged item keeps its key even if the merge dropped it;
                 * a scalar item already is its own key. */
                pr_kind want = *vk[k] ? PR_MAP : PR_SCALAR;
                if (val->kind != want)
                    return wrong_kind(s, &here, want, val->kind);
                if (want == PR_MAP)
                    pr_map_append(s->a, val, pr_node_str(s->a, vk[k]),
                                  pr_node_str(s->a, vv[k]));
            }
        }
        if (gone)
            continue;
        if (!element_setter(s, &here, added, val, vk, nv, vv, nv))
            return false;
    }
    if (values->len > 0) {
        if (!append_items(s, at, added, dest, vk, nv))
            return false;
        dest = added;
    }
    *out = missing_or_null(dest) ? NULL : dest;
    return true;
}

static bool walk_merge_list(smp *s, pr_node *dest, pr_node *origin, int schema,
                            const path *at, pr_node **out)
{
    *out = NULL;
    if (missing_or_null(dest)) {
        dest = origin;
    } else if (origin && pr_node_is_null(origin)) {
        return true;
    } else {
        directive d;
        if (!read_directive(s, at, origin, false, &d))
            return false;
        if (d == SMP_DELETE)
            return true;
        if (d == SMP_REPLACE)
            dest = origin;
    }
    if (!dest)
        return true;
    const pr_smp_schema *sc = &s->t->schemas[schema];
    tuple_list values;
    if (sc->nkeys) {
        /* Only index the key table when there are keys: a schema document
         * with no list keys at all has no table (NULL). */
        const char *const *keys = s->t->keys + sc->keys;
        return keyed_values(s, at, dest, origin, keys, sc->nkeys, &values) &&
               set_elements(s, at, &values, keys, sc->nkeys, dest, origin, schema, out);
    }
    static const char *const no_key[] = {""};
    return primitive_values(s, at, dest, origin, &values) &&
           set_elements(s, at, &values, no_key, 1, dest, origin, schema, out);
}

/* ---- the walk -------------------------------------------------------- */

/* With no schema from above, a node that names its apiVersion and kind
 * brings its own (the object at the top; embedded objects below). */
static int schema_of(const pr_openapi *t, const pr_node *n)
{
    if (missing_or_null(n) || n->kind != PR_MAP)
        return NO_SCHEMA;
    const pr_node *api = pr_map_get(n, "apiVersion");
    const pr_node *kind = pr_map_get(n, "kind");
    if (nil_or_empty(api) || nil_or_empty(kind) || !*value_of(api) || !*value_of(kind))
        return NO_SCHEMA;
    return pr_openapi_schema_for(t, value_of(api), value_of(kind));
}

static bool walk_node(smp *s, pr_node *dest, pr_node *origin, int schema,
                      const path *at, pr_node **out);

static bool walk(smp *s, pr_node *dest, pr_node *origin, int schema,
                 const path *at, pr_node **out)
{
    if (s->depth >= SMP_MAX_DEPTH)
        return fail(s, at, "nested more than %d levels deep", SMP_MAX_DEPTH);
    s->depth++;
    bool ok = walk_node(s, dest, origin, schema, at, out);
    s->depth--;
    return ok;
}

static bool walk_node(smp *s, pr_node *dest, pr_node *origin, int schema,
                      const path *at, pr_node **out)
{
    if (schema == NO_SCHEMA) {
        schema = schema_of(s->t, dest);
        if (schema == NO_SCHEMA)
            schema = schema_of(s->t, origin);
    }
    pr_node *first = !missing_or_null(dest) ? dest : !missing_or_null(origin) ? origin : NULL;
    if (!first)
        return walk_map(s, dest, origin, schema, at, out);
    if (!missing_or_null(origin) && origin->kind != first->kind)
        return wrong_kind(s, at, first->kind, origin->kind);
    switch (first->kind) {
    case PR_MAP:
        return walk_map(s, dest, origin, schema, at, out);
    case PR_SEQ:
        if (schema != NO_SCHEMA && (s->t->schemas[schema].flags & PR_SMP_MERGE))
            return walk_merge_list(s, dest, origin, schema, at, out);
        *out = origin ? origin : dest;
        return true;
    default:
        *out = origin ? origin : dest;
        return true;
    }
}

bool pr_smp_merge(pr_arena *a, pr_node *obj, pr_node *patch, size_t *work,
                  bool *deleted, pr_error *err)
{
    return pr_smp_merge_with(a, NULL, obj, patch, work, deleted, err);
}

bool pr_smp_merge_with(pr_arena *a, const pr_openapi *schema, pr_node *obj, pr_node *patch,
                       size_t *work, bool *deleted, pr_error *err)
{
    size_t own_work = 0;
    smp s = {a, pr_arena_new_scratch(a), err, 0, work ? work : &own_work,
             schema ? schema : pr_openapi_builtin()};
    pr_node *out;
    bool ok = walk(&s, obj, patch, NO_SCHEMA, NULL, &out);
    pr_arena_free(s.tmp);
    if (!ok)
        return false;
    /* Like kustomize, only the object's own node counts: a top-level
     * `$patch: replace` builds a new node that nobody keeps. */
    *deleted = out == NULL;
    return true;
}
