/*
 * Resources and the resource map.
 *
 * A pr_resource is one Kubernetes object plus what kustomize remembers
 * about it: where it came from, the ids it had before transformers renamed
 * it (name references follow those), and whether its generated name still
 * needs a content-hash suffix. A pr_resmap keeps resources in load order
 * with a hash index on the current id, so lookups never scan the list.
 */
#ifndef PLEO_RESOURCE_H
#define PLEO_RESOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "pleo/arena.h"
#include "pleo/error.h"
#include "pleo/fieldspec.h"
#include "pleo/node.h"

/* What identifies an object: its kind and its namespaced name. */
typedef struct {
    pr_gvk gvk;
    const char *name;      /* "" when absent */
    const char *namespace; /* "" when absent */
} pr_resid;

typedef enum {
    PR_BEHAVIOR_CREATE,
    PR_BEHAVIOR_MERGE,
    PR_BEHAVIOR_REPLACE,
} pr_behavior;

/* A list of strings (prefixes or suffixes applied to a name). */
typedef struct {
    const char **items;
    size_t len, cap;
} pr_strlist;

/* Where pr_resource_id last found an object's id fields (apiVersion,
 * kind, metadata; metadata's name and namespace) and a signature of the
 * nodes it read them from; 40 bytes, as every object carries one. */
typedef struct {
    const pr_pair *obj_items, *meta_items;
    uint64_t signature;
    uint32_t obj_len, meta_len;
    int8_t at[5]; /* positions of the five fields, -1 when absent */
    bool valid;
} pr_id_memo;

typedef struct {
    pr_node *obj;
    const char *origin;   /* file (or generator) it came from */
    pr_resid *prev_ids;   /* ids before renames, oldest first */
    size_t nprev, prev_cap;
    pr_strlist prefixes;  /* namePrefix values applied, innermost first */
    pr_strlist suffixes;  /* nameSuffix values applied, innermost first */
    bool needs_hash;      /* generated name awaiting its hash suffix */
    pr_behavior behavior; /* for generated objects */
    const char *generator_behavior; /* generated objects: the behavior as
                                       written, "unspecified" if not */
    pr_strlist ref_var_names; /* vars whose objref names this object
                                 (kustomize's refVarNames); whatever
                                 replaces the object must keep them */
    pr_id_memo id_memo;   /* private to pr_resource_id */
} pr_resource;

typedef struct pr_resmap pr_resmap;

/* Reads group/version/kind from an object's apiVersion and kind. */
pr_gvk pr_obj_gvk(pr_arena *a, const pr_node *obj);

/* The object's current id, as kustomize's CurId reads it from the object
 * every time. Remembered between calls while the fields it came from are
 * the same nodes in the same places (transformers replace nodes or text
 * when they rename); the remembering writes to `r`, so two threads may
 * not ask for the id of one resource at once. */
pr_resid pr_resource_id(pr_arena *a, const pr_resource *r);

/* Wraps an object read from `origin`. */
pr_resource *pr_resource_new(pr_arena *a, pr_node *obj, const char *origin);

/* The id the resource started with: its oldest previous id, or its
 * current id when it was never renamed. */
pr_resid pr_resource_org_id(pr_arena *a, const pr_resource *r);

/* Appends `s` to a string list. */
void pr_strlist_append(pr_arena *a, pr_strlist *list, const char *s);

/* Records the current id as a previous one; call before renaming. */
void pr_resource_store_prev_id(pr_arena *a, pr_resource *r);

/* kustomize keeps what a pr_resource remembers (previous ids, prefixes,
 * suffixes, generator settings) in internal.config.kubernetes.io/
 * annotations while it builds, so JSON patches see them: `add
 * /metadata/annotations/x` works on an object without annotations once
 * kustomize has renamed or generated it. This adds them to the object;
 * the object must pass pr_obj_check. */
void pr_resource_expose_bookkeeping(pr_arena *a, pr_resource *r);

/* Removes what pr_resource_expose_bookkeeping added. */
void pr_resource_hide_bookkeeping(pr_resource *r);

/* kustomize's EffectiveNamespace: "_non_namespaceable_" for cluster-scoped
 * kinds, "default" for an empty namespace. */
const char *pr_resid_effective_namespace(const pr_resid *id);

/* metadata.name / metadata.namespace, "" when absent. */
const char *pr_obj_name(const pr_node *obj);
const char *pr_obj_namespace(const pr_node *obj);

/* Checks the shape every transformer relies on: a mapping with a string
 * kind, and metadata (when present) a mapping whose name and namespace are
 * strings and whose labels and annotations are mappings. `origin` names
 * the object in the message. */
bool pr_obj_check(const pr_node *obj, const char *origin, pr_error *err);

/* Sets metadata.name / metadata.namespace, creating metadata if needed;
 * the object must pass pr_obj_check. */
void pr_obj_set_name(pr_arena *a, pr_node *obj, const char *name);
void pr_obj_set_namespace(pr_arena *a, pr_node *obj, const char *ns);

/* Rewrites metadata.annotations the way kustomize leaves them whenever it
 * stores its bookkeeping there: every value becomes a string with its
 * original text, and an empty or null annotations map is dropped. */
void pr_obj_normalize_annotations(pr_node *obj);

/* True for kinds that live outside namespaces (Namespace, ClusterRole, ...). */
bool pr_kind_is_cluster_scoped(const pr_gvk *gvk);

/* kustomize's id text, "Kind.version.group/name.namespace", for messages. */
const char *pr_resid_string(pr_arena *a, const pr_resid *id);

/* Same gvk, name and namespace (an empty namespace equals "default"). */
bool pr_resid_equal(const pr_resid *x, const pr_resid *y);

/* Creates an empty map. */
pr_resmap *pr_resmap_new(pr_arena *a);

size_t pr_resmap_len(const pr_resmap *m);
pr_resource *pr_resmap_at(const pr_resmap *m, size_t i);

/* Appends `r`; fails when a resource with the same current id exists. */
bool pr_resmap_append(pr_resmap *m, pr_resource *r, pr_error *err);

/* Appends every resource of `src` to `m` (conflicts are errors). */
bool pr_resmap_append_all(pr_resmap *m, const pr_resmap *src, pr_error *err);

/* A deep copy of `src` in `a`: objects, ids and lists are new, so the copy
 * can be transformed without touching `src`. With `own_texts` every text
 * is copied too (the copy then outlives the arena of `src`); without, the
 * copy shares the texts of `src`, which must outlive it. */
pr_resmap *pr_resmap_copy(pr_arena *a, const pr_resmap *src, bool own_texts);

/* The resource whose current id is `id`, or NULL. */
pr_resource *pr_resmap_find(pr_resmap *m, const pr_resid *id);

/* Removes the resource at index `i`; the others keep their order. */
void pr_resmap_remove(pr_resmap *m, size_t i);

/* Replaces the resource at index `i`. */
void pr_resmap_replace(pr_resmap *m, size_t i, pr_resource *r);

/* Must be called after renaming resources so lookups see new ids. */
void pr_resmap_ids_changed(pr_resmap *m);

#endif
