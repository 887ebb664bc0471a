/*
 * External plugins: exec KRM functions (config.kubernetes.io/function
 * with exec.path), run behind --enable-alpha-plugins --enable-exec.
 */
#include "kust/pipeline.h"

bool pr_krm_exec_run(pr_build_ctx *ctx, const pr_kustomization *k, const pr_resource *config,
                     bool generator, pr_resmap *m, pr_error *err)
{
    (void)generator;
    (void)m;
    pr_gvk gvk = pr_obj_gvk(ctx->a, config->obj);
    return pr_error_set(err, "%s: external plugins disabled; unable to load external plugin "
                        "'%s' (pass --enable-alpha-plugins)", k->path, gvk.kind);
}
