/*
 * namePrefix and nameSuffix. The affix is applied to every field the
 * namePrefix/nameSuffix specs list (metadata.name by default) of every
 * object except CRDs, APIServices and Namespaces, whose names are fixed
 * by Kubernetes. Each renamed object records the affix, which name
 * references use to tell apart same-named objects from different layers.
 */
#include <string.h>

#include "kust/pipeline.h"

typedef struct {
    const char *affix;
    bool is_prefix;
} affix_ctx;

static bool add_affix(pr_arena *a, pr_node **slot, void *arg, pr_error *err)
{
    affix_ctx *c = arg;
    pr_node *n = *slot;
    if (n->kind != PR_SCALAR)
        return pr_error_set(err, "name field is not a string (line %d)", n->mark.line);
    const char *name = n->scalar.text;
    *slot = pr_node_str(a, c->is_prefix ? pr_sprintf(a, "%s%s", c->affix, name)
                                        : pr_sprintf(a, "%s%s", name, c->affix));
    return true;
}

static bool skipped_kind(const pr_gvk *gvk)
{
    static const pr_gvk skip[] = {{NULL, NULL, "CustomResourceDefinition"},
                                  {"apiregistration.k8s.io", NULL, "APIService"},
                                  {NULL, NULL, "Namespace"}};
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
        if (pr_gvk_selects(&skip[i], gvk))
            return true;
    return false;
}

bool pr_tf_affix_apply(pr_build_ctx *ctx, const pr_kustomization *k, const char *affix,
                       bool is_prefix, const pr_fieldspec_list *specs, pr_resmap *m,
                       pr_error *err)
{
    const char *field = is_prefix ? "namePrefix" : "nameSuffix";
    if (!affix || !*affix)
        return true;
    affix_ctx c = {affix, is_prefix};
    for (size_t i = 0; i < pr_resmap_len(m); i++) {
        pr_resource *r = pr_resmap_at(m, i);
        pr_resid org = pr_resource_org_id(ctx->a, r);
        if (skipped_kind(&org.gvk))
            continue;
        pr_gvk gvk = pr_obj_gvk(ctx->a, r->obj);
        for (size_t s = 0; s < specs->len; s++) {
            const pr_fieldspec *spec = &specs->specs[s];
            if (!pr_gvk_selects(&spec->gvk, &org.gvk))
                continue;
            if (!strcmp(spec->path, "metadata/name")) {
                pr_strlist_append(ctx->a, is_prefix ? &r->prefixes : &r->suffixes, affix);
                pr_resource_store_prev_id(ctx->a, r);
            }
            pr_fieldspec any_kind = *spec;
            any_kind.gvk = (pr_gvk){NULL, NULL, NULL};
            if (!pr_fieldspec_walk(ctx->a, r->obj, &gvk, &any_kind, PR_CREATE_NONE,
                                   add_affix, &c, err))
                return pr_error_prefix(err, "%s: %s on %s", k->path, field, r->origin);
        }
    }
    pr_resmap_ids_changed(m);
    return true;
}

bool pr_tf_prefix_suffix(pr_build_ctx *ctx, const pr_kustomization *k,
                         pr_resmap *m, pr_error *err)
{
    return pr_tf_affix_apply(ctx, k, pr_map_get_str(k->root, "namePrefix"), true,
                             &k->tconfig->name_prefix, m, err) &&
           pr_tf_affix_apply(ctx, k, pr_map_get_str(k->root, "nameSuffix"), false,
                             &k->tconfig->name_suffix, m, err);
}
