/*
 * The build pipeline, in the order kustomize runs it. pr_accumulate builds
 * one kustomization (recursing into bases first); pr_build_render adds the
 * passes kustomize runs once over the whole tree and writes the result.
 * Output is produced only when the whole build succeeded and every object
 * converts to JSON, so a failure never yields half a stream; it is handed
 * to a sink a piece at a time (pr_build_render collects it in a buffer).
 */
#include <string.h>

#include "kust/pipeline.h"
#include "kust/remote.h"
#include "pleo/proc.h"
#include "pleo/build.h"
#include "pleo/yaml.h"

static bool is_list_kind(const pr_node *obj)
{
    const char *kind = pr_map_get_str(obj, "kind");
    size_t n = kind ? strlen(kind) : 0;
    const pr_node *items = pr_map_get(obj, "items");
    return n >= 4 && !strcmp(kind + n - 4, "List") && items &&
           (items->kind == PR_SEQ || pr_node_is_null(items));
}

static bool add_object(pr_build_ctx *ctx, const char *filename, pr_node *obj,
                       pr_resmap *m, pr_error *err)
{
    if (obj->kind == PR_MAP && is_list_kind(obj)) {
        const pr_node *items = pr_map_get(obj, "items");
        for (size_t i = 0; items->kind == PR_SEQ && i < items->seq.len; i++)
            if (!add_object(ctx, filename, items->seq.items[i], m, err))
                return false;
        return true;
    }
    if (!pr_obj_check(obj, filename, err))
        return false;
    pr_obj_normalize_annotations(obj);
    return pr_resmap_append(m, pr_resource_new(ctx->a, obj, filename), err);
}

bool pr_load_resources(pr_build_ctx *ctx, const char *filename,
                       const char *data, size_t len, pr_resmap *m,
                       pr_error *err)
{
    pr_doclist docs = {0};
    if (!pr_yaml_parse(ctx->a, filename, data, len, &docs, err))
        return false;
    /* What JSON cannot hold (.nan, a key like 1) is an error only if it is
     * still there when kustomize converts the object to JSON, at output
     * or for a JSON patch: a transformer may replace it first. */
    for (size_t i = 0; i < docs.len; i++)
        if (docs.docs[i] && !add_object(ctx, filename, docs.docs[i], m, err))
            return false;
    return true;
}

static bool accumulate_file(pr_build_ctx *ctx, const pr_kustomization *k,
                            const char *entry, pr_resmap *m, pr_error *err)
{
    pr_strbuf content;
    pr_sb_init(&content);
    const char *path;
    size_t before = pr_resmap_len(m);
    bool ok = pr_kustomization_read_file(ctx, k, entry, &content, &path, err) &&
              pr_load_resources(ctx, path, content.buf, content.len, m, err) &&
              pr_resources_set_origin(ctx, m, before, entry, err);
    pr_sb_release(&content);
    return ok;
}

pr_accumulator pr_accumulator_new(pr_build_ctx *ctx)
{
    /* An empty configuration, as kustomize starts: builtin specs arrive
     * with each kustomization's own configuration. */
    pr_accumulator acc = {pr_resmap_new(ctx->a), pr_alloc(ctx->a, sizeof(pr_tconfig)), NULL};
    return acc;
}

/* kustomize's MergeAccumulator: what a base built on its own joins its
 * includer's accumulator. */
static bool merge_accumulator(pr_build_ctx *ctx, pr_accumulator *into,
                              const pr_accumulator *from, pr_error *err)
{
    if (!pr_resmap_append_all(into->m, from->m, err))
        return false;
    if (!pr_build_tconfig_merge(ctx, into->tconfig, from->tconfig, into->tconfig, err))
        return pr_error_prefix(err, "merging its transformer configuration");
    if (!pr_varset_merge(ctx, &into->vars, from->vars, err))
        return pr_error_prefix(err, "merging its vars");
    return true;
}

typedef enum { AS_ROOT, AS_RESOURCE, AS_COMPONENT } dir_role;

/* kustomize moves its origin down into a base or component by the entry
 * naming it and back up when done; returns the origin to restore. */
static const pr_origin *enter_origin(pr_build_ctx *ctx, const char *entry)
{
    const pr_origin *saved = ctx->origin;
    if (saved)
        ctx->origin = pr_origin_append(ctx->a, saved, entry);
    return saved;
}

static bool accumulate_dir(pr_build_ctx *ctx, const char *dir, dir_role role,
                           pr_accumulator *acc, pr_error *err);

/* A remote base: the repository is cloned (once per build for one URL
 * and ref) and the directory the URL names in it is built like a local
 * one; kustomizations in it are then load-restricted to their own
 * directories (see pr_kustomization_read_file). */
static bool accumulate_repo(pr_build_ctx *ctx, const pr_repo_spec *rs, dir_role role,
                            pr_accumulator *acc, pr_error *err)
{
    const char *key = pr_sprintf(ctx->a, "%s?ref=%s&submodules=%d",
                                 pr_repo_spec_clone_url(ctx->a, rs), rs->ref, rs->submodules);
    const char *clone = NULL;
    for (size_t i = 0; i < ctx->n_clones && !clone; i++)
        if (!strcmp(ctx->clone_keys[i], key))
            clone = ctx->clone_dirs[i];
    if (!clone) {
        const char *dir;
        if (!pr_repo_clone(ctx->a, rs, &dir, err))
            return false;
        clone = ctx->fs->canonical(ctx->fs, ctx->a, dir);
        if (!clone) {
            pr_remove_tree(dir);
            return pr_error_set(err, "'%s': the clone vanished", dir);
        }
        size_t cap = ctx->clones_cap;
        ctx->clone_dirs = pr_grow(ctx->a, ctx->clone_dirs, sizeof *ctx->clone_dirs, &cap,
                                  ctx->n_clones + 1);
        cap = ctx->clones_cap;
        ctx->clone_keys = pr_grow(ctx->a, ctx->clone_keys, sizeof *ctx->clone_keys, &cap,
                                  ctx->n_clones + 1);
        ctx->clones_cap = cap;
        ctx->clone_dirs[ctx->n_clones] = clone;
        ctx->clone_keys[ctx->n_clones++] = key;
    }
    const char *root = pr_path_join(ctx->a, clone, rs->kust_root);
    switch (ctx->fs->path_type(ctx->fs, root)) {
    case PR_PATH_DIR:
        break;
    case PR_PATH_FILE:
        return pr_error_set(err, "'%s' refers to file '%s'; expecting directory",
                            root, rs->kust_root);
    default:
        return pr_error_set(err, "'%s' is not a directory in the repository %s (ref '%s')",
                            rs->kust_root, pr_repo_spec_clone_url(ctx->a, rs),
                            *rs->ref ? rs->ref : "HEAD");
    }
    const char *canonical = ctx->fs->canonical(ctx->fs, ctx->a, root);
    if (!canonical || !pr_path_within(clone, canonical))
        return pr_error_set(err, "\"%s\" refers to directory outside of repo \"%s\"", root,
                            clone);
    if (role == AS_COMPONENT)
        return accumulate_dir(ctx, root, AS_COMPONENT, acc, err);
    pr_accumulator sub = pr_accumulator_new(ctx);
    return accumulate_dir(ctx, root, AS_RESOURCE, &sub, err) &&
           merge_accumulator(ctx, acc, &sub, err);
}

/* kustomize's ldr.New for a directory entry: a git URL when it parses as
 * one, otherwise a local directory, which from inside a clone must stay in
 * that clone. Returns -1 when it is neither (nothing is reported then). */
static int accumulate_base_at(pr_build_ctx *ctx, const pr_kustomization *k, const char *entry,
                              dir_role role, pr_accumulator *acc, pr_error *err)
{
    pr_repo_spec rs;
    if (pr_repo_spec_parse(ctx->a, entry, ctx->warnings, &rs, NULL))
        return accumulate_repo(ctx, &rs, role, acc, err);
    const char *path = pr_path_join(ctx->a, k->dir, entry);
    if (ctx->fs->path_type(ctx->fs, path) != PR_PATH_DIR)
        return -1;
    const char *clone = k->canonical ? pr_clone_containing(ctx, k->canonical) : NULL;
    const char *canonical = ctx->fs->canonical(ctx->fs, ctx->a, path);
    if (clone && canonical && !pr_path_within(clone, canonical))
        return pr_error_set(err, "security; bases in kustomizations found in cloned git repos "
                            "must be within the repo, but base '%s' is outside '%s'",
                            canonical, clone);
    if (role == AS_COMPONENT)
        return accumulate_dir(ctx, path, AS_COMPONENT, acc, err);
    pr_accumulator sub = pr_accumulator_new(ctx);
    if (!clone && pr_base_cache_take(ctx, path, canonical, &sub))
        return merge_accumulator(ctx, acc, &sub, err);
    pr_base_snapshot before = pr_base_cache_before(ctx);
    if (!accumulate_dir(ctx, path, AS_RESOURCE, &sub, err))
        return false;
    if (!clone)
        pr_base_cache_keep(ctx, &before, path, canonical, &sub);
    return merge_accumulator(ctx, acc, &sub, err);
}

/* accumulate_base_at with kustomize's origin moved down into the base or
 * component by the entry naming it, and back up when done. */
static int accumulate_base(pr_build_ctx *ctx, const pr_kustomization *k, const char *entry,
                           dir_role role, pr_accumulator *acc, pr_error *err)
{
    const pr_origin *saved = enter_origin(ctx, entry);
    int rc = accumulate_base_at(ctx, k, entry, role, acc, err);
    ctx->origin = saved;
    return rc;
}

/* An http(s) entry, tried as a file first as kustomize does. Returns 1
 * when loaded, 0 on an error that ends the build, -1 when the URL is to be
 * tried as a git repository (no answer, or a failing status on a URL that
 * is also a repository URL). */
static int accumulate_url(pr_build_ctx *ctx, const char *entry, pr_resmap *m, pr_error *err)
{
    pr_strbuf body;
    pr_sb_init(&body);
    int status = pr_http_get(entry, &body, err);
    int rc;
    pr_repo_spec rs;
    if (status >= 200 && status <= 299)
        rc = pr_load_resources(ctx, entry, body.buf, body.len, m, err) ? 1 : 0;
    else if (status < 0 || pr_repo_spec_parse(ctx->a, entry, NULL, &rs, NULL))
        rc = -1;
    else
        rc = pr_error_set(err, "HTTP Error: status code %d fetching %s", status, entry) ? 1 : 0;
    pr_sb_release(&body);
    return rc;
}

/* A `resources` (or `bases`) entry: a file of objects, a kustomization
 * directory built with an accumulator of its own, then merged, a remote
 * file or a remote base. */
static bool accumulate_resource(pr_build_ctx *ctx, const pr_kustomization *k,
                                const char *entry, pr_accumulator *acc, pr_error *err)
{
    if (pr_is_remote_file(entry)) {
        pr_error url_err;
        pr_error_init(&url_err);
        int rc = accumulate_url(ctx, entry, acc->m, &url_err);
        if (rc >= 0) {
            if (!rc) {
                pr_error_set(err, "%s", pr_error_text(&url_err));
            }
            pr_error_release(&url_err);
            return rc == 1;
        }
        rc = accumulate_base(ctx, k, entry, AS_RESOURCE, acc, err);
        if (rc < 0)
            pr_error_set(err, "%s", pr_error_text(&url_err));
        pr_error_release(&url_err);
        return rc == 1;
    }
    pr_arena_pos pos = pr_arena_mark(ctx->tmp);
    const char *path = pr_path_join(ctx->tmp, k->dir, entry);
    bool is_file = ctx->fs->path_type(ctx->fs, path) == PR_PATH_FILE;
    pr_arena_release(ctx->tmp, pos);
    if (is_file)
        return accumulate_file(ctx, k, entry, acc->m, err);
    int rc = accumulate_base(ctx, k, entry, AS_RESOURCE, acc, err);
    if (rc >= 0)
        return rc == 1;
    path = pr_path_join(ctx->a, k->dir, entry);
    pr_repo_spec rs;
    pr_error why;
    pr_error_init(&why);
    if (strstr(entry, "://") && !pr_repo_spec_parse(ctx->a, entry, NULL, &rs, &why))
        pr_error_set(err, "'%s': no such file or directory, and not a git repository URL "
                     "kustomize accepts: %s", path, pr_error_text(&why));
    else
        pr_error_set(err, "'%s': no such file or directory (or a dangling or looping "
                     "symlink)", path);
    pr_error_release(&why);
    return false;
}

bool pr_accumulate_path(pr_build_ctx *ctx, const pr_kustomization *k, const char *entry,
                        pr_accumulator *acc, pr_error *err)
{
    return accumulate_resource(ctx, k, entry, acc, err);
}

/* A `components` entry: always a directory (local or in a remote base),
 * whose kustomization works on the includer's accumulator directly. */
static bool accumulate_component(pr_build_ctx *ctx, const pr_kustomization *k,
                                 const char *entry, pr_accumulator *acc, pr_error *err)
{
    const char *path = pr_path_join(ctx->a, k->dir, entry);
    int rc = accumulate_base(ctx, k, entry, AS_COMPONENT, acc, err);
    if (rc >= 0)
        return rc == 1;
    if (ctx->fs->path_type(ctx->fs, path) == PR_PATH_FILE)
        return pr_error_set(err, "'%s' is not a directory: a component is a directory "
                            "holding a kustomization of kind Component", path);
    return pr_error_set(err, "'%s': no such file or directory (or a dangling or "
                        "looping symlink); a component is a directory", path);
}

typedef bool (*entry_accumulator)(pr_build_ctx *ctx, const pr_kustomization *k,
                                  const char *entry, pr_accumulator *acc, pr_error *err);

static bool accumulate_list(pr_build_ctx *ctx, const pr_kustomization *k,
                            const char *field, entry_accumulator add,
                            pr_accumulator *acc, pr_error *err)
{
    const pr_node *list = pr_map_get(k->root, field);
    if (!list || pr_node_is_null(list))
        return true;
    if (list->kind != PR_SEQ)
        return pr_error_at(err, k->path, list->mark.line, list->mark.col, "%s must be a list of paths", field);
    for (size_t i = 0; i < list->seq.len; i++) {
        const pr_node *item = list->seq.items[i];
        const char *entry = pr_scalar_text(item);
        if (!entry)
            return pr_error_at(err, k->path, item->mark.line, item->mark.col, "%s[%zu] must be a path", field, i);
        if (!*entry) /* kustomize: "new root cannot be empty" */
            return pr_error_at(err, k->path, item->mark.line, item->mark.col,
                               "%s[%zu] is empty: give a file or directory, or remove the entry",
                               field, i);
        if (!add(ctx, k, entry, acc, err))
            return pr_error_prefix(err, "%s: %s[%zu] %s", k->path, field, i, entry);
    }
    return true;
}

/* `bases` is the deprecated spelling of `resources`; kustomize appends it. */
static bool accumulate_resources(pr_build_ctx *ctx, const pr_kustomization *k,
                                 pr_accumulator *acc, pr_error *err)
{
    return accumulate_list(ctx, k, "resources", accumulate_resource, acc, err) &&
           accumulate_list(ctx, k, "bases", accumulate_resource, acc, err);
}

/* kustomize merges a kustomization's own configuration (builtin specs and
 * `configurations`, then what its `crds` say) into what its resources
 * brought, after reading them and before running generators. */
static bool merge_own_config(pr_build_ctx *ctx, const pr_kustomization *k,
                             pr_tconfig *tconfig, pr_error *err)
{
    const pr_tconfig *own;
    if (!pr_tconfig_read(ctx, k, &own, err))
        return false;
    if (!pr_build_tconfig_merge(ctx, tconfig, own, tconfig, err))
        return pr_error_prefix(err, "%s: merging its transformer configuration into that "
                               "of its resources", k->path);
    pr_tconfig crds;
    if (!pr_crds_config(ctx, k, &crds, err))
        return false;
    if (!pr_build_tconfig_merge(ctx, tconfig, &crds, tconfig, err))
        return pr_error_prefix(err, "%s: merging the field specs of its crds", k->path);
    return true;
}

static bool push_dir(pr_build_ctx *ctx, const char *dir, const char *canonical,
                     pr_error *err)
{
    for (size_t i = 0; i < ctx->depth; i++) {
        if (!strcmp(ctx->stack[i], canonical)) {
            pr_error_set(err, "cycle detected: kustomization '%s' includes itself via", dir);
            for (size_t j = i; j < ctx->depth; j++)
                pr_sb_addf(&err->msg, " %s ->", ctx->stack[j]);
            pr_sb_addf(&err->msg, " %s", canonical);
            return false;
        }
    }
    ctx->stack = pr_grow(ctx->a, ctx->stack, sizeof *ctx->stack,
                         &ctx->stack_cap, ctx->depth + 1);
    ctx->stack[ctx->depth++] = canonical;
    return true;
}

/* How many instances of a builtin plugin kustomize configures from `k`:
 * one per entry of list fields, one for a field that is set. */
static size_t list_len(const pr_kustomization *k, const char *field)
{
    const pr_node *v = pr_map_get(k->root, field);
    return v && v->kind == PR_SEQ ? v->seq.len : 0;
}

static size_t is_set(const pr_kustomization *k, const char *field)
{
    const pr_node *v = pr_map_get(k->root, field);
    if (!v || pr_node_is_null(v))
        return 0;
    if (v->kind == PR_SCALAR)
        return *v->scalar.text != '\0';
    return v->kind == PR_MAP ? v->map.len != 0 : v->seq.len != 0;
}

/* With transformerAnnotations (any buildMetadata, in fact), kustomize
 * records each builtin transformer it ran on every object of the
 * accumulator; the count is what its configurators make. Each pass here
 * runs all the instances of one plugin before they are recorded, which
 * only differs from kustomize when a transformer reads those annotations. */
static bool run_transformers(pr_build_ctx *ctx, const pr_kustomization *k,
                             pr_resmap *m, pr_error *err)
{
    typedef bool (*tf_fn)(pr_build_ctx *, const pr_kustomization *, pr_resmap *, pr_error *);
    size_t labels = is_set(k, "labels") || is_set(k, "commonLabels") ? list_len(k, "labels") + 1 : 0;
    const struct {
        tf_fn run;
        const char *kind, *kind2;
        size_t times, times2;
    } steps[] = {
        {pr_tf_patches_strategic_merge, "PatchStrategicMergeTransformer", NULL,
         is_set(k, "patchesStrategicMerge"), 0},
        {pr_tf_patches, "PatchTransformer", NULL, list_len(k, "patches"), 0},
        {pr_tf_namespace, "NamespaceTransformer", NULL, is_set(k, "namespace"), 0},
        {pr_tf_prefix_suffix, "PrefixTransformer", "SuffixTransformer",
         is_set(k, "namePrefix"), is_set(k, "nameSuffix")},
        {pr_tf_labels, "LabelTransformer", NULL, labels, 0},
        {pr_tf_annotations, "AnnotationsTransformer", NULL, is_set(k, "commonAnnotations"), 0},
        {pr_tf_patches_json6902, "PatchJson6902Transformer", NULL, list_len(k, "patchesJson6902"), 0},
        {pr_tf_replicas, "ReplicaCountTransformer", NULL, list_len(k, "replicas"), 0},
        {pr_tf_images, "ImageTagTransformer", NULL,
         list_len(k, "images") + list_len(k, "imageTags"), 0},
        {pr_tf_replacements, "ReplacementTransformer", NULL, is_set(k, "replacements"), 0},
    };
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        if (!steps[i].run(ctx, k, m, err) ||
            !pr_resmap_add_transformation(ctx, k, m, steps[i].kind, steps[i].times, err) ||
            (steps[i].kind2 &&
             !pr_resmap_add_transformation(ctx, k, m, steps[i].kind2, steps[i].times2, err)))
            return false;
    return true;
}

/* kustomize's order for one kustomization: resources, configuration,
 * generators (its fields', then its `generators` plugins), then components
 * (after generators, so a component can patch or merge into what the
 * includer generated), then transformers (its fields', then its
 * `transformers` plugins), which see the configuration the components
 * merged in, then its `validators`, and last its vars, recorded
 * on the objects they name as those objects are named now. */
static bool accumulate_target(pr_build_ctx *ctx, pr_kustomization *k,
                              pr_accumulator *acc, pr_error *err)
{
    k->tconfig = acc->tconfig;
    return accumulate_resources(ctx, k, acc, err) &&
           merge_own_config(ctx, k, acc->tconfig, err) &&
           pr_gen_configmaps(ctx, k, acc->m, err) &&
           pr_gen_secrets(ctx, k, acc->m, err) &&
           pr_gen_helm_charts(ctx, k, acc->m, err) &&
           pr_plugins_generate(ctx, k, acc->m, err) &&
           accumulate_list(ctx, k, "components", accumulate_component, acc, err) &&
           run_transformers(ctx, k, acc->m, err) &&
           pr_plugins_transform(ctx, k, acc->m, err) &&
           pr_plugins_validate(ctx, k, acc->m, err) &&
           pr_vars_merge_own(ctx, k, acc->m, &acc->vars, err);
}

/* A directory's kind must fit where it is listed: components under
 * `components`, kustomizations under `resources`; the build root may be
 * either. */
static bool check_role(const pr_kustomization *k, dir_role role, pr_error *err)
{
    if (role == AS_COMPONENT && !k->is_component)
        return pr_error_set(err, "%s: expected kind 'Component' for a directory listed under "
                            "`components`, but it is a Kustomization; list it under "
                            "`resources`, or give it `kind: Component` and `apiVersion: "
                            "kustomize.config.k8s.io/v1alpha1`", k->path);
    if (role == AS_RESOURCE && k->is_component)
        return pr_error_set(err, "%s: expected kind != 'Component' for a directory listed "
                            "under `resources`; list a Component under `components`",
                            k->path);
    return true;
}

/* Where a kustomization's entries are resolved from: kustomize works in
 * its directory with symlinks resolved (filesys ConfirmDir), so `../` in
 * an entry of a directory reached through a link starts from where the
 * directory really is. `dir` keeps the spelling it was given (and with it
 * the paths messages show) unless a symlink makes the two differ. */
static const char *resolved_dir(pr_build_ctx *ctx, const char *dir, const char *canonical)
{
    pr_arena_pos pos = pr_arena_mark(ctx->tmp);
    const char *cwd = ctx->fs->canonical(ctx->fs, ctx->tmp, ".");
    bool linked = cwd && strcmp(pr_path_join(ctx->tmp, cwd, dir), canonical) != 0;
    pr_arena_release(ctx->tmp, pos);
    return linked ? canonical : dir;
}

static bool accumulate_dir(pr_build_ctx *ctx, const char *dir, dir_role role,
                           pr_accumulator *acc, pr_error *err)
{
    const char *canonical = ctx->fs->canonical(ctx->fs, ctx->a, dir);
    if (!canonical)
        return pr_error_set(err, "'%s': no such directory (or a dangling or looping symlink)",
                            dir);
    if (ctx->fs->path_type(ctx->fs, dir) == PR_PATH_FILE)
        return pr_error_set(err, "'%s' is a file; a kustomization is built from the directory "
                            "that holds it (give its directory, e.g. '%s')",
                            dir, pr_path_dir(ctx->a, dir));
    if (!push_dir(ctx, dir, canonical, err))
        return false;
    dir = resolved_dir(ctx, dir, canonical);
    /* A base's or component's kustomization file is read and done with
     * here (its transformers have run and its vars are recorded when this
     * returns), so its trees go with a scratch arena; the root's stay, as
     * the passes at the end read its sortOptions. */
    pr_arena *trees = role == AS_ROOT ? NULL : pr_arena_new_scratch(ctx->a);
    pr_kustomization k;
    bool ok = pr_kustomization_load(ctx, dir, canonical, trees, &k, err) &&
              (role != AS_ROOT || pr_build_metadata_read(ctx, &k, err)) &&
              pr_openapi_read(ctx, &k, err) &&
              check_role(&k, role, err) &&
              pr_sort_options_read(ctx, &k, ctx->depth == 1 ? &ctx->sort : NULL, err) &&
              accumulate_target(ctx, &k, acc, err);
    pr_arena_free(trees);
    ctx->depth--;
    return ok;
}

bool pr_accumulate(pr_build_ctx *ctx, const char *dir, pr_accumulator *acc,
                   pr_error *err)
{
    /* kustomize cleans the root's path before it looks at the disk
     * (filepath.Abs), so `link/../x` is `x` whatever `link` points to. */
    return accumulate_dir(ctx, pr_path_join(ctx->a, ".", dir), AS_ROOT, acc, err);
}

/* kustomize converts every object to JSON on output and fails on what JSON
 * cannot hold (`.inf`, a key like 1); so does this, naming the object and
 * where the value was written. Every object is checked before the first is
 * written, so a stream that fails stops before it starts. Documents go to
 * the sink in pieces of about EMIT_CHUNK bytes: the whole stream is never
 * in memory, which at 16,000 objects is 10 MB on top of the build. */
enum { EMIT_CHUNK = 64 * 1024 };

static bool emit_all(pr_arena *a, pr_resmap *m, const pr_build_sink *sink, pr_error *err)
{
    for (size_t i = 0; i < pr_resmap_len(m); i++) {
        const pr_resource *r = pr_resmap_at(m, i);
        if (!pr_yaml_check_object(r->obj, r->origin, err)) {
            pr_resid id = pr_resource_id(a, r);
            return pr_error_prefix(err, "%s", pr_resid_string(a, &id));
        }
    }
    if (sink->begin && !sink->begin(sink->ctx))
        return pr_error_set(err, "the output could not be opened");
    pr_strbuf chunk;
    pr_sb_init(&chunk);
    bool ok = true;
    for (size_t i = 0; ok && i < pr_resmap_len(m); i++) {
        if (i > 0)
            pr_sb_adds(&chunk, "---\n");
        ok = pr_yaml_emit(pr_resmap_at(m, i)->obj, &chunk, err);
        if (ok && (chunk.len >= EMIT_CHUNK || i + 1 == pr_resmap_len(m)) && chunk.len) {
            if (!sink->write(sink->ctx, chunk.buf, chunk.len))
                ok = pr_error_set(err, "writing the output failed");
            pr_sb_reset(&chunk);
        }
    }
    pr_sb_release(&chunk);
    return ok;
}

/* kustomize's sort step, with the deprecated --reorder flag: a top-level
 * sortOptions wins over it, and the flag's "none" keeps accumulation order. */
static bool sort_for_output(pr_build_ctx *ctx, pr_reorder reorder, pr_resmap *m, pr_error *err)
{
    if (ctx->sort.given && reorder != PR_REORDER_UNSPECIFIED)
        pr_sb_adds(ctx->warnings,
                   "Warning: Sorting order is set both in 'kustomization.yaml' ('sortOptions') "
                   "and in a CLI flag ('--reorder'). Using the kustomization file over the CLI flag.\n");
    if (!ctx->sort.given && reorder == PR_REORDER_NONE)
        return true;
    return pr_tf_sort_order(ctx, &ctx->sort, m, err);
}

/* --enable-managedby-label or buildMetadata's managedByLabel: kustomize
 * runs its label transformer with the one spec metadata/labels (created
 * when missing) on the sorted objects. */
static bool add_managed_by_label(pr_build_ctx *ctx, pr_resmap *m, pr_error *err)
{
    for (size_t i = 0; i < pr_resmap_len(m); i++) {
        pr_resource *r = pr_resmap_at(m, i);
        pr_node *meta = pr_map_ensure_map(ctx->a, r->obj, "metadata");
        pr_node *labels = meta ? pr_map_ensure_map(ctx->a, meta, "labels") : NULL;
        if (!labels) {
            pr_resid id = pr_resource_id(ctx->a, r);
            return pr_error_set(err, "%s: metadata.labels is not a mapping; cannot add "
                                "app.kubernetes.io/managed-by (--enable-managedby-label)",
                                pr_resid_string(ctx->a, &id));
        }
        pr_map_set_str(ctx->a, labels, "app.kubernetes.io/managed-by", PR_MANAGED_BY_VALUE);
    }
    return true;
}

/* Everything pr_build_render and pr_build_resources share: the tree
 * built, the once-per-build passes run and the result in output order,
 * all in ctx->a. */
static bool build_tree(pr_build_ctx *ctx, const char *dir, const pr_build_options *opts,
                       pr_strbuf *warnings, pr_resmap **out, pr_error *err)
{
    ctx->source_fs = opts && opts->fs ? opts->fs : pr_fs_disk();
    pr_fs_cache *files = pr_fs_cache_new(ctx->source_fs);
    ctx->fs = pr_fs_cache_fs(files);
    ctx->warnings = warnings;
    ctx->load_restrict_none = opts && opts->load_restrict_none;
    ctx->enable_alpha_plugins = opts && opts->enable_alpha_plugins;
    ctx->enable_exec = opts && opts->enable_exec;
    static const pr_build_options no_options;
    ctx->opts = opts ? opts : &no_options;
    ctx->tmp = pr_arena_new_scratch(ctx->a);
    pr_accumulator acc = pr_accumulator_new(ctx);
    *out = acc.m;
    /* Everything is read once the tree is accumulated: remote clones go. */
    bool ok = pr_accumulate(ctx, dir, &acc, err);
    ctx->fs = ctx->source_fs;
    pr_fs_cache_free(files);
    for (size_t i = 0; i < ctx->n_clones; i++)
        pr_remove_tree(ctx->clone_dirs[i]);
    ctx->n_clones = 0;
    ok = ok &&
         pr_tf_hash_suffixes(ctx, acc.m, err) &&
         pr_tf_name_references(ctx, acc.tconfig, acc.m, err) &&
         pr_tf_resolve_vars(ctx, acc.tconfig, acc.vars, acc.m, err) &&
         pr_tf_drop_local_configs(ctx, acc.m, err) &&
         sort_for_output(ctx, opts ? opts->reorder : PR_REORDER_UNSPECIFIED, acc.m, err) &&
         (!((opts && opts->managed_by_label) ||
            (ctx->build_metadata & PR_BUILD_META_MANAGED_BY)) ||
          add_managed_by_label(ctx, acc.m, err)) &&
         pr_tf_remove_build_annotations(ctx, acc.m, err);
    pr_arena_free(ctx->tmp);
    ctx->tmp = NULL;
    return ok;
}

bool pr_build_render_to(const char *dir, const pr_build_options *opts,
                        const pr_build_sink *sink, pr_strbuf *warnings, pr_error *err)
{
    pr_build_ctx ctx = {0};
    ctx.a = pr_arena_new();
    pr_resmap *m;
    bool ok = build_tree(&ctx, dir, opts, warnings, &m, err) && emit_all(ctx.a, m, sink, err);
    pr_arena_free(ctx.a);
    return ok;
}

static bool append_to_strbuf(void *out, const char *data, size_t len)
{
    pr_sb_add(out, data, len);
    return true;
}

bool pr_build_render(const char *dir, const pr_build_options *opts,
                     pr_strbuf *out, pr_strbuf *warnings, pr_error *err)
{
    pr_strbuf rendered;
    pr_sb_init(&rendered);
    pr_build_sink sink = {NULL, append_to_strbuf, &rendered};
    bool ok = pr_build_render_to(dir, opts, &sink, warnings, err);
    /* An empty `out` takes the rendered buffer rather than a second copy
     * of it. */
    if (ok && out->len == 0) {
        pr_strbuf old = *out;
        *out = rendered;
        rendered = old;
    } else if (ok) {
        pr_sb_add(out, rendered.buf, rendered.len);
    }
    pr_sb_release(&rendered);
    return ok;
}

/* The name a generated object had before its hash suffix: the previous id
 * pr_tf_hash_suffixes stored, when it is the last rename. */
static const char *unhashed_name(const pr_resource *r)
{
    if (r->nprev == 0 || !r->origin)
        return NULL;
    const char *name = pr_obj_name(r->obj);
    const char *before = r->prev_ids[r->nprev - 1].name;
    size_t n = strlen(before);
    /* The suffix is "-" and ten characters of the hash alphabet. */
    if (strlen(name) != n + 11 || strncmp(name, before, n) != 0 || name[n] != '-')
        return NULL;
    return before;
}

bool pr_build_resources(const char *dir, const pr_build_options *opts, pr_arena *a,
                        pr_rendered **out, size_t *len, pr_strbuf *warnings,
                        pr_error *err)
{
    pr_build_ctx ctx = {0};
    ctx.a = a;
    pr_resmap *m;
    *out = NULL;
    *len = 0;
    if (!build_tree(&ctx, dir, opts, warnings, &m, err))
        return false;
    size_t n = pr_resmap_len(m);
    pr_rendered *items = pr_alloc(a, (n ? n : 1) * sizeof *items);
    pr_strbuf text;
    pr_sb_init(&text);
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        const pr_resource *r = pr_resmap_at(m, i);
        pr_rendered *it = &items[i];
        pr_resid id = pr_resource_id(a, r);
        if (!pr_yaml_check_object(r->obj, r->origin, err)) {
            ok = pr_error_prefix(err, "%s", pr_resid_string(a, &id));
            break;
        }
        pr_sb_reset(&text);
        ok = pr_yaml_emit(r->obj, &text, err);
        it->obj = r->obj;
        it->yaml = pr_strndup(a, text.buf, text.len);
        it->yaml_len = text.len;
        it->api_version = pr_map_get_str(r->obj, "apiVersion");
        it->group = id.gvk.group ? id.gvk.group : "";
        it->kind = id.gvk.kind ? id.gvk.kind : "";
        it->namespace = id.namespace;
        it->name = id.name;
        it->generated_name = r->generator_behavior ? unhashed_name(r) : NULL;
    }
    pr_sb_release(&text);
    if (!ok)
        return false;
    *out = items;
    *len = n;
    return true;
}
