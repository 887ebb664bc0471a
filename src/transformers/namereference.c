/*
 * Name references: after objects were renamed (hash suffixes, namespaces,
 * and later prefixes), every field that names another object of the build
 * is updated to the new name. The referring fields come from the
 * nameReference specs of the top-level transformer configuration; a field is rewritten only when exactly one renamed
 * object (or several with identical results) could be meant, following
 * kustomize's candidate sieve: previous name, kind, roleRef kind,
 * namespace. Candidates are found through an index on previous names, so
 * the pass is linear in the number of references.
 */
#include <string.h>

#include "kust/pipeline.h"
#include "pleo/strmap.h"

typedef struct {
    pr_resource **items;
    size_t len, cap;
} resource_list;

typedef struct {
    pr_build_ctx *ctx;
    pr_strmap *by_prev_name; /* previous name -> resource_list */
    pr_resource *referrer;
    pr_resid referrer_id;
    bool referrer_cluster;
    const pr_gvk *referral_gvk;
    const pr_fieldspec *spec;
    const char **binding_namespaces; /* RoleBinding subjects' namespaces */
    size_t nbinding_namespaces;
} ref_ctx;

static const char *effective_ns(const char *ns)
{
    return ns && *ns ? ns : "default";
}

static bool ns_equal(const char *x, const char *y)
{
    return !strcmp(effective_ns(x), effective_ns(y));
}

static bool is_cluster_scoped(const pr_resid *id)
{
    return pr_kind_is_cluster_scoped(&id->gvk);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

/* kustomize's SubsetThatCouldBeReferencedByResource. */
static bool could_be_referenced(ref_ctx *c, const pr_resource *target)
{
    if (c->referrer_cluster)
        return true;
    pr_resid id = pr_resource_id(c->ctx->tmp, target);
    if (is_cluster_scoped(&id) || ns_equal(id.namespace, c->referrer_id.namespace))
        return true;
    for (size_t i = 0; i < c->nbinding_namespaces; i++)
        if (!strcmp(c->binding_namespaces[i], id.namespace))
            return true;
    return false;
}

static bool prev_id_selected(const pr_resource *r, const pr_gvk *gvk)
{
    for (size_t i = 0; i < r->nprev; i++)
        if (pr_gvk_selects(gvk, &r->prev_ids[i].gvk))
            return true;
    return false;
}

static bool passes_sieve(ref_ctx *c, const pr_resource *r, const pr_gvk *role_ref)
{
    if (!prev_id_selected(r, c->referral_gvk))
        return false;
    if (role_ref && !prev_id_selected(r, role_ref))
        return false;
    if (c->referrer_cluster)
        return true;
    pr_resid id = pr_resource_id(c->ctx->tmp, r);
    if (is_cluster_scoped(&id) || !strcmp(id.gvk.kind, "ServiceAccount"))
        return true;
    return ns_equal(c->referrer_id.namespace, id.namespace);
}

/* The roleRef kind a binding points at, when the field is its roleRef. */
static bool role_ref_gvk(ref_ctx *c, pr_gvk *out)
{
    if (!ends_with(c->spec->path, "roleRef/name"))
        return false;
    const pr_node *ref = pr_map_get(c->referrer->obj, "roleRef");
    const char *group = pr_map_get_str(ref, "apiGroup");
    const char *kind = pr_map_get_str(ref, "kind");
    if (!group || !kind)
        return false;
    out->group = group;
    out->version = NULL;
    out->kind = kind;
    return true;
}

typedef bool (*candidate_filter)(ref_ctx *c, const pr_resource *r, const void *arg);

/* True when `longer` ends with `shorter` (kustomize's SameEndingSubSlice;
 * an empty list matches only an empty list). */
static bool same_ending(const pr_strlist *x, const pr_strlist *y)
{
    const pr_strlist *shorter = x->len <= y->len ? x : y;
    const pr_strlist *longer = x->len <= y->len ? y : x;
    size_t diff = longer->len - shorter->len;
    if (shorter->len == 0)
        return diff == 0;
    for (size_t i = 0; i < shorter->len; i++)
        if (strcmp(shorter->items[i], longer->items[i + diff]) != 0)
            return false;
    return true;
}

/* Whether a candidate was renamed by the same prefixes and suffixes as the
 * referrer, i.e. lives in the same kustomization layers. */
static bool affixes_match(const pr_resource *a, const pr_resource *b, bool allow_empty)
{
    bool prefixes = (allow_empty && (!a->prefixes.len || !b->prefixes.len)) ||
                    same_ending(&a->prefixes, &b->prefixes);
    bool suffixes = (allow_empty && (!a->suffixes.len || !b->suffixes.len)) ||
                    same_ending(&a->suffixes, &b->suffixes);
    return prefixes && suffixes;
}

static size_t keep_affix_matches(ref_ctx *c, pr_resource **cands, size_t n, bool allow_empty)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (affixes_match(cands[i], c->referrer, allow_empty))
            cands[k++] = cands[i];
    return k;
}

/* Picks the referral for `old_name`, or NULL, following kustomize's sieve:
 * previous name, referral kind, roleRef kind, namespace; then, among
 * several, the ones renamed alongside the referrer. Several survivors with
 * the same name (and namespace, for mappings) are interchangeable. */
static bool select_referral(ref_ctx *c, const char *old_name, candidate_filter extra,
                            const void *extra_arg, bool compare_namespaces,
                            pr_resource **out, pr_error *err)
{
    *out = NULL;
    resource_list *named = pr_strmap_get(c->by_prev_name, old_name);
    if (!named)
        return true;
    pr_gvk role_ref;
    bool has_role_ref = role_ref_gvk(c, &role_ref);
    pr_resource **cands = pr_alloc(c->ctx->tmp, named->len * sizeof *cands);
    size_t n = 0;
    for (size_t i = 0; i < named->len; i++) {
        pr_resource *r = named->items[i];
        if (could_be_referenced(c, r) && (!extra || extra(c, r, extra_arg)) &&
            passes_sieve(c, r, has_role_ref ? &role_ref : NULL))
            cands[n++] = r;
    }
    if (n > 1) {
        n = keep_affix_matches(c, cands, n, true);
        if (n > 1)
            n = keep_affix_matches(c, cands, n, false);
    }
    if (n == 0)
        return true;
    for (size_t i = 1; i < n; i++) {
        bool same = !strcmp(pr_obj_name(cands[0]->obj), pr_obj_name(cands[i]->obj)) &&
                    (!compare_namespaces ||
                     !strcmp(pr_obj_namespace(cands[0]->obj), pr_obj_namespace(cands[i]->obj)));
        if (!same)
            return pr_error_set(err, "found multiple possible referrals for '%s' in field '%s' of %s",
                                old_name, c->spec->path,
                                pr_resid_string(c->ctx->a, &c->referrer_id));
    }
    *out = cands[0];
    return true;
}

static bool set_scalar(ref_ctx *c, pr_node **slot, pr_error *err)
{
    pr_resource *referral;
    if (!select_referral(c, (*slot)->scalar.text, NULL, NULL, false, &referral, err))
        return false;
    if (referral && strcmp(pr_obj_name(referral->obj), (*slot)->scalar.text) != 0)
        *slot = pr_node_str(c->ctx->a, pr_obj_name(referral->obj));
    return true;
}

static bool in_namespace_group(ref_ctx *c, const pr_resource *r, const void *arg)
{
    (void)c;
    const char *const *want = arg; /* {namespace, "orig" or "cur"} */
    bool original = !strcmp(want[1], "orig");
    if (original) {
        pr_resid orig = pr_resource_org_id(c->ctx->tmp, r);
        if (is_cluster_scoped(&orig))
            return false;
        return !strcmp(effective_ns(orig.namespace), want[0]);
    }
    pr_resid cur = pr_resource_id(c->ctx->tmp, r);
    if (is_cluster_scoped(&cur))
        return false;
    return !strcmp(effective_ns(cur.namespace), want[0]);
}

static bool set_mapping(ref_ctx *c, pr_node *node, pr_error *err)
{
    long name_idx = pr_map_index(node, "name");
    if (name_idx < 0)
        return pr_error_set(err, "path config error; no 'name' field in node");
    const char *old_name = pr_scalar_text(node->map.items[name_idx].value);
    if (!old_name)
        return true;
    const char *ns = pr_map_get_str(node, "namespace");
    pr_resource *referral = NULL;
    if (ns) {
        /* Prefer objects that started in that namespace, then those in it now. */
        const char *orig_group[2] = {ns, "orig"};
        const char *cur_group[2] = {ns, "cur"};
        if (!select_referral(c, old_name, in_namespace_group, orig_group, true,
                             &referral, err))
            return false;
        if (!referral && !select_referral(c, old_name, in_namespace_group, cur_group,
                                          true, &referral, err))
            return false;
    } else if (!select_referral(c, old_name, NULL, NULL, true, &referral, err)) {
        return false;
    }
    if (!referral)
        return true;
    const char *new_name = pr_obj_name(referral->obj);
    const char *new_ns = pr_obj_namespace(referral->obj);
    if (!strcmp(new_name, old_name) && !*new_ns)
        return true;
    pr_map_set_str(c->ctx->a, node, "name", new_name);
    if (*new_ns)
        pr_map_set_str(c->ctx->a, node, "namespace", new_ns);
    return true;
}

static bool visit_reference(pr_arena *a, pr_node **slot, void *arg, pr_error *err)
{
    (void)a;
    ref_ctx *c = arg;
    pr_node *n = *slot;
    switch (n->kind) {
    case PR_SCALAR:
        return pr_node_is_null(n) || set_scalar(c, slot, err);
    case PR_MAP:
        return set_mapping(c, n, err);
    case PR_SEQ:
        for (size_t i = 0; i < n->seq.len; i++) {
            pr_node **item = &n->seq.items[i];
            bool ok = (*item)->kind == PR_SCALAR ? set_scalar(c, item, err)
                      : (*item)->kind == PR_MAP  ? set_mapping(c, *item, err)
                                                 : pr_error_set(err, "name reference list items must be strings or mappings");
            if (!ok)
                return false;
        }
        return true;
    }
    return true;
}

static pr_strmap *index_previous_names(pr_build_ctx *ctx, pr_resmap *m)
{
    pr_strmap *index = pr_strmap_new(ctx->tmp);
    for (size_t i = 0; i < pr_resmap_len(m); i++) {
        pr_resource *r = pr_resmap_at(m, i);
        for (size_t j = 0; j < r->nprev; j++) {
            resource_list **slot = (resource_list **)pr_strmap_slot(index, r->prev_ids[j].name);
            if (!*slot)
                *slot = pr_alloc(ctx->tmp, sizeof **slot);
            resource_list *list = *slot;
            if (list->len && list->items[list->len - 1] == r)
                continue;
            list->items = pr_grow(ctx->tmp, list->items, sizeof *list->items,
                                  &list->cap, list->len + 1);
            list->items[list->len++] = r;
        }
    }
    return index;
}

/* A RoleBinding may refer to objects in the namespaces of its
 * ServiceAccount subjects; a subject whose namespace is present but not a
 * string is rejected, as kustomize rejects it. */
static bool collect_binding_namespaces(ref_ctx *c, pr_error *err)
{
    c->nbinding_namespaces = 0;
    if (c->referrer_cluster || strcmp(c->referrer_id.gvk.kind, "RoleBinding") != 0)
        return true;
    const pr_node *subjects = pr_map_get(c->referrer->obj, "subjects");
    if (!subjects || subjects->kind != PR_SEQ)
        return true;
    c->binding_namespaces = pr_alloc(c->ctx->tmp, (subjects->seq.len + 1) * sizeof(char *));
    for (size_t i = 0; i < subjects->seq.len; i++) {
        const pr_node *s = subjects->seq.items[i];
        const pr_node *ns = pr_map_get(s, "namespace");
        if (!ns || !pr_scalar_is(pr_map_get(s, "kind"), "ServiceAccount"))
            continue;
        if (ns->kind != PR_SCALAR || ns->tag != PR_TAG_STR)
            return pr_error_set(err, "%s: Invalid Input: namespace is blank for resource \"%s\"",
                                c->referrer->origin,
                                pr_resid_string(c->ctx->a, &c->referrer_id));
        c->binding_namespaces[c->nbinding_namespaces++] = ns->scalar.text;
    }
    return true;
}

/* The referrer specs, in rule order, that select one original kind. A
 * build has a few kinds and many objects, and the rules hold a couple of
 * hundred specs: they are matched once per kind, not once per object. */
typedef struct {
    pr_gvk gvk;
    const pr_nameref_rule **rules;
    const pr_fieldspec **specs;
    size_t len;
} kind_plan;

typedef struct {
    kind_plan *items;
    size_t len, cap;
} kind_plans;

static bool same_text(const char *x, const char *y)
{
    return !strcmp(x ? x : "", y ? y : "");
}

static bool same_gvk(const pr_gvk *x, const pr_gvk *y)
{
    return same_text(x->kind, y->kind) && same_text(x->version, y->version) &&
           same_text(x->group, y->group);
}

static const kind_plan *plan_for(pr_arena *a, kind_plans *plans, const pr_tconfig *tconfig,
                                 const pr_gvk *gvk)
{
    for (size_t i = 0; i < plans->len; i++)
        if (same_gvk(&plans->items[i].gvk, gvk))
            return &plans->items[i];
    size_t n = 0;
    for (size_t r = 0; r < tconfig->nameref_len; r++)
        n += tconfig->nameref[r].referrers.len;
    /* The plan outlives the referrer whose id (in ctx->tmp) `gvk` is
     * part of: it keeps copies of the texts. */
    kind_plan p = {pr_gvk_copy(a, gvk), pr_alloc(a, (n ? n : 1) * sizeof *p.rules),
                   pr_alloc(a, (n ? n : 1) * sizeof *p.specs), 0};
    for (size_t r = 0; r < tconfig->nameref_len; r++) {
        const pr_nameref_rule *rule = &tconfig->nameref[r];
        for (size_t s = 0; s < rule->referrers.len; s++) {
            if (!pr_gvk_selects(&rule->referrers.specs[s].gvk, gvk))
                continue;
            p.rules[p.len] = rule;
            p.specs[p.len++] = &rule->referrers.specs[s];
        }
    }
    plans->items = pr_grow(a, plans->items, sizeof *plans->items, &plans->cap, plans->len + 1);
    plans->items[plans->len] = p;
    return &plans->items[plans->len++];
}

/* The name references of one referrer. */
static bool update_referrer(ref_ctx *c, const pr_tconfig *tconfig, kind_plans *plans,
                            pr_resource *referrer, pr_error *err)
{
    pr_build_ctx *ctx = c->ctx;
    c->referrer = referrer;
    c->referrer_id = pr_resource_id(ctx->tmp, c->referrer);
    c->referrer_cluster = is_cluster_scoped(&c->referrer_id);
    pr_resid org = pr_resource_org_id(ctx->tmp, c->referrer);
    if (!collect_binding_namespaces(c, err))
        return false;
    /* plans outlive the referrer: the build's arena (a few per build) */
    const kind_plan *plan = plan_for(ctx->a, plans, tconfig, &org.gvk);
    for (size_t k = 0; k < plan->len; k++) {
        c->referral_gvk = &plan->rules[k]->referral;
        c->spec = plan->specs[k];
        /* Selected by its original kind, the referrer is walked
         * whatever its kind is now (a patch may have changed it). */
        pr_fieldspec any_kind = *c->spec;
        any_kind.gvk = (pr_gvk){NULL, NULL, NULL};
        if (!pr_fieldspec_walk(ctx->a, c->referrer->obj, &c->referrer_id.gvk,
                               &any_kind, PR_CREATE_NONE, visit_reference, c, err))
            return pr_error_prefix(err, "updating name reference in '%s' field of '%s'",
                                   c->spec->path,
                                   pr_resid_string(ctx->tmp, &c->referrer_id));
    }
    return true;
}

bool pr_tf_name_references(pr_build_ctx *ctx, const pr_tconfig *tconfig,
                           pr_resmap *m, pr_error *err)
{
    /* It runs once the build holds nearly everything: what it looks up
     * (the index, ids, candidates) lives in ctx->tmp, per referrer where
     * it can; only new names go to the build's arena. */
    pr_arena_pos pass = pr_arena_mark(ctx->tmp);
    ref_ctx c = {0};
    c.ctx = ctx;
    c.by_prev_name = index_previous_names(ctx, m);
    kind_plans plans = {0};
    bool ok = true;
    for (size_t i = 0; ok && i < pr_resmap_len(m); i++) {
        pr_arena_pos pos = pr_arena_mark(ctx->tmp);
        ok = update_referrer(&c, tconfig, &plans, pr_resmap_at(m, i), err);
        pr_arena_release(ctx->tmp, pos);
    }
    pr_arena_release(ctx->tmp, pass);
    return ok;
}
