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

/* kustomize's resource.Origin: where an object, or the generator or
 * transformer configuration that made or changed it, was read. Empty
 * fields are NULL or "". */
typedef struct {
    const char *path;           /* rooted at the build's directory */
    const char *repo, *ref;     /* remote bases only */
    const char *configured_in;  /* the file configuring a generator/transformer */
    const char *by_api_version, *by_kind, *by_name, *by_namespace;
} pr_origin;

#define PR_ORIGIN_ANNOTATION "config.kubernetes.io/origin"
#define PR_TRANSFORMATIONS_ANNOTATION "alpha.config.kubernetes.io/transformations"

/* The top-level kustomization's buildMetadata options. */
enum {
    PR_BUILD_META_ORIGIN = 1,        /* originAnnotations */
    PR_BUILD_META_TRANSFORMERS = 2,  /* transformerAnnotations */
    PR_BUILD_META_MANAGED_BY = 4,    /* managedByLabel */
};

typedef struct {
    pr_arena *a;
    /* Temporaries of nested scopes (a scratch arena of `a`): a function
     * takes pr_arena_mark(tmp), allocates there what it needs for a moment
     * and releases it before returning. Nothing there may be kept. */
    pr_arena *tmp;
    /* What the build reads through: a pr_fs_cache over `source_fs` while
     * the tree is accumulated. */
    const pr_fs *fs;
    /* The pr_fs the build was given; its address tells cached bases of
     * different trees (two git revisions) apart. */
    const pr_fs *source_fs;
    pr_strbuf *warnings;
    bool load_restrict_none;
    const char **stack; /* canonical dirs of kustomizations being built */
    size_t depth, stack_cap;
    pr_sort_options sort; /* the top-level kustomization's */
    size_t smp_work;      /* list items strategic merges visited */
    const pr_tconfig *builtin_tconfig; /* made on first use */
    struct pr_tconfig_memo *tconfig_memo; /* see pr_build_tconfig_merge */
    unsigned build_metadata;  /* PR_BUILD_META_* of the top kustomization */
    /* kustomize's kt.origin: the origin of the kustomization being built
     * (its path from the build root), NULL when the top-level
     * buildMetadata is empty and nothing is tracked. */
    const pr_origin *origin;
    const struct pr_openapi *openapi; /* the custom schema in force, or NULL */
    bool openapi_set;          /* a kustomization's `openapi` has been taken */
    bool enable_alpha_plugins;         /* --enable-alpha-plugins */
    bool enable_exec;                  /* --enable-exec */
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

/* Decodes the configuration `*cfg` of the builtin plugin `kind` as the
 * plugin's Config does (sigs.k8s.io/yaml into its Go struct, after kyaml
 * wrote the object: field names matched ignoring case, unknown fields
 * ignored, wrong types rejected, numbers and booleans taken as text where
 * a string belongs, YAML 1.1-only booleans such as `yes` read as strings);
 * `*cfg` becomes the canonical tree (canonical field names, only the
 * plugin's fields). Errors name `where`, with line:column when
 * `positions`, and the plugin by `id` (its OrgId text) in kustomize's
 * words. A kind without a table is left as it is. */
bool pr_plugin_config_decode(pr_arena *a, const char *where, bool positions, const char *kind,
                             const char *id, pr_node **cfg, pr_error *err);

/* Decodes the document of a ValueAddTransformer targetFilePath file as
 * the plugin reads it (sigs.k8s.io/yaml into {targets: [...]}, leniently
 * as pr_replacement_decode); `*node` becomes the canonical tree. */
bool pr_value_add_targets_decode(pr_arena *a, const char *path, pr_node **node, pr_error *err);

/* Finds, reads and validates the kustomization file in `dir`, whose
 * canonical form (in ctx->a) is `root`. Its parsed
 * tree (out->root) is made in `trees` (NULL: ctx->a), a scratch arena of
 * ctx->a (pr_arena_new_scratch) when the kustomization is done with
 * before the build is: nothing may keep a node of it then, while its
 * scalar texts stay in ctx->a. The paths in `out` are in ctx->a. */
bool pr_kustomization_load(pr_build_ctx *ctx, const char *dir, const char *root,
                           pr_arena *trees, pr_kustomization *out, pr_error *err);

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

/* Bases built once for several roots (src/kust/base_cache.c). Before
 * building the base `path` (canonical directory `canonical`) as a
 * `resources` entry, pr_base_cache_take fills the fresh `acc` with a copy
 * of it when the build's cache holds it and may use it; otherwise the
 * base is built between pr_base_cache_before and pr_base_cache_keep,
 * which keeps a copy when nothing outside the base shaped its build. */
typedef struct {
    bool usable;
    size_t warnings_len, smp_work;
    const char **helm_api_shared;
} pr_base_snapshot;

bool pr_base_cache_take(pr_build_ctx *ctx, const char *path, const char *canonical,
                        pr_accumulator *acc);
pr_base_snapshot pr_base_cache_before(const pr_build_ctx *ctx);
void pr_base_cache_keep(pr_build_ctx *ctx, const pr_base_snapshot *before, const char *path,
                        const char *canonical, const pr_accumulator *acc);

/* A fresh, empty accumulator. */
pr_accumulator pr_accumulator_new(pr_build_ctx *ctx);

/* Builds the kustomization (or component) in `dir` into `acc`, which must
 * be fresh: everything but the passes kustomize runs once at the top. */
bool pr_accumulate(pr_build_ctx *ctx, const char *dir, pr_accumulator *acc,
                   pr_error *err);

/* Accumulates a `resources`-style entry of `k` into `acc`: a file of
 * objects, or a kustomization directory built on its own and merged. */
bool pr_accumulate_path(pr_build_ctx *ctx, const pr_kustomization *k, const char *entry,
                        pr_accumulator *acc, pr_error *err);

/* Plugin configurations (src/kust/plugins.c): the objects `k` lists under
 * `generators`, `transformers` and `validators` (inline YAML, files, or
 * kustomization directories), each run as the builtin plugin its kind
 * names (apiVersion: builtin) or as an exec KRM function. Generators add
 * to `m` by behavior; transformers change it in place, after the
 * kustomization's own transformers; validators must leave it as it was
 * (the validated-by label aside), as kustomize checks. */
bool pr_plugins_generate(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                         pr_error *err);
bool pr_plugins_transform(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                          pr_error *err);
bool pr_plugins_validate(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                         pr_error *err);

/* Runs the external plugin configured by `config` (src/kust/krm_exec.c):
 * an exec KRM function (config.kubernetes.io/function with exec.path)
 * when --enable-alpha-plugins and --enable-exec allow it. A generator's
 * output is added to `m`, each object without an origin getting `origin`
 * (NULL: none); a transformer's replaces it. Anything else is the error
 * kustomize gives (external plugins disabled, container functions not
 * supported). */
bool pr_krm_exec_run(pr_build_ctx *ctx, const pr_kustomization *k, const pr_resource *config,
                     bool generator, const pr_origin *origin, pr_resmap *m, pr_error *err);

/* The builtin transformer configuration merged with the files `k` lists
 * under `configurations` (src/kust/tconfig.c). */
bool pr_tconfig_read(pr_build_ctx *ctx, const pr_kustomization *k,
                     const pr_tconfig **out, pr_error *err);

/* pr_tconfig_merge for the build: merges of the same two lists (which
 * are never modified once made) are done once and their result reused,
 * as every kustomization merges the builtin configuration again. Only
 * for configurations whose lists live in ctx->a or are static. */
bool pr_build_tconfig_merge(pr_build_ctx *ctx, const pr_tconfig *base,
                            const pr_tconfig *incoming, pr_tconfig *out, pr_error *err);

/* pr_fieldspec_list_merge for the build, remembered the same way (the
 * lists must live in ctx->a or be static and never be modified). */
bool pr_build_fieldspec_merge(pr_build_ctx *ctx, const pr_fieldspec_list *base,
                              const pr_fieldspec_list *incoming, pr_fieldspec_list *out,
                              pr_error *err);

/* kustomize's openapi.SetSchema for `k` (src/kust/openapi.c): reads
 * openapi.path (an error when missing, even once a schema is set), and
 * unless an earlier kustomization set the schema, takes the custom
 * document into ctx->openapi or checks that openapi.version is builtin. */
bool pr_openapi_read(pr_build_ctx *ctx, const pr_kustomization *k, pr_error *err);

/* The field specs the `crds` files of `k` declare (src/kust/crds.c),
 * kustomize's LoadConfigFromCRDs, into `out` (arena-owned). Errors name
 * the kustomization, the entry and, for YAML problems, line:column. */
bool pr_crds_config(pr_build_ctx *ctx, const pr_kustomization *k, pr_tconfig *out,
                    pr_error *err);

/* Generators. */
bool pr_gen_configmaps(pr_build_ctx *ctx, const pr_kustomization *k,
                       pr_resmap *m, pr_error *err);
bool pr_gen_secrets(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                    pr_error *err);
/* One configMapGenerator / secretGenerator entry (the builtin
 * ConfigMapGenerator / SecretGenerator plugins): `entry` holds the
 * entry's fields (name, namespace, behavior, literals, files, envs,
 * options, and type for a Secret); no generatorOptions apply. The object
 * gets `origin` (NULL: none; kustomize's AddOriginAnnotation with the
 * plugin's origin) and joins `m` by its behavior. */
bool pr_gen_configmap_entry(pr_build_ctx *ctx, const pr_kustomization *k, const pr_node *entry,
                            const pr_origin *origin, pr_resmap *m, pr_error *err);
bool pr_gen_secret_entry(pr_build_ctx *ctx, const pr_kustomization *k, const pr_node *entry,
                         const pr_origin *origin, pr_resmap *m, pr_error *err);

/* kustomize's HelmChartInflationGenerator for one chart
 * (src/generators/helm.c): `chart` is a decoded types.HelmChart mapping
 * (name, version, repo, releaseName, namespace, valuesFile, valuesInline,
 * valuesMerge, additionalValuesFiles, ...), `globals` a types.HelmGlobals
 * one (chartHome, configHome) or NULL; one mapping holding both, as a
 * plugin config under `generators:` does, may be passed as both. `label`
 * names the configuration in errors, which carry no line:column. Needs
 * --enable-helm; runs `helm version`, `helm pull` when the chart is not
 * under chartHome and `helm template` with kustomize's arguments and
 * HELM_*_HOME environment, and appends what helm printed to `m`, each
 * object with `origin` (NULL: none). Errors name k's file and the chart,
 * with helm's stderr. */
bool pr_gen_helm(pr_build_ctx *ctx, const pr_kustomization *k, const pr_node *chart,
                 const pr_node *globals, const char *label, const pr_origin *origin,
                 pr_resmap *m, pr_error *err);

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
/* kustomize writes label keys back without their quotes, so a key that
 * reads as a number, boolean or null (`"1"`, `"true"`) makes its next JSON
 * step fail; this fails on such a key of `pairs` as kustomize does, naming
 * `what` (the field) and the key's line:column in k's file. */
bool pr_check_keys_read_as_strings(const pr_kustomization *k, const pr_node *pairs,
                                   const char *what, pr_error *err);

bool pr_set_entries(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                    const pr_node *pairs, const pr_fieldspec_list *specs,
                    const char *what, pr_error *err);

/* Transformers, in the order kustomize runs them. */
bool pr_tf_patches_strategic_merge(pr_build_ctx *ctx, const pr_kustomization *k,
                                   pr_resmap *m, pr_error *err);
bool pr_tf_patches(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                   pr_error *err);
/* One `patches` entry (kustomize's PatchTransformer): `entry` maps only
 * path or patch, target and options; `index` numbers it in errors. Files
 * are read relative to `k`, under its load restrictions. */
bool pr_tf_patch_apply(pr_build_ctx *ctx, const pr_kustomization *k, const pr_node *entry,
                       size_t index, pr_resmap *m, pr_error *err);
/* kustomize's PatchStrategicMergeTransformer over `list`, a sequence of
 * strings each holding patches inline or naming a file of them; no patch
 * at all is an error. */
bool pr_tf_psm_apply(pr_build_ctx *ctx, const pr_kustomization *k, const pr_node *list,
                     pr_resmap *m, pr_error *err);
bool pr_tf_namespace(pr_build_ctx *ctx, const pr_kustomization *k,
                     pr_resmap *m, pr_error *err);

/* Which (Cluster)RoleBinding subjects get the namespace: kustomize's
 * setRoleBindingSubjects (defaultOnly, allServiceAccounts, none). */
typedef enum {
    PR_RB_SUBJECTS_DEFAULT_ONLY,
    PR_RB_SUBJECTS_ALL_SERVICE_ACCOUNTS,
    PR_RB_SUBJECTS_NONE,
} pr_rb_subjects;

/* A NamespaceTransformer's configuration. */
typedef struct {
    const char *ns;                 /* NULL or "": nothing to do */
    const pr_fieldspec_list *specs; /* fieldSpecs */
    bool unset_only;                /* unsetOnly: keep namespaces already set */
    pr_rb_subjects subjects;
} pr_namespace_config;

/* The namespace transformer with an explicit configuration; `k` names the
 * kustomization in errors. pr_tf_namespace is this with the
 * kustomization's `namespace` and its namespace field specs. */
bool pr_tf_namespace_apply(pr_build_ctx *ctx, const pr_kustomization *k,
                           const pr_namespace_config *cfg, pr_resmap *m, pr_error *err);

/* kustomize's namespace filter on one object (no previous id stored, no
 * conflict check: what ValueAddTransformer applies for metadata/namespace). */
bool pr_tf_namespace_object(pr_build_ctx *ctx, const pr_namespace_config *cfg,
                            pr_resource *r, pr_error *err);

/* One target of a ValueAddTransformer. */
typedef struct {
    const pr_node *selector; /* a `target:`-style mapping; NULL selects every object */
    const char *field_path;  /* '/'-separated, `\/` for a slash in a key */
    long file_path_position; /* > 0: insert the value as that path element */
} pr_value_add_target;

/* kustomize's ValueAddTransformer (src/transformers/value_add.c): for each
 * target in order, on each object it selects, puts `value` at the field
 * `field_path` names (kyaml's PathGetter with creation: missing mappings,
 * lists and `[k=v]` items are made), or inserts it into the path that
 * field holds; metadata/namespace goes through the namespace filter.
 * Errors name k's file and the object. */
bool pr_tf_value_add_apply(pr_build_ctx *ctx, const pr_kustomization *k, const char *value,
                           const pr_value_add_target *targets, size_t n, pr_resmap *m,
                           pr_error *err);
bool pr_tf_prefix_suffix(pr_build_ctx *ctx, const pr_kustomization *k,
                         pr_resmap *m, pr_error *err);
/* kustomize's PrefixTransformer (is_prefix) or SuffixTransformer: adds
 * `affix` (nothing when NULL or "") to the fields `specs` list, on objects
 * other than CRDs, APIServices and Namespaces. */
bool pr_tf_affix_apply(pr_build_ctx *ctx, const pr_kustomization *k, const char *affix,
                       bool is_prefix, const pr_fieldspec_list *specs, pr_resmap *m,
                       pr_error *err);
bool pr_tf_labels(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                  pr_error *err);
bool pr_tf_annotations(pr_build_ctx *ctx, const pr_kustomization *k,
                       pr_resmap *m, pr_error *err);
bool pr_tf_patches_json6902(pr_build_ctx *ctx, const pr_kustomization *k,
                            pr_resmap *m, pr_error *err);
/* One patchesJson6902 entry (kustomize's PatchJson6902Transformer):
 * `entry` maps target (with a name) and path or patch. */
bool pr_tf_json6902_apply(pr_build_ctx *ctx, const pr_kustomization *k, const pr_node *entry,
                          size_t index, pr_resmap *m, pr_error *err);
bool pr_tf_replicas(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                    pr_error *err);
/* kustomize's ReplicaCountTransformer: `entry` is a {name, count} mapping
 * (`index` numbers it in errors), `specs` its fieldSpecs; a name matching
 * no object of a kind the specs select is an error. */
bool pr_tf_replica_apply(pr_build_ctx *ctx, const pr_kustomization *k,
                         const pr_node *entry, size_t index,
                         const pr_fieldspec_list *specs, pr_resmap *m, pr_error *err);
bool pr_tf_images(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                  pr_error *err);
/* kustomize's ImageTagTransformer: `image` is an {name, newName, newTag,
 * digest, tagSuffix} mapping applied to containers and to the fields
 * `specs` list; `where` names it in errors (e.g. "images[0]"). */
bool pr_tf_image_apply(pr_build_ctx *ctx, const pr_kustomization *k, const pr_node *image,
                       const char *where, const pr_fieldspec_list *specs, pr_resmap *m,
                       pr_error *err);
bool pr_tf_replacements(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                        pr_error *err);
/* kustomize's ReplacementTransformer over `list`, a sequence of
 * replacements or {path: FILE} entries (files read relative to `k`). */
bool pr_tf_replacements_apply(pr_build_ctx *ctx, const pr_kustomization *k,
                              const pr_node *list, pr_resmap *m, pr_error *err);

/* Final passes over the whole tree. */
bool pr_tf_hash_suffixes(pr_build_ctx *ctx, pr_resmap *m, pr_error *err);
/* Appends the content hash to the name of every object still awaiting
 * one. `settle` marks them done (the final pass); kustomize's
 * HashTransformer plugin leaves the mark, so the final pass hashes such
 * objects a second time. */
bool pr_tf_hash_apply(pr_build_ctx *ctx, pr_resmap *m, bool settle, pr_error *err);
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

/* A copy of `from` (NULL stays NULL) in `a`, texts included, for a base
 * built once and reused by several roots (src/kust/base_cache.c). */
pr_varset *pr_varset_copy(pr_arena *a, const pr_varset *from);

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

/* buildMetadata (src/kust/build_metadata.c). */

/* Reads the top-level kustomization's buildMetadata into
 * ctx->build_metadata and starts origin tracking (ctx->origin) when the
 * list is not empty, as kustomize does for any value, known or not. */
bool pr_build_metadata_read(pr_build_ctx *ctx, const pr_kustomization *k, pr_error *err);

/* kustomize's Origin.Append: a copy of `o` (NULL: an empty origin) whose
 * path has `path` joined to it as filepath.Join does. */
pr_origin *pr_origin_append(pr_arena *a, const pr_origin *o, const char *path);

/* The origin kustomize gives a builtin generator or transformer of `kind`
 * configured by `k`: configuredIn is k's file name joined to ctx->origin's
 * path, configuredBy is {apiVersion: builtin, kind}. NULL when not
 * tracking. */
const pr_origin *pr_origin_for_builtin(pr_build_ctx *ctx, const pr_kustomization *k,
                                       const char *kind);

/* The annotation text of `o`, as go-yaml v3 marshals kustomize's Origin;
 * NULL with `err` set when it cannot be written. */
const char *pr_origin_string(pr_arena *a, const pr_origin *o, pr_error *err);

/* Reads r's origin annotation: 1 with `*out` filled, 0 when there is none,
 * -1 with `err` set when it is not an origin. */
int pr_resource_get_origin(pr_arena *a, const pr_resource *r, pr_origin *out, pr_error *err);

/* Sets r's origin annotation to `o`, rewriting its annotations as strings
 * as kustomize's SetAnnotations does. */
bool pr_resource_set_origin(pr_arena *a, pr_resource *r, const pr_origin *o, pr_error *err);

/* kustomize's AddOriginAnnotation for one object: sets `o` (NULL: does
 * nothing) unless the object has an origin annotation already. */
bool pr_resource_add_origin(pr_arena *a, pr_resource *r, const pr_origin *o, pr_error *err);

/* accumulateFile: every resource of `m` from index `from` on, read from
 * the file `path` of the current kustomization, gets ctx->origin with
 * `path` appended, replacing any origin it had. Nothing when not tracking. */
bool pr_resources_set_origin(pr_build_ctx *ctx, pr_resmap *m, size_t from,
                             const char *path, pr_error *err);

/* After `times` instances of the builtin transformer `kind` configured by
 * `k` ran over `m`: kustomize's AddTransformerAnnotation once per instance
 * (an object without an origin takes the transformer's as its origin,
 * the others append it to their transformations). Nothing when not
 * tracking. */
bool pr_resmap_add_transformation(pr_build_ctx *ctx, const pr_kustomization *k,
                                  pr_resmap *m, const char *kind, size_t times,
                                  pr_error *err);

/* kustomize's AddTransformerAnnotation after one transformer whose origin
 * is `o` (NULL: nothing) ran over `m`. */
bool pr_resmap_record_transformer(pr_arena *a, pr_resmap *m, const pr_origin *o, pr_error *err);

/* The value of app.kubernetes.io/managed-by that --enable-managedby-label
 * and buildMetadata: [managedByLabel] write: "kustomize-" and the
 * version kubectl kustomize reports, "(devel)". */
#define PR_MANAGED_BY_VALUE "kustomize-(devel)"

#endif
