/*
 * The `patches` field and the deprecated `patchesJson6902`. Each entry
 * carries its patch inline (`patch:`) or in a file (`path:`); like
 * kustomize, the content decides the kind: a YAML/JSON list of operations
 * is a JSON 6902 patch applied to every object its `target` selects.
 * Strategic merge patches are recognised and reported as not supported
 * yet.
 */
#include <string.h>

#include "kust/pipeline.h"
#include "pleo/json6902.h"
#include "pleo/selector.h"
#include "pleo/yaml.h"

static bool load_patch_text(pr_build_ctx *ctx, const pr_kustomization *k,
                            const pr_node *entry, size_t index,
                            const char **name, pr_strbuf *text, pr_error *err)
{
    const pr_node *patch = pr_map_get(entry, "patch");
    const pr_node *path = pr_map_get(entry, "path");
    bool has_patch = patch && pr_scalar_text(patch) && *pr_scalar_text(patch);
    bool has_path = path && pr_scalar_text(path) && *pr_scalar_text(path);
    if (has_patch == has_path)
        return pr_error_set(err, "%s: patches[%zu]: %s", k->path, index,
                            has_patch ? "patch and path can't be set at the same time"
                                      : "must specify one of patch and path");
    if (has_patch) {
        *name = pr_sprintf(ctx->a, "%s: patches[%zu].patch", k->path, index);
        pr_sb_add(text, patch->scalar.text, patch->scalar.len);
        return true;
    }
    return pr_kustomization_read_file(ctx, k, path->scalar.text, text, name, err);
}

/* Applies `ops` to every object `target` selects. `patches` records the
 * previous id first (the patch may rename); patchesJson6902 does not. */
static bool apply_json6902(pr_build_ctx *ctx, const pr_node *target,
                           const pr_node *ops, bool store_prev_id,
                           pr_resmap *m, pr_error *err)
{
    if (!target || pr_node_is_null(target))
        return pr_error_set(err, "must specify a target for JSON patch");
    pr_selector sel;
    if (!pr_selector_parse(ctx->a, target, &sel, err))
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i < pr_resmap_len(m); i++) {
        pr_resource *r = pr_resmap_at(m, i);
        if (!pr_selector_matches(ctx->a, &sel, r))
            continue;
        pr_resid before = pr_resource_id(ctx->a, r);
        if (store_prev_id)
            pr_resource_store_prev_id(ctx->a, r);
        ok = pr_json6902_apply(ctx->a, r->obj, ops, err) &&
             pr_obj_check(r->obj, "the patched object", err);
        if (ok)
            pr_obj_normalize_annotations(r->obj);
        else
            pr_error_prefix(err, "applying to %s", pr_resid_string(ctx->a, &before));
    }
    pr_selector_release(&sel);
    pr_resmap_ids_changed(m);
    return ok;
}

static bool check_entry_fields(const pr_kustomization *k, const pr_node *entry,
                               size_t index, pr_error *err)
{
    if (entry->kind != PR_MAP)
        return pr_error_at(err, k->path, entry->mark.line, entry->mark.col, "patches[%zu] must be a mapping", index);
    for (size_t i = 0; i < entry->map.len; i++) {
        const pr_node *key = entry->map.items[i].key;
        if (strcmp(key->scalar.text, "path") && strcmp(key->scalar.text, "patch") &&
            strcmp(key->scalar.text, "target") && strcmp(key->scalar.text, "options"))
            return pr_error_at(err, k->path, key->mark.line, key->mark.col, "invalid Kustomization: json: unknown field \"%s\"", key->scalar.text);
    }
    for (size_t i = 0; i < entry->map.len; i++) {
        const pr_node *key = entry->map.items[i].key;
        const char *name = key->scalar.text;
        if (!strcmp(name, "options"))
            return pr_error_at(err, k->path, key->mark.line, key->mark.col, "patches[%zu]: field \"options\" is not supported yet by pleo-render", index);
    }
    return true;
}

/* The list under `field`, or NULL when absent (an error when malformed). */
static bool patch_list(const pr_kustomization *k, const char *field,
                       const pr_node **out, pr_error *err)
{
    const pr_node *list = pr_map_get(k->root, field);
    *out = NULL;
    if (!list || pr_node_is_null(list))
        return true;
    if (list->kind != PR_SEQ)
        return pr_error_at(err, k->path, list->mark.line, list->mark.col, "%s must be a list", field);
    *out = list;
    return true;
}

/* Checks entry `index` and parses its patch documents. */
static bool read_patch(pr_build_ctx *ctx, const pr_kustomization *k, const pr_node *entry,
                       size_t index, pr_doclist *docs, pr_error *err)
{
    if (!check_entry_fields(k, entry, index, err))
        return false;
    pr_strbuf text;
    pr_sb_init(&text);
    const char *name;
    bool ok = load_patch_text(ctx, k, entry, index, &name, &text, err) &&
              pr_yaml_parse(ctx->a, name, text.buf, text.len, docs, err);
    pr_sb_release(&text);
    return ok;
}

static bool is_json6902(const pr_doclist *docs)
{
    return docs->len == 1 && docs->docs[0] && docs->docs[0]->kind == PR_SEQ;
}

bool pr_tf_patches(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                   pr_error *err)
{
    const pr_node *patches;
    if (!patch_list(k, "patches", &patches, err))
        return false;
    for (size_t i = 0; patches && i < patches->seq.len; i++) {
        const pr_node *entry = patches->seq.items[i];
        pr_doclist docs = {0};
        if (!read_patch(ctx, k, entry, i, &docs, err))
            return false;
        if (!is_json6902(&docs))
            return pr_error_set(err, "%s: patches[%zu]: strategic merge patches are not "
                                "supported yet by pleo-render", k->path, i);
        if (!apply_json6902(ctx, pr_map_get(entry, "target"), docs.docs[0], true, m, err))
            return pr_error_prefix(err, "%s: patches[%zu]", k->path, i);
    }
    return true;
}

bool pr_tf_patches_json6902(pr_build_ctx *ctx, const pr_kustomization *k,
                            pr_resmap *m, pr_error *err)
{
    const pr_node *patches;
    if (!patch_list(k, "patchesJson6902", &patches, err))
        return false;
    for (size_t i = 0; patches && i < patches->seq.len; i++) {
        const pr_node *entry = patches->seq.items[i];
        const pr_node *target = pr_map_get(entry, "target");
        const char *target_name = pr_map_get_str(target, "name");
        if (entry->kind == PR_MAP && (!target_name || !*target_name))
            return pr_error_set(err, "%s: patchesJson6902[%zu]: must specify the target name",
                                k->path, i);
        pr_doclist docs = {0};
        if (!read_patch(ctx, k, entry, i, &docs, err))
            return false;
        if (!is_json6902(&docs) || docs.docs[0]->seq.len == 0)
            return pr_error_set(err, "%s: patchesJson6902[%zu]: expected a non-empty list of "
                                "operations", k->path, i);
        if (!apply_json6902(ctx, target, docs.docs[0], false, m, err))
            return pr_error_prefix(err, "%s: patchesJson6902[%zu]", k->path, i);
    }
    return true;
}
