/*
 * Finding, reading and validating kustomization files.
 *
 * Validation is strict in two ways: a field kustomize does not know is an
 * error (kustomize's own behaviour), and a field kustomize knows but this
 * renderer does not implement yet is an error too, so nothing is ever
 * silently ignored.
 */
#include <string.h>

#include "kust/pipeline.h"
#include "pleo/yaml.h"

static const char *const kustomization_names[] = {
    "kustomization.yaml", "kustomization.yml", "Kustomization"};

typedef enum { FIELD_SUPPORTED, FIELD_UNSUPPORTED } field_support;

typedef struct {
    const char *name;
    field_support support;
    const char *replacement; /* non-NULL: deprecated in favour of this */
} field_info;

/* Every field of kustomize v5.5's Kustomization type. */
static const field_info known_fields[] = {
    {"apiVersion", FIELD_SUPPORTED, NULL},
    {"kind", FIELD_SUPPORTED, NULL},
    {"metadata", FIELD_SUPPORTED, NULL},
    {"resources", FIELD_SUPPORTED, NULL},
    {"namespace", FIELD_SUPPORTED, NULL},
    {"commonLabels", FIELD_SUPPORTED, "labels"},
    {"images", FIELD_SUPPORTED, NULL},
    {"patches", FIELD_SUPPORTED, NULL},
    {"configMapGenerator", FIELD_SUPPORTED, NULL},
    {"openapi", FIELD_UNSUPPORTED, NULL},
    {"namePrefix", FIELD_UNSUPPORTED, NULL},
    {"nameSuffix", FIELD_UNSUPPORTED, NULL},
    {"labels", FIELD_UNSUPPORTED, NULL},
    {"commonAnnotations", FIELD_UNSUPPORTED, NULL},
    {"patchesStrategicMerge", FIELD_UNSUPPORTED, "patches"},
    {"patchesJson6902", FIELD_UNSUPPORTED, "patches"},
    {"imageTags", FIELD_UNSUPPORTED, "images"},
    {"replacements", FIELD_UNSUPPORTED, NULL},
    {"replicas", FIELD_UNSUPPORTED, NULL},
    {"vars", FIELD_UNSUPPORTED, NULL},
    {"sortOptions", FIELD_UNSUPPORTED, NULL},
    {"components", FIELD_UNSUPPORTED, NULL},
    {"crds", FIELD_UNSUPPORTED, NULL},
    {"bases", FIELD_UNSUPPORTED, "resources"},
    {"secretGenerator", FIELD_UNSUPPORTED, NULL},
    {"helmGlobals", FIELD_UNSUPPORTED, NULL},
    {"helmCharts", FIELD_UNSUPPORTED, NULL},
    {"helmChartInflationGenerator", FIELD_UNSUPPORTED, NULL},
    {"generatorOptions", FIELD_UNSUPPORTED, NULL},
    {"configurations", FIELD_UNSUPPORTED, NULL},
    {"generators", FIELD_UNSUPPORTED, NULL},
    {"transformers", FIELD_UNSUPPORTED, NULL},
    {"validators", FIELD_UNSUPPORTED, NULL},
    {"buildMetadata", FIELD_UNSUPPORTED, NULL},
};

static const field_info *find_field(const char *name)
{
    for (size_t i = 0; i < sizeof known_fields / sizeof known_fields[0]; i++)
        if (!strcmp(known_fields[i].name, name))
            return &known_fields[i];
    return NULL;
}

void pr_warn_deprecated(pr_build_ctx *ctx, const char *field,
                        const char *replacement)
{
    pr_sb_addf(ctx->warnings,
               "# Warning: '%s' is deprecated. Please use '%s' instead. Run "
               "'kustomize edit fix' to update your Kustomization "
               "automatically.\n",
               field, replacement);
}

static bool validate(pr_build_ctx *ctx, const char *path, pr_node *root,
                     pr_error *err)
{
    if (!root)
        return true;
    if (root->kind != PR_MAP)
        return pr_error_set(err, "%s:%d:%d: invalid Kustomization: expected a mapping",
                            path, root->mark.line, root->mark.col);
    for (size_t i = 0; i < root->map.len; i++) {
        const pr_node *key = root->map.items[i].key;
        const field_info *f = find_field(key->scalar.text);
        if (!f)
            return pr_error_set(err,
                                "%s:%d:%d: invalid Kustomization: json: unknown field \"%s\"",
                                path, key->mark.line, key->mark.col, key->scalar.text);
        if (f->support == FIELD_UNSUPPORTED)
            return pr_error_set(err,
                                "%s:%d:%d: field \"%s\" is not supported yet by pleo-render",
                                path, key->mark.line, key->mark.col, key->scalar.text);
    }
    const char *kind = pr_map_get_str(root, "kind");
    if (kind && *kind && strcmp(kind, "Kustomization") != 0)
        return pr_error_set(err, "%s: kind \"%s\" is not supported yet by pleo-render",
                            path, kind);
    for (size_t i = 0; i < root->map.len; i++) {
        const field_info *f = find_field(root->map.items[i].key->scalar.text);
        if (f->replacement)
            pr_warn_deprecated(ctx, f->name, f->replacement);
    }
    return true;
}

bool pr_kustomization_load(pr_build_ctx *ctx, const char *dir,
                           pr_kustomization *out, pr_error *err)
{
    const char *path = NULL;
    for (size_t i = 0; i < 3; i++) {
        const char *candidate = pr_path_join(ctx->a, dir, kustomization_names[i]);
        if (ctx->fs->path_type(ctx->fs, candidate) == PR_PATH_FILE) {
            path = candidate;
            break;
        }
    }
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
    bool ok = pr_yaml_parse(ctx->a, path, content.buf, content.len, &docs, err);
    pr_sb_release(&content);
    if (!ok)
        return false;
    if (docs.len > 1)
        return pr_error_set(err, "%s: a kustomization file holds one YAML document, found %zu",
                            path, docs.len);
    out->dir = dir;
    out->path = path;
    out->root = docs.len ? docs.docs[0] : NULL;
    out->canonical = ctx->fs->canonical(ctx->fs, ctx->a, dir);
    if (!out->root)
        out->root = pr_node_map(ctx->a);
    return validate(ctx, path, out->root, err);
}

bool pr_kustomization_read_file(pr_build_ctx *ctx, const pr_kustomization *k,
                                const char *rel, pr_strbuf *out,
                                const char **path_out, pr_error *err)
{
    const char *path = pr_path_join(ctx->a, k->dir, rel);
    if (path_out)
        *path_out = path;
    if (!ctx->load_restrict_none) {
        const char *canon = ctx->fs->canonical(ctx->fs, ctx->a, path);
        if (canon && k->canonical && !pr_path_within(k->canonical, canon))
            return pr_error_set(err,
                                "security; file '%s' is not in or below '%s'",
                                canon, k->canonical);
    }
    return ctx->fs->read_file(ctx->fs, path, out, err);
}
