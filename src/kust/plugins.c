/*
 * Plugin configurations: a kustomization's `generators`, `transformers`
 * and `validators` lists, as kustomize's KustTarget reads them.
 *
 * Each entry is either inline YAML (kustomize tries that first: text that
 * parses as objects is taken as configurations) or a path, loaded as a
 * `resources` entry is: a file of objects, or a directory whose
 * kustomization is built first (its own transformers apply to the
 * configurations it yields). Every resulting object configures one plugin:
 * `apiVersion: builtin` selects a builtin by kind, run through the same
 * transformer and generator code the kustomization fields use; any other
 * apiVersion is an external plugin, which only exec KRM functions behind
 * --enable-alpha-plugins --enable-exec can serve (src/kust/krm_exec.c).
 *
 * Order, as kustomize: generator configurations run after the
 * kustomization's own generators, transformer configurations after its
 * builtin transformers (they add to that list, they do not replace it),
 * validators last; within each list, the inline configurations in list
 * order, then those read from paths in list order (kustomize collects
 * them in two passes).
 */
#include <stdlib.h>
#include <string.h>

#include "kust/pipeline.h"
#include "pleo/yaml.h"

typedef enum { ROLE_GENERATOR, ROLE_TRANSFORMER, ROLE_VALIDATOR } plugin_role;

/* One configuration, with the kustomization it came from for errors and
 * file loading. */
typedef struct {
    pr_build_ctx *ctx;
    const pr_kustomization *k;
    const pr_resource *res;
    const pr_node *cfg;
    const char *id; /* kustomize's OrgId text, for messages */
    bool inline_entry; /* positions are within the entry's text, not a file */
    /* kustomize's OriginFromCustomPlugin: what the plugin's products and
     * transformations record; NULL when origins are not tracked. */
    const pr_origin *origin;
} plugin_call;

/* ------------------------------------------------------------------ */
/* Reading configuration fields                                        */

static bool is_true(const pr_node *v)
{
    return v && v->kind == PR_SCALAR && v->tag == PR_TAG_BOOL &&
           (v->scalar.text[0] == 't' || v->scalar.text[0] == 'T');
}

static bool config_error(const plugin_call *c, const pr_node *at, const char *what,
                         pr_error *err)
{
    const pr_node *n = at ? at : c->cfg;
    if (c->inline_entry)
        return pr_error_set(err, "%s: plugin %s fails configuration: %s", c->res->origin,
                            c->id, what);
    return pr_error_at(err, c->res->origin, n->mark.line, n->mark.col,
                       "plugin %s fails configuration: %s", c->id, what);
}

/* `fieldSpecs`: a list of {group, version, kind, path, create}. Sets
 * `*given` when the field is present (kustomize tells nil from empty for
 * the affix transformers). */
static bool read_fieldspecs(const plugin_call *c, pr_fieldspec_list *out, bool *given,
                            pr_error *err)
{
    const pr_node *list = pr_map_get(c->cfg, "fieldSpecs");
    out->specs = NULL;
    out->len = 0;
    if (given)
        *given = list && !pr_node_is_null(list);
    if (!list || pr_node_is_null(list))
        return true;
    if (list->kind != PR_SEQ)
        return config_error(c, list, "fieldSpecs must be a list of {group, version, kind, "
                            "path, create}", err);
    pr_fieldspec *specs = pr_alloc(c->ctx->a, (list->seq.len + 1) * sizeof *specs);
    for (size_t i = 0; i < list->seq.len; i++) {
        const pr_node *f = list->seq.items[i];
        if (f->kind != PR_MAP)
            return config_error(c, f, "each fieldSpecs entry must be a mapping", err);
        const char *path = pr_map_get_str(f, "path");
        specs[i] = (pr_fieldspec){{pr_map_get_str(f, "group"), pr_map_get_str(f, "version"),
                                   pr_map_get_str(f, "kind")},
                                  path ? path : "",
                                  is_true(pr_map_get(f, "create"))};
    }
    out->specs = specs;
    out->len = list->seq.len;
    return true;
}

/* A new mapping holding those of `keys` that `from` has. */
static pr_node *pick(pr_arena *a, const pr_node *from, const char *const *keys)
{
    pr_node *out = pr_node_map(a);
    for (const char *const *key = keys; *key; key++) {
        pr_node *v = pr_map_get(from, *key);
        if (v)
            pr_map_set(a, out, *key, v);
    }
    out->mark = from->mark;
    return out;
}

/* ------------------------------------------------------------------ */
/* Builtin generators                                                  */

/* ConfigMapGenerator and SecretGenerator take the generator entry's
 * fields inline; metadata's name and namespace stand in for an empty
 * `name` or `namespace`, as kustomize's Config fills them. */
static pr_node *generator_entry(const plugin_call *c)
{
    static const char *const keys[] = {"name", "namespace", "behavior", "envs", "env",
                                       "literals", "files", "options", "type", NULL};
    pr_node *entry = pick(c->ctx->a, c->cfg, keys);
    const pr_node *meta = pr_map_get(c->cfg, "metadata");
    static const char *const inherited[] = {"name", "namespace"};
    for (size_t i = 0; i < 2; i++) {
        const char *own = pr_map_get_str(entry, inherited[i]);
        const char *from_meta = pr_map_get_str(meta, inherited[i]);
        if ((!own || !*own) && from_meta && *from_meta)
            pr_map_set_str(c->ctx->a, entry, inherited[i], from_meta);
    }
    return entry;
}

static bool gen_configmap(const plugin_call *c, pr_resmap *m, pr_error *err)
{
    return pr_gen_configmap_entry(c->ctx, c->k, generator_entry(c), c->origin, m, err);
}

static bool gen_secret(const plugin_call *c, pr_resmap *m, pr_error *err)
{
    return pr_gen_secret_entry(c->ctx, c->k, generator_entry(c), c->origin, m, err);
}

/* IAMPolicyGenerator: for cloud "gke", a ServiceAccount bound to a GCP
 * service account through the iam.gke.io annotation. */
static bool gen_iam_policy(const plugin_call *c, pr_resmap *m, pr_error *err)
{
    pr_arena *a = c->ctx->a;
    const char *cloud = pr_map_get_str(c->cfg, "cloud");
    if (!cloud || strcmp(cloud, "gke"))
        return pr_error_set(err, "%s: cloud provider %s not supported yet (IAMPolicyGenerator "
                            "knows only cloud: gke)", c->res->origin, cloud ? cloud : "");
    const pr_node *ks = pr_map_get(c->cfg, "kubernetesService");
    const pr_node *sa = pr_map_get(c->cfg, "serviceAccount");
    const char *sa_name = pr_map_get_str(sa, "name"), *project = pr_map_get_str(sa, "projectId");
    const char *name = pr_map_get_str(ks, "name"), *ns = pr_map_get_str(ks, "namespace");
    pr_node *obj = pr_node_map(a);
    pr_map_set_str(a, obj, "apiVersion", "v1");
    pr_map_set_str(a, obj, "kind", "ServiceAccount");
    pr_node *meta = pr_map_ensure_map(a, obj, "metadata");
    pr_node *annotations = pr_map_ensure_map(a, meta, "annotations");
    pr_map_set_str(a, annotations, "iam.gke.io/gcp-service-account",
                   pr_sprintf(a, "%s@%s.iam.gserviceaccount.com", sa_name ? sa_name : "",
                              project ? project : ""));
    pr_map_set_str(a, meta, "name", name ? name : "");
    if (ns && *ns)
        pr_map_set_str(a, meta, "namespace", ns);
    pr_resource *r = pr_resource_new(a, obj, c->res->origin);
    return pr_resource_add_origin(a, r, c->origin, err) && pr_resmap_append(m, r, err);
}

/* HelmChartInflationGenerator: one configuration holds both the chart
 * (types.HelmChart) and its globals (types.HelmGlobals), inline. */
static bool gen_helm(const plugin_call *c, pr_resmap *m, pr_error *err)
{
    return pr_gen_helm(c->ctx, c->k, c->cfg, c->cfg, pr_sprintf(c->ctx->a, "plugin %s", c->id),
                       c->origin, m, err);
}

/* ------------------------------------------------------------------ */
/* Builtin transformers                                                */

static bool tf_annotations(const plugin_call *c, pr_resmap *m, pr_error *err)
{
    pr_fieldspec_list specs;
    const pr_node *pairs = pr_map_get(c->cfg, "annotations");
    if (!read_fieldspecs(c, &specs, NULL, err))
        return false;
    if (!pairs || pr_node_is_null(pairs))
        return true;
    return pr_check_string_map(c->k, pairs, "annotations", err) &&
           pr_set_entries(c->ctx, c->k, m, pairs, &specs, "annotations", err);
}

static bool tf_labels(const plugin_call *c, pr_resmap *m, pr_error *err)
{
    pr_fieldspec_list specs;
    const pr_node *pairs = pr_map_get(c->cfg, "labels");
    if (!read_fieldspecs(c, &specs, NULL, err))
        return false;
    if (!pairs || pr_node_is_null(pairs))
        return true;
    return pr_check_string_map(c->k, pairs, "labels", err) &&
           pr_set_entries(c->ctx, c->k, m, pairs, &specs, "labels", err);
}

static bool tf_namespace(const plugin_call *c, pr_resmap *m, pr_error *err)
{
    pr_fieldspec_list specs;
    if (!read_fieldspecs(c, &specs, NULL, err))
        return false;
    pr_namespace_config cfg = {pr_map_get_str(pr_map_get(c->cfg, "metadata"), "namespace"),
                               &specs, is_true(pr_map_get(c->cfg, "unsetOnly")),
                               PR_RB_SUBJECTS_DEFAULT_ONLY};
    const pr_node *mode = pr_map_get(c->cfg, "setRoleBindingSubjects");
    const char *text = mode && !pr_node_is_null(mode) ? pr_scalar_text(mode) : "";
    if (text && !strcmp(text, "allServiceAccounts"))
        cfg.subjects = PR_RB_SUBJECTS_ALL_SERVICE_ACCOUNTS;
    else if (text && !strcmp(text, "none"))
        cfg.subjects = PR_RB_SUBJECTS_NONE;
    else if (!text || (*text && strcmp(text, "defaultOnly")))
        return config_error(c, mode,
                            pr_sprintf(c->ctx->a, "invalid value \"%s\" for "
                                       "setRoleBindingSubjects: must be one of \"defaultOnly\", "
                                       "\"none\" or \"allServiceAccounts\"",
                                       text ? text : "(not a string)"),
                            err);
    return pr_tf_namespace_apply(c->ctx, c->k, &cfg, m, err);
}

/* Prefix and suffix transformers refuse a configuration without
 * fieldSpecs, as kustomize does. */
static bool affix(const plugin_call *c, pr_resmap *m, bool prefix, bool suffix, pr_error *err)
{
    pr_fieldspec_list specs;
    bool given;
    if (!read_fieldspecs(c, &specs, &given, err))
        return false;
    if (!given)
        return config_error(c, NULL, "fieldSpecs is not expected to be nil", err);
    return (!prefix || pr_tf_affix_apply(c->ctx, c->k, pr_map_get_str(c->cfg, "prefix"), true,
                                         &specs, m, err)) &&
           (!suffix || pr_tf_affix_apply(c->ctx, c->k, pr_map_get_str(c->cfg, "suffix"), false,
                                         &specs, m, err));
}

static bool tf_prefix_suffix(const plugin_call *c, pr_resmap *m, pr_error *err)
{
    return affix(c, m, true, true, err);
}

static bool tf_prefix(const plugin_call *c, pr_resmap *m, pr_error *err)
{
    return affix(c, m, true, false, err);
}

static bool tf_suffix(const plugin_call *c, pr_resmap *m, pr_error *err)
{
    return affix(c, m, false, true, err);
}

static bool tf_image_tag(const plugin_call *c, pr_resmap *m, pr_error *err)
{
    pr_fieldspec_list specs;
    const pr_node *image = pr_map_get(c->cfg, "imageTag");
    if (!read_fieldspecs(c, &specs, NULL, err))
        return false;
    if (!image || image->kind != PR_MAP)
        return config_error(c, image, "imageTag must be a mapping of name, newName, newTag "
                            "and digest", err);
    return pr_tf_image_apply(c->ctx, c->k, image, "imageTag", &specs, m, err);
}

static bool tf_replica_count(const plugin_call *c, pr_resmap *m, pr_error *err)
{
    pr_fieldspec_list specs;
    const pr_node *replica = pr_map_get(c->cfg, "replica");
    if (!read_fieldspecs(c, &specs, NULL, err))
        return false;
    if (!replica || replica->kind != PR_MAP)
        return config_error(c, replica, "replica must be a mapping of name and count", err);
    return pr_tf_replica_apply(c->ctx, c->k, replica, 0, &specs, m, err);
}

static bool tf_patch(const plugin_call *c, pr_resmap *m, pr_error *err)
{
    static const char *const keys[] = {"path", "patch", "target", "options", NULL};
    return pr_tf_patch_apply(c->ctx, c->k, pick(c->ctx->a, c->cfg, keys), 0, m, err);
}

static bool tf_patch_json6902(const plugin_call *c, pr_resmap *m, pr_error *err)
{
    static const char *const keys[] = {"path", "target", NULL};
    pr_node *entry = pick(c->ctx->a, c->cfg, keys);
    pr_node *ops = pr_map_get(c->cfg, "jsonOp");
    if (ops)
        pr_map_set(c->ctx->a, entry, "patch", ops);
    return pr_tf_json6902_apply(c->ctx, c->k, entry, 0, m, err);
}

/* `paths` (files) and `patches` (inline text) become one list of the
 * strings patchesStrategicMerge takes. */
static bool tf_patch_strategic_merge(const plugin_call *c, pr_resmap *m, pr_error *err)
{
    pr_arena *a = c->ctx->a;
    pr_node *list = pr_node_seq(a);
    const pr_node *paths = pr_map_get(c->cfg, "paths");
    const pr_node *patches = pr_map_get(c->cfg, "patches");
    if (paths && paths->kind == PR_SEQ)
        for (size_t i = 0; i < paths->seq.len; i++)
            pr_seq_append(a, list, paths->seq.items[i]);
    else if (paths && !pr_node_is_null(paths))
        return config_error(c, paths, "paths must be a list of file names", err);
    if (patches && pr_scalar_text(patches) && *pr_scalar_text(patches))
        pr_seq_append(a, list, pr_node_str(a, pr_scalar_text(patches)));
    if (list->seq.len == 0)
        return config_error(c, NULL, "empty file path and empty patch content", err);
    return pr_tf_psm_apply(c->ctx, c->k, list, m, err);
}

static bool tf_replacement(const plugin_call *c, pr_resmap *m, pr_error *err)
{
    const pr_node *list = pr_map_get(c->cfg, "replacements");
    if (!list || pr_node_is_null(list))
        return true;
    return pr_tf_replacements_apply(c->ctx, c->k, list, m, err);
}

static bool tf_hash(const plugin_call *c, pr_resmap *m, pr_error *err)
{
    return pr_tf_hash_apply(c->ctx, m, false, err);
}

/* ValueAddTransformer's `targets` (or a targets file's) into `out`. */
static bool read_value_targets(const plugin_call *c, const pr_node *list, const char *file,
                               pr_value_add_target *out, size_t *n, pr_error *err)
{
    if (!list || pr_node_is_null(list))
        return true;
    if (list->kind != PR_SEQ)
        return file ? pr_error_set(err, "%s: targets must be a list", file)
                    : config_error(c, list, "targets must be a list", err);
    for (size_t i = 0; i < list->seq.len; i++) {
        const pr_node *t = list->seq.items[i];
        const pr_node *pos = pr_map_get(t, "filePathPosition");
        const pr_node *sel = pr_map_get(t, "selector");
        const char *path = pr_map_get_str(t, "fieldPath");
        out[*n] = (pr_value_add_target){sel && !pr_node_is_null(sel) ? sel : NULL,
                                        path ? path : "",
                                        pos ? strtol(pr_scalar_text(pos), NULL, 10) : 0};
        (*n)++;
    }
    return true;
}

static const char *trim_space(pr_arena *a, const char *s)
{
    while (*s && strchr(" \t\n\r\v\f", *s))
        s++;
    size_t len = strlen(s);
    while (len && strchr(" \t\n\r\v\f", s[len - 1]))
        len--;
    return pr_strndup(a, s, len);
}

/* The value defaults to the name of the kustomization's directory;
 * targetFilePath adds the targets of a file after the inline ones. */
static bool tf_value_add(const plugin_call *c, pr_resmap *m, pr_error *err)
{
    pr_arena *a = c->ctx->a;
    const char *given = pr_map_get_str(c->cfg, "value");
    const char *value = trim_space(a, given ? given : "");
    if (!*value) {
        const char *root = c->k->canonical ? c->k->canonical : c->k->dir;
        const char *slash = strrchr(root, '/');
        value = slash && slash[1] ? slash + 1 : root;
    }
    const pr_node *inline_targets = pr_map_get(c->cfg, "targets");
    const char *file = pr_map_get_str(c->cfg, "targetFilePath");
    const pr_node *file_targets = NULL;
    if (file && *file) {
        pr_strbuf text;
        pr_sb_init(&text);
        const char *path;
        pr_doclist docs = {0};
        bool ok = pr_kustomization_read_file(c->ctx, c->k, file, &text, &path, err) &&
                  pr_yaml_parse(a, path, text.buf, text.len, &docs, err);
        pr_sb_release(&text);
        if (!ok)
            return pr_error_prefix(err, "%s: plugin %s: targetFilePath", c->k->path, c->id);
        pr_node *doc = docs.len ? docs.docs[0] : NULL;
        if (doc && !pr_value_add_targets_decode(a, path, &doc, err))
            return pr_error_prefix(err, "%s: plugin %s: targetFilePath", c->k->path, c->id);
        file_targets = doc ? pr_map_get(doc, "targets") : NULL;
    }
    size_t cap = (inline_targets && inline_targets->kind == PR_SEQ ? inline_targets->seq.len : 0) +
                 (file_targets && file_targets->kind == PR_SEQ ? file_targets->seq.len : 0);
    pr_value_add_target *targets = pr_alloc(a, (cap + 1) * sizeof *targets);
    size_t n = 0;
    if (!read_value_targets(c, inline_targets, NULL, targets, &n, err) ||
        !read_value_targets(c, file_targets, file, targets, &n, err))
        return false;
    if (n == 0)
        return config_error(c, NULL, "must specify at least one target", err);
    for (size_t i = 0; i < n; i++) {
        if (!*targets[i].field_path)
            return config_error(c, NULL, "fieldPath cannot be empty", err);
        if (targets[i].file_path_position < 0)
            return config_error(c, NULL,
                                pr_sprintf(a, "value of FilePathPosition (%ld) cannot be negative",
                                           targets[i].file_path_position),
                                err);
    }
    return pr_tf_value_add_apply(c->ctx, c->k, value, targets, n, m, err);
}

typedef bool (*plugin_fn)(const plugin_call *c, pr_resmap *m, pr_error *err);

/* kustomize's builtin plugin table. SortOrderTransformer is left out on
 * purpose, as kustomize leaves it out: only sortOptions reaches it. */
static const struct {
    const char *kind;
    plugin_fn generate, transform;
} builtins[] = {
    {"AnnotationsTransformer", NULL, tf_annotations},
    {"ConfigMapGenerator", gen_configmap, NULL},
    {"IAMPolicyGenerator", gen_iam_policy, NULL},
    {"HashTransformer", NULL, tf_hash},
    {"ImageTagTransformer", NULL, tf_image_tag},
    {"LabelTransformer", NULL, tf_labels},
    {"NamespaceTransformer", NULL, tf_namespace},
    {"PatchJson6902Transformer", NULL, tf_patch_json6902},
    {"PatchStrategicMergeTransformer", NULL, tf_patch_strategic_merge},
    {"PatchTransformer", NULL, tf_patch},
    {"PrefixSuffixTransformer", NULL, tf_prefix_suffix},
    {"PrefixTransformer", NULL, tf_prefix},
    {"SuffixTransformer", NULL, tf_suffix},
    {"ReplicaCountTransformer", NULL, tf_replica_count},
    {"SecretGenerator", gen_secret, NULL},
    {"ValueAddTransformer", NULL, tf_value_add},
    {"HelmChartInflationGenerator", gen_helm, NULL},
    {"ReplacementTransformer", NULL, tf_replacement},
};

/* ------------------------------------------------------------------ */
/* Loading and running                                                 */

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* kustomize's NewResMapFromBytes: text that reads as objects is inline
 * configuration (1, added to `out`); anything else (a plain file name) is
 * not (0). -1 with `err` set when an inline object's origin cannot be
 * recorded. */
static int try_inline(pr_build_ctx *ctx, const pr_kustomization *k, const char *field,
                      size_t index, const char *text, pr_resmap *out, pr_error *err)
{
    pr_error scratch;
    pr_error_init(&scratch);
    pr_resmap *tmp = pr_resmap_new(ctx->a);
    bool ok = pr_load_resources(ctx, k->path, text, strlen(text), tmp, &scratch) &&
              pr_resmap_len(tmp) > 0;
    pr_error_release(&scratch);
    if (!ok)
        return 0;
    for (size_t i = 0; i < pr_resmap_len(tmp); i++) {
        pr_error dup;
        pr_error_init(&dup);
        pr_resource *r = pr_resmap_at(tmp, i);
        r->origin = pr_sprintf(ctx->a, "%s: %s[%zu] (inline)", k->path, field, index);
        /* kustomize: an inline configuration was read from the
         * kustomization file itself */
        if (ctx->origin &&
            !pr_resource_set_origin(ctx->a, r,
                                    pr_origin_append(ctx->a, ctx->origin, base_name(k->path)),
                                    err)) {
            pr_error_prefix(err, "%s: %s[%zu]", k->path, field, index);
            return -1;
        }
        bool added = pr_resmap_append(out, r, &dup);
        pr_error_release(&dup);
        if (!added)
            return 0;
    }
    return 1;
}

static bool load_configs(pr_build_ctx *ctx, const pr_kustomization *k, const char *field,
                         pr_resmap **out, pr_error *err)
{
    const pr_node *list = pr_map_get(k->root, field);
    *out = NULL;
    if (!list || pr_node_is_null(list) || list->kind != PR_SEQ || list->seq.len == 0)
        return true;
    /* kustomize takes every inline configuration first and only then the
     * paths, so inline entries run before files whatever the list order. */
    pr_accumulator acc = pr_accumulator_new(ctx);
    bool *is_path = pr_alloc(ctx->a, list->seq.len * sizeof *is_path);
    for (size_t i = 0; i < list->seq.len; i++) {
        const char *entry = pr_scalar_text(list->seq.items[i]);
        int is_inline = entry ? try_inline(ctx, k, field, i, entry, acc.m, err) : 1;
        if (is_inline < 0)
            return false;
        is_path[i] = !is_inline;
    }
    for (size_t i = 0; i < list->seq.len; i++) {
        const char *entry = pr_scalar_text(list->seq.items[i]);
        if (is_path[i] && !pr_accumulate_path(ctx, k, entry, &acc, err))
            return pr_error_prefix(err, "%s: %s[%zu] %s", k->path, field, i, entry);
    }
    *out = acc.m;
    return true;
}

static const char *org_id_text(pr_arena *a, const pr_resource *r)
{
    pr_resid id = pr_resource_org_id(a, r);
    return pr_sprintf(a, "%s/%s.%s", pr_gvk_string(a, &id.gvk), id.name,
                      *id.namespace ? id.namespace : "[noNs]");
}

/* kustomize's OriginFromCustomPlugin: the configuration's own origin
 * (set when it was read, only while origins are tracked) names where the
 * plugin was configured, and the configuration's id names the plugin. */
static bool plugin_origin(pr_arena *a, const pr_resource *config, const pr_origin **out,
                          pr_error *err)
{
    pr_origin read;
    *out = NULL;
    int has = pr_resource_get_origin(a, config, &read, err);
    if (has <= 0)
        return has == 0;
    pr_origin *o = pr_alloc(a, sizeof *o);
    memset(o, 0, sizeof *o);
    const pr_node *meta = pr_map_get(config->obj, "metadata");
    o->repo = read.repo;
    o->ref = read.ref;
    o->configured_in = read.path;
    o->by_api_version = pr_map_get_str(config->obj, "apiVersion");
    o->by_kind = pr_map_get_str(config->obj, "kind");
    o->by_name = pr_map_get_str(meta, "name");
    o->by_namespace = pr_map_get_str(meta, "namespace");
    *out = o;
    return true;
}

static bool run_one(pr_build_ctx *ctx, const pr_kustomization *k, const pr_resource *res,
                    plugin_role role, pr_resmap *m, pr_error *err)
{
    pr_arena *a = ctx->a;
    size_t n = strlen(res->origin);
    plugin_call c = {ctx, k, res, res->obj, org_id_text(a, res),
                     n > 9 && !strcmp(res->origin + n - 9, " (inline)"), NULL};
    if (!plugin_origin(a, res, &c.origin, err))
        return pr_error_prefix(err, "%s: plugin %s", k->path, c.id);
    pr_gvk gvk = pr_obj_gvk(a, res->obj);
    const char *api = pr_map_get_str(res->obj, "apiVersion");
    if (!api || strcmp(api, "builtin"))
        return pr_krm_exec_run(ctx, k, res, role == ROLE_GENERATOR, c.origin, m, err);
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
        if (strcmp(builtins[i].kind, gvk.kind))
            continue;
        plugin_fn fn = role == ROLE_GENERATOR ? builtins[i].generate : builtins[i].transform;
        /* kustomize configures the plugin before it asks what it is */
        pr_node *cfg = res->obj;
        if (!pr_plugin_config_decode(a, res->origin, !c.inline_entry, gvk.kind, c.id, &cfg, err))
            return false;
        c.cfg = cfg;
        if (!fn)
            return pr_error_set(err, "%s: plugin %s not a %s", k->path, c.id,
                                role == ROLE_GENERATOR ? "generator" : "transformer");
        return fn(&c, m, err);
    }
    return pr_error_set(err, "%s: unable to load builtin %s (not one of kustomize's builtin "
                        "plugins; SortOrderTransformer is reached only through sortOptions)",
                        k->path, pr_gvk_string(a, &gvk));
}

bool pr_plugins_generate(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                         pr_error *err)
{
    pr_resmap *configs;
    if (!load_configs(ctx, k, "generators", &configs, err))
        return pr_error_prefix(err, "loading generator plugins");
    for (size_t i = 0; configs && i < pr_resmap_len(configs); i++)
        if (!run_one(ctx, k, pr_resmap_at(configs, i), ROLE_GENERATOR, m, err))
            return false;
    return true;
}

bool pr_plugins_transform(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                          pr_error *err)
{
    pr_resmap *configs;
    if (!load_configs(ctx, k, "transformers", &configs, err))
        return false;
    for (size_t i = 0; configs && i < pr_resmap_len(configs); i++) {
        const pr_resource *config = pr_resmap_at(configs, i);
        const pr_origin *origin;
        if (!run_one(ctx, k, config, ROLE_TRANSFORMER, m, err))
            return false;
        if (!plugin_origin(ctx->a, config, &origin, err) ||
            !pr_resmap_record_transformer(ctx->a, m, origin, err))
            return pr_error_prefix(err, "%s: recording plugin %s in the transformer annotations",
                                   k->path, org_id_text(ctx->a, config));
        pr_resmap_ids_changed(m);
    }
    return true;
}

/* The objects' text with the validated-by label left out, one after the
 * other: what a validator may not change. */
static bool snapshot(pr_arena *a, const pr_resmap *m, pr_strbuf *out, pr_error *err)
{
    for (size_t i = 0; i < pr_resmap_len(m); i++) {
        pr_node *obj = pr_node_copy(a, pr_resmap_at(m, i)->obj);
        pr_node *labels = pr_map_get(pr_map_get(obj, "metadata"), "labels");
        if (labels && labels->kind == PR_MAP)
            pr_map_remove(labels, "validated-by");
        pr_sb_adds(out, "---\n");
        if (!pr_yaml_emit(obj, out, err))
            return false;
    }
    return true;
}

bool pr_plugins_validate(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                         pr_error *err)
{
    pr_resmap *configs;
    if (!load_configs(ctx, k, "validators", &configs, err))
        return false;
    for (size_t i = 0; configs && i < pr_resmap_len(configs); i++) {
        pr_strbuf before, after;
        pr_sb_init(&before);
        pr_sb_init(&after);
        bool ok = snapshot(ctx->a, m, &before, err) &&
                  run_one(ctx, k, pr_resmap_at(configs, i), ROLE_VALIDATOR, m, err) &&
                  snapshot(ctx->a, m, &after, err);
        if (ok && (before.len != after.len || memcmp(before.buf, after.buf, before.len)))
            ok = pr_error_set(err, "%s: validator shouldn't modify the resource map (%s "
                              "changed the objects; validators may only add the "
                              "validated-by label)",
                              k->path, org_id_text(ctx->a, pr_resmap_at(configs, i)));
        pr_sb_release(&before);
        pr_sb_release(&after);
        if (!ok)
            return false;
    }
    return true;
}
