/*
 * The renderer's entry point: kustomization directory in, multi-document
 * YAML out, byte-identical to `kustomize build`.
 */
#ifndef PLEO_BUILD_H
#define PLEO_BUILD_H

#include <stdbool.h>

#include "pleo/error.h"
#include "pleo/fs.h"
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
     * app.kubernetes.io/managed-by: kustomize-v5.5.0, after sorting. */
    bool managed_by_label;
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
} pr_build_options;

/* Renders the kustomization in `dir`, appending the YAML stream to `out`
 * and deprecation warnings (one per line, kustomize's wording) to
 * `warnings`. On failure returns false, leaves `out` untouched and
 * describes the problem in `err`. */
bool pr_build_render(const char *dir, const pr_build_options *opts,
                     pr_strbuf *out, pr_strbuf *warnings, pr_error *err);

#endif
