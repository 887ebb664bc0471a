/*
 * Content-hash name suffixes for generated ConfigMaps and Secrets. Runs
 * once, after every kustomization of the tree has been applied, so the
 * hash covers the final object; the old name is kept as a previous id so
 * name references can follow the rename.
 */
#include <string.h>

#include "kust/pipeline.h"
#include "pleo/hash.h"

bool pr_tf_hash_suffixes(pr_build_ctx *ctx, pr_resmap *m, pr_error *err)
{
    return pr_tf_hash_apply(ctx, m, true, err);
}

bool pr_tf_hash_apply(pr_build_ctx *ctx, pr_resmap *m, bool settle, pr_error *err)
{
    for (size_t i = 0; i < pr_resmap_len(m); i++) {
        pr_resource *r = pr_resmap_at(m, i);
        if (!r->needs_hash)
            continue;
        const char *kind = pr_map_get_str(r->obj, "kind");
        char hash[11];
        bool ok = kind && !strcmp(kind, "Secret") ? pr_hash_secret(r->obj, hash)
                                                  : pr_hash_configmap(r->obj, hash);
        if (!ok)
            return pr_error_set(err, "cannot hash %s", r->origin);
        pr_resource_store_prev_id(ctx->a, r);
        pr_obj_set_name(ctx->a, r->obj,
                        pr_sprintf(ctx->a, "%s-%s", pr_obj_name(r->obj), hash));
        if (settle)
            r->needs_hash = false;
    }
    pr_resmap_ids_changed(m);
    return true;
}
