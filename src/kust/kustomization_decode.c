/*
 * Typed decoding of kustomization files, as kustomize does it.
 *
 * kustomize does not read a kustomization as YAML: it converts the YAML to
 * JSON with go-yaml v2 (YAML 1.1 scalars: `yes`, `on`, `y` are booleans;
 * numbers such as `1e3` or `0x10` are numbers; keys become strings, in
 * sorted order) and decodes that JSON into Go structs with encoding/json
 * (field names matched exactly or else ignoring case, unknown fields
 * rejected, a value of the wrong JSON type rejected, null leaving a scalar
 * field as it was and giving a list or map element its zero value). This
 * module does the same over the parsed tree, driven by a table of
 * kustomize's types, and rewrites the tree into the canonical form the
 * rest of the pipeline reads: canonical field names, strings as strings,
 * booleans as true/false, integers as decimal text, nulls resolved. Errors
 * carry kustomize's words ("cannot unmarshal bool into Go struct field
 * Kustomization.commonAnnotations of type string") and the node's
 * line:column.
 */
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kust/pipeline.h"
#include "pleo/yaml.h"
#include "yaml/scalar.h"

/* ---- kustomize's types, as data ---------------------------------------- */

typedef enum { GO_STRING, GO_BOOL, GO_INT, GO_STRUCT, GO_SLICE, GO_MAP, GO_ANY } go_kind;

typedef struct go_type go_type;

/* A JSON field of a struct; embedded structs are flattened into their
 * includer's list, as encoding/json promotes their fields. */
typedef struct {
    const char *json;
    const go_type *type;
} go_field;

struct go_type {
    go_kind kind;
    const char *name;       /* as Go prints it in errors; "[]*..." for slices
                               of pointers, whose null items stay nil */
    const go_type *elem;    /* GO_SLICE, GO_MAP */
    const go_field *fields; /* GO_STRUCT, ended by {NULL, NULL} */
    const char *struct_name; /* GO_STRUCT: the name errors give the struct */
};

static const go_type T_STRING = {GO_STRING, "string", NULL, NULL, NULL};
static const go_type T_SORT_ORDER = {GO_STRING, "types.SortOrder", NULL, NULL, NULL};
static const go_type T_PSM = {GO_STRING, "types.PatchStrategicMerge", NULL, NULL, NULL};
static const go_type T_BOOL = {GO_BOOL, "bool", NULL, NULL, NULL};
static const go_type T_INT = {GO_INT, "int", NULL, NULL, NULL};
static const go_type T_INT64 = {GO_INT, "int64", NULL, NULL, NULL};
static const go_type T_ANY = {GO_ANY, "interface {}", NULL, NULL, NULL};
static const go_type T_STRINGS = {GO_SLICE, "[]string", &T_STRING, NULL, NULL};
static const go_type T_STRING_MAP = {GO_MAP, "map[string]string", &T_STRING, NULL, NULL};
static const go_type T_BOOL_MAP = {GO_MAP, "map[string]bool", &T_BOOL, NULL, NULL};
static const go_type T_ANY_MAP = {GO_MAP, "map[string]interface {}", &T_ANY, NULL, NULL};

#define STRUCT(var, go_name, short_name, ...)                                            \
    static const go_field var##_fields[] = {__VA_ARGS__, {NULL, NULL}};                \
    static const go_type var = {GO_STRUCT, go_name, NULL, var##_fields, short_name}
#define SLICE(var, go_name, elem_type) \
    static const go_type var = {GO_SLICE, go_name, &elem_type, NULL, NULL}
#define GVK {"group", &T_STRING}, {"version", &T_STRING}, {"kind", &T_STRING}
#define RESID GVK, {"name", &T_STRING}, {"namespace", &T_STRING}

STRUCT(T_OBJECT_META, "types.ObjectMeta", "ObjectMeta", {"name", &T_STRING},
       {"namespace", &T_STRING}, {"labels", &T_STRING_MAP}, {"annotations", &T_STRING_MAP});
STRUCT(T_FIELD_SPEC, "types.FieldSpec", "FieldSpec", GVK, {"path", &T_STRING},
       {"create", &T_BOOL});
SLICE(T_FIELD_SPECS, "[]types.FieldSpec", T_FIELD_SPEC);
STRUCT(T_LABEL, "types.Label", "Label", {"pairs", &T_STRING_MAP},
       {"includeSelectors", &T_BOOL}, {"includeTemplates", &T_BOOL}, {"fields", &T_FIELD_SPECS});
SLICE(T_LABELS, "[]types.Label", T_LABEL);
STRUCT(T_SELECTOR, "types.Selector", "Selector", RESID, {"annotationSelector", &T_STRING},
       {"labelSelector", &T_STRING});
SLICE(T_SELECTORS, "[]*types.Selector", T_SELECTOR);
STRUCT(T_PATCH, "types.Patch", "Patch", {"path", &T_STRING}, {"patch", &T_STRING},
       {"target", &T_SELECTOR}, {"options", &T_BOOL_MAP});
SLICE(T_PATCHES, "[]types.Patch", T_PATCH);
SLICE(T_PSMS, "[]types.PatchStrategicMerge", T_PSM);
STRUCT(T_IMAGE, "types.Image", "Image", {"name", &T_STRING}, {"newName", &T_STRING},
       {"tagSuffix", &T_STRING}, {"newTag", &T_STRING}, {"digest", &T_STRING});
SLICE(T_IMAGES, "[]types.Image", T_IMAGE);
STRUCT(T_FIELD_OPTIONS, "types.FieldOptions", "FieldOptions", {"delimiter", &T_STRING},
       {"index", &T_INT}, {"encoding", &T_STRING}, {"create", &T_BOOL});
STRUCT(T_SOURCE, "types.SourceSelector", "SourceSelector", RESID, {"fieldPath", &T_STRING},
       {"options", &T_FIELD_OPTIONS});
STRUCT(T_TARGET, "types.TargetSelector", "TargetSelector", {"select", &T_SELECTOR},
       {"reject", &T_SELECTORS}, {"fieldPaths", &T_STRINGS}, {"options", &T_FIELD_OPTIONS});
SLICE(T_TARGETS, "[]*types.TargetSelector", T_TARGET);
STRUCT(T_REPLACEMENT, "types.ReplacementField", "ReplacementField", {"source", &T_SOURCE},
       {"targets", &T_TARGETS}, {"path", &T_STRING});
/* What a replacements `path:` file holds: one types.Replacement or a list. */
STRUCT(T_REPLACEMENT_IN_FILE, "types.Replacement", "Replacement", {"source", &T_SOURCE},
       {"targets", &T_TARGETS});
SLICE(T_REPLACEMENTS, "[]types.ReplacementField", T_REPLACEMENT);
STRUCT(T_REPLICA, "types.Replica", "Replica", {"name", &T_STRING}, {"count", &T_INT64});
SLICE(T_REPLICAS, "[]types.Replica", T_REPLICA);
STRUCT(T_VAR_TARGET, "types.Target", "Target", {"apiVersion", &T_STRING}, GVK,
       {"name", &T_STRING}, {"namespace", &T_STRING});
STRUCT(T_FIELD_SELECTOR, "types.FieldSelector", "FieldSelector", {"fieldPath", &T_STRING});
STRUCT(T_VAR, "types.Var", "Var", {"name", &T_STRING}, {"objref", &T_VAR_TARGET},
       {"fieldref", &T_FIELD_SELECTOR});
SLICE(T_VARS, "[]types.Var", T_VAR);
STRUCT(T_LEGACY_SORT, "types.LegacySortOptions", "LegacySortOptions",
       {"orderFirst", &T_STRINGS}, {"orderLast", &T_STRINGS});
STRUCT(T_SORT_OPTIONS, "types.SortOptions", "SortOptions", {"order", &T_SORT_ORDER},
       {"legacySortOptions", &T_LEGACY_SORT});
STRUCT(T_GENERATOR_OPTIONS, "types.GeneratorOptions", "GeneratorOptions",
       {"labels", &T_STRING_MAP}, {"annotations", &T_STRING_MAP},
       {"disableNameSuffixHash", &T_BOOL}, {"immutable", &T_BOOL});
#define GENERATOR_ARGS                                                                 \
    {"namespace", &T_STRING}, {"name", &T_STRING}, {"behavior", &T_STRING},            \
        {"literals", &T_STRINGS}, {"files", &T_STRINGS}, {"envs", &T_STRINGS},         \
        {"env", &T_STRING}, {"options", &T_GENERATOR_OPTIONS}
STRUCT(T_CONFIGMAP_ARGS, "types.ConfigMapArgs", "ConfigMapArgs", GENERATOR_ARGS);
SLICE(T_CONFIGMAP_ARGSS, "[]types.ConfigMapArgs", T_CONFIGMAP_ARGS);
STRUCT(T_SECRET_ARGS, "types.SecretArgs", "SecretArgs", GENERATOR_ARGS, {"type", &T_STRING});
SLICE(T_SECRET_ARGSS, "[]types.SecretArgs", T_SECRET_ARGS);
STRUCT(T_HELM_GLOBALS, "types.HelmGlobals", "HelmGlobals", {"chartHome", &T_STRING},
       {"configHome", &T_STRING});
STRUCT(T_HELM_CHART, "types.HelmChart", "HelmChart", {"name", &T_STRING},
       {"version", &T_STRING}, {"repo", &T_STRING}, {"releaseName", &T_STRING},
       {"namespace", &T_STRING}, {"additionalValuesFiles", &T_STRINGS},
       {"valuesFile", &T_STRING}, {"valuesInline", &T_ANY_MAP}, {"valuesMerge", &T_STRING},
       {"includeCRDs", &T_BOOL}, {"skipHooks", &T_BOOL}, {"apiVersions", &T_STRINGS},
       {"kubeVersion", &T_STRING}, {"nameTemplate", &T_STRING}, {"skipTests", &T_BOOL},
       {"debug", &T_BOOL});
SLICE(T_HELM_CHARTS, "[]types.HelmChart", T_HELM_CHART);
STRUCT(T_HELM_ARGS, "types.HelmChartArgs", "HelmChartArgs", {"chartName", &T_STRING},
       {"chartVersion", &T_STRING}, {"chartRepoUrl", &T_STRING}, {"chartHome", &T_STRING},
       {"chartRepoName", &T_STRING}, {"helmBin", &T_STRING}, {"helmHome", &T_STRING},
       {"values", &T_STRING}, {"valuesLocal", &T_ANY_MAP}, {"valuesMerge", &T_STRING},
       {"releaseName", &T_STRING}, {"releaseNamespace", &T_STRING},
       {"extraArgs", &T_STRINGS});
SLICE(T_HELM_ARGSS, "[]types.HelmChartArgs", T_HELM_ARGS);

STRUCT(T_KUSTOMIZATION, "types.Kustomization", "Kustomization", {"kind", &T_STRING},
       {"apiVersion", &T_STRING}, {"metadata", &T_OBJECT_META}, {"openapi", &T_STRING_MAP},
       {"namePrefix", &T_STRING}, {"nameSuffix", &T_STRING}, {"namespace", &T_STRING},
       {"commonLabels", &T_STRING_MAP}, {"labels", &T_LABELS},
       {"commonAnnotations", &T_STRING_MAP}, {"patchesStrategicMerge", &T_PSMS},
       {"patchesJson6902", &T_PATCHES}, {"patches", &T_PATCHES}, {"images", &T_IMAGES},
       {"imageTags", &T_IMAGES}, {"replacements", &T_REPLACEMENTS},
       {"replicas", &T_REPLICAS}, {"vars", &T_VARS}, {"sortOptions", &T_SORT_OPTIONS},
       {"resources", &T_STRINGS}, {"components", &T_STRINGS}, {"crds", &T_STRINGS},
       {"bases", &T_STRINGS}, {"configMapGenerator", &T_CONFIGMAP_ARGSS},
       {"secretGenerator", &T_SECRET_ARGSS}, {"helmGlobals", &T_HELM_GLOBALS},
       {"helmCharts", &T_HELM_CHARTS}, {"helmChartInflationGenerator", &T_HELM_ARGSS},
       {"generatorOptions", &T_GENERATOR_OPTIONS}, {"configurations", &T_STRINGS},
       {"generators", &T_STRINGS}, {"transformers", &T_STRINGS},
       {"validators", &T_STRINGS}, {"buildMetadata", &T_STRINGS});

/* The builtin plugins' configuration types (api/internal/builtins): what
 * each plugin's Config decodes with sigs.k8s.io/yaml. Embedded structs
 * (ObjectMeta under `metadata`, ConfigMapArgs, HelmChart...) are listed
 * as the fields they promote. */
#define PLUGIN(var, kind, ...) STRUCT(var, "builtins." kind "Plugin", kind "Plugin", __VA_ARGS__)
static const go_type T_ROLE_BINDING_MODE = {GO_STRING, "namespace.RoleBindingSubjectMode",
                                            NULL, NULL, NULL};
static const go_type T_FS_SLICE = {GO_SLICE, "types.FsSlice", &T_FIELD_SPEC, NULL, NULL};
static const go_type T_CLOUD = {GO_STRING, "types.Cloud", NULL, NULL, NULL};
STRUCT(T_KUBERNETES_SERVICE, "types.KubernetesService", "KubernetesService",
       {"name", &T_STRING}, {"namespace", &T_STRING});
STRUCT(T_SERVICE_ACCOUNT, "types.ServiceAccount", "ServiceAccount", {"name", &T_STRING},
       {"projectId", &T_STRING});
STRUCT(T_VALUE_ADD_TARGET, "builtins.Target", "Target", {"selector", &T_SELECTOR},
       {"fieldPath", &T_STRING}, {"filePathPosition", &T_INT});
SLICE(T_VALUE_ADD_TARGETS, "[]builtins.Target", T_VALUE_ADD_TARGET);
/* What ValueAddTransformer's targetFilePath file holds. */
STRUCT(T_VALUE_ADD_TARGET_FILE, "struct { Targets []builtins.Target }", "",
       {"targets", &T_VALUE_ADD_TARGETS});
PLUGIN(T_P_ANNOTATIONS, "AnnotationsTransformer", {"annotations", &T_STRING_MAP},
       {"fieldSpecs", &T_FIELD_SPECS});
PLUGIN(T_P_CONFIGMAP, "ConfigMapGenerator", {"metadata", &T_OBJECT_META}, GENERATOR_ARGS);
PLUGIN(T_P_SECRET, "SecretGenerator", {"metadata", &T_OBJECT_META}, GENERATOR_ARGS,
       {"type", &T_STRING});
PLUGIN(T_P_IAM, "IAMPolicyGenerator", {"cloud", &T_CLOUD},
       {"kubernetesService", &T_KUBERNETES_SERVICE}, {"serviceAccount", &T_SERVICE_ACCOUNT});
static const go_field T_P_HASH_fields[] = {{NULL, NULL}};
static const go_type T_P_HASH = {GO_STRUCT, "builtins.HashTransformerPlugin", NULL,
                                 T_P_HASH_fields, "HashTransformerPlugin"};
PLUGIN(T_P_IMAGE_TAG, "ImageTagTransformer", {"imageTag", &T_IMAGE},
       {"fieldSpecs", &T_FIELD_SPECS});
PLUGIN(T_P_LABELS, "LabelTransformer", {"labels", &T_STRING_MAP},
       {"fieldSpecs", &T_FIELD_SPECS});
PLUGIN(T_P_NAMESPACE, "NamespaceTransformer", {"metadata", &T_OBJECT_META},
       {"fieldSpecs", &T_FIELD_SPECS}, {"unsetOnly", &T_BOOL},
       {"setRoleBindingSubjects", &T_ROLE_BINDING_MODE});
PLUGIN(T_P_JSON6902, "PatchJson6902Transformer", {"target", &T_SELECTOR},
       {"path", &T_STRING}, {"jsonOp", &T_STRING});
PLUGIN(T_P_PSM, "PatchStrategicMergeTransformer", {"paths", &T_PSMS},
       {"patches", &T_STRING});
PLUGIN(T_P_PATCH, "PatchTransformer", {"path", &T_STRING}, {"patch", &T_STRING},
       {"target", &T_SELECTOR}, {"options", &T_BOOL_MAP});
PLUGIN(T_P_PREFIX_SUFFIX, "PrefixSuffixTransformer", {"prefix", &T_STRING},
       {"suffix", &T_STRING}, {"fieldSpecs", &T_FIELD_SPECS});
PLUGIN(T_P_PREFIX, "PrefixTransformer", {"prefix", &T_STRING}, {"fieldSpecs", &T_FS_SLICE});
PLUGIN(T_P_SUFFIX, "SuffixTransformer", {"suffix", &T_STRING}, {"fieldSpecs", &T_FS_SLICE});
PLUGIN(T_P_REPLICA, "ReplicaCountTransformer", {"replica", &T_REPLICA},
       {"fieldSpecs", &T_FIELD_SPECS});
PLUGIN(T_P_REPLACEMENT, "ReplacementTransformer", {"replacements", &T_REPLACEMENTS});
PLUGIN(T_P_VALUE_ADD, "ValueAddTransformer", {"value", &T_STRING},
       {"targets", &T_VALUE_ADD_TARGETS}, {"targetFilePath", &T_STRING});
PLUGIN(T_P_HELM, "HelmChartInflationGenerator", {"chartHome", &T_STRING},
       {"configHome", &T_STRING}, {"name", &T_STRING}, {"version", &T_STRING},
       {"repo", &T_STRING}, {"releaseName", &T_STRING}, {"namespace", &T_STRING},
       {"additionalValuesFiles", &T_STRINGS}, {"valuesFile", &T_STRING},
       {"valuesInline", &T_ANY_MAP}, {"valuesMerge", &T_STRING}, {"includeCRDs", &T_BOOL},
       {"skipHooks", &T_BOOL}, {"apiVersions", &T_STRINGS}, {"kubeVersion", &T_STRING},
       {"nameTemplate", &T_STRING}, {"skipTests", &T_BOOL}, {"debug", &T_BOOL});

static const struct {
    const char *kind;
    const go_type *type;
} plugin_types[] = {
    {"AnnotationsTransformer", &T_P_ANNOTATIONS},
    {"ConfigMapGenerator", &T_P_CONFIGMAP},
    {"SecretGenerator", &T_P_SECRET},
    {"IAMPolicyGenerator", &T_P_IAM},
    {"HashTransformer", &T_P_HASH},
    {"ImageTagTransformer", &T_P_IMAGE_TAG},
    {"LabelTransformer", &T_P_LABELS},
    {"NamespaceTransformer", &T_P_NAMESPACE},
    {"PatchJson6902Transformer", &T_P_JSON6902},
    {"PatchStrategicMergeTransformer", &T_P_PSM},
    {"PatchTransformer", &T_P_PATCH},
    {"PrefixSuffixTransformer", &T_P_PREFIX_SUFFIX},
    {"PrefixTransformer", &T_P_PREFIX},
    {"SuffixTransformer", &T_P_SUFFIX},
    {"ReplicaCountTransformer", &T_P_REPLICA},
    {"ReplacementTransformer", &T_P_REPLACEMENT},
    {"ValueAddTransformer", &T_P_VALUE_ADD},
    {"HelmChartInflationGenerator", &T_P_HELM},
};

/* ---- JSON values of YAML nodes ----------------------------------------- */

typedef enum { J_NULL, J_BOOL, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT } json_kind;

static const char *const json_kind_names[] = {"null", "bool", "number", "string", "array",
                                              "object"};

/* YAML 1.1's booleans that YAML 1.2 reads as strings; go-yaml v3 quotes
 * them when it writes them back. */
static bool is_old_bool(const char *s)
{
    static const char *const words[] = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No",
                                        "NO", "on", "On", "ON", "off", "Off", "OFF"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (!strcmp(s, words[i]))
            return true;
    return false;
}

/* The tag go-yaml v2 gives a scalar: quoted and block scalars are strings,
 * an explicit tag is kept, plain text follows YAML 1.1. `via_kyaml`: the
 * text was written by kyaml first (a plugin configuration), which quotes
 * the YAML 1.1 booleans YAML 1.2 reads as strings, so they stay strings. */
static pr_tag v2_tag(const pr_node *n, bool via_kyaml)
{
    if (via_kyaml && !pr_style_is_quoted(n->style) && n->style != PR_STYLE_TAGGED &&
        is_old_bool(n->scalar.text))
        return PR_TAG_STR;
    switch (n->style) {
    case PR_STYLE_QUOTED:
    case PR_STYLE_BLOCK:
        return PR_TAG_STR;
    case PR_STYLE_TAGGED:
        return n->tag;
    default:
        return pr_resolve_plain_v2(n->scalar.text, n->scalar.len);
    }
}

static json_kind json_kind_of(const pr_node *n, bool via_kyaml)
{
    if (n->kind == PR_MAP)
        return J_OBJECT;
    if (n->kind == PR_SEQ)
        return J_ARRAY;
    switch (v2_tag(n, via_kyaml)) {
    case PR_TAG_NULL:
        return J_NULL;
    case PR_TAG_BOOL:
        return J_BOOL;
    case PR_TAG_INT:
    case PR_TAG_FLOAT:
        return J_NUMBER;
    default:
        return J_STRING;
    }
}

/* YAML 1.1 booleans as go-yaml v2 reads them. */
static bool v2_bool_value(const char *s)
{
    static const char *const yes[] = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
                                      "on", "On", "ON"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (!strcmp(s, yes[i]))
            return true;
    return false;
}

/* The number go-yaml v2 reads from a plain scalar: integers (decimal, 0x,
 * 0o, 0b, a leading 0 for octal, underscores ignored) or floats. */
static double v2_number(const char *s, bool *is_int, long long *int_value)
{
    char buf[128];
    size_t k = 0;
    for (const char *p = s; *p && k + 1 < sizeof buf; p++)
        if (*p != '_')
            buf[k++] = *p;
    buf[k] = '\0';
    const char *digits = buf;
    bool negative = false;
    if (*digits == '+' || *digits == '-')
        negative = *digits++ == '-';
    if (!strcasecmp(digits, ".inf")) {
        *is_int = false;
        return negative ? -INFINITY : INFINITY;
    }
    if (!strcasecmp(digits, ".nan")) {
        *is_int = false;
        return NAN;
    }
    int base = 10;
    if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        base = 16;
        digits += 2;
    } else if (digits[0] == '0' && (digits[1] == 'o' || digits[1] == 'O')) {
        base = 8;
        digits += 2;
    } else if (digits[0] == '0' && (digits[1] == 'b' || digits[1] == 'B')) {
        base = 2;
        digits += 2;
    } else if (digits[0] == '0' && digits[1]) {
        base = 8;
    }
    char *end;
    errno = 0;
    unsigned long long u = strtoull(digits, &end, base);
    if (errno == ERANGE) {
        *is_int = false; /* past 64 bits: go-yaml v2 reads a float */
        return strtod(buf, NULL);
    }
    if (*digits && !*end && *digits != '-' && *digits != '+') {
        *is_int = true;
        if (u <= (unsigned long long)INT64_MAX || (negative && u == (unsigned long long)INT64_MAX + 1)) {
            *int_value = negative ? -(long long)(u - 1) - 1 : (long long)u;
            return (double)*int_value;
        }
        *is_int = false; /* too large for an int64: go-yaml v2 reads a float */
        return negative ? -(double)u : (double)u;
    }
    *is_int = false;
    return strtod(buf, NULL);
}

/* Go's shortest text for a float64 as encoding/json writes it. */
static const char *go_float_text(pr_arena *a, double v)
{
    char buf[64];
    double abs = fabs(v);
    if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
            if (strtod(buf, NULL) == v)
                break;
        }
        /* Go writes e+21, not e+021, and e-07 as e-07. */
        char *e = strchr(buf, 'e');
        if (e && (e[1] == '+' || e[1] == '-') && e[2] == '0' && e[3])
            memmove(e + 2, e + 3, strlen(e + 3) + 1);
        return pr_strdup(a, buf);
    }
    for (int prec = 0; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*f", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return pr_strdup(a, buf);
}

/* Go's strconv.FormatFloat(v, 'g', -1, 32): the shortest digits that read
 * back as the same float32, in %e form when the exponent is below -4 or
 * at least 6. */
static const char *go_float32_text(pr_arena *a, double v)
{
    float f = (float)v;
    if (f == 0)
        return signbit(f) ? "-0" : "0";
    char buf[64];
    for (int prec = 1; prec <= 9; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, (double)f);
        if ((float)strtod(buf, NULL) == f)
            break;
    }
    char digits[16];
    size_t nd = 0;
    const char *e = strchr(buf, 'e');
    for (const char *p = buf; p < e && nd + 1 < sizeof digits; p++)
        if (*p >= '0' && *p <= '9')
            digits[nd++] = *p;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    digits[nd] = '\0';
    int exp = atoi(e + 1);
    const char *sign = f < 0 ? "-" : "";
    if (exp < -4 || exp >= 6)
        return pr_sprintf(a, "%s%c%s%se%c%02d", sign, digits[0], nd > 1 ? "." : "",
                          digits + 1, exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    int decimals = (int)nd - (exp + 1);
    return pr_sprintf(a, "%.*f", decimals > 0 ? decimals : 0, (double)f);
}

/* ---- the decoder -------------------------------------------------------- */

typedef struct {
    pr_arena *a;
    const char *file;
    pr_error *err;
    const char *path[32]; /* JSON field names from the root, for messages */
    size_t depth;
    /* sigs.k8s.io/yaml's Unmarshal, which kustomize reads some files with,
     * rather than its strict decoding of kustomization files: unknown
     * fields are ignored, and a number or boolean where a string belongs
     * is taken as text. */
    bool lenient;
    bool via_kyaml; /* see v2_tag */
    bool no_position; /* the node's marks are not positions in `file` */
    const char *lead; /* what kustomize's messages start with */
} decoder;

/* pr_error_at at `n`, or without a position when the decoder has none. */
static bool fail_at(decoder *d, const pr_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool fail_at(decoder *d, const pr_node *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pr_strbuf msg;
    pr_sb_init(&msg);
    pr_sb_vaddf(&msg, fmt, ap);
    va_end(ap);
    if (d->no_position)
        pr_error_set(d->err, "%s: %s", d->file, msg.buf);
    else
        pr_error_at(d->err, d->file, n->mark.line, n->mark.col, "%s", msg.buf);
    pr_sb_release(&msg);
    return false;
}

static bool type_error(decoder *d, const pr_node *n, const char *what, const go_type *t,
                       const char *struct_name)
{
    pr_strbuf field;
    pr_sb_init(&field);
    pr_sb_adds(&field, struct_name);
    for (size_t i = 0; i < d->depth; i++)
        pr_sb_addf(&field, ".%s", d->path[i]);
    const char *hint = t->kind == GO_STRING && n->kind == PR_SCALAR
                           ? "; quote the value to make it a string"
                           : "";
    if (d->depth == 0)
        fail_at(d, n, "%s: cannot unmarshal %s into Go value of type %s", d->lead, what, t->name);
    else
        fail_at(d, n, "%s: cannot unmarshal %s into Go struct field %s of type %s%s", d->lead,
                    what, field.buf, t->name, hint);
    pr_sb_release(&field);
    return false;
}

/* A scalar's text as a JSON object key: YAMLToJSON writes booleans, numbers
 * and null as text. */
static const char *key_text(decoder *d, const pr_node *key)
{
    switch (v2_tag(key, d->via_kyaml)) {
    case PR_TAG_BOOL:
        return v2_bool_value(key->scalar.text) ? "true" : "false";
    case PR_TAG_NULL:
        return "null";
    case PR_TAG_INT: {
        bool is_int;
        long long i;
        double v = v2_number(key->scalar.text, &is_int, &i);
        return is_int ? pr_sprintf(d->a, "%lld", i) : go_float_text(d->a, v);
    }
    case PR_TAG_FLOAT: {
        bool is_int;
        long long i;
        return go_float_text(d->a, v2_number(key->scalar.text, &is_int, &i));
    }
    default:
        return key->scalar.text;
    }
}

static bool decode(decoder *d, pr_node *n, const go_type *t, const char *struct_name,
                   pr_node **out);

/* encoding/json's field lookup: an exact match, else one ignoring case. */
static const go_field *find_field(const go_type *t, const char *name)
{
    for (const go_field *f = t->fields; f->json; f++)
        if (!strcmp(f->json, name))
            return f;
    for (const go_field *f = t->fields; f->json; f++)
        if (!strcasecmp(f->json, name))
            return f;
    return NULL;
}

typedef struct {
    const char *key;
    size_t index;
} sorted_key;

static int compare_keys(const void *x, const void *y)
{
    const sorted_key *a = x, *b = y;
    int c = strcmp(a->key, b->key);
    if (c)
        return c;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* Later duplicates of a map or struct field add to the earlier value, as
 * encoding/json decodes into the map or struct already there. */
static void merge_into(pr_arena *a, pr_node *into, const pr_node *from)
{
    for (size_t i = 0; i < from->map.len; i++) {
        const pr_pair *p = &from->map.items[i];
        long at = pr_map_index(into, p->key->scalar.text);
        if (at >= 0 && into->map.items[at].value->kind == PR_MAP && p->value->kind == PR_MAP)
            merge_into(a, into->map.items[at].value, p->value);
        else if (at >= 0)
            into->map.items[at].value = p->value;
        else
            pr_map_append(a, into, p->key, p->value);
    }
}

static bool decode_struct(decoder *d, pr_node *n, const go_type *t, pr_node **out)
{
    /* YAMLToJSON writes an object's keys sorted; encoding/json reads them
     * in that order, so of keys differing only in case the last sorted
     * wins. */
    sorted_key *keys = pr_alloc(d->a, (n->map.len + 1) * sizeof *keys);
    for (size_t i = 0; i < n->map.len; i++)
        keys[i] = (sorted_key){key_text(d, n->map.items[i].key), i};
    qsort(keys, n->map.len, sizeof *keys, compare_keys);
    pr_node *result = pr_node_map(d->a);
    result->mark = n->mark;
    for (size_t i = 0; i < n->map.len; i++) {
        const pr_pair *p = &n->map.items[keys[i].index];
        const go_field *f = find_field(t, keys[i].key);
        if (!f && d->lenient)
            continue;
        if (!f)
            return fail_at(d, p->key, "%s: unknown field \"%s\"", d->lead, keys[i].key);
        if (d->depth == sizeof d->path / sizeof d->path[0])
            return fail_at(d, p->key, "%s: nested too deeply", d->lead);
        d->path[d->depth++] = f->json;
        pr_node *value;
        bool ok = decode(d, p->value, f->type, t->struct_name, &value);
        d->depth--;
        if (!ok)
            return false;
        long at = pr_map_index(result, f->json);
        if (json_kind_of(p->value, d->via_kyaml) == J_NULL) {
            /* null leaves a scalar field as it was and clears the rest */
            if (at >= 0 && f->type->kind != GO_STRING && f->type->kind != GO_BOOL &&
                f->type->kind != GO_INT)
                pr_map_remove(result, f->json);
            continue;
        }
        if (at >= 0 && value->kind == PR_MAP && result->map.items[at].value->kind == PR_MAP) {
            merge_into(d->a, result->map.items[at].value, value);
        } else if (at >= 0) {
            result->map.items[at].value = value;
        } else {
            pr_node *key = pr_node_str(d->a, f->json);
            key->mark = p->key->mark;
            pr_map_append(d->a, result, key, value);
        }
    }
    *out = result;
    return true;
}

/* The zero value a null list or map element decodes to. */
static pr_node *zero_value(decoder *d, const go_type *t, const pr_node *at)
{
    pr_node *z;
    switch (t->kind) {
    case GO_STRING:
        z = pr_node_str(d->a, "");
        break;
    case GO_BOOL:
        z = pr_node_scalar(d->a, PR_TAG_BOOL, "false", 5);
        break;
    case GO_INT:
        z = pr_node_scalar(d->a, PR_TAG_INT, "0", 1);
        break;
    case GO_STRUCT:
        z = pr_node_map(d->a);
        break;
    default:
        z = pr_node_scalar(d->a, PR_TAG_NULL, "null", 4);
        break;
    }
    z->mark = at->mark;
    return z;
}

static bool decode_int(decoder *d, pr_node *n, const go_type *t, const char *struct_name,
                       pr_node **out)
{
    bool is_int;
    long long i;
    double v = v2_number(n->scalar.text, &is_int, &i);
    if (!is_int) {
        /* JSON carries the float as Go writes it; an integral one in range
         * decodes into an int. */
        const char *text = go_float_text(d->a, v);
        if (strpbrk(text, ".eE") || v >= 9223372036854775808.0 || v < -9223372036854775808.0)
            return type_error(d, n, pr_sprintf(d->a, "number %s", text), t, struct_name);
        i = (long long)v;
    }
    /* Go's int is 64 bits wide where kustomize ships, like int64. */
    const char *text = pr_sprintf(d->a, "%lld", i);
    *out = pr_node_scalar(d->a, PR_TAG_INT, text, strlen(text));
    (*out)->style = PR_STYLE_PLAIN;
    (*out)->mark = n->mark;
    return true;
}

static bool decode_scalar(decoder *d, pr_node *n, const go_type *t, const char *struct_name,
                          json_kind j, pr_node **out)
{
    switch (t->kind) {
    case GO_STRING:
        if (d->lenient && j == J_BOOL) {
            *out = pr_node_str(d->a, v2_bool_value(n->scalar.text) ? "true" : "false");
            break;
        }
        if (d->lenient && j == J_NUMBER) {
            /* sigs.k8s.io/yaml formats the number it read for a string
             * field: an integer in decimal, a float as a float32 ('g') */
            bool is_int;
            long long i;
            double v = v2_number(n->scalar.text, &is_int, &i);
            *out = pr_node_str(d->a, is_int ? pr_sprintf(d->a, "%lld", i)
                                            : go_float32_text(d->a, v));
            break;
        }
        if (j != J_STRING)
            return type_error(d, n, json_kind_names[j], t, struct_name);
        if (d->via_kyaml && n->tag == PR_TAG_TIMESTAMP && !pr_style_is_quoted(n->style) &&
            n->style != PR_STYLE_TAGGED) {
            /* go-yaml v2 reads a time.Time, which JSON writes in RFC 3339 */
            pr_strbuf text;
            pr_sb_init(&text);
            bool is_string;
            pr_scalar_canonical(n, &text, &is_string);
            *out = pr_node_scalar(d->a, PR_TAG_STR, text.buf ? text.buf : "", text.len);
            pr_sb_release(&text);
            break;
        }
        if (n->tag == PR_TAG_BINARY) {
            pr_strbuf raw;
            pr_sb_init(&raw);
            bool ok = pr_base64_decode(n->scalar.text, n->scalar.len, &raw);
            if (ok)
                *out = pr_node_scalar(d->a, PR_TAG_STR, raw.buf ? raw.buf : "", raw.len);
            pr_sb_release(&raw);
            if (!ok)
                return fail_at(d, n, "%s: !!binary value is not base64", d->lead);
        } else {
            *out = pr_node_scalar(d->a, PR_TAG_STR, n->scalar.text, n->scalar.len);
        }
        break;
    case GO_BOOL:
        if (j != J_BOOL)
            return type_error(d, n, json_kind_names[j], t, struct_name);
        *out = v2_bool_value(n->scalar.text) ? pr_node_scalar(d->a, PR_TAG_BOOL, "true", 4)
                                             : pr_node_scalar(d->a, PR_TAG_BOOL, "false", 5);
        break;
    case GO_INT:
        if (j != J_NUMBER)
            return type_error(d, n, json_kind_names[j], t, struct_name);
        return decode_int(d, n, t, struct_name, out);
    default:
        return type_error(d, n, json_kind_names[j], t, struct_name);
    }
    (*out)->style = pr_style_is_quoted(n->style) ? PR_STYLE_QUOTED : PR_STYLE_PLAIN;
    (*out)->mark = n->mark;
    return true;
}

/* An interface{} value as kustomize sees it: go-yaml v2 read it (YAML 1.1:
 * `yes` is true, 0x10 is 16) and encoding/json carried it on, so every
 * scalar leaves here as a JSON-typed node: booleans "true"/"false",
 * numbers in decimal, strings quoted (any emitter keeps them strings),
 * null as null. Its users (helm's valuesInline) then see what kustomize's
 * plugins see. */
static pr_node *any_to_json_types(decoder *d, const pr_node *n)
{
    if (n->kind == PR_MAP) {
        pr_node *m = pr_node_map(d->a);
        m->mark = n->mark;
        for (size_t i = 0; i < n->map.len; i++) {
            pr_node *v = any_to_json_types(d, n->map.items[i].value);
            if (!v)
                return NULL;
            pr_map_append(d->a, m, n->map.items[i].key, v);
        }
        return m;
    }
    if (n->kind == PR_SEQ) {
        pr_node *seq = pr_node_seq(d->a);
        seq->mark = n->mark;
        for (size_t i = 0; i < n->seq.len; i++) {
            pr_node *v = any_to_json_types(d, n->seq.items[i]);
            if (!v)
                return NULL;
            pr_seq_append(d->a, seq, v);
        }
        return seq;
    }
    pr_node *out = NULL;
    switch (json_kind_of(n, d->via_kyaml)) {
    case J_NULL:
        out = pr_node_scalar(d->a, PR_TAG_NULL, "null", 4);
        break;
    case J_BOOL: {
        const char *v = v2_bool_value(n->scalar.text) ? "true" : "false";
        out = pr_node_scalar(d->a, PR_TAG_BOOL, v, strlen(v));
        break;
    }
    case J_NUMBER: {
        bool is_int = false;
        long long i = 0;
        double v = v2_number(n->scalar.text, &is_int, &i);
        if (isinf(v) || isnan(v)) {
            fail_at(d, n, "invalid Kustomization: json: unsupported value: %s",
                        isinf(v) ? (v > 0 ? "+Inf" : "-Inf") : "NaN");
            return NULL;
        }
        /* Integers JSON carries exactly; the rest as the float64 they are. */
        char *text = is_int && i < (1LL << 53) && i > -(1LL << 53)
                         ? pr_sprintf(d->a, "%lld", i)
                         : pr_sprintf(d->a, "%.17g", v);
        out = pr_node_scalar(d->a, is_int ? PR_TAG_INT : PR_TAG_FLOAT, text, strlen(text));
        break;
    }
    default:
        out = pr_node_scalar(d->a, PR_TAG_STR, n->scalar.text, n->scalar.len);
        out->style = PR_STYLE_QUOTED;
        break;
    }
    out->mark = n->mark;
    return out;
}

static bool decode(decoder *d, pr_node *n, const go_type *t, const char *struct_name,
                   pr_node **out)
{
    json_kind j = json_kind_of(n, d->via_kyaml);
    *out = n;
    if (t->kind == GO_ANY && j != J_NULL) {
        *out = any_to_json_types(d, n);
        return *out != NULL;
    }
    if (j == J_NULL || t->kind == GO_ANY)
        return true;
    if (j == J_NUMBER) {
        /* YAMLToJSON fails on what JSON cannot write, whatever the field. */
        bool is_int;
        long long i;
        double v = v2_number(n->scalar.text, &is_int, &i);
        if (isinf(v) || isnan(v))
            return fail_at(d, n, "%s: unsupported value: %s", d->lead,
                               isinf(v) ? (v > 0 ? "+Inf" : "-Inf") : "NaN");
    }
    switch (t->kind) {
    case GO_STRUCT:
        if (j != J_OBJECT)
            return type_error(d, n, json_kind_names[j], t, struct_name);
        return decode_struct(d, n, t, out);
    case GO_SLICE: {
        if (j != J_ARRAY)
            return type_error(d, n, json_kind_names[j], t, struct_name);
        pr_node *seq = pr_node_seq(d->a);
        seq->mark = n->mark;
        for (size_t i = 0; i < n->seq.len; i++) {
            pr_node *item = n->seq.items[i], *v;
            if (!decode(d, item, t->elem, struct_name, &v))
                return false;
            bool nil_pointer = !strncmp(t->name, "[]*", 3);
            bool zero = json_kind_of(item, d->via_kyaml) == J_NULL && !nil_pointer;
            pr_seq_append(d->a, seq, zero ? zero_value(d, t->elem, item) : v);
        }
        *out = seq;
        return true;
    }
    case GO_MAP: {
        if (j != J_OBJECT)
            return type_error(d, n, json_kind_names[j], t, struct_name);
        pr_node *map = pr_node_map(d->a);
        map->mark = n->mark;
        for (size_t i = 0; i < n->map.len; i++) {
            pr_pair *p = &n->map.items[i];
            pr_node *v;
            if (!decode(d, p->value, t->elem, struct_name, &v))
                return false;
            if (json_kind_of(p->value, d->via_kyaml) == J_NULL)
                v = zero_value(d, t->elem, p->value);
            pr_node *key = pr_node_str(d->a, key_text(d, p->key));
            key->mark = p->key->mark;
            long at = pr_map_index(map, key->scalar.text);
            if (at >= 0)
                map->map.items[at].value = v;
            else
                pr_map_append(d->a, map, key, v);
        }
        *out = map;
        return true;
    }
    default:
        return decode_scalar(d, n, t, struct_name, j, out);
    }
}

bool pr_kustomization_decode(pr_arena *a, const char *path, pr_node **root, pr_error *err)
{
    decoder d = {.a = a, .file = path, .err = err, .lead = "invalid Kustomization: json"};
    return decode(&d, *root, &T_KUSTOMIZATION, "Kustomization", root);
}

bool pr_replacement_decode(pr_arena *a, const char *path, pr_node **node, pr_error *err)
{
    decoder d = {.a = a, .file = path, .err = err, .lenient = true,
                 .lead = "error unmarshaling JSON: while decoding JSON: json"};
    return decode(&d, *node, &T_REPLACEMENT_IN_FILE, "Replacement", node);
}

bool pr_plugin_config_decode(pr_arena *a, const char *where, bool positions, const char *kind,
                             const char *id, pr_node **cfg, pr_error *err)
{
    for (size_t i = 0; i < sizeof plugin_types / sizeof plugin_types[0]; i++) {
        if (strcmp(plugin_types[i].kind, kind))
            continue;
        decoder d = {.a = a, .file = where, .err = err, .lenient = true, .via_kyaml = true,
                     .no_position = !positions,
                     .lead = pr_sprintf(a, "plugin %s fails configuration: error unmarshaling "
                                        "JSON: while decoding JSON: json", id)};
        return decode(&d, *cfg, plugin_types[i].type, plugin_types[i].type->struct_name, cfg);
    }
    return true;
}

bool pr_value_add_targets_decode(pr_arena *a, const char *path, pr_node **node, pr_error *err)
{
    decoder d = {.a = a, .file = path, .err = err, .lenient = true,
                 .lead = "error unmarshaling JSON: while decoding JSON: json"};
    return decode(&d, *node, &T_VALUE_ADD_TARGET_FILE, "", node);
}
