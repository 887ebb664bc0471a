/*
 * Labels: `commonLabels` sets each label on metadata, selectors and pod
 * templates, as kustomize's commonLabels field specs list them. Each
 * `labels` entry chooses: metadata only by default, pod templates with
 * includeTemplates, everything commonLabels touches with includeSelectors,
 * plus its own `fields`. Label values are always strings.
 */
#include <string.h>

#include "kust/pipeline.h"

static bool set_labels(pr_arena *a, pr_node **slot, void *ctx, pr_error *err)
{
    const pr_node *labels = ctx;
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

/* Applies `labels` through every list of specs in `lists`. */
static bool label_all(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                      const pr_node *labels, const pr_fieldspec_list *const *lists,
                      size_t nlists, const char *what, pr_error *err)
{
    for (size_t i = 0; i < pr_resmap_len(m); i++) {
        pr_resource *r = pr_resmap_at(m, i);
        pr_gvk gvk = pr_obj_gvk(ctx->a, r->obj);
        for (size_t l = 0; l < nlists; l++)
            if (!pr_fieldspec_walk_list(ctx->a, r->obj, &gvk, lists[l], PR_CREATE_MAP,
                                        set_labels, (void *)labels, err))
                return pr_error_prefix(err, "%s: %s on %s", k->path, what, r->origin);
    }
    return true;
}

/* A `fields` list of a labels entry, read into field specs. */
static bool read_custom_specs(pr_build_ctx *ctx, const pr_kustomization *k,
                              const pr_node *fields, pr_fieldspec_list *out, pr_error *err)
{
    out->specs = NULL;
    out->len = 0;
    if (!fields || pr_node_is_null(fields))
        return true;
    if (fields->kind != PR_SEQ)
        return pr_error_at(err, k->path, fields->mark.line, fields->mark.col, "labels fields must be a list");
    pr_fieldspec *specs = pr_alloc(ctx->a, (fields->seq.len + 1) * sizeof *specs);
    for (size_t i = 0; i < fields->seq.len; i++) {
        const pr_node *f = fields->seq.items[i];
        const char *path = pr_map_get_str(f, "path");
        if (!path)
            return pr_error_at(err, k->path, f->mark.line, f->mark.col, "a labels field spec needs a path");
        const pr_node *create = pr_map_get(f, "create");
        specs[i] = (pr_fieldspec){{pr_map_get_str(f, "group"), pr_map_get_str(f, "version"),
                                   pr_map_get_str(f, "kind")},
                                  path,
                                  create && create->tag == PR_TAG_BOOL &&
                                      (create->scalar.text[0] == 't' || create->scalar.text[0] == 'T')};
    }
    out->specs = specs;
    out->len = fields->seq.len;
    return true;
}

static bool flag(const pr_node *entry, const char *key)
{
    const pr_node *v = pr_map_get(entry, key);
    return v && v->tag == PR_TAG_BOOL && (v->scalar.text[0] == 't' || v->scalar.text[0] == 'T');
}

static const pr_fieldspec metadata_labels_only_row = {{NULL, NULL, NULL}, "metadata/labels", true};
static const pr_fieldspec_list metadata_labels_only = {&metadata_labels_only_row, 1};

static bool apply_labels_entry(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                               const pr_node *entry, size_t index, pr_error *err)
{
    if (entry->kind != PR_MAP)
        return pr_error_at(err, k->path, entry->mark.line, entry->mark.col, "labels[%zu] must be a mapping", index);
    static const char *const allowed[] = {"pairs", "includeSelectors", "includeTemplates",
                                          "fields", NULL};
    for (size_t i = 0; i < entry->map.len; i++) {
        const pr_node *key = entry->map.items[i].key;
        bool known = false;
        for (const char *const *a = allowed; *a; a++)
            known |= !strcmp(*a, key->scalar.text);
        if (!known)
            return pr_error_at(err, k->path, key->mark.line, key->mark.col, "invalid Kustomization: json: unknown field \"%s\"", key->scalar.text);
    }
    const pr_node *pairs = pr_map_get(entry, "pairs");
    if (!pairs || pr_node_is_null(pairs))
        return true;
    if (!pr_check_string_map(k, pairs, "labels pairs", err))
        return false;
    pr_fieldspec_list custom;
    if (!read_custom_specs(ctx, k, pr_map_get(entry, "fields"), &custom, err))
        return false;
    const pr_fieldspec_list *lists[3];
    size_t n = 0;
    if (flag(entry, "includeSelectors")) {
        lists[n++] = &pr_fs_common_labels_selectors;
        lists[n++] = &pr_fs_metadata_labels;
    } else {
        lists[n++] = &metadata_labels_only;
        if (flag(entry, "includeTemplates"))
            lists[n++] = &pr_fs_metadata_labels;
    }
    lists[n++] = &custom;
    return label_all(ctx, k, m, pairs, lists, n, "labels", err);
}

bool pr_tf_labels(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                  pr_error *err)
{
    const pr_node *common = pr_map_get(k->root, "commonLabels");
    if (common && !pr_node_is_null(common)) {
        if (!pr_check_string_map(k, common, "commonLabels", err))
            return false;
        const pr_fieldspec_list *lists[] = {&pr_fs_common_labels_selectors, &pr_fs_metadata_labels};
        if (!label_all(ctx, k, m, common, lists, 2, "commonLabels", err))
            return false;
    }
    const pr_node *entries = pr_map_get(k->root, "labels");
    if (!entries || pr_node_is_null(entries))
        return true;
    if (entries->kind != PR_SEQ)
        return pr_error_at(err, k->path, entries->mark.line, entries->mark.col, "labels must be a list");
    for (size_t i = 0; i < entries->seq.len; i++)
        if (!apply_labels_entry(ctx, k, m, entries->seq.items[i], i, err))
            return false;
    return true;
}
