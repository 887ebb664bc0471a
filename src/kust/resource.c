/*
 * Resources and the resource map; see resource.h.
 *
 * The map keeps load order in an array and an open-addressing hash index
 * from the current id to the array position. Transformers that rename
 * objects call pr_resmap_ids_changed, which drops the index; the next
 * lookup rebuilds it, so a pass that renames N objects costs O(N).
 */
#include "pleo/resource.h"
#include "pleo/strbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kust/openapi_tables.h"

/* API groups common enough that their text is shared rather than copied
 * on every id computed (ids are computed for every object by almost every
 * transformer). */
static const char *const known_groups[] = {
    "apps", "batch", "autoscaling", "policy", "extensions",
    "networking.k8s.io", "rbac.authorization.k8s.io", "storage.k8s.io",
    "apiextensions.k8s.io", "admissionregistration.k8s.io", "scheduling.k8s.io",
    "coordination.k8s.io", "discovery.k8s.io", "certificates.k8s.io",
    "node.k8s.io", "monitoring.coreos.com", "kustomize.config.k8s.io",
    "builtin", "config.kubernetes.io",
};

static const char *group_text(pr_arena *a, const char *api, size_t len)
{
    for (size_t i = 0; i < sizeof known_groups / sizeof known_groups[0]; i++)
        if (known_groups[i][0] == api[0] && strncmp(known_groups[i], api, len) == 0 &&
            known_groups[i][len] == '\0')
            return known_groups[i];
    return pr_strndup(a, api, len);
}

/* group/version/kind from the texts of apiVersion and kind (NULL when
 * absent or not scalars). */
static pr_gvk gvk_of(pr_arena *a, const char *api, const char *kind)
{
    pr_gvk g = {"", "", ""};
    if (kind)
        g.kind = kind;
    if (api) {
        const char *slash = strrchr(api, '/');
        if (slash) {
            g.group = group_text(a, api, (size_t)(slash - api));
            g.version = slash + 1;
        } else {
            g.version = api;
        }
    }
    return g;
}

pr_gvk pr_obj_gvk(pr_arena *a, const pr_node *obj)
{
    return gvk_of(a, pr_map_get_str(obj, "apiVersion"), pr_map_get_str(obj, "kind"));
}

static pr_node *metadata(const pr_node *obj)
{
    return pr_map_get(obj, "metadata");
}

const char *pr_obj_name(const pr_node *obj)
{
    const char *s = pr_map_get_str(metadata(obj), "name");
    return s ? s : "";
}

const char *pr_obj_namespace(const pr_node *obj)
{
    const char *s = pr_map_get_str(metadata(obj), "namespace");
    return s ? s : "";
}

static bool field_is(const pr_node *map, const char *key, pr_kind kind)
{
    const pr_node *v = pr_map_get(map, key);
    return !v || pr_node_is_null(v) || v->kind == kind;
}

bool pr_obj_check(const pr_node *obj, const char *origin, pr_error *err)
{
    if (obj->kind != PR_MAP)
        return pr_error_at(err, origin, obj->mark.line, obj->mark.col, "expected a Kubernetes object (a mapping)");
    const pr_node *kind = pr_map_get(obj, "kind");
    if (!kind || kind->kind != PR_SCALAR || kind->scalar.len == 0)
        return pr_error_at(err, origin, obj->mark.line, obj->mark.col, "missing kind in object");
    if (!field_is(obj, "apiVersion", PR_SCALAR))
        return pr_error_at(err, origin, obj->mark.line, obj->mark.col, "apiVersion must be a string");
    const pr_node *meta = pr_map_get(obj, "metadata");
    if (!meta || pr_node_is_null(meta))
        return true;
    if (meta->kind != PR_MAP)
        return pr_error_at(err, origin, meta->mark.line, meta->mark.col, "metadata must be a mapping");
    static const char *const scalars[] = {"name", "namespace"};
    static const char *const maps[] = {"labels", "annotations"};
    for (size_t i = 0; i < 2; i++) {
        if (!field_is(meta, scalars[i], PR_SCALAR))
            return pr_error_at(err, origin, meta->mark.line, meta->mark.col, "metadata.%s must be a string", scalars[i]);
        if (!field_is(meta, maps[i], PR_MAP))
            return pr_error_at(err, origin, meta->mark.line, meta->mark.col, "metadata.%s must be a mapping", maps[i]);
    }
    return true;
}

void pr_obj_set_name(pr_arena *a, pr_node *obj, const char *name)
{
    pr_map_set_str(a, pr_map_ensure_map(a, obj, "metadata"), "name", name);
}

void pr_obj_set_namespace(pr_arena *a, pr_node *obj, const char *ns)
{
    pr_map_set_str(a, pr_map_ensure_map(a, obj, "metadata"), "namespace", ns);
}

void pr_obj_normalize_annotations(pr_node *obj)
{
    pr_node *meta = metadata(obj);
    pr_node *annotations = pr_map_get(meta, "annotations");
    if (!annotations)
        return;
    if (pr_node_is_null(annotations) ||
        (annotations->kind == PR_MAP && annotations->map.len == 0)) {
        pr_map_remove(meta, "annotations");
        return;
    }
}

static const char *const id_fields[] = {"apiVersion", "kind", "metadata", "name", "namespace"};

static uint64_t mix(uint64_t h, const void *p)
{
    return (h ^ (uint64_t)(uintptr_t)p) * 1099511628211ULL;
}

/* The identity of what the id is read from: for a present field its key
 * and value nodes and the value's text (a rename replaces one of them),
 * for an absent one every key node of its mapping (nothing was added or
 * renamed). Reading it touches the items arrays and the values, not the
 * keys' texts. */
static uint64_t id_signature(const pr_node *obj, const pr_node *meta, const int8_t *at)
{
    uint64_t h = 14695981039346656037ULL;
    for (int f = 0; f < 5; f++) {
        const pr_node *map = f < 3 ? obj : meta;
        if (!map || map->kind != PR_MAP)
            continue;
        if (at[f] < 0) {
            for (uint32_t i = 0; i < map->map.len; i++)
                h = mix(h, map->map.items[i].key);
            continue;
        }
        const pr_pair *p = &map->map.items[at[f]];
        h = mix(mix(mix(h, p->key), p->value), pr_scalar_text(p->value));
    }
    return h;
}

static const pr_node *field_at(const pr_node *map, int8_t at)
{
    return map && map->kind == PR_MAP && at >= 0 ? map->map.items[at].value : NULL;
}

/* The memo still describes `obj`: same items arrays and lengths, same
 * signature. */
static bool memo_holds(const pr_id_memo *m, const pr_node *obj)
{
    if (!m->valid || obj->kind != PR_MAP || obj->map.items != m->obj_items ||
        obj->map.len != m->obj_len)
        return false;
    const pr_node *meta = field_at(obj, m->at[2]);
    bool meta_map = meta && meta->kind == PR_MAP;
    if ((meta_map ? meta->map.items : NULL) != m->meta_items ||
        (meta_map ? meta->map.len : 0) != m->meta_len)
        return false;
    return id_signature(obj, meta, m->at) == m->signature;
}

static void memo_read(pr_id_memo *m, const pr_node *obj)
{
    m->valid = obj->kind == PR_MAP;
    if (!m->valid)
        return;
    for (int f = 0; f < 3; f++) {
        long i = pr_map_index(obj, id_fields[f]);
        m->valid &= i < INT8_MAX;
        m->at[f] = (int8_t)(i < INT8_MAX ? i : -1);
    }
    const pr_node *meta = field_at(obj, m->at[2]);
    for (int f = 3; f < 5; f++) {
        long i = pr_map_index(meta, id_fields[f]);
        m->valid &= i < INT8_MAX;
        m->at[f] = (int8_t)(i < INT8_MAX ? i : -1);
    }
    m->obj_items = obj->map.items;
    m->obj_len = obj->map.len;
    bool meta_map = meta && meta->kind == PR_MAP;
    m->meta_items = meta_map ? meta->map.items : NULL;
    m->meta_len = meta_map ? meta->map.len : 0;
    m->signature = id_signature(obj, meta, m->at);
}

pr_resid pr_resource_id(pr_arena *a, const pr_resource *r)
{
    /* Ids are asked for by almost every transformer for every object;
     * looking the five fields up again by name costs more than checking
     * that they are where they were. */
    pr_id_memo *memo = (pr_id_memo *)&r->id_memo;
    if (!memo_holds(memo, r->obj))
        memo_read(memo, r->obj);
    if (!memo->valid) {
        pr_resid id;
        id.gvk = pr_obj_gvk(a, r->obj);
        const pr_node *meta = metadata(r->obj);
        id.name = pr_map_get_str(meta, "name");
        id.namespace = pr_map_get_str(meta, "namespace");
        id.name = id.name ? id.name : "";
        id.namespace = id.namespace ? id.namespace : "";
        return id;
    }
    const pr_node *meta = field_at(r->obj, memo->at[2]);
    const char *api = pr_scalar_text(field_at(r->obj, memo->at[0]));
    const char *kind = pr_scalar_text(field_at(r->obj, memo->at[1]));
    const char *name = pr_scalar_text(field_at(meta, memo->at[3]));
    const char *ns = pr_scalar_text(field_at(meta, memo->at[4]));
    pr_resid id = {gvk_of(a, api, kind), name ? name : "", ns ? ns : ""};
    return id;
}

pr_resource *pr_resource_new(pr_arena *a, pr_node *obj, const char *origin)
{
    pr_resource *r = pr_alloc(a, sizeof *r);
    r->obj = obj;
    r->origin = origin;
    return r;
}

pr_resid pr_resource_org_id(pr_arena *a, const pr_resource *r)
{
    return r->nprev ? r->prev_ids[0] : pr_resource_id(a, r);
}

/* Every object has a few of these lists, most with one or two items:
 * they start with room for two rather than pr_grow's four. */
enum { SMALL_LIST = 2 };

void pr_strlist_append(pr_arena *a, pr_strlist *list, const char *s)
{
    if (!list->cap) {
        list->items = pr_alloc(a, SMALL_LIST * sizeof *list->items);
        list->cap = SMALL_LIST;
    }
    list->items = pr_grow(a, list->items, sizeof *list->items, &list->cap, list->len + 1);
    list->items[list->len++] = s;
}

void pr_resource_store_prev_id(pr_arena *a, pr_resource *r)
{
    if (!r->prev_cap) {
        r->prev_ids = pr_alloc(a, SMALL_LIST * sizeof(pr_resid));
        r->prev_cap = SMALL_LIST;
    }
    r->prev_ids = pr_grow(a, r->prev_ids, sizeof(pr_resid), &r->prev_cap,
                          r->nprev + 1);
    r->prev_ids[r->nprev++] = pr_resource_id(a, r);
}

#define BOOKKEEPING "internal.config.kubernetes.io/"

static const char *const bookkeeping_keys[] = {
    BOOKKEEPING "previousKinds", BOOKKEEPING "previousNames", BOOKKEEPING "previousNamespaces",
    BOOKKEEPING "prefixes",      BOOKKEEPING "suffixes",      BOOKKEEPING "generatorBehavior",
    BOOKKEEPING "needsHashSuffix",
};

const char *pr_resid_effective_namespace(const pr_resid *id)
{
    if (pr_kind_is_cluster_scoped(&id->gvk))
        return "_non_namespaceable_";
    return id->namespace && *id->namespace ? id->namespace : "default";
}

/* The items, comma separated, as kustomize writes its history lists. */
static const char *join_commas(pr_arena *a, const pr_strlist *list)
{
    pr_strbuf b;
    pr_sb_init(&b);
    for (size_t i = 0; i < list->len; i++) {
        if (i)
            pr_sb_addc(&b, ',');
        pr_sb_adds(&b, list->items[i]);
    }
    const char *joined = pr_strdup(a, b.buf);
    pr_sb_release(&b);
    return joined;
}

/* Which part of the previous ids a history annotation lists. */
enum { PREV_KIND, PREV_NAME, PREV_NAMESPACE };

static const char *join_prev_ids(pr_arena *a, const pr_resource *r, int part)
{
    pr_strlist list = {0};
    for (size_t i = 0; i < r->nprev; i++) {
        const pr_resid *id = &r->prev_ids[i];
        pr_strlist_append(a, &list, part == PREV_KIND   ? id->gvk.kind
                                    : part == PREV_NAME ? id->name
                                                        : pr_resid_effective_namespace(id));
    }
    return join_commas(a, &list);
}

void pr_resource_expose_bookkeeping(pr_arena *a, pr_resource *r)
{
    const char *values[sizeof bookkeeping_keys / sizeof *bookkeeping_keys] = {0};
    if (r->nprev) {
        values[0] = join_prev_ids(a, r, PREV_KIND);
        values[1] = join_prev_ids(a, r, PREV_NAME);
        values[2] = join_prev_ids(a, r, PREV_NAMESPACE);
    }
    if (r->prefixes.len)
        values[3] = join_commas(a, &r->prefixes);
    if (r->suffixes.len)
        values[4] = join_commas(a, &r->suffixes);
    values[5] = r->generator_behavior;
    if (r->generator_behavior && r->needs_hash)
        values[6] = "enabled";
    pr_node *annotations = NULL; /* made only when there is something to keep */
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        if (!values[i])
            continue;
        if (!annotations)
            annotations =
                pr_map_ensure_map(a, pr_map_ensure_map(a, r->obj, "metadata"), "annotations");
        pr_map_set_str(a, annotations, bookkeeping_keys[i], values[i]);
    }
}

void pr_resource_hide_bookkeeping(pr_resource *r)
{
    pr_node *annotations = pr_map_get(metadata(r->obj), "annotations");
    if (!annotations || annotations->kind != PR_MAP)
        return;
    for (size_t i = 0; i < sizeof bookkeeping_keys / sizeof *bookkeeping_keys; i++)
        pr_map_remove(annotations, bookkeeping_keys[i]);
    pr_obj_normalize_annotations(r->obj);
}

/* strcmp of "group/version" (or "version" when there is no group)
 * against `api`, without building the string: this runs for every
 * object in several passes. */
static int compare_api_version(const pr_gvk *gvk, const char *api)
{
    const char *group = gvk->group ? gvk->group : "";
    const char *version = gvk->version ? gvk->version : "";
    if (*group) {
        size_t n = strlen(group);
        int c = strncmp(group, api, n);
        if (c)
            return c;
        api += n;
        if (*api != '/')
            return (unsigned char)'/' - (unsigned char)*api;
        api++;
    }
    return strcmp(version, api);
}

static int compare_type_ref(const void *key, const void *elem)
{
    const pr_gvk *k = key;
    const pr_type_ref *e = elem;
    int c = compare_api_version(k, e->api_version);
    return c ? c : strcmp(k->kind ? k->kind : "", e->kind);
}

bool pr_kind_is_cluster_scoped(const pr_gvk *gvk)
{
    return bsearch(gvk, pr_cluster_scoped_types, pr_cluster_scoped_types_len,
                   sizeof *pr_cluster_scoped_types, compare_type_ref) != NULL;
}

static const char *or_placeholder(const char *s, const char *placeholder)
{
    return s && *s ? s : placeholder;
}

const char *pr_resid_string(pr_arena *a, const pr_resid *id)
{
    return pr_sprintf(a, "%s.%s.%s/%s.%s", or_placeholder(id->gvk.kind, "[noKind]"),
                      or_placeholder(id->gvk.version, "[noVer]"),
                      or_placeholder(id->gvk.group, "[noGrp]"),
                      or_placeholder(id->name, "[noName]"),
                      or_placeholder(id->namespace, "[noNs]"));
}

static const char *effective_ns(const char *ns)
{
    return ns && *ns ? ns : "default";
}

static bool str_eq(const char *x, const char *y)
{
    return strcmp(x ? x : "", y ? y : "") == 0;
}

bool pr_resid_equal(const pr_resid *x, const pr_resid *y)
{
    return str_eq(x->gvk.group, y->gvk.group) &&
           str_eq(x->gvk.version, y->gvk.version) &&
           str_eq(x->gvk.kind, y->gvk.kind) && str_eq(x->name, y->name) &&
           strcmp(effective_ns(x->namespace), effective_ns(y->namespace)) == 0;
}

/* ---- the map ---- */

struct pr_resmap {
    pr_arena *a;
    pr_resource **items;
    size_t len, cap;
    size_t *index; /* slot -> item position + 1; 0 = empty */
    size_t index_cap;
    bool index_valid;
};

pr_resmap *pr_resmap_new(pr_arena *a)
{
    pr_resmap *m = pr_alloc(a, sizeof *m);
    m->a = a;
    return m;
}

size_t pr_resmap_len(const pr_resmap *m)
{
    return m->len;
}

pr_resource *pr_resmap_at(const pr_resmap *m, size_t i)
{
    return m->items[i];
}

static uint64_t hash_str(uint64_t h, const char *s)
{
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (h ^ 0xff) * 1099511628211ULL;
}

static uint64_t hash_id(const pr_resid *id)
{
    uint64_t h = 14695981039346656037ULL;
    h = hash_str(h, id->gvk.group);
    h = hash_str(h, id->gvk.version);
    h = hash_str(h, id->gvk.kind);
    h = hash_str(h, id->name);
    return hash_str(h, effective_ns(id->namespace));
}

static void index_insert(pr_resmap *m, const pr_resid *id, size_t pos)
{
    size_t mask = m->index_cap - 1;
    size_t slot = (size_t)hash_id(id) & mask;
    while (m->index[slot])
        slot = (slot + 1) & mask;
    m->index[slot] = pos + 1;
}

static void rebuild_index(pr_resmap *m)
{
    size_t cap = 16;
    while (cap < m->len * 2 + 2)
        cap *= 2;
    if (cap > m->index_cap) {
        m->index = pr_alloc(m->a, cap * sizeof *m->index);
        m->index_cap = cap;
    } else {
        memset(m->index, 0, m->index_cap * sizeof *m->index);
    }
    for (size_t i = 0; i < m->len; i++) {
        pr_resid id = pr_resource_id(m->a, m->items[i]);
        index_insert(m, &id, i);
    }
    m->index_valid = true;
}

pr_resource *pr_resmap_find(pr_resmap *m, const pr_resid *id)
{
    if (!m->index_valid)
        rebuild_index(m);
    size_t mask = m->index_cap - 1;
    for (size_t slot = (size_t)hash_id(id) & mask; m->index[slot];
         slot = (slot + 1) & mask) {
        pr_resource *r = m->items[m->index[slot] - 1];
        pr_resid rid = pr_resource_id(m->a, r);
        if (pr_resid_equal(&rid, id))
            return r;
    }
    return NULL;
}

bool pr_resmap_append(pr_resmap *m, pr_resource *r, pr_error *err)
{
    pr_resid id = pr_resource_id(m->a, r);
    if (pr_resmap_find(m, &id))
        return pr_error_set(err, "may not add resource with an already registered id: %s",
                            pr_resid_string(m->a, &id));
    m->items = pr_grow(m->a, m->items, sizeof *m->items, &m->cap, m->len + 1);
    m->items[m->len++] = r;
    if (m->len * 2 + 2 > m->index_cap)
        m->index_valid = false;
    else
        index_insert(m, &id, m->len - 1);
    return true;
}

bool pr_resmap_append_all(pr_resmap *m, const pr_resmap *src, pr_error *err)
{
    for (size_t i = 0; i < src->len; i++)
        if (!pr_resmap_append(m, src->items[i], err))
            return false;
    return true;
}

static const char *copy_text(pr_arena *a, const char *s, bool own)
{
    return s && own ? pr_strdup(a, s) : s;
}

/* Gives every scalar of `n` (a fresh copy) text of its own. */
static void own_node_texts(pr_arena *a, pr_node *n)
{
    switch (n->kind) {
    case PR_SCALAR:
        n->scalar.text = pr_strndup(a, n->scalar.text, n->scalar.len);
        break;
    case PR_MAP:
        for (size_t i = 0; i < n->map.len; i++) {
            own_node_texts(a, n->map.items[i].key);
            own_node_texts(a, n->map.items[i].value);
        }
        break;
    case PR_SEQ:
        for (size_t i = 0; i < n->seq.len; i++)
            own_node_texts(a, n->seq.items[i]);
        break;
    }
}

static pr_resid copy_id(pr_arena *a, const pr_resid *id, bool own)
{
    pr_resid c;
    c.gvk.group = copy_text(a, id->gvk.group, own);
    c.gvk.version = copy_text(a, id->gvk.version, own);
    c.gvk.kind = copy_text(a, id->gvk.kind, own);
    c.name = copy_text(a, id->name, own);
    c.namespace = copy_text(a, id->namespace, own);
    return c;
}

static pr_strlist copy_strlist(pr_arena *a, const pr_strlist *l, bool own)
{
    pr_strlist c = {NULL, 0, 0};
    if (!l->len)
        return c;
    c.items = pr_alloc(a, l->len * sizeof *c.items);
    c.len = c.cap = l->len;
    for (size_t i = 0; i < l->len; i++)
        c.items[i] = copy_text(a, l->items[i], own);
    return c;
}

pr_resmap *pr_resmap_copy(pr_arena *a, const pr_resmap *src, bool own_texts)
{
    pr_resmap *m = pr_resmap_new(a);
    m->items = pr_alloc(a, (src->len ? src->len : 1) * sizeof *m->items);
    m->cap = src->len ? src->len : 1;
    for (size_t i = 0; i < src->len; i++) {
        const pr_resource *s = src->items[i];
        pr_resource *r = pr_alloc(a, sizeof *r);
        *r = *s;
        /* The memo names the source's nodes and texts, which may live in
         * an arena freed before this copy is used. */
        memset(&r->id_memo, 0, sizeof r->id_memo);
        r->obj = pr_node_copy(a, s->obj);
        if (own_texts)
            own_node_texts(a, r->obj);
        r->origin = copy_text(a, s->origin, own_texts);
        r->generator_behavior = copy_text(a, s->generator_behavior, own_texts);
        r->prev_ids = NULL;
        r->prev_cap = 0;
        if (s->nprev) {
            r->prev_ids = pr_alloc(a, s->nprev * sizeof *r->prev_ids);
            r->prev_cap = s->nprev;
            for (size_t j = 0; j < s->nprev; j++)
                r->prev_ids[j] = copy_id(a, &s->prev_ids[j], own_texts);
        }
        r->prefixes = copy_strlist(a, &s->prefixes, own_texts);
        r->suffixes = copy_strlist(a, &s->suffixes, own_texts);
        r->ref_var_names = copy_strlist(a, &s->ref_var_names, own_texts);
        m->items[m->len++] = r;
    }
    m->index_valid = false;
    return m;
}

void pr_resmap_remove(pr_resmap *m, size_t i)
{
    memmove(m->items + i, m->items + i + 1, (m->len - i - 1) * sizeof *m->items);
    m->len--;
    m->index_valid = false;
}

void pr_resmap_replace(pr_resmap *m, size_t i, pr_resource *r)
{
    m->items[i] = r;
    m->index_valid = false;
}

void pr_resmap_ids_changed(pr_resmap *m)
{
    m->index_valid = false;
}
