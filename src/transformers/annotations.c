/*
 * commonAnnotations: every annotation is set, as a string, on
 * metadata.annotations and on the pod templates the commonAnnotations
 * field specs list, creating the maps where the specs say so.
 */
#include "kust/pipeline.h"

static bool set_annotations(pr_arena *a, pr_node **slot, void *ctx, pr_error *err)
{
    const pr_node *annotations = ctx;
    pr_node *target = *slot;
    if (target->kind != PR_MAP)
        return pr_error_set(err, "annotations field is not a mapping (line %d)",
                            target->mark.line);
    for (size_t i = 0; i < annotations->map.len; i++) {
        const pr_node *v = annotations->map.items[i].value;
        pr_map_set(a, target, annotations->map.items[i].key->scalar.text,
                   pr_node_scalar(a, PR_TAG_STR, v->scalar.text, v->scalar.len));
    }
    return true;
}

bool pr_tf_annotations(pr_build_ctx *ctx, const pr_kustomization *k,
                       pr_resmap *m, pr_error *err)
{
    const pr_node *annotations = pr_map_get(k->root, "commonAnnotations");
    if (!annotations || pr_node_is_null(annotations))
        return true;
    if (!pr_check_string_map(k, annotations, "commonAnnotations", err))
        return false;
    for (size_t i = 0; i < pr_resmap_len(m); i++) {
        pr_resource *r = pr_resmap_at(m, i);
        pr_gvk gvk = pr_obj_gvk(ctx->a, r->obj);
        if (!pr_fieldspec_walk_list(ctx->a, r->obj, &gvk, &k->tconfig->common_annotations,
                                    PR_CREATE_MAP, set_annotations, (void *)annotations, err))
            return pr_error_prefix(err, "%s: commonAnnotations on %s", k->path, r->origin);
    }
    return true;
}
