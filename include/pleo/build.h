/*
 * The renderer's entry point: kustomization directory in, multi-document
 * YAML out, byte-identical to `kustomize build`.
 */
#ifndef PLEO_BUILD_H
#define PLEO_BUILD_H

#include <stdbool.h>

#include "pleo/arena.h"
#include "pleo/error.h"
#include "pleo/fs.h"
#include "pleo/node.h"
#include "pleo/strbuf.h"

/* kustomize build's deprecated --reorder flag. */
typedef enum {
    PR_REORDER_UNSPECIFIED, /* flag not given: legacy order unless sortOptions */
    PR_REORDER_LEGACY,      /* --reorder legacy */
    PR_REORDER_NONE,        /* --reorder none: accumulation order */
} pr_reorder;

typedef struct {
    const pr_fs *fs;          /* NULL: the real file system */
    bool load_restrict_none;  /* --load-restrictor LoadRestrictionsNone */
    /* --reorder: as in kustomize, a top-level sortOptions wins over it (with
     * a warning when both are given). */
    pr_reorder reorder;
    /* --enable-managedby-label: every object gets the label
     * app.kubernetes.io/managed-by: kustomize-(devel) (kubectl kustomize's
     * value), after sorting, as with buildMetadata: [managedByLabel]. */
    bool managed_by_label;
    /* --enable-alpha-plugins and --enable-exec: both are needed to run exec
     * KRM functions configured under generators/transformers/validators. */
    bool enable_alpha_plugins;
    bool enable_exec;
    /* Helm (kustomize's HelmConfig): helmCharts run `helm_command template`
     * only when enable_helm (--enable-helm) is set. helm_command NULL means
     * "helm", kubectl kustomize's default; kube_version, api_versions and
     * debug fill a chart's kubeVersion, apiVersions and debug when the chart
     * leaves them out (kustomize lets the chart's own value win). */
    bool enable_helm;
    const char *helm_command;      /* --helm-command */
    const char *helm_kube_version; /* --helm-kube-version, NULL or "": none */
    const char *const *helm_api_versions; /* --helm-api-versions, in order */
    size_t helm_api_versions_len;
    bool helm_debug;               /* --helm-debug */
    /* Bases built by one root and reused by the others (build --all);
     * NULL: every root builds its own. See pr_base_cache_new. */
    struct pr_base_cache *base_cache;
} pr_build_options;

typedef struct pr_base_cache pr_base_cache;

/* A cache of built bases that builds sharing `pr_build_options` (possibly
 * on several threads at once) reuse, so a base several roots include is
 * built once; each root's output stays what it would be alone (bases
 * whose build depends on more than their directory are never shared).
 * NULL when memory is exhausted. Freed, with all it holds, by
 * pr_base_cache_free once no build uses it. */
pr_base_cache *pr_base_cache_new(void);
void pr_base_cache_free(pr_base_cache *cache);

/* Renders the kustomization in `dir`, appending the YAML stream to `out`
 * and deprecation warnings (one per line, kustomize's wording) to
 * `warnings`. On failure returns false, leaves `out` untouched and
 * describes the problem in `err`. */
bool pr_build_render(const char *dir, const pr_build_options *opts,
                     pr_strbuf *out, pr_strbuf *warnings, pr_error *err);

/* Where pr_build_render_to writes the stream: `begin` (optional) is called
 * once the build has succeeded and before anything is written, then
 * `write` with consecutive pieces of the stream. Either returns false to
 * stop (having reported why itself). */
typedef struct {
    bool (*begin)(void *ctx);
    bool (*write)(void *ctx, const char *data, size_t len);
    void *ctx;
} pr_build_sink;

/* pr_build_render, handing the stream to `sink` a piece at a time instead
 * of building it in memory (peak memory is then the build's alone). Every
 * object is checked to convert to JSON before `begin`: a failing build
 * writes nothing. Returns false with `err` set when the build fails or the
 * sink stops it ("writing the output failed"). */
bool pr_build_render_to(const char *dir, const pr_build_options *opts,
                        const pr_build_sink *sink, pr_strbuf *warnings, pr_error *err);

/* One object of a build's output, as pr_build_resources hands it over. */
typedef struct {
    const pr_node *obj;      /* the object as rendered */
    const char *yaml;        /* its document, as pr_build_render writes it
                                (without the "---" line between documents) */
    size_t yaml_len;
    const char *api_version; /* NULL when the object has none */
    const char *group;       /* "" for the core group */
    const char *kind, *namespace, *name; /* "" when absent */
    /* A generated ConfigMap or Secret whose name got a content-hash
     * suffix: the name before it; NULL otherwise. */
    const char *generated_name;
} pr_rendered;

/* Renders the kustomization in `dir` as pr_build_render does, but hands
 * the output over object by object, in output order: `*out` gets an array
 * of `*len` items, allocated (with everything they point to) in `a`, which
 * the caller frees. Warnings and errors as for pr_build_render; on failure
 * `*out` is NULL and `*len` 0. */
bool pr_build_resources(const char *dir, const pr_build_options *opts, pr_arena *a,
                        pr_rendered **out, size_t *len, pr_strbuf *warnings,
                        pr_error *err);

#endif
