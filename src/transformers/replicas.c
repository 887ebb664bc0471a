/*
 * replicas: sets the replica count of the objects with the given name, in
 * every field the replicas field specs list for their kind. A name that
 * matches no object of a scalable kind is an error, as in kustomize.
 */
#include <string.h>

#include "kust/pipeline.h"

static bool has_any_name(pr_arena *a, const pr_resource *r, const char *name,
                         const pr_gvk *selector)
{
    pr_resid cur = pr_resource_id(a, r);
    if (!strcmp(cur.name, name) && pr_gvk_selects(selector, &cur.gvk))
        return true;
    for (size_t i = 0; i < r->nprev; i++)
        if (!strcmp(r->prev_ids[i].name, name) && pr_gvk_selects(selector, &r->prev_ids[i].gvk))
            return true;
    return false;
}

/* kyaml's FieldSetter on an existing field: it must be a scalar; the new
 * count takes the field's quoting, so `replicas: ""` becomes "3" (a
 * string), a plain or missing field 3. */
static bool set_count(pr_arena *a, pr_node **slot, void *ctx, pr_error *err)
{
    const pr_node *count = ctx;
    const pr_node *old = *slot;
    if (old->kind != PR_SCALAR)
        return pr_error_set(err, "wrong node kind: expected ScalarNode but got %s",
                            pr_kind_kyaml_name(old->kind));
    bool quoted = pr_style_is_quoted(old->style);
    pr_node *n = pr_node_scalar(a, quoted ? PR_TAG_STR : PR_TAG_INT, count->scalar.text,
                                count->scalar.len);
    n->style = quoted ? PR_STYLE_QUOTED : PR_STYLE_PLAIN;
    n->mark = old->mark;
    *slot = n;
    return true;
}

bool pr_tf_replica_apply(pr_build_ctx *ctx, const pr_kustomization *k,
                         const pr_node *entry, size_t index,
                         const pr_fieldspec_list *specs, pr_resmap *m, pr_error *err)
{
    const char *name = pr_map_get_str(entry, "name");
    const pr_node *count = pr_map_get(entry, "count");
    /* decoded into Go's Replica, a missing count is 0 and a missing name "" */
    if (!name)
        name = "";
    if (!count || count->kind != PR_SCALAR || count->tag != PR_TAG_INT)
        count = pr_node_scalar(ctx->a, PR_TAG_INT, "0", 1);
    bool found = false;
    for (size_t s = 0; s < specs->len; s++) {
        const pr_fieldspec *spec = &specs->specs[s];
        for (size_t i = 0; i < pr_resmap_len(m); i++) {
            pr_resource *r = pr_resmap_at(m, i);
            if (!has_any_name(ctx->a, r, name, &spec->gvk))
                continue;
            found = true;
            pr_gvk gvk = pr_obj_gvk(ctx->a, r->obj);
            pr_fieldspec any_kind = *spec;
            any_kind.gvk = (pr_gvk){NULL, NULL, NULL};
            if (!pr_fieldspec_walk(ctx->a, r->obj, &gvk, &any_kind, PR_CREATE_SCALAR,
                                   set_count, (void *)count, err)) {
                pr_resid id = pr_resource_id(ctx->a, r);
                return pr_error_prefix(err, "%s: replicas[%zu]: considering field '%s' of "
                                       "object %s", k->path, index, spec->path,
                                       pr_resid_string(ctx->a, &id));
            }
        }
    }
    if (!found) {
        pr_error_set(err, "%s: replicas[%zu]: resource with name %s does not match a "
                     "config with the following GVK [", k->path, index, name);
        for (size_t s = 0; s < specs->len; s++)
            pr_sb_addf(&err->msg, "%s%s", s ? " " : "",
                       pr_gvk_string(ctx->a, &specs->specs[s].gvk));
        pr_sb_adds(&err->msg, "]");
        return false;
    }
    return true;
}

bool pr_tf_replicas(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                    pr_error *err)
{
    const pr_node *list = pr_map_get(k->root, "replicas");
    if (!list || pr_node_is_null(list))
        return true;
    if (list->kind != PR_SEQ)
        return pr_error_at(err, k->path, list->mark.line, list->mark.col, "replicas must be a list");
    for (size_t i = 0; i < list->seq.len; i++)
        if (!pr_tf_replica_apply(ctx, k, list->seq.items[i], i, &k->tconfig->replicas, m, err))
            return false;
    return true;
}
