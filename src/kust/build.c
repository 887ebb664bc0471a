/*
 * The build pipeline, in the order kustomize runs it. pr_accumulate builds
 * one kustomization (recursing into bases first); pr_build_render adds the
 * passes kustomize runs once over the whole tree and writes the result.
 * Output is produced into a private buffer and handed over only when the
 * whole build succeeded, so a failure never yields half a stream.
 */
#include <string.h>

#include "kust/pipeline.h"
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
    for (size_t i = 0; i < docs.len; i++)
        if (docs.docs[i] && (!pr_yaml_check_json(docs.docs[i], filename, err) ||
                             !add_object(ctx, filename, docs.docs[i], m, err)))
            return false;
    return true;
}

static bool accumulate_file(pr_build_ctx *ctx, const pr_kustomization *k,
                            const char *entry, pr_resmap *m, pr_error *err)
{
    pr_strbuf content;
    pr_sb_init(&content);
    const char *path;
    bool ok = pr_kustomization_read_file(ctx, k, entry, &content, &path, err) &&
              pr_load_resources(ctx, path, content.buf, content.len, m, err);
    pr_sb_release(&content);
    return ok;
}

static bool accumulate_list(pr_build_ctx *ctx, const pr_kustomization *k,
                            const char *field, pr_resmap *m, pr_tconfig *tconfig,
                            pr_error *err)
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
        const char *path = pr_path_join(ctx->a, k->dir, entry);
        bool ok;
        switch (ctx->fs->path_type(ctx->fs, path)) {
        case PR_PATH_DIR: {
            pr_resmap *sub = pr_resmap_new(ctx->a);
            const pr_tconfig *sub_config;
            ok = pr_accumulate(ctx, path, sub, &sub_config, err) &&
                 pr_resmap_append_all(m, sub, err);
            if (ok && !pr_tconfig_merge(ctx->a, tconfig, sub_config, tconfig, err))
                ok = pr_error_prefix(err, "merging its transformer configuration");
            break;
        }
        case PR_PATH_FILE:
            ok = accumulate_file(ctx, k, entry, m, err);
            break;
        default:
            ok = pr_error_set(err, "'%s': no such file or directory (or a dangling or "
                              "looping symlink)", path);
            break;
        }
        if (!ok)
            return pr_error_prefix(err, "%s: %s[%zu] %s", k->path, field, i, entry);
    }
    return true;
}

/* `bases` is the deprecated spelling of `resources`; kustomize appends it.
 * The configurations of included kustomizations are merged into
 * `tconfig`. */
static bool accumulate_resources(pr_build_ctx *ctx, const pr_kustomization *k,
                                 pr_resmap *m, pr_tconfig *tconfig, pr_error *err)
{
    return accumulate_list(ctx, k, "resources", m, tconfig, err) &&
           accumulate_list(ctx, k, "bases", m, tconfig, err);
}

/* kustomize merges a kustomization's own configuration (builtin specs and
 * `configurations`) into what its resources brought, after reading them
 * and before running generators. */
static bool merge_own_config(pr_build_ctx *ctx, const pr_kustomization *k,
                             pr_tconfig *tconfig, pr_error *err)
{
    const pr_tconfig *own;
    if (!pr_tconfig_read(ctx, k, &own, err))
        return false;
    if (!pr_tconfig_merge(ctx->a, tconfig, own, tconfig, err))
        return pr_error_prefix(err, "%s: merging its transformer configuration into that "
                               "of its resources", k->path);
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

bool pr_accumulate(pr_build_ctx *ctx, const char *dir, pr_resmap *m,
                   const pr_tconfig **tconfig, pr_error *err)
{
    const char *canonical = ctx->fs->canonical(ctx->fs, ctx->a, dir);
    if (!canonical)
        return pr_error_set(err, "'%s': not a directory", dir);
    if (!push_dir(ctx, dir, canonical, err))
        return false;
    pr_kustomization k;
    pr_tconfig *config = pr_alloc(ctx->a, sizeof *config); /* empty, as kustomize starts */
    bool ok = pr_kustomization_load(ctx, dir, &k, err) &&
              pr_sort_options_read(ctx, &k, ctx->depth == 1 ? &ctx->sort : NULL, err) &&
              accumulate_resources(ctx, &k, m, config, err) &&
              merge_own_config(ctx, &k, config, err);
    k.tconfig = config;
    *tconfig = config;
    ok = ok && pr_gen_configmaps(ctx, &k, m, err) &&
         pr_gen_secrets(ctx, &k, m, err) &&
         pr_tf_patches_strategic_merge(ctx, &k, m, err) &&
         pr_tf_patches(ctx, &k, m, err) &&
         pr_tf_namespace(ctx, &k, m, err) &&
         pr_tf_prefix_suffix(ctx, &k, m, err) &&
         pr_tf_labels(ctx, &k, m, err) &&
         pr_tf_annotations(ctx, &k, m, err) &&
         pr_tf_patches_json6902(ctx, &k, m, err) &&
         pr_tf_replicas(ctx, &k, m, err) &&
         pr_tf_images(ctx, &k, m, err) &&
         pr_tf_replacements(ctx, &k, m, err);
    ctx->depth--;
    return ok;
}

/* Resources were checked for JSON when loaded, but a patch can bring in
 * what JSON cannot hold (a key like `.inf`); kustomize fails on output
 * then, and so does this, naming the object. Positions are the patch's. */
static bool emit_all(pr_arena *a, pr_resmap *m, pr_strbuf *out, pr_error *err)
{
    for (size_t i = 0; i < pr_resmap_len(m); i++) {
        const pr_resource *r = pr_resmap_at(m, i);
        if (!pr_yaml_check_json(r->obj, "a patch", err)) {
            pr_resid id = pr_resource_id(a, r);
            return pr_error_prefix(err, "%s", pr_resid_string(a, &id));
        }
        if (i > 0)
            pr_sb_adds(out, "---\n");
        if (!pr_yaml_emit(r->obj, out, err))
            return false;
    }
    return true;
}

bool pr_build_render(const char *dir, const pr_build_options *opts,
                     pr_strbuf *out, pr_strbuf *warnings, pr_error *err)
{
    pr_build_ctx ctx = {0};
    ctx.a = pr_arena_new();
    ctx.fs = opts && opts->fs ? opts->fs : pr_fs_disk();
    ctx.warnings = warnings;
    ctx.load_restrict_none = opts && opts->load_restrict_none;
    pr_resmap *m = pr_resmap_new(ctx.a);
    pr_strbuf rendered;
    pr_sb_init(&rendered);
    const pr_tconfig *tconfig;
    bool ok = pr_accumulate(&ctx, dir, m, &tconfig, err) &&
              pr_tf_hash_suffixes(&ctx, m, err) &&
              pr_tf_name_references(&ctx, tconfig, m, err) &&
              pr_tf_drop_local_configs(&ctx, m, err) &&
              pr_tf_sort_order(&ctx, &ctx.sort, m, err) &&
              emit_all(ctx.a, m, &rendered, err);
    if (ok)
        pr_sb_add(out, rendered.buf, rendered.len);
    pr_sb_release(&rendered);
    pr_arena_free(ctx.a);
    return ok;
}
