/*
 * secretGenerator: each entry becomes a Secret of the given `type`
 * (Opaque by default) whose `data` holds every value base64-encoded.
 */
#include <string.h>

#include "generators/generator.h"

static const char *const secret_fields[] = {"type", NULL};

static bool fill_secret(pr_build_ctx *ctx, const pr_kustomization *k,
                        pr_generated *g, pr_error *err)
{
    pr_arena *a = ctx->a;
    pr_node *obj = g->res->obj;
    const char *type = pr_map_get_str(g->entry, "type");
    pr_map_set_str(a, obj, "type", type && *type ? type : "Opaque");
    /* kustomize's Secret always has `data`, empty when nothing feeds it
     * (a ConfigMap has none then); the hash covers it either way. */
    pr_node *data = pr_map_ensure_map(a, obj, "data");
    for (size_t i = 0; i < g->kvs.len; i++) {
        const pr_kv *kv = &g->kvs.items[i];
        if (pr_map_index(data, kv->key) >= 0)
            return pr_error_set(err, "%s: secret %s illegally repeats the key `%s`", k->path,
                                g->name, kv->key);
        pr_map_set(a, data, kv->key, pr_node_str(a, pr_base64(ctx->tmp, kv->value, kv->value_len)));
    }
    return true;
}

static const pr_generator_kind secret_generator = {"secretGenerator", "Secret", secret_fields, "SecretGenerator"};

bool pr_gen_secrets(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                    pr_error *err)
{
    return pr_generator_run(ctx, k, &secret_generator, m, fill_secret, err);
}

bool pr_gen_secret_entry(pr_build_ctx *ctx, const pr_kustomization *k, const pr_node *entry,
                         const pr_origin *origin, pr_resmap *m, pr_error *err)
{
    return pr_generator_run_entry(ctx, k, &secret_generator, entry, NULL, origin, m,
                                  fill_secret, err);
}
