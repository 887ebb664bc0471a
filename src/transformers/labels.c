/*
 * Labels: `commonLabels` sets each label on metadata, selectors and pod
 * templates, as the commonLabels specs of the transformer configuration
 * list them. Each `labels` entry chooses: metadata only by default, pod
 * templates with includeTemplates (templateLabels specs), everything
 * commonLabels touches with includeSelectors, plus its own `fields` and the
 * configuration's `labels` specs, merged as kustomize merges them. As in
 * kustomize, `labels` entries are applied first and `commonLabels` last,
 * so commonLabels wins a label both set. Label values are always strings.
 */
#include <string.h>

#include "kust/pipeline.h"

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

static const pr_fieldspec metadata_labels_row = {{NULL, NULL, NULL}, "metadata/labels", true};
static const pr_fieldspec_list metadata_labels = {&metadata_labels_row, 1};

/* The specs of one `labels` entry, merged in kustomize's order: its own
 * fields, the configuration's labels specs, then either the commonLabels
 * specs or (templateLabels specs and) metadata labels. */
static bool entry_specs(pr_build_ctx *ctx, const pr_kustomization *k, const pr_node *entry,
                        size_t index, pr_fieldspec_list *specs, pr_error *err)
{
    const pr_tconfig *config = k->tconfig;
    if (!read_custom_specs(ctx, k, pr_map_get(entry, "fields"), specs, err))
        return false;
    bool ok = pr_build_fieldspec_merge(ctx, specs, &config->labels, specs, err);
    if (ok && flag(entry, "includeSelectors")) {
        ok = pr_build_fieldspec_merge(ctx, specs, &config->common_labels, specs, err);
    } else if (ok) {
        if (flag(entry, "includeTemplates") &&
            !pr_build_fieldspec_merge(ctx, specs, &config->template_labels, specs, err))
            return pr_error_prefix(err, "%s: labels[%zu]: failed to merge template fieldSpec",
                                   k->path, index);
        ok = pr_build_fieldspec_merge(ctx, specs, &metadata_labels, specs, err);
    }
    return ok || pr_error_prefix(err, "%s: labels[%zu]: failed to merge labels", k->path, index);
}

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
    pr_fieldspec_list specs;
    if (!entry_specs(ctx, k, entry, index, &specs, err))
        return false;
    const pr_node *pairs = pr_map_get(entry, "pairs");
    if (!pairs || pr_node_is_null(pairs))
        return true;
    if (!pr_check_string_map(k, pairs, "labels pairs", err))
        return false;
    return pr_set_entries(ctx, k, m, pairs, &specs, "labels", err);
}

bool pr_tf_labels(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                  pr_error *err)
{
    const pr_node *common = pr_map_get(k->root, "commonLabels");
    bool has_common = common && !pr_node_is_null(common);
    if (has_common && !pr_check_string_map(k, common, "commonLabels", err))
        return false;
    const pr_node *entries = pr_map_get(k->root, "labels");
    if (entries && !pr_node_is_null(entries)) {
        if (entries->kind != PR_SEQ)
            return pr_error_at(err, k->path, entries->mark.line, entries->mark.col,
                               "labels must be a list");
        for (size_t i = 0; i < entries->seq.len; i++)
            if (!apply_labels_entry(ctx, k, m, entries->seq.items[i], i, err))
                return false;
    }
    return !has_common ||
           pr_set_entries(ctx, k, m, common, &k->tconfig->common_labels, "commonLabels", err);
}
