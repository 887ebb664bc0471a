/*
 * configMapGenerator: each entry becomes a ConfigMap whose `data` holds
 * the text values and `binaryData` (base64) the values that are not valid
 * UTF-8. Keys may not repeat; as kubectl kustomize (whose key validator
 * accepts anything) they need not be valid ConfigMap keys.
 */
#include <string.h>

#include "generators/generator.h"
#include "pleo/utf8.h"

static bool fill_configmap(pr_build_ctx *ctx, const pr_kustomization *k,
                           pr_generated *g, pr_error *err)
{
    pr_arena *a = ctx->a;
    pr_node *obj = g->res->obj;
    for (size_t i = 0; i < g->kvs.len; i++) {
        const pr_kv *kv = &g->kvs.items[i];
        if (pr_map_index(pr_map_get(obj, "data"), kv->key) >= 0 ||
            pr_map_index(pr_map_get(obj, "binaryData"), kv->key) >= 0)
            return pr_error_set(err, "%s: configmap %s illegally repeats the key `%s`",
                                k->path, g->name, kv->key);
        bool text = pr_utf8_valid(kv->value, kv->value_len);
        pr_node *target = pr_map_ensure_map(a, obj, text ? "data" : "binaryData");
        pr_node *value = text ? pr_node_scalar(a, PR_TAG_STR, kv->value, kv->value_len)
                              : pr_node_str(a, pr_base64(ctx->tmp, kv->value, kv->value_len));
        pr_map_set(a, target, kv->key, value);
    }
    return true;
}

static const pr_generator_kind configmap_generator = {"configMapGenerator", "ConfigMap", NULL, "ConfigMapGenerator"};

bool pr_gen_configmaps(pr_build_ctx *ctx, const pr_kustomization *k,
                       pr_resmap *m, pr_error *err)
{
    return pr_generator_run(ctx, k, &configmap_generator, m, fill_configmap, err);
}

bool pr_gen_configmap_entry(pr_build_ctx *ctx, const pr_kustomization *k, const pr_node *entry,
                            const pr_origin *origin, pr_resmap *m, pr_error *err)
{
    return pr_generator_run_entry(ctx, k, &configmap_generator, entry, NULL, origin, m,
                                  fill_configmap, err);
}
