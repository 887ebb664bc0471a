/*
 * Internal interfaces of the build pipeline: the per-build context, the
 * loaded kustomization, and one entry point per generator and transformer
 * (each in its own file under src/generators or src/transformers).
 *
 *   load kustomization -> accumulate resources (bases first) -> transformer
 *   configuration -> generators -> components (each one runs this same
 *   sequence over the including kustomization's accumulator) ->
 *   transformers in kustomize's order -> (top level only) hash suffixes ->
 *   name references -> vars -> local configs dropped -> sort order ->
 *   build annotations removed -> emit
 */
#ifndef PLEO_KUST_PIPELINE_H
#define PLEO_KUST_PIPELINE_H

#include <stdbool.h>

#include "pleo/arena.h"
#include "pleo/build.h"
#include "pleo/error.h"
#include "pleo/fs.h"
#include "pleo/node.h"
#include "pleo/resource.h"
#include "pleo/strbuf.h"
#include "pleo/tconfig.h"

/* A kustomization's `sortOptions`, as read; its values are checked only
 * where they count, at the top level. */
typedef struct {
    bool given;                /* present and not null */
    const char *path;          /* the kustomization file, for errors */
    const pr_node *node, *order_node, *legacy_node;
    const char *order;         /* "" when not given */
    bool legacy_given;         /* legacySortOptions present and not null */
    const char *const *first, *const *last; /* orderFirst, orderLast */
    size_t first_len, last_len;
} pr_sort_options;

typedef struct {
    pr_arena *a;
    const pr_fs *fs;
    pr_strbuf *warnings;
    bool load_restrict_none;
    const char **stack; /* canonical dirs of kustomizations being built */
    size_t depth, stack_cap;
    pr_sort_options sort; /* the top-level kustomization's */
    size_t smp_work;      /* list items strategic merges visited */
    const pr_tconfig *builtin_tconfig; /* made on first use */
    const pr_build_options *opts;      /* never NULL (zeroed when none given) */
    /* --helm-api-versions as the one Go slice every chart of the build
     * shares in kustomize (see api_versions() in src/generators/helm.c). */
    const char **helm_api_shared;
    size_t helm_api_cap;
    /* Remote bases cloned in this build (src/kust/remote.c): the clone
     * directories (canonical), each with the URL and ref it holds, so a
     * repository listed twice is cloned once; removed when the build ends. */
    const char **clone_dirs, **clone_keys;
    size_t n_clones, clones_cap;
} pr_build_ctx;

typedef struct {
    const char *dir;       /* directory as reached from the build root */
    const char *canonical; /* canonical directory, for load restrictions */
    const char *path;      /* the kustomization file */
    pr_node *root;         /* its parsed content */
    bool is_component;     /* kind: Component */
    /* What its transformers touch: its `configurations` merged into those
     * of the kustomizations it includes. Set once resources are read. */
    const pr_tconfig *tconfig;
} pr_kustomization;

/* Decodes a parsed kustomization file as kustomize decodes it into its Go
 * types (src/kust/kustomization_decode.c): YAML 1.1 scalars, field names
 * matched ignoring case, wrong types and unknown fields rejected with
 * line:column, nulls resolved as encoding/json resolves them. `*root` is
 * replaced by the canonical tree, allocated in `a`. */
bool pr_kustomization_decode(pr_arena *a, const char *path, pr_node **root,
                             pr_error *err);

/* Decodes one replacement of a replacements `path:` file as kustomize reads
 * those (sigs.k8s.io/yaml: unknown fields ignored, numbers and booleans
 * taken as text where a string belongs); `*node` becomes the canonical
 * tree. A null `*node` stays null. */
bool pr_replacement_decode(pr_arena *a, const char *path, pr_node **node, pr_error *err);

/* Finds, reads and validates the kustomization file in `dir`. */
bool pr_kustomization_load(pr_build_ctx *ctx, const char *dir,
                           pr_kustomization *out, pr_error *err);

/* The clone directory `canonical` lies in, or NULL when it is not in a
 * remote base cloned by this build. */
const char *pr_clone_containing(const pr_build_ctx *ctx, const char *canonical);

/* Reads a file that the kustomization refers to, enforcing the load
 * restrictor (files must lie within the kustomization's directory; always
 * so for a kustomization in a cloned remote base, as in kustomize). */
bool pr_kustomization_read_file(pr_build_ctx *ctx, const pr_kustomization *k,
                                const char *rel, pr_strbuf *out,
                                const char **path_out, pr_error *err);

/* Checks that `v` is a mapping of strings (labels, annotations). */
bool pr_check_string_map(const pr_kustomization *k, const pr_node *v,
                         const char *field, pr_error *err);

/* Parses a YAML stream of objects into resources (List kinds expanded,
 * empty documents skipped) appended to `m`. */
bool pr_load_resources(pr_build_ctx *ctx, const char *filename,
                       const char *data, size_t len, pr_resmap *m,
                       pr_error *err);

/* What a kustomization hands to the one that includes it (kustomize's
 * ResAccumulator): its resources, its transformer configuration and its
 * vars. A
 * component adds to its includer's accumulator instead of making its own. */
typedef struct pr_varset pr_varset; /* kustomize's VarSet; opaque, arena-owned */

typedef struct {
    pr_resmap *m;
    pr_tconfig *tconfig; /* updated in place as configurations merge in */
    pr_varset *vars;     /* NULL when none */
} pr_accumulator;

/* A fresh, empty accumulator. */
pr_accumulator pr_accumulator_new(pr_build_ctx *ctx);

/* Builds the kustomization (or component) in `dir` into `acc`, which must
 * be fresh: everything but the passes kustomize runs once at the top. */
bool pr_accumulate(pr_build_ctx *ctx, const char *dir, pr_accumulator *acc,
                   pr_error *err);

/* The builtin transformer configuration merged with the files `k` lists
 * under `configurations` (src/kust/tconfig.c). */
bool pr_tconfig_read(pr_build_ctx *ctx, const pr_kustomization *k,
                     const pr_tconfig **out, pr_error *err);

/* Generators. */
bool pr_gen_configmaps(pr_build_ctx *ctx, const pr_kustomization *k,
                       pr_resmap *m, pr_error *err);
bool pr_gen_secrets(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                    pr_error *err);

/* kustomize's HelmChartInflationGenerator for one chart
 * (src/generators/helm.c): `chart` is a decoded types.HelmChart mapping
 * (name, version, repo, releaseName, namespace, valuesFile, valuesInline,
 * valuesMerge, additionalValuesFiles, ...), `globals` a types.HelmGlobals
 * one (chartHome, configHome) or NULL; one mapping holding both, as a
 * plugin config under `generators:` does, may be passed as both. Needs
 * --enable-helm; runs `helm version`, `helm pull` when the chart is not
 * under chartHome and `helm template` with kustomize's arguments and
 * HELM_*_HOME environment, and appends what helm printed to `m`. Errors
 * name k's file and the chart, with helm's stderr. */
bool pr_gen_helm(pr_build_ctx *ctx, const pr_kustomization *k, const pr_node *chart,
                 const pr_node *globals, pr_resmap *m, pr_error *err);

/* k's `helmCharts` (then its deprecated `helmChartInflationGenerator`
 * entries, converted as kustomize converts them) with its `helmGlobals`:
 * every chart's configuration is checked before any runs, as kustomize
 * configures all generators before generating. */
bool pr_gen_helm_charts(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                        pr_error *err);

/* Sets each entry of `pairs` (a mapping of scalars) as a string in the
 * mappings `specs` reach on every object of `m`, creating them, with
 * kustomize's SetEntry sharing (src/transformers/set_entries.c). `what`
 * names the field in messages. */
bool pr_set_entries(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                    const pr_node *pairs, const pr_fieldspec_list *specs,
                    const char *what, pr_error *err);

/* Transformers, in the order kustomize runs them. */
bool pr_tf_patches_strategic_merge(pr_build_ctx *ctx, const pr_kustomization *k,
                                   pr_resmap *m, pr_error *err);
bool pr_tf_patches(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                   pr_error *err);
bool pr_tf_namespace(pr_build_ctx *ctx, const pr_kustomization *k,
                     pr_resmap *m, pr_error *err);
bool pr_tf_prefix_suffix(pr_build_ctx *ctx, const pr_kustomization *k,
                         pr_resmap *m, pr_error *err);
bool pr_tf_labels(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                  pr_error *err);
bool pr_tf_annotations(pr_build_ctx *ctx, const pr_kustomization *k,
                       pr_resmap *m, pr_error *err);
bool pr_tf_patches_json6902(pr_build_ctx *ctx, const pr_kustomization *k,
                            pr_resmap *m, pr_error *err);
bool pr_tf_replicas(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                    pr_error *err);
bool pr_tf_images(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                  pr_error *err);
bool pr_tf_replacements(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                        pr_error *err);

/* Final passes over the whole tree. */
bool pr_tf_hash_suffixes(pr_build_ctx *ctx, pr_resmap *m, pr_error *err);
bool pr_tf_name_references(pr_build_ctx *ctx, const pr_tconfig *tconfig,
                           pr_resmap *m, pr_error *err);
bool pr_tf_drop_local_configs(pr_build_ctx *ctx, pr_resmap *m, pr_error *err);
/* kustomize's RemoveBuildAnnotations, last before output
 * (src/transformers/build_annotations.c). */
bool pr_tf_remove_build_annotations(pr_build_ctx *ctx, pr_resmap *m, pr_error *err);

/* `vars` (src/transformers/vars.c), kustomize's ResAccumulator.MergeVars,
 * VarSet.MergeSet and ResolveVars. */

/* MergeVars for k's own `vars`, once its transformers have run: records
 * each var's
 * name on the one resource of `m` whose current or previous id its objref
 * names (gvk and name; the namespace too when the objref gives one), and
 * adds the vars to `*set`. An objref naming several resources is kustomize's
 * "found N resId matches" error, a name already in `*set` its "already
 * encountered" one; an objref naming none fails only when resolving. */
bool pr_vars_merge_own(pr_build_ctx *ctx, const pr_kustomization *k,
                       pr_resmap *m, pr_varset **set, pr_error *err);

/* VarSet.MergeSet: adds the vars of `from` (an included kustomization's)
 * to `*into`; a name already present is kustomize's conflict error. */
bool pr_varset_merge(pr_build_ctx *ctx, pr_varset **into, const pr_varset *from,
                     pr_error *err);

/* ResolveVars, once at the top after name references: takes each var's
 * value from its fieldref on the resource that recorded it (an error when
 * there is none or the field is missing), replaces $(NAME) in the
 * varReference fields of `tconfig` on every resource, and warns in
 * ctx->warnings about vars never used, as kustomize logs them. Does
 * nothing when `set` is empty. */
bool pr_tf_resolve_vars(pr_build_ctx *ctx, const pr_tconfig *tconfig,
                        const pr_varset *set, pr_resmap *m, pr_error *err);

/* A var's value as kustomize's GetFieldValue hands it to the replacer:
 * a string, or a number or boolean whose type a whole-string reference
 * keeps. */
typedef struct {
    pr_tag tag;           /* PR_TAG_STR, _INT, _FLOAT or _BOOL */
    const char *whole;    /* the text of a field that was just "$(NAME)" */
    const char *embedded; /* the text inside a longer string (Go's %v) */
} pr_var_value;

/* Converts the node a fieldref reaches as GetFieldValue does: strings and
 * unusual tags (null, timestamps) as their text, !!int through Go's Atoi,
 * !!float through ParseFloat, !!bool through ParseBool. Returns 1 with
 * `*out` set, 0 for a mapping or sequence (kustomize leaves such vars
 * unreplaced), -1 when the conversion fails (kustomize's "not found"). */
int pr_var_value_from_node(pr_arena *a, const pr_node *n, pr_var_value *out);

/* The value of the var `name` (`len` bytes, not NUL-terminated), or NULL
 * when there is none to substitute. */
typedef const pr_var_value *(*pr_var_lookup)(const char *name, size_t len,
                                             void *ctx);

/* kustomize's refvar DoReplacements on the string scalar `s`: $(NAME)
 * becomes the value `lookup` gives (or stays when it gives none), $$
 * becomes $, a '$' before anything else stays. A scalar that is exactly
 * "$(NAME)" takes the value's type; otherwise the result is a string. */
void pr_vars_expand(pr_arena *a, pr_node *s, pr_var_lookup lookup, void *ctx);

/* Reads and type-checks `k`'s sortOptions into `out` (NULL: only check). */
bool pr_sort_options_read(pr_build_ctx *ctx, const pr_kustomization *k,
                          pr_sort_options *out, pr_error *err);

/* Orders `m` for output as `o` says: kustomize's legacy order when not
 * given, the accumulation order for "fifo". */
bool pr_tf_sort_order(pr_build_ctx *ctx, const pr_sort_options *o, pr_resmap *m,
                      pr_error *err);

#endif
