/*
 * Field specs: "this transformer touches field PATH of kinds matching
 * GVK". The tables are data generated from kustomize's builtin specs
 * (tools/gen-fieldspecs.py); pr_fieldspec_walk is the one engine every
 * transformer uses to reach those fields.
 */
#ifndef PLEO_FIELDSPEC_H
#define PLEO_FIELDSPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "pleo/arena.h"
#include "pleo/error.h"
#include "pleo/node.h"

/* Group, version and kind; in a selector NULL or "" matches anything. */
typedef struct {
    const char *group;
    const char *version;
    const char *kind;
} pr_gvk;

typedef struct {
    pr_gvk gvk;
    const char *path; /* '/'-separated; "\/" is a literal slash; "x[]" a list */
    bool create;      /* create missing fields on the way */
} pr_fieldspec;

typedef struct {
    const pr_fieldspec *specs;
    size_t len;
} pr_fieldspec_list;

/* One nameReference entry: fields of other kinds that hold the name of a
 * `referral` object. */
typedef struct {
    pr_gvk referral;
    pr_fieldspec_list referrers;
} pr_nameref_rule;

extern const pr_fieldspec_list pr_fs_metadata_labels;
extern const pr_fieldspec_list pr_fs_common_labels_selectors;
extern const pr_fieldspec_list pr_fs_common_annotations;
extern const pr_fieldspec_list pr_fs_name_prefix;
extern const pr_fieldspec_list pr_fs_name_suffix;
extern const pr_fieldspec_list pr_fs_namespace;
extern const pr_fieldspec_list pr_fs_images;
extern const pr_fieldspec_list pr_fs_replicas;
extern const pr_fieldspec_list pr_fs_volume_claim_template_labels;
extern const pr_fieldspec_list pr_fs_var_reference;
extern const pr_nameref_rule *const pr_nameref_rules;
extern const size_t pr_nameref_rules_len;

/* True when `selector` selects `gvk` (empty selector fields match all). */
bool pr_gvk_selects(const pr_gvk *selector, const pr_gvk *gvk);

/* kustomize's fixed kind order: these kinds go first (in this order) or
 * last; every other kind sits between. Output without sortOptions and
 * field-spec lists are both ordered by it. */
extern const char *const pr_kind_order_first[];
extern const size_t pr_kind_order_first_len;
extern const char *const pr_kind_order_last[];
extern const size_t pr_kind_order_last_len;

/* kustomize's Gvk.IsLessThan as a three-way comparison: the kind's place in
 * the fixed order, then "group_version_kind" with ~G, ~V, ~K standing for
 * empty parts. Only equal group, version and kind compare equal. */
int pr_gvk_compare(const pr_gvk *x, const pr_gvk *y);

/* A copy of `gvk` whose texts live in `a` (NULL parts stay NULL), for a
 * gvk kept longer than the arena its texts came from. */
pr_gvk pr_gvk_copy(pr_arena *a, const pr_gvk *gvk);

/* kustomize's text for a kind in messages: "Kind.version.group", with
 * [noKind], [noVer] and [noGrp] for empty parts. */
const char *pr_gvk_string(pr_arena *a, const pr_gvk *gvk);

/* What a transformer creates when a spec with `create` meets a missing
 * final field: nothing, an empty mapping (labels) or an empty string
 * (names, namespaces). Missing intermediate fields become mappings. */
typedef enum { PR_CREATE_NONE, PR_CREATE_MAP, PR_CREATE_SCALAR } pr_create_kind;

/* Called for each field a spec reaches: `*slot` is its value (never NULL).
 * The visitor may edit it in place or store a replacement in `*slot`.
 * Returns false (with err set) to stop the walk. */
typedef bool (*pr_field_visitor)(pr_arena *a, pr_node **slot, void *ctx,
                                 pr_error *err);

/* Applies `visit` to every field of `obj` (an object of kind `gvk`) that
 * `spec` reaches. Sequences met along the path are entered item by item;
 * a scalar met before the path ends is an error, as in kustomize. */
bool pr_fieldspec_walk(pr_arena *a, pr_node *obj, const pr_gvk *gvk,
                       const pr_fieldspec *spec, pr_create_kind create,
                       pr_field_visitor visit, void *ctx, pr_error *err);

/* pr_fieldspec_walk for every spec of `list`. */
bool pr_fieldspec_walk_list(pr_arena *a, pr_node *obj, const pr_gvk *gvk,
                            const pr_fieldspec_list *list,
                            pr_create_kind create, pr_field_visitor visit,
                            void *ctx, pr_error *err);

#endif
