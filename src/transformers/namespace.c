/*
 * The namespace transformer (kustomization field `namespace`).
 *
 * As kustomize: metadata.namespace is set on every namespaced object
 * (cluster-scoped kinds per the OpenAPI table are left alone), the other
 * namespace field specs are applied, a Namespace object (apiVersion v1) is
 * renamed, and binding subjects get the namespace only when they are named
 * "default" -- subjects naming a ServiceAccount of the build follow it
 * later through name references.
 */
#include <string.h>

#include "kust/pipeline.h"

typedef struct {
    const char *ns;
    bool unset_only;
} ns_ctx;

static bool set_namespace(pr_arena *a, pr_node **slot, void *ctx, pr_error *err)
{
    const ns_ctx *c = ctx;
    if ((*slot)->kind != PR_SCALAR)
        return pr_error_set(err, "namespace field specs must target scalar nodes "
                            "(line %d holds a %s)", (*slot)->mark.line,
                            (*slot)->kind == PR_MAP ? "mapping" : "sequence");
    /* unsetOnly keeps any namespace already there, even "default". */
    if (c->unset_only && !pr_node_is_null(*slot) && (*slot)->scalar.len)
        return true;
    *slot = pr_node_str(a, c->ns);
    return true;
}

static bool is_binding(const char *kind)
{
    return !strcmp(kind, "RoleBinding") || !strcmp(kind, "ClusterRoleBinding");
}

static bool set_subjects(pr_arena *a, pr_node *obj, const ns_ctx *c, pr_rb_subjects mode,
                         pr_error *err)
{
    pr_node *subjects = pr_map_get(obj, "subjects");
    if (mode == PR_RB_SUBJECTS_NONE || !subjects || subjects->kind != PR_SEQ)
        return true;
    for (size_t i = 0; i < subjects->seq.len; i++) {
        pr_node *s = subjects->seq.items[i];
        if (s->kind != PR_MAP)
            continue;
        bool pick = mode == PR_RB_SUBJECTS_DEFAULT_ONLY
                        ? pr_scalar_is(pr_map_get(s, "name"), "default")
                        : pr_scalar_is(pr_map_get(s, "kind"), "ServiceAccount");
        if (!pick)
            continue;
        pr_node *cur = pr_map_get(s, "namespace");
        pr_node *slot = cur ? cur : pr_node_str(a, "");
        if (!set_namespace(a, &slot, (void *)c, err))
            return false;
        pr_map_set(a, s, "namespace", slot);
    }
    return true;
}

bool pr_tf_namespace_object(pr_build_ctx *ctx, const pr_namespace_config *cfg,
                            pr_resource *r, pr_error *err)
{
    pr_arena *a = ctx->a;
    const pr_fieldspec_list *specs = cfg->specs;
    pr_gvk gvk = pr_obj_gvk(a, r->obj);
    const char *api = pr_map_get_str(r->obj, "apiVersion");
    ns_ctx c = {cfg->ns, cfg->unset_only};
    if (!pr_kind_is_cluster_scoped(&gvk) && !(cfg->unset_only && *pr_obj_namespace(r->obj)))
        pr_obj_set_namespace(a, r->obj, cfg->ns);
    bool binding = is_binding(gvk.kind);
    if (binding && !set_subjects(a, r->obj, &c, cfg->subjects, err))
        return pr_error_prefix(err, "setting namespace on (cluster)role binding subjects");
    for (size_t i = 0; i < specs->len; i++) {
        const pr_fieldspec *spec = &specs->specs[i];
        if (!strcmp(spec->path, "metadata/namespace"))
            continue; /* handled above, with the cluster-scope check */
        if (!strcmp(spec->path, "metadata/name") && !(api && !strcmp(api, "v1")))
            continue; /* only core Namespace objects are renamed */
        if (binding && spec->gvk.kind && is_binding(spec->gvk.kind) &&
            !strcmp(spec->path, "subjects/namespace"))
            continue;
        if (!pr_fieldspec_walk(a, r->obj, &gvk, spec, PR_CREATE_SCALAR,
                               set_namespace, &c, err))
            return pr_error_prefix(err, "namespace transformation failed");
    }
    return true;
}

bool pr_tf_namespace(pr_build_ctx *ctx, const pr_kustomization *k,
                     pr_resmap *m, pr_error *err)
{
    pr_namespace_config cfg = {pr_map_get_str(k->root, "namespace"), &k->tconfig->namespace,
                               false, PR_RB_SUBJECTS_DEFAULT_ONLY};
    return pr_tf_namespace_apply(ctx, k, &cfg, m, err);
}

bool pr_tf_namespace_apply(pr_build_ctx *ctx, const pr_kustomization *k,
                           const pr_namespace_config *cfg, pr_resmap *m, pr_error *err)
{
    if (!cfg->ns || !*cfg->ns)
        return true;
    for (size_t i = 0; i < pr_resmap_len(m); i++) {
        pr_resource *r = pr_resmap_at(m, i);
        pr_resource_store_prev_id(ctx->a, r);
        if (!pr_tf_namespace_object(ctx, cfg, r, err))
            return pr_error_prefix(err, "%s: namespace on %s", k->path, r->origin);
    }
    pr_resmap_ids_changed(m);
    /* Two objects that differed only by namespace now collide. */
    pr_resmap *check = pr_resmap_new(ctx->a);
    for (size_t i = 0; i < pr_resmap_len(m); i++)
        if (!pr_resmap_append(check, pr_resmap_at(m, i), err))
            return pr_error_prefix(err, "%s: namespace transformation produces ID conflict",
                                   k->path);
    return true;
}
