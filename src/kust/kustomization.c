/*
 * Finding, reading and validating kustomization files: exactly one per
 * directory, decoded as kustomize decodes it into its Go types (a field it
 * does not know is an error, as in kustomize, so nothing is ever silently
 * ignored), deprecated fields warned about in kustomize's words, kind and
 * apiVersion checked, an empty kustomization refused.
 */
#include <string.h>
#include <strings.h>

#include "kust/pipeline.h"
#include "pleo/yaml.h"

#define KIND_KUSTOMIZATION "Kustomization"
#define KIND_COMPONENT "Component"
#define VERSION_KUSTOMIZATION "kustomize.config.k8s.io/v1beta1"
#define VERSION_COMPONENT "kustomize.config.k8s.io/v1alpha1"

/* Deprecated fields in the order kustomize reports them, with the field
 * that replaces each. */
static const struct {
    const char *field, *replacement, *how_to_fix;
} deprecations[] = {
    {"bases", "resources", "Run 'kustomize edit fix'"},
    {"commonLabels", "labels", "Run 'kustomize edit fix'"},
    {"imageTags", "images", "Run 'kustomize edit fix'"},
    {"patchesJson6902", "patches", "Run 'kustomize edit fix'"},
    {"patchesStrategicMerge", "patches", "Run 'kustomize edit fix'"},
    {"vars", "replacements", "[EXPERIMENTAL] Run 'kustomize edit fix'"},
};

static void warn_deprecated_fields(pr_build_ctx *ctx, const pr_node *root)
{
    for (size_t i = 0; i < sizeof deprecations / sizeof deprecations[0]; i++) {
        const pr_node *v = pr_map_get(root, deprecations[i].field);
        if (v && !pr_node_is_null(v))
            pr_sb_addf(ctx->warnings,
                       "# Warning: '%s' is deprecated. Please use '%s' instead. %s to "
                       "update your Kustomization automatically.\n",
                       deprecations[i].field, deprecations[i].replacement,
                       deprecations[i].how_to_fix);
    }
}

/* The fields themselves were checked by pr_kustomization_decode (one table
 * of kustomize's types); what is left is the deprecation warnings. */
static bool validate(pr_build_ctx *ctx, const char *path, pr_node *root,
                     pr_error *err)
{
    if (root->kind != PR_MAP)
        return pr_error_at(err, path, root->mark.line, root->mark.col, "invalid Kustomization: expected a mapping");
    warn_deprecated_fields(ctx, root);
    return true;
}

/* kustomize's EnforceFields, after an empty kind has defaulted to
 * Kustomization: the kind is Kustomization or Component, and a given
 * apiVersion is the one of that kind. */
static bool check_kind(const char *path, const pr_node *root, bool *is_component,
                       pr_error *err)
{
    const pr_node *kind_node = pr_map_get(root, "kind");
    const char *kind = pr_map_get_str(root, "kind");
    const char *api_version = pr_map_get_str(root, "apiVersion");
    if (!kind || !*kind)
        kind = KIND_KUSTOMIZATION;
    *is_component = !strcmp(kind, KIND_COMPONENT);
    if (!*is_component && strcmp(kind, KIND_KUSTOMIZATION) != 0)
        return pr_error_at(err, path, kind_node->mark.line, kind_node->mark.col,
                           "kind should be %s or %s, not \"%s\"", KIND_KUSTOMIZATION,
                           KIND_COMPONENT, kind);
    const char *required = *is_component ? VERSION_COMPONENT : VERSION_KUSTOMIZATION;
    if (api_version && *api_version && strcmp(api_version, required) != 0) {
        const pr_node *v = pr_map_get(root, "apiVersion");
        return pr_error_at(err, path, v->mark.line, v->mark.col,
                           "apiVersion for %s should be %s, not \"%s\"", kind, required,
                           api_version);
    }
    return true;
}

/* kustomize's CheckEmpty: a kustomization whose fields, apiVersion and kind
 * aside, all hold their zero value (absent, null, "", or an empty `bases`
 * or `imageTags`, which kustomize folds into nil lists) builds nothing,
 * which is far more likely a mistake than an intent. */
static bool is_empty(const pr_node *root)
{
    for (size_t i = 0; i < root->map.len; i++) {
        const char *key = root->map.items[i].key->scalar.text;
        const pr_node *v = root->map.items[i].value;
        if (!strcmp(key, "apiVersion") || !strcmp(key, "kind") || pr_node_is_null(v))
            continue;
        if (v->kind == PR_SCALAR && v->tag == PR_TAG_STR && v->scalar.len == 0)
            continue;
        if (v->kind == PR_SEQ && v->seq.len == 0 &&
            (!strcmp(key, "bases") || !strcmp(key, "imageTags")))
            continue;
        return false;
    }
    return true;
}

/* Whether the load restrictor keeps the kustomization whose directory is
 * `root` (canonical) from reading `path`: outside that directory, unless
 * built with LoadRestrictionsNone outside a remote clone. Sets *canonical
 * to the path's canonical form (in ctx->tmp) when it is asked. */
static bool restricted(pr_build_ctx *ctx, const char *root, const char *path,
                       const char **canonical)
{
    *canonical = NULL;
    if (!root || (ctx->load_restrict_none && !pr_clone_containing(ctx, root)))
        return false;
    *canonical = ctx->fs->canonical(ctx->fs, ctx->tmp, path);
    return *canonical && !pr_path_within(root, *canonical);
}

bool pr_kustomization_load(pr_build_ctx *ctx, const char *dir, const char *root,
                           pr_arena *trees, pr_kustomization *out, pr_error *err)
{
    if (!trees)
        trees = ctx->a;
    /* kustomize takes a name only when its loader can read it: a
     * kustomization file linked from outside the directory is no
     * kustomization file under the default load restrictor. */
    const char *path = NULL, *linked_out = NULL;
    for (size_t i = 0; i < 3; i++) {
        pr_arena_pos pos = pr_arena_mark(ctx->tmp);
        const char *candidate = pr_path_join(ctx->tmp, dir, pr_kustomization_names[i]);
        const char *canonical;
        bool found = ctx->fs->path_type(ctx->fs, candidate) == PR_PATH_FILE;
        if (found && restricted(ctx, root, candidate, &canonical)) {
            found = false;
            if (!linked_out)
                linked_out = pr_sprintf(ctx->a, "%s -> %s", pr_kustomization_names[i],
                                        canonical);
        }
        bool twice = found && path;
        if (twice)
            pr_error_set(err, "Found multiple kustomization files under: %s ('%s' and "
                         "'%s'); keep one of them", dir, path, candidate);
        else if (found)
            path = pr_strdup(ctx->a, candidate);
        pr_arena_release(ctx->tmp, pos);
        if (twice)
            return false;
    }
    if (!path && linked_out)
        return pr_error_set(err,
                            "unable to find one of 'kustomization.yaml', "
                            "'kustomization.yml' or 'Kustomization' in directory '%s': "
                            "%s is a link to outside the directory, which the load "
                            "restrictor refuses (copy the file in, or build with "
                            "--load-restrictor LoadRestrictionsNone)",
                            dir, linked_out);
    if (!path)
        return pr_error_set(err,
                            "unable to find one of 'kustomization.yaml', "
                            "'kustomization.yml' or 'Kustomization' in directory '%s'",
                            dir);
    pr_strbuf content;
    pr_sb_init(&content);
    if (!ctx->fs->read_file(ctx->fs, path, &content, err)) {
        pr_sb_release(&content);
        return false;
    }
    pr_doclist docs = {0};
    bool ok = pr_yaml_parse_with(trees, path, content.buf, content.len,
                                 PR_YAML_LAST_KEY_WINS | PR_YAML_SIGS_YAML, &docs, err);
    pr_sb_release(&content);
    if (!ok)
        return false;
    if (docs.len > 1)
        return pr_error_set(err, "%s: a kustomization file holds one YAML document, found %zu",
                            path, docs.len);
    out->dir = dir;
    out->path = path;
    out->root = docs.len ? docs.docs[0] : NULL;
    out->canonical = root;
    if (!out->root)
        out->root = pr_node_map(trees);
    if (!pr_kustomization_decode(trees, path, &out->root, err) ||
        !validate(ctx, path, out->root, err))
        return false;
    if (is_empty(out->root))
        return pr_error_set(err, "%s: the kustomization is empty (kustomize: \"kustomization.yaml "
                            "is empty\"); list resources, components, generators or "
                            "transformers in it, or remove it", path);
    return check_kind(path, out->root, &out->is_component, err);
}

const char *pr_clone_containing(const pr_build_ctx *ctx, const char *canonical)
{
    for (size_t i = 0; i < ctx->n_clones; i++)
        if (pr_path_within(ctx->clone_dirs[i], canonical))
            return ctx->clone_dirs[i];
    return NULL;
}

bool pr_kustomization_read_file(pr_build_ctx *ctx, const pr_kustomization *k,
                                const char *rel, pr_strbuf *out,
                                const char **path_out, pr_error *err)
{
    const char *path = pr_path_join(ctx->a, k->dir, rel);
    if (path_out)
        *path_out = path;
    pr_arena_pos pos = pr_arena_mark(ctx->tmp);
    const char *canonical;
    bool outside = restricted(ctx, k->canonical, path, &canonical);
    if (outside)
        pr_error_set(err,
                     "security; file '%s' is not in or below '%s' (move it into "
                     "the kustomization's directory, or build with "
                     "--load-restrictor LoadRestrictionsNone)",
                     canonical, k->canonical);
    pr_arena_release(ctx->tmp, pos);
    return !outside && ctx->fs->read_file(ctx->fs, path, out, err);
}

bool pr_check_string_map(const pr_kustomization *k, const pr_node *v,
                         const char *field, pr_error *err)
{
    if (v->kind != PR_MAP)
        return pr_error_at(err, k->path, v->mark.line, v->mark.col, "%s must be a mapping", field);
    for (size_t i = 0; i < v->map.len; i++) {
        const pr_node *value = v->map.items[i].value;
        if (value->kind != PR_SCALAR)
            return pr_error_at(err, k->path, value->mark.line, value->mark.col, "%s values must be strings", field);
    }
    return true;
}
