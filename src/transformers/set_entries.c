/*
 * Setting string entries (labels, annotations) through field specs, the way
 * kustomize's SetEntry does it. Per object and key, kustomize makes ONE
 * value node: every field it adds shares that node, and a field that
 * already exists has its node overwritten in place. So on one object the
 * label added to metadata, selectors and pod templates is a single value,
 * and a later in-place write through any of those paths (another labels
 * entry, an overlay, a strategic merge patch) shows in all of them. This
 * module reproduces that sharing with shared pr_node pointers; writers that
 * overwrite a scalar in place (smp.c's set_field) complete it.
 */
#include "kust/pipeline.h"
#include "pleo/yaml.h"

typedef struct {
    const pr_node *pairs; /* key -> value, values checked to be scalars */
    pr_node **values;     /* this object's shared value node per key */
    const char *what;
} entry_setter;

static bool set_entries(pr_arena *a, pr_node **slot, void *ctx, pr_error *err)
{
    const entry_setter *s = ctx;
    pr_node *target = *slot;
    if (target->kind != PR_MAP)
        return pr_error_set(err, "%s field is not a mapping (line %d)", s->what,
                            target->mark.line);
    for (size_t i = 0; i < s->pairs->map.len; i++) {
        const char *key = s->pairs->map.items[i].key->scalar.text;
        long at = pr_map_index(target, key);
        if (at >= 0)
            *target->map.items[at].value = *s->values[i];
        else
            pr_map_append(a, target, pr_node_str(a, key), s->values[i]);
    }
    return true;
}

bool pr_check_keys_read_as_strings(const pr_kustomization *k, const pr_node *pairs,
                                   const char *what, pr_error *err)
{
    for (size_t j = 0; pairs && pairs->kind == PR_MAP && j < pairs->map.len; j++) {
        const pr_node *key = pairs->map.items[j].key;
        if (pr_resolve_plain(key->scalar.text, key->scalar.len) != PR_TAG_STR)
            return pr_error_at(err, k->path, key->mark.line, key->mark.col,
                               "%s key \"%s\" does not read as a string once written back "
                               "unquoted, and kustomize fails on it (json: unsupported type: "
                               "map[interface {}]interface {}); use a key that reads as a string",
                               what, key->scalar.text);
    }
    return true;
}

bool pr_set_entries(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                    const pr_node *pairs, const pr_fieldspec_list *specs,
                    const char *what, pr_error *err)
{
    if (pr_resmap_len(m) && !pr_check_keys_read_as_strings(k, pairs, what, err))
        return false;
    entry_setter s = {pairs, pr_alloc(ctx->a, (pairs->map.len + 1) * sizeof(pr_node *)), what};
    for (size_t i = 0; i < pr_resmap_len(m); i++) {
        pr_resource *r = pr_resmap_at(m, i);
        for (size_t j = 0; j < pairs->map.len; j++) {
            const pr_node *v = pairs->map.items[j].value;
            s.values[j] = pr_node_scalar(ctx->a, PR_TAG_STR, v->scalar.text, v->scalar.len);
        }
        pr_gvk gvk = pr_obj_gvk(ctx->a, r->obj);
        if (!pr_fieldspec_walk_list(ctx->a, r->obj, &gvk, specs, PR_CREATE_MAP,
                                    set_entries, &s, err))
            return pr_error_prefix(err, "%s: %s on %s", k->path, what, r->origin);
    }
    return true;
}
