/*
 * helmCharts: kustomize's HelmChartInflationGenerator. For each chart it
 * runs the helm binary the user names (--helm-command) as kustomize v5.5
 * does, in the same steps and with the same arguments, so a chart renders
 * as it does under `kustomize build --enable-helm`:
 *
 *   helm version -c --short         (the major version must be 3)
 *   helm pull --untar --untardir H  (only when H/NAME is not a directory;
 *                                    H is chartHome, or chartHome/NAME-VERSION
 *                                    when both version and repo are given)
 *   helm template RELEASE H/NAME -f TMP/NAME-kustomize-values.yaml ...
 *
 * with HELM_CONFIG_HOME (configHome, default TMP/helm), HELM_CACHE_HOME and
 * HELM_DATA_HOME below it, TMP a kustomize-helm-* directory removed after
 * the chart. The values file helm gets is the chart's values.yaml (or
 * valuesFile) as is, or, with valuesInline, the two merged as kustomize
 * merges them (kyaml's merge, inline winning for "override", the file
 * winning for "merge", the inline values alone for "replace"), written as
 * JSON, which helm reads as the same YAML values. helm's stdout becomes
 * resources like any file of objects.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kust/pipeline.h"
#include "pleo/hash.h"
#include "pleo/proc.h"
#include "pleo/smp.h"
#include "pleo/yaml.h"

/* A chart's settings once kustomize's defaults and the flags are applied. */
typedef struct {
    const pr_node *node;       /* the chart's entry, for error positions */
    const char *label;         /* "helmCharts[0] (NAME)", for messages */
    const char *name, *version, *repo, *release, *ns, *name_template;
    const char *kube_version, *values_merge;
    const char *values_file;   /* absolute, or relative to the kustomization */
    const pr_node *values_inline; /* NULL when absent or empty */
    const char **extra_values; /* additionalValuesFiles, joined to the root */
    size_t extra_values_len;
    const char **api_versions;
    size_t api_versions_len;
    bool include_crds, skip_hooks, skip_tests, debug;
    const char *chart_home;    /* absChartHome: where NAME/ lies */
    const char *config_home;   /* "" until the temporary directory exists */
    char *tmp_dir;             /* malloc'd; NULL until made */
} helm_chart;

static const char *str_field(const pr_node *n, const char *key)
{
    const char *s = n ? pr_map_get_str(n, key) : NULL;
    return s ? s : "";
}

static bool bool_field(const pr_node *n, const char *key)
{
    return n && pr_scalar_is(pr_map_get(n, key), "true");
}

static const char *helm_command(const pr_build_ctx *ctx)
{
    return ctx->opts->helm_command ? ctx->opts->helm_command : "helm";
}

static bool fail(const pr_kustomization *k, const helm_chart *c, pr_error *err)
{
    if (c->node)
        pr_error_locate(err, k->path, c->node->mark.line, c->node->mark.col);
    return pr_error_prefix(err, "%s: %s", k->path, c->label);
}

/* A chart's apiVersions, with kustomize's aliasing reproduced: every
 * chart starts from the --helm-api-versions slice itself (not a copy) and
 * its own apiVersions are decoded into it, so a chart's list overwrites
 * the flags' array in place, as far as that array's capacity goes (pflag
 * grows it by appending: the next power of two), and charts that still
 * look at the array see those values when they run, all charts of a
 * kustomization being configured before any runs. A list longer than the
 * capacity moves to an array of its own after filling the shared one. */
static void api_versions(pr_build_ctx *ctx, const pr_node *own, helm_chart *c)
{
    size_t n = ctx->opts->helm_api_versions_len;
    if (n && !ctx->helm_api_shared) {
        size_t cap = 1;
        while (cap < n)
            cap *= 2;
        ctx->helm_api_shared = pr_alloc(ctx->a, cap * sizeof *ctx->helm_api_shared);
        memcpy(ctx->helm_api_shared, ctx->opts->helm_api_versions,
               n * sizeof *ctx->helm_api_shared);
        ctx->helm_api_cap = cap;
    }
    size_t len = own && own->kind == PR_SEQ ? own->seq.len : 0;
    if (!len) {
        c->api_versions = ctx->helm_api_shared;
        c->api_versions_len = n;
        return;
    }
    for (size_t i = 0; i < len && i < ctx->helm_api_cap; i++)
        ctx->helm_api_shared[i] = pr_scalar_text(own->seq.items[i]);
    if (len <= ctx->helm_api_cap) {
        c->api_versions = ctx->helm_api_shared;
    } else {
        c->api_versions = pr_alloc(ctx->a, len * sizeof *c->api_versions);
        for (size_t i = 0; i < len; i++)
            c->api_versions[i] = pr_scalar_text(own->seq.items[i]);
    }
    c->api_versions_len = len;
}

/* kustomize's Config and validateArgs: everything that can be checked
 * before helm runs. */
static bool configure(pr_build_ctx *ctx, const pr_kustomization *k, const pr_node *chart,
                      const pr_node *globals, const char *label, helm_chart *c, pr_error *err)
{
    memset(c, 0, sizeof *c);
    c->node = chart;
    c->label = label;
    if (!ctx->opts->enable_helm) {
        pr_error_set(err, "must specify --enable-helm (helmCharts run `helm template`; "
                          "pass --enable-helm to pleo-render build, and --helm-command "
                          "when helm is not on $PATH as `helm`)");
        return fail(k, c, err);
    }
    if (!*helm_command(ctx)) {
        pr_error_set(err, "must specify --helm-command (it is empty)");
        return fail(k, c, err);
    }
    c->name = str_field(chart, "name");
    c->version = str_field(chart, "version");
    c->repo = str_field(chart, "repo");
    c->release = str_field(chart, "releaseName");
    c->ns = str_field(chart, "namespace");
    c->name_template = str_field(chart, "nameTemplate");
    c->values_merge = str_field(chart, "valuesMerge");
    c->include_crds = bool_field(chart, "includeCRDs");
    c->skip_hooks = bool_field(chart, "skipHooks");
    c->skip_tests = bool_field(chart, "skipTests");
    /* kustomize sets the flags' values first and then decodes the chart
     * over them, so a chart's own kubeVersion, apiVersions or debug wins
     * over --helm-kube-version, --helm-api-versions and --helm-debug. */
    c->kube_version = str_field(chart, "kubeVersion");
    if (!*c->kube_version && ctx->opts->helm_kube_version)
        c->kube_version = ctx->opts->helm_kube_version;
    c->debug = bool_field(chart, "debug") || ctx->opts->helm_debug;
    api_versions(ctx, chart ? pr_map_get(chart, "apiVersions") : NULL, c);
    const pr_node *inline_values = chart ? pr_map_get(chart, "valuesInline") : NULL;
    if (inline_values && inline_values->kind == PR_MAP && inline_values->map.len)
        c->values_inline = inline_values;

    if (!*c->name) {
        pr_error_set(err, "chart name cannot be empty; give the chart's `name` (its "
                          "directory under chartHome)");
        return fail(k, c, err);
    }
    const char *home = str_field(globals, "chartHome");
    if (!*home)
        home = "charts";
    const char *root = k->canonical ? k->canonical : k->dir;
    c->chart_home = home[0] == '/' ? pr_path_join(ctx->a, "/", home)
                                   : pr_path_join(ctx->a, root, home);
    if (*c->version && *c->repo)
        c->chart_home = pr_path_join(ctx->a, c->chart_home,
                                     pr_sprintf(ctx->a, "%s-%s", c->name, c->version));
    c->values_file = str_field(chart, "valuesFile");
    if (!*c->values_file)
        c->values_file = pr_path_join(ctx->a, c->chart_home,
                                      pr_sprintf(ctx->a, "%s/values.yaml", c->name));

    const pr_node *extra = chart ? pr_map_get(chart, "additionalValuesFiles") : NULL;
    if (extra && extra->kind == PR_SEQ && extra->seq.len) {
        c->extra_values = pr_alloc(ctx->a, extra->seq.len * sizeof *c->extra_values);
        for (size_t i = 0; i < extra->seq.len; i++) {
            const char *file = pr_scalar_text(extra->seq.items[i]);
            pr_strbuf content;
            pr_sb_init(&content);
            bool ok = pr_kustomization_read_file(ctx, k, file, &content, NULL, err);
            pr_sb_release(&content);
            if (!ok) {
                pr_error_prefix(err, "could not load additionalValuesFile");
                return fail(k, c, err);
            }
            /* Joined to the root even when absolute, as Go's filepath.Join
             * does in kustomize. */
            c->extra_values[c->extra_values_len++] =
                pr_path_join(ctx->a, root, file[0] == '/' ? file + 1 : file);
        }
    }
    if (!*c->values_merge) {
        c->values_merge = "override";
    } else if (strcmp(c->values_merge, "merge") && strcmp(c->values_merge, "override") &&
               strcmp(c->values_merge, "replace")) {
        pr_error_set(err, "valuesMerge must be one of [merge override replace], not \"%s\"",
                     c->values_merge);
        return fail(k, c, err);
    }
    c->config_home = str_field(globals, "configHome");
    return true;
}

/* os.MkdirTemp("", "kustomize-helm-"): under $TMPDIR, else /tmp. */
static bool make_tmp_dir(helm_chart *c, pr_error *err)
{
    if (c->tmp_dir)
        return true;
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    size_t n = strlen(base) + sizeof "/kustomize-helm-XXXXXX";
    c->tmp_dir = malloc(n);
    if (!c->tmp_dir)
        return pr_error_set(err, "out of memory");
    snprintf(c->tmp_dir, n, "%s/kustomize-helm-XXXXXX", base);
    if (!mkdtemp(c->tmp_dir)) {
        int e = errno;
        free(c->tmp_dir);
        c->tmp_dir = NULL;
        return pr_error_set(err, "unable to create tmp dir for HELM_CONFIG_HOME in %s: %s",
                            base, strerror(e));
    }
    return true;
}

/* kustomize's runHelmCommand: helm with the HELM_*_HOME variables; a
 * failure quotes the command line, the variables and helm's stderr. */
static bool run_helm(pr_build_ctx *ctx, const helm_chart *c, const char *const *args,
                     pr_strbuf *out, pr_error *err)
{
    const char *cmd = helm_command(ctx);
    size_t n = 0;
    while (args[n])
        n++;
    const char **argv = pr_alloc(ctx->a, (n + 2) * sizeof *argv);
    argv[0] = cmd;
    memcpy(argv + 1, args, (n + 1) * sizeof *argv);
    const char *env[4] = {
        pr_sprintf(ctx->a, "HELM_CONFIG_HOME=%s", c->config_home),
        pr_sprintf(ctx->a, "HELM_CACHE_HOME=%s/.cache", c->config_home),
        pr_sprintf(ctx->a, "HELM_DATA_HOME=%s/.data", c->config_home), NULL};
    pr_proc p = {argv, env, NULL, 0};
    pr_strbuf errout;
    pr_sb_init(&errout);
    int code;
    bool timed_out;
    pr_error perr;
    pr_error_init(&perr);
    bool started = pr_proc_run(&p, out, &errout, &code, &timed_out, &perr);
    bool ok = started && code == 0;
    if (!ok) {
        pr_strbuf line;
        pr_sb_init(&line);
        for (size_t i = 0; args[i]; i++)
            pr_sb_addf(&line, "%s%s", i ? " " : "", args[i]);
        bool debug = false;
        for (size_t i = 0; args[i]; i++)
            debug |= !strcmp(args[i], "--debug");
        pr_strbuf helm_err;
        pr_sb_init(&helm_err);
        if (debug)
            pr_sb_addf(&helm_err, " Helm stack trace:\n%s\nHelm template:\n%s\n",
                       errout.buf, out->buf);
        else
            pr_sb_add(&helm_err, errout.buf, errout.len);
        while (!debug && helm_err.len && (helm_err.buf[helm_err.len - 1] == '\n' ||
                                          helm_err.buf[helm_err.len - 1] == ' '))
            helm_err.buf[--helm_err.len] = '\0';
        if (started)
            pr_error_set(err, "%s%sunable to run: '%s %s' with env=[%s %s %s] "
                         "(exit status %d)", helm_err.buf, helm_err.len ? ": " : "",
                         cmd, line.buf, env[0], env[1], env[2], code);
        else
            pr_error_set(err, "unable to run: '%s %s' with env=[%s %s %s]: %s; is helm "
                         "installed? --helm-command names the helm binary (now '%s')",
                         cmd, line.buf, env[0], env[1], env[2], pr_error_text(&perr), cmd);
        pr_sb_release(&line);
        pr_sb_release(&helm_err);
    }
    pr_sb_release(&errout);
    pr_error_release(&perr);
    return ok;
}

/* The first match of `v?\d+(\.\d+)+` in `s`, without its `v`, or NULL. */
static const char *find_version(const char *s, size_t *len)
{
    for (const char *p = s; *p; p++) {
        const char *start = *p == 'v' ? p + 1 : p;
        const char *q = start;
        while (*q >= '0' && *q <= '9')
            q++;
        if (q == start)
            continue;
        const char *end = NULL;
        while (q[0] == '.' && q[1] >= '0' && q[1] <= '9') {
            q++;
            while (*q >= '0' && *q <= '9')
                q++;
            end = q;
        }
        if (end) {
            *len = (size_t)(end - start);
            return start;
        }
    }
    return NULL;
}

static bool check_helm_version(pr_build_ctx *ctx, const helm_chart *c, pr_error *err)
{
    static const char *const args[] = {"version", "-c", "--short", NULL};
    pr_strbuf out;
    pr_sb_init(&out);
    bool ok = run_helm(ctx, c, args, &out, err);
    if (ok) {
        size_t len = 0;
        const char *v = find_version(out.buf, &len);
        if (!v) {
            ok = pr_error_set(err, "cannot find version string in %s (the output of '%s "
                              "version -c --short')", out.buf, helm_command(ctx));
        } else if (strncmp(v, "3.", 2) != 0) {
            ok = pr_error_set(err, "this plugin requires helm V3 but got v%.*s (--helm-command "
                              "'%s')", (int)len, v, helm_command(ctx));
        }
    }
    pr_sb_release(&out);
    return ok;
}

static bool pull_chart(pr_build_ctx *ctx, const helm_chart *c, pr_error *err)
{
    const char *args[10];
    size_t n = 0;
    args[n++] = "pull";
    args[n++] = "--untar";
    args[n++] = "--untardir";
    args[n++] = c->chart_home;
    if (!strncmp(c->repo, "oci://", 6)) {
        /* strings.TrimSuffix removes one slash only. */
        size_t len = strlen(c->repo);
        len -= c->repo[len - 1] == '/';
        args[n++] = pr_sprintf(ctx->a, "%.*s/%s", (int)len, c->repo, c->name);
    } else {
        if (*c->repo) {
            args[n++] = "--repo";
            args[n++] = c->repo;
        }
        args[n++] = c->name;
    }
    if (*c->version) {
        args[n++] = "--version";
        args[n++] = c->version;
    }
    args[n] = NULL;
    pr_strbuf out;
    pr_sb_init(&out);
    bool ok = run_helm(ctx, c, args, &out, err);
    pr_sb_release(&out);
    return ok;
}

/* The values helm gets, as kustomize's createNewMergedValuesFile and
 * copyValuesFile make them. */
static bool values_bytes(pr_build_ctx *ctx, const pr_kustomization *k, const helm_chart *c,
                         pr_strbuf *out, pr_error *err)
{
    bool replace = !strcmp(c->values_merge, "replace");
    if (c->values_inline && replace) {
        pr_json_append_node(out, c->values_inline);
        pr_sb_addc(out, '\n');
        return true;
    }
    pr_strbuf file;
    pr_sb_init(&file);
    const char *path;
    if (!pr_kustomization_read_file(ctx, k, c->values_file, &file, &path, err)) {
        pr_sb_release(&file);
        return pr_error_prefix(err, "reading the chart's values (valuesFile, default "
                               "CHARTHOME/NAME/values.yaml)");
    }
    if (!c->values_inline) {
        pr_sb_add(out, file.buf, file.len);
        pr_sb_release(&file);
        return true;
    }
    pr_doclist docs = {0};
    bool ok = pr_yaml_parse(ctx->a, path, file.buf, file.len, &docs, err);
    pr_sb_release(&file);
    if (!ok)
        return pr_error_prefix(err, "could not parse values file into rnode");
    pr_node *from_file = docs.len && docs.docs[0] ? docs.docs[0] : pr_node_map(ctx->a);
    pr_node *inline_copy = pr_node_copy(ctx->a, c->values_inline);
    /* kyaml's merge writes its source over its destination: "override"
     * merges the inline values over the file's, "merge" the file's over
     * the inline values, so there the file wins where both set a key. */
    pr_node *dest = from_file, *src = inline_copy;
    if (!strcmp(c->values_merge, "merge"))
        dest = inline_copy, src = from_file;
    bool deleted = false;
    if (!pr_smp_merge(ctx->a, dest, src, &ctx->smp_work, &deleted, err))
        return pr_error_prefix(err, "could not merge values");
    if (deleted || dest->kind != PR_MAP)
        return pr_error_set(err, "could not parse merged values into map");
    pr_json_append_node(out, dest);
    pr_sb_addc(out, '\n');
    return true;
}

static bool write_file(const char *path, const pr_strbuf *data, pr_error *err)
{
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(data->buf, 1, data->len, f) == data->len;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok)
        return pr_error_set(err, "failed to write values file: open %s: %s", path,
                            strerror(errno));
    return true;
}

/* kustomize's AsHelmArgs. */
static const char *const *template_args(pr_build_ctx *ctx, const helm_chart *c,
                                        const char *values_path)
{
    size_t cap = 24 + 2 * (c->extra_values_len + c->api_versions_len);
    const char **args = pr_alloc(ctx->a, cap * sizeof *args);
    size_t n = 0;
    args[n++] = "template";
    args[n++] = *c->release ? c->release : "--generate-name";
    args[n++] = pr_path_join(ctx->a, c->chart_home, c->name);
    if (*c->ns)
        args[n++] = "--namespace", args[n++] = c->ns;
    if (*c->name_template)
        args[n++] = "--name-template", args[n++] = c->name_template;
    args[n++] = "-f", args[n++] = values_path;
    for (size_t i = 0; i < c->extra_values_len; i++)
        args[n++] = "-f", args[n++] = c->extra_values[i];
    for (size_t i = 0; i < c->api_versions_len; i++)
        args[n++] = "--api-versions", args[n++] = c->api_versions[i];
    if (*c->kube_version)
        args[n++] = "--kube-version", args[n++] = c->kube_version;
    if (c->include_crds)
        args[n++] = "--include-crds";
    if (c->skip_tests)
        args[n++] = "--skip-tests";
    if (c->skip_hooks)
        args[n++] = "--no-hooks";
    if (c->debug)
        args[n++] = "--debug";
    args[n] = NULL;
    return args;
}

/* helm may print notes before the first document; kustomize then retries
 * with what follows the first `---` line. */
/* What helm printed, appended to `m`; each object gets `origin` (NULL:
 * none), as kustomize's runGenerators gives the generator's output. */
static bool add_origins(pr_build_ctx *ctx, pr_resmap *m, size_t from, const pr_origin *origin,
                        pr_error *err)
{
    for (size_t i = from; i < pr_resmap_len(m); i++)
        if (!pr_resource_add_origin(ctx->a, pr_resmap_at(m, i), origin, err))
            return false;
    return true;
}

static bool load_output(pr_build_ctx *ctx, const helm_chart *c, const pr_strbuf *out,
                        const pr_origin *origin, pr_resmap *m, pr_error *err)
{
    const char *what = pr_sprintf(ctx->a, "the output of helm template for chart %s", c->name);
    size_t before = pr_resmap_len(m);
    pr_error first;
    pr_error_init(&first);
    if (pr_load_resources(ctx, what, out->buf, out->len, m, &first)) {
        pr_error_release(&first);
        return add_origins(ctx, m, before, origin, err);
    }
    const char *sep = !strncmp(out->buf, "---\n", 4) ? NULL : strstr(out->buf, "\n---\n");
    bool ok = false;
    if (sep && pr_resmap_len(m) == before) {
        const char *rest = sep + 1;
        ok = pr_load_resources(ctx, what, rest, out->len - (size_t)(rest - out->buf), m, err);
    }
    if (!ok && (!sep || pr_resmap_len(m) != before)) {
        pr_error_set(err, "could not parse bytes into resource map: %s", pr_error_text(&first));
    }
    pr_error_release(&first);
    return ok && add_origins(ctx, m, before, origin, err);
}

/* kustomize's Generate for a configured chart. */
static bool generate(pr_build_ctx *ctx, const pr_kustomization *k, helm_chart *c,
                     const pr_origin *origin, pr_resmap *m, pr_error *err)
{
    if (!*c->config_home) {
        if (!make_tmp_dir(c, err))
            return false;
        c->config_home = pr_sprintf(ctx->a, "%s/helm", c->tmp_dir);
    }
    if (!check_helm_version(ctx, c, err))
        return false;
    const char *chart_dir = pr_path_join(ctx->a, c->chart_home, c->name);
    struct stat st;
    if (stat(chart_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        if (!*c->repo)
            return pr_error_set(err, "no repo specified for pull, no chart found at '%s'; "
                                "put the chart there (chartHome/NAME) or give its `repo`",
                                chart_dir);
        if (!pull_chart(ctx, c, err))
            return false;
    }
    pr_strbuf values;
    pr_sb_init(&values);
    bool ok = values_bytes(ctx, k, c, &values, err) && make_tmp_dir(c, err);
    const char *values_path = ok ? pr_sprintf(ctx->a, "%s/%s-kustomize-values.yaml",
                                              c->tmp_dir, c->name) : NULL;
    ok = ok && write_file(values_path, &values, err);
    pr_sb_release(&values);
    if (!ok)
        return false;
    pr_strbuf out;
    pr_sb_init(&out);
    ok = run_helm(ctx, c, template_args(ctx, c, values_path), &out, err) &&
         load_output(ctx, c, &out, origin, m, err);
    pr_sb_release(&out);
    return ok;
}

static void cleanup(helm_chart *c)
{
    if (c->tmp_dir)
        pr_remove_tree(c->tmp_dir);
    free(c->tmp_dir);
    c->tmp_dir = NULL;
}

static const char *chart_label(pr_build_ctx *ctx, const char *field, size_t i,
                               const pr_node *chart)
{
    const char *name = chart ? pr_map_get_str(chart, "name") : NULL;
    if (!name)
        name = chart ? pr_map_get_str(chart, "chartName") : NULL;
    return name && *name ? pr_sprintf(ctx->a, "%s[%zu] (%s)", field, i, name)
                         : pr_sprintf(ctx->a, "%s[%zu]", field, i);
}

bool pr_gen_helm(pr_build_ctx *ctx, const pr_kustomization *k, const pr_node *chart,
                 const pr_node *globals, const char *label, const pr_origin *origin,
                 pr_resmap *m, pr_error *err)
{
    helm_chart c;
    if (!configure(ctx, k, chart, globals, label, &c, err))
        return false;
    /* the configuration's positions are not in k's file */
    c.node = NULL;
    bool ok = generate(ctx, k, &c, origin, m, err);
    cleanup(&c);
    return ok || fail(k, &c, err);
}

/* kustomize's SplitHelmParameters: a deprecated helmChartInflationGenerator
 * entry as the chart it stands for. */
static pr_node *chart_from_args(pr_arena *a, const pr_node *old)
{
    static const char *const renames[][2] = {
        {"chartName", "name"},      {"chartVersion", "version"},
        {"chartRepoUrl", "repo"},   {"values", "valuesFile"},
        {"valuesLocal", "valuesInline"}, {"valuesMerge", "valuesMerge"},
        {"releaseName", "releaseName"},
    };
    pr_node *chart = pr_node_map(a);
    chart->mark = old->mark;
    for (size_t i = 0; i < sizeof renames / sizeof renames[0]; i++) {
        pr_node *v = pr_map_get(old, renames[i][0]);
        if (v && !pr_node_is_null(v))
            pr_map_set(a, chart, renames[i][1], v);
    }
    return chart;
}

bool pr_gen_helm_charts(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                        pr_error *err)
{
    const pr_node *charts = pr_map_get(k->root, "helmCharts");
    const pr_node *old = pr_map_get(k->root, "helmChartInflationGenerator");
    const pr_node *globals = pr_map_get(k->root, "helmGlobals");
    size_t n_new = charts && charts->kind == PR_SEQ ? charts->seq.len : 0;
    size_t n_old = old && old->kind == PR_SEQ ? old->seq.len : 0;
    if (!n_new && !n_old)
        return true;
    if (globals && pr_node_is_null(globals))
        globals = NULL;
    if (!globals && n_old) {
        /* The last non-empty chartHome and helmHome of the old entries,
         * used only when there is no helmGlobals. */
        pr_node *g = pr_node_map(ctx->a);
        for (size_t i = 0; i < n_old; i++) {
            const char *home = str_field(old->seq.items[i], "chartHome");
            const char *helm_home = str_field(old->seq.items[i], "helmHome");
            if (*home)
                pr_map_set_str(ctx->a, g, "chartHome", home);
            if (*helm_home)
                pr_map_set_str(ctx->a, g, "configHome", helm_home);
        }
        globals = g->map.len ? g : NULL;
    }
    size_t n = n_new + n_old;
    helm_chart *all = pr_alloc(ctx->a, n * sizeof *all);
    for (size_t i = 0; i < n; i++) {
        const pr_node *chart = i < n_new ? charts->seq.items[i]
                                         : chart_from_args(ctx->a, old->seq.items[i - n_new]);
        const char *label = i < n_new ? chart_label(ctx, "helmCharts", i, chart)
                                      : chart_label(ctx, "helmChartInflationGenerator",
                                                    i - n_new, old->seq.items[i - n_new]);
        if (!configure(ctx, k, chart, globals, label, &all[i], err))
            return false;
    }
    for (size_t i = 0; i < n; i++) {
        bool ok = generate(ctx, k, &all[i],
                           pr_origin_for_builtin(ctx, k, "HelmChartInflationGenerator"), m, err);
        cleanup(&all[i]);
        if (!ok)
            return fail(k, &all[i], err);
    }
    return true;
}
