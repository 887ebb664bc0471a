/*
 * Transformer configurations: for each builtin transformer and for the
 * name-reference pass, the fields it touches. A build starts from
 * kustomize's builtin field specs (fieldspec_tables.c) and merges in the
 * files a kustomization lists under `configurations`; each kustomization
 * also merges in the configurations of the kustomizations it includes, so
 * a base's configuration reaches its overlays.
 *
 * Merging follows kustomize's TransformerConfig.Merge, quirks included: a
 * spec is dropped when an earlier spec has its path and a kind the new one
 * selects (so `{path: metadata/name}` disappears behind
 * `{kind: Foo, path: metadata/name}` once sorted after it), the same spec
 * with a different `create` is an error, and every list (but the fields of
 * a nameReference entry) is kept sorted by kind as pr_gvk_compare orders.
 *
 * Configurations live in the build's arena and are never modified once
 * made: merging returns a new one, so several kustomizations share them.
 */
#ifndef PLEO_TCONFIG_H
#define PLEO_TCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "pleo/arena.h"
#include "pleo/error.h"
#include "pleo/fieldspec.h"

typedef struct {
    pr_fieldspec_list name_prefix;
    pr_fieldspec_list name_suffix;
    pr_fieldspec_list namespace;
    pr_fieldspec_list common_labels;      /* commonLabels, labels.includeSelectors */
    pr_fieldspec_list labels;             /* added to every `labels` entry */
    pr_fieldspec_list template_labels;    /* labels.includeTemplates */
    pr_fieldspec_list common_annotations;
    pr_fieldspec_list var_reference;      /* kept for `vars`, which is unsupported */
    pr_fieldspec_list images;
    pr_fieldspec_list replicas;
    const pr_nameref_rule *nameref;
    size_t nameref_len;
} pr_tconfig;

/* kustomize's default configuration, built from the generated tables and
 * sorted as kustomize sorts it. */
void pr_tconfig_builtin(pr_arena *a, pr_tconfig *out);

/* Reads one configuration file (`data`, named `filename` in messages) the
 * way kustomize's strict JSON decoding does: first YAML document only, keys
 * matched exactly or else ignoring case, unknown keys and wrong types are
 * errors with line:column. An empty file is an empty configuration. */
bool pr_tconfig_parse(pr_arena *a, const char *filename, const char *data,
                      size_t len, pr_tconfig *out, pr_error *err);

/* `base` merged with `incoming` into `out` (which may be either of them),
 * as kustomize's TransformerConfig.Merge: incoming specs an earlier spec
 * covers are dropped, conflicting ones are an error naming the list. */
bool pr_tconfig_merge(pr_arena *a, const pr_tconfig *base,
                      const pr_tconfig *incoming, pr_tconfig *out,
                      pr_error *err);

/* A copy of `src` in `a`, texts included, so it outlives the arena of
 * `src` (for bases built once and reused by several roots). */
void pr_tconfig_copy(pr_arena *a, const pr_tconfig *src, pr_tconfig *out);

/* kustomize's FsSlice.MergeAll without the sorting: `base` followed by the
 * specs of `incoming` no spec of the result covers yet. A covered spec that
 * differs in `create` fails with "conflicting fieldspecs (...)". */
bool pr_fieldspec_list_merge(pr_arena *a, const pr_fieldspec_list *base,
                             const pr_fieldspec_list *incoming,
                             pr_fieldspec_list *out, pr_error *err);

#endif
