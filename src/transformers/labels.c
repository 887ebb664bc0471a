/*
 * The label transformer for `commonLabels`: each label is set on
 * metadata.labels, selectors and pod templates as kustomize's field specs
 * (metadata labels plus selector specs) list them, creating the label maps
 * where the specs say so. Values are always strings.
 */
#include "kust/pipeline.h"

typedef struct {
    const pr_node *labels;
} labels_ctx;

static bool set_labels(pr_arena *a, pr_node **slot, void *ctx, pr_error *err)
{
    const pr_node *labels = ((labels_ctx *)ctx)->labels;
    pr_node *target = *slot;
    if (target->kind != PR_MAP)
        return pr_error_set(err, "labels field is not a mapping (line %d)",
                            target->mark.line);
    for (size_t i = 0; i < labels->map.len; i++) {
        const pr_node *v = labels->map.items[i].value;
        pr_node *value = pr_node_scalar(a, PR_TAG_STR, v->scalar.text, v->scalar.len);
        pr_map_set(a, target, labels->map.items[i].key->scalar.text, value);
    }
    return true;
}

bool pr_tf_labels(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                  pr_error *err)
{
    const pr_node *labels = pr_map_get(k->root, "commonLabels");
    if (!labels || pr_node_is_null(labels))
        return true;
    if (labels->kind != PR_MAP)
        return pr_error_set(err, "%s:%d:%d: commonLabels must be a mapping",
                            k->path, labels->mark.line, labels->mark.col);
    for (size_t i = 0; i < labels->map.len; i++)
        if (labels->map.items[i].value->kind != PR_SCALAR)
            return pr_error_set(err, "%s:%d:%d: label values must be strings",
                                k->path, labels->map.items[i].value->mark.line,
                                labels->map.items[i].value->mark.col);
    labels_ctx c = {labels};
    for (size_t i = 0; i < pr_resmap_len(m); i++) {
        pr_resource *r = pr_resmap_at(m, i);
        pr_gvk gvk = pr_obj_gvk(ctx->a, r->obj);
        if (!pr_fieldspec_walk_list(ctx->a, r->obj, &gvk, &pr_fs_common_labels_selectors,
                                    PR_CREATE_MAP, set_labels, &c, err) ||
            !pr_fieldspec_walk_list(ctx->a, r->obj, &gvk, &pr_fs_metadata_labels,
                                    PR_CREATE_MAP, set_labels, &c, err))
            return pr_error_prefix(err, "%s: commonLabels on %s", k->path, r->origin);
    }
    return true;
}
