/*
 * External plugins: exec KRM functions, as kustomize's fn plugin runs them
 * behind --enable-alpha-plugins --enable-exec.
 *
 * A configuration object whose config.kubernetes.io/function annotation
 * (or the legacy config.k8s.io/function) gives exec.path is run as a
 * program in the kustomization's directory: a ResourceList on stdin
 * (items, and the configuration as functionConfig, annotated
 * local-config), a ResourceList (or a plain stream of objects) on stdout,
 * the function's stderr passed through. As a transformer the objects go in
 * annotated with kustomize's id, and the output is matched back by current
 * id: matched objects take the new content and keep their history, new ones
 * are added, missing ones removed. As a generator only the configuration
 * goes in; the output is added, needing a hash or carrying a behavior only
 * when annotated kustomize.config.k8s.io/needs-hash / behavior.
 *
 * Refused clearly, never skipped: container functions (no container
 * runtime here), exec functions without --enable-exec, legacy exec and Go
 * plugins from the plugin home, and any external plugin without
 * --enable-alpha-plugins (kustomize's "external plugins disabled").
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "generators/generator.h"
#include "kust/pipeline.h"
#include "pleo/yaml.h"

#define ID_ANNOTATION "kustomize.config.k8s.io/id"
#define HASH_ANNOTATION "kustomize.config.k8s.io/needs-hash"
#define BEHAVIOR_ANNOTATION "kustomize.config.k8s.io/behavior"

static pr_node *annotations_of(pr_arena *a, pr_node *obj)
{
    pr_node *meta = pr_map_ensure_map(a, obj, "metadata");
    return meta ? pr_map_ensure_map(a, meta, "annotations") : NULL;
}

/* The function spec: the annotation's text parsed as YAML. */
static bool function_spec(pr_build_ctx *ctx, const pr_resource *config, const pr_node **spec,
                          pr_error *err)
{
    const pr_node *annotations = pr_map_get(pr_map_get(config->obj, "metadata"), "annotations");
    const char *text = pr_map_get_str(annotations, "config.kubernetes.io/function");
    if (!text)
        text = pr_map_get_str(annotations, "config.k8s.io/function");
    *spec = NULL;
    if (!text)
        return true;
    pr_doclist docs = {0};
    if (!pr_yaml_parse(ctx->a, config->origin, text, strlen(text), &docs, err))
        return pr_error_prefix(err, "failed to get FunctionSpec");
    *spec = docs.len ? docs.docs[0] : NULL;
    return true;
}

static bool make_input(pr_build_ctx *ctx, const pr_resource *config, bool generator,
                       const pr_resmap *m, pr_strbuf *out, pr_error *err)
{
    pr_arena *a = ctx->a;
    pr_node *list = pr_node_map(a);
    pr_map_set_str(a, list, "apiVersion", "config.kubernetes.io/v1");
    pr_map_set_str(a, list, "kind", "ResourceList");
    pr_node *items = pr_node_seq(a);
    pr_node *fn_config = pr_node_copy(a, config->obj);
    pr_node *fn_annotations = annotations_of(a, fn_config);
    if (fn_annotations)
        pr_map_set_str(a, fn_annotations, "config.kubernetes.io/local-config", "true");
    if (generator) {
        /* kustomize feeds a generator its own configuration as the one
         * item, so that the pipeline has something to run on. */
        pr_seq_append(a, items, pr_node_copy(a, fn_config));
    } else {
        for (size_t i = 0; i < pr_resmap_len(m); i++) {
            const pr_resource *r = pr_resmap_at(m, i);
            pr_node *obj = pr_node_copy(a, r->obj);
            pr_node *an = annotations_of(a, obj);
            if (!an)
                return pr_error_set(err, "%s: metadata.annotations is not a mapping", r->origin);
            pr_resid id = pr_resource_id(a, r);
            pr_map_set_str(a, an, ID_ANNOTATION,
                           pr_sprintf(a, "group: %s\nversion: %s\nkind: %s\nname: %s\n"
                                         "namespace: %s\n",
                                      id.gvk.group ? id.gvk.group : "",
                                      id.gvk.version ? id.gvk.version : "", id.gvk.kind,
                                      id.name, id.namespace));
            pr_map_set_str(a, an, "config.kubernetes.io/index", pr_sprintf(a, "%zu", i));
            pr_map_set_str(a, an, "internal.config.kubernetes.io/index", pr_sprintf(a, "%zu", i));
            pr_seq_append(a, items, obj);
        }
    }
    pr_map_set(a, list, "items", items);
    pr_map_set(a, list, "functionConfig", fn_config);
    return pr_yaml_emit(list, out, err);
}

/* Runs `path` in `dir` with `input` on stdin; stdout into `out`. */
static bool run_program(const char *dir, const char *path, const pr_strbuf *input,
                        pr_strbuf *out, pr_error *err)
{
    FILE *in = tmpfile();
    if (!in)
        return pr_error_set(err, "cannot create a temporary file for the function's input: %s",
                            strerror(errno));
    bool written = fwrite(input->buf, 1, input->len, in) == input->len && fflush(in) == 0 &&
                   fseek(in, 0, SEEK_SET) == 0;
    int pipefd[2];
    if (!written || pipe(pipefd) != 0) {
        fclose(in);
        return pr_error_set(err, "cannot pass the ResourceList to the function: %s",
                            strerror(errno));
    }
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        fclose(in);
        close(pipefd[0]);
        close(pipefd[1]);
        return pr_error_set(err, "cannot start the function: %s", strerror(errno));
    }
    if (pid == 0) {
        if (dup2(fileno(in), 0) < 0 || dup2(pipefd[1], 1) < 0 || chdir(dir) != 0)
            _exit(127);
        close(pipefd[0]);
        close(pipefd[1]);
        execl(path, path, (char *)NULL);
        fprintf(stderr, "exec %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    fclose(in);
    close(pipefd[1]);
    char buf[8192];
    ssize_t n;
    while ((n = read(pipefd[0], buf, sizeof buf)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        pr_sb_add(out, buf, (size_t)n);
    }
    close(pipefd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return pr_error_set(err, "waiting for the function: %s", strerror(errno));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return true;
    if (WIFEXITED(status))
        return pr_error_set(err, "couldn't execute function: exit status %d",
                            WEXITSTATUS(status));
    return pr_error_set(err, "couldn't execute function: signal: %s",
                        strsignal(WTERMSIG(status)));
}

/* The objects the function wrote: a ResourceList's items, or the
 * documents of a plain stream. Bookkeeping annotations are removed. */
static bool read_output(pr_build_ctx *ctx, const char *where, const pr_strbuf *text,
                        pr_resmap *out, pr_error *err)
{
    pr_doclist docs = {0};
    if (!pr_yaml_parse(ctx->a, where, text->buf, text->len, &docs, err))
        return false;
    pr_doclist objs = docs;
    if (docs.len && docs.docs[0] && docs.docs[0]->kind == PR_MAP &&
        pr_scalar_is(pr_map_get(docs.docs[0], "kind"), "ResourceList")) {
        const pr_node *items = pr_map_get(docs.docs[0], "items");
        objs = (pr_doclist){0};
        if (items && items->kind == PR_SEQ) {
            objs.docs = items->seq.items;
            objs.len = items->seq.len;
        }
    }
    for (size_t i = 0; i < objs.len; i++) {
        pr_node *obj = objs.docs[i];
        if (!obj || pr_node_is_null(obj))
            continue;
        if (!pr_yaml_check_object(obj, where, err) || !pr_obj_check(obj, where, err))
            return false;
        pr_node *an = pr_map_get(pr_map_get(obj, "metadata"), "annotations");
        if (an && an->kind == PR_MAP) {
            static const char *const drop[] = {
                ID_ANNOTATION, "config.kubernetes.io/index", "internal.config.kubernetes.io/index",
                "config.k8s.io/id", "internal.config.kubernetes.io/id", NULL};
            for (const char *const *d = drop; *d; d++)
                pr_map_remove(an, *d);
        }
        pr_obj_normalize_annotations(obj);
        pr_resource *r = pr_resource_new(ctx->a, obj, where);
        if (!pr_resmap_append(out, r, err))
            return pr_error_prefix(err, "the function generated a duplicate resource");
    }
    return true;
}

/* kustomize's UpdateResourceOptions for generated objects. */
static bool generator_options(pr_resource *r, pr_error *err)
{
    pr_node *an = pr_map_get(pr_map_get(r->obj, "metadata"), "annotations");
    const char *hash = pr_map_get_str(an, HASH_ANNOTATION);
    const char *behavior = pr_map_get_str(an, BEHAVIOR_ANNOTATION);
    r->needs_hash = false;
    if (hash) {
        if (!strcmp(hash, "true") || !strcmp(hash, "1") || !strcmp(hash, "t") ||
            !strcmp(hash, "T") || !strcmp(hash, "TRUE") || !strcmp(hash, "True"))
            r->needs_hash = true;
        else if (strcmp(hash, "false") && strcmp(hash, "0") && strcmp(hash, "f") &&
                 strcmp(hash, "F") && strcmp(hash, "FALSE") && strcmp(hash, "False"))
            return pr_error_set(err, "the annotation \"%s\" contains an invalid value (\"%s\")",
                                HASH_ANNOTATION, hash);
    }
    r->behavior = PR_BEHAVIOR_CREATE;
    r->generator_behavior = "unspecified";
    if (behavior && !strcmp(behavior, "create")) {
        r->generator_behavior = "create";
    } else if (behavior && !strcmp(behavior, "merge")) {
        r->behavior = PR_BEHAVIOR_MERGE;
        r->generator_behavior = "merge";
    } else if (behavior && !strcmp(behavior, "replace")) {
        r->behavior = PR_BEHAVIOR_REPLACE;
        r->generator_behavior = "replace";
    }
    if (an) {
        pr_map_remove(an, HASH_ANNOTATION);
        pr_map_remove(an, BEHAVIOR_ANNOTATION);
    }
    pr_obj_normalize_annotations(r->obj);
    return true;
}

/* kustomize's UpdateResMapValues: output matched to `m` by current id. */
static bool update_resmap(pr_build_ctx *ctx, pr_resmap *m, const pr_resmap *out, pr_error *err)
{
    pr_arena *a = ctx->a;
    bool *kept = pr_alloc(a, (pr_resmap_len(m) + 1) * sizeof *kept);
    size_t old_len = pr_resmap_len(m);
    for (size_t i = 0; i < pr_resmap_len(out); i++) {
        pr_resource *r = pr_resmap_at(out, i);
        pr_resid id = pr_resource_id(a, r);
        bool matched = false;
        for (size_t j = 0; j < old_len; j++) {
            pr_resource *old = pr_resmap_at(m, j);
            pr_resid oid = pr_resource_id(a, old);
            if (!kept[j] && pr_resid_equal(&id, &oid)) {
                old->obj = r->obj;
                kept[j] = matched = true;
                break;
            }
        }
        if (!matched && !pr_resmap_append(m, r, err))
            return false;
    }
    for (size_t j = old_len; j-- > 0;)
        if (!kept[j])
            pr_resmap_remove(m, j);
    pr_resmap_ids_changed(m);
    return true;
}

bool pr_krm_exec_run(pr_build_ctx *ctx, const pr_kustomization *k, const pr_resource *config,
                     bool generator, const pr_origin *origin, pr_resmap *m, pr_error *err)
{
    pr_arena *a = ctx->a;
    pr_gvk gvk = pr_obj_gvk(a, config->obj);
    if (!ctx->enable_alpha_plugins)
        return pr_error_set(err, "%s: external plugins disabled; unable to load external "
                            "plugin '%s' (exec KRM functions need --enable-alpha-plugins "
                            "--enable-exec)", k->path, gvk.kind);
    const pr_node *spec;
    if (!function_spec(ctx, config, &spec, err))
        return pr_error_prefix(err, "%s: loader", k->path);
    const pr_node *exec = pr_map_get(spec, "exec");
    const char *path = pr_map_get_str(exec, "path");
    if (pr_map_get(spec, "container"))
        return pr_error_set(err, "%s: plugin %s: container functions need a container runtime; "
                            "not supported by pleo-render (use an exec function, "
                            "config.kubernetes.io/function: {exec: {path: ...}})",
                            k->path, gvk.kind);
    if (!path || !*path)
        return pr_error_set(err, "%s: plugin %s: no exec KRM function configured (annotation "
                            "config.kubernetes.io/function with exec.path); legacy exec and Go "
                            "plugins from the plugin home are not supported by pleo-render",
                            k->path, gvk.kind);
    if (!ctx->enable_exec)
        return pr_error_set(err, "%s: plugin %s: exec function %s needs --enable-exec (kustomize "
                            "skips it silently without; pleo-render refuses instead)",
                            k->path, gvk.kind, path);
    pr_strbuf input, output;
    pr_sb_init(&input);
    pr_sb_init(&output);
    const char *fn_name = pr_sprintf(a, "api: %s, kind: %s, name: %s",
                                     pr_map_get_str(config->obj, "apiVersion"), gvk.kind,
                                     pr_obj_name(config->obj));
    pr_resmap *result = pr_resmap_new(a);
    const char *where = pr_sprintf(a, "%s: output of %s", k->path, path);
    bool ok = make_input(ctx, config, generator, m, &input, err) &&
              run_program(k->dir, path, &input, &output, err) &&
              read_output(ctx, where, &output, result, err);
    pr_sb_release(&input);
    pr_sb_release(&output);
    if (!ok)
        return pr_error_prefix(err, "%s: plugin %s", k->path, fn_name);
    if (!generator)
        return update_resmap(ctx, m, result, err) ||
               pr_error_prefix(err, "%s: plugin %s", k->path, fn_name);
    for (size_t i = 0; i < pr_resmap_len(result); i++) {
        pr_resource *r = pr_resmap_at(result, i);
        if (!generator_options(r, err) || !pr_resource_add_origin(a, r, origin, err) ||
            !pr_generator_add(ctx, k, m, r, err))
            return pr_error_prefix(err, "%s: plugin %s", k->path, fn_name);
    }
    return true;
}
