/*
 * Local configuration objects: an object annotated
 * config.kubernetes.io/local-config with any value but "false" takes part
 * in the whole build (it can be renamed, and name references can follow
 * it) and is dropped from the output at the very end, as kustomize drops
 * it after fixing name references.
 */
#include <string.h>

#include "kust/pipeline.h"

static bool is_local(const pr_node *obj)
{
    const pr_node *annotations = pr_map_get(pr_map_get(obj, "metadata"), "annotations");
    const pr_node *v = pr_map_get(annotations, "config.kubernetes.io/local-config");
    return v && !(v->kind == PR_SCALAR && !strcmp(v->scalar.text, "false"));
}

bool pr_tf_drop_local_configs(pr_build_ctx *ctx, pr_resmap *m, pr_error *err)
{
    (void)ctx;
    (void)err;
    for (size_t i = pr_resmap_len(m); i-- > 0;)
        if (is_local(pr_resmap_at(m, i)->obj))
            pr_resmap_remove(m, i);
    return true;
}
