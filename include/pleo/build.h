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

typedef struct {
    const pr_fs *fs;          /* NULL: the real file system */
    bool load_restrict_none;  /* --load-restrictor LoadRestrictionsNone */
} pr_build_options;

/* Renders the kustomization in `dir`, appending the YAML stream to `out`
 * and deprecation warnings (one per line, kustomize's wording) to
 * `warnings`. On failure returns false, leaves `out` untouched and
 * describes the problem in `err`. */
bool pr_build_render(const char *dir, const pr_build_options *opts,
                     pr_strbuf *out, pr_strbuf *warnings, pr_error *err);

#endif
