/*
 * commonAnnotations: every annotation is set, as a string, on
 * metadata.annotations and on the pod templates the commonAnnotations
 * field specs list, creating the maps where the specs say so.
 */
#include "kust/pipeline.h"

bool pr_tf_annotations(pr_build_ctx *ctx, const pr_kustomization *k,
                       pr_resmap *m, pr_error *err)
{
    const pr_node *annotations = pr_map_get(k->root, "commonAnnotations");
    if (!annotations || pr_node_is_null(annotations))
        return true;
    if (!pr_check_string_map(k, annotations, "commonAnnotations", err))
        return false;
    return pr_set_entries(ctx, k, m, annotations, &k->tconfig->common_annotations,
                          "commonAnnotations", err);
}
