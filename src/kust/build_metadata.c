/*
 * buildMetadata: where each object came from (config.kubernetes.io/origin)
 * and which builtin transformers ran over it
 * (alpha.config.kubernetes.io/transformations), kept as annotations on the
 * objects while the build runs, exactly where kustomize keeps them, so
 * patches, merges and selectors see what they see in kustomize.
 *
 * Promises, following kustomize v5.5 (api/resource/origin.go and
 * kusttarget.go): only the top-level kustomization's buildMetadata counts,
 * and any non-empty list turns tracking on for the whole tree; paths are
 * joined as Go's filepath.Join joins them, from the build root, or from
 * the repository's root inside a remote base (which records repo and
 * ref); the
 * annotation texts are what go-yaml v3 marshals for kustomize's Origin
 * (path, repo, ref, configuredIn, configuredBy with apiVersion, kind, name,
 * namespace; empty fields left out). What the top-level list does not ask
 * for is removed at the end (src/transformers/build_annotations.c).
 */
#include <string.h>

#include "kust/pipeline.h"
#include "kust/remote.h"
#include "pleo/yaml.h"

/* Go's filepath.Join of two elements: empty ones are ignored, the result
 * is cleaned, and an absolute second element does not win. */
static const char *go_join(pr_arena *a, const char *dir, const char *rel)
{
    const char *s = !*dir ? rel : !*rel ? dir : pr_sprintf(a, "%s/%s", dir, rel);
    if (!*s)
        return "";
    return pr_path_join(a, ".", s);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

pr_origin *pr_origin_append(pr_arena *a, const pr_origin *o, const char *path)
{
    pr_origin *out = pr_alloc(a, sizeof *out);
    if (o)
        *out = *o;
    else
        memset(out, 0, sizeof *out);
    pr_repo_spec rs;
    if (pr_repo_spec_parse(a, path, NULL, &rs, NULL)) {
        /* A remote base starts over from its repository: kustomize takes
         * the spec's AbsPath before any clone ("/notCloned" joined with
         * the directory in the repository) and cuts its first element,
         * leaving that directory, or "notCloned" for the root. */
        const char *abs = pr_path_join(a, "/notCloned", rs.kust_root);
        const char *slash = strchr(abs + 1, '/');
        path = slash ? slash + 1 : abs + 1;
        out->repo = pr_repo_spec_clone_url(a, &rs);
        out->ref = rs.ref;
        out->path = "";
    }
    out->path = go_join(a, out->path ? out->path : "", path);
    return out;
}

const pr_origin *pr_origin_for_builtin(pr_build_ctx *ctx, const pr_kustomization *k,
                                       const char *kind)
{
    if (!ctx->origin)
        return NULL;
    pr_origin *o = pr_alloc(ctx->a, sizeof *o);
    memset(o, 0, sizeof *o);
    o->repo = ctx->origin->repo;
    o->ref = ctx->origin->ref;
    o->configured_in = go_join(ctx->a, ctx->origin->path ? ctx->origin->path : "",
                               base_name(k->path));
    o->by_api_version = "builtin";
    o->by_kind = kind;
    return o;
}

static void set_if(pr_arena *a, pr_node *map, const char *key, const char *value)
{
    if (value && *value)
        pr_map_append(a, map, pr_node_str(a, key), pr_node_str(a, value));
}

/* The node go-yaml v3 marshals an Origin from, fields in struct order. */
static pr_node *origin_node(pr_arena *a, const pr_origin *o)
{
    pr_node *n = pr_node_map(a);
    set_if(a, n, "path", o->path);
    set_if(a, n, "repo", o->repo);
    set_if(a, n, "ref", o->ref);
    set_if(a, n, "configuredIn", o->configured_in);
    pr_node *by = pr_node_map(a);
    set_if(a, by, "apiVersion", o->by_api_version);
    set_if(a, by, "kind", o->by_kind);
    set_if(a, by, "name", o->by_name);
    set_if(a, by, "namespace", o->by_namespace);
    if (by->map.len)
        pr_map_append(a, n, pr_node_str(a, "configuredBy"), by);
    return n;
}

static const char *marshal(pr_arena *a, const pr_node *n, pr_error *err)
{
    pr_strbuf sb;
    pr_sb_init(&sb);
    const char *text = NULL;
    /* go-yaml writes an empty mapping as "{}" */
    if (n->kind == PR_MAP && n->map.len == 0)
        text = "{}\n";
    else if (pr_yaml_emit_ordered(n, &sb, err))
        text = pr_strndup(a, sb.buf, sb.len);
    pr_sb_release(&sb);
    return text;
}

const char *pr_origin_string(pr_arena *a, const pr_origin *o, pr_error *err)
{
    return marshal(a, origin_node(a, o), err);
}

static pr_node *annotations_of(pr_arena *a, pr_node *obj, bool create)
{
    pr_node *meta = create ? pr_map_ensure_map(a, obj, "metadata") : pr_map_get(obj, "metadata");
    if (!meta || meta->kind != PR_MAP)
        return NULL;
    pr_node *anno = pr_map_get(meta, "annotations");
    if ((!anno || pr_node_is_null(anno)) && create)
        anno = pr_map_ensure_map(a, meta, "annotations");
    if (anno && pr_node_is_null(anno)) {
        pr_map_remove(meta, "annotations");
        anno = pr_map_ensure_map(a, meta, "annotations");
    }
    return anno && anno->kind == PR_MAP ? anno : NULL;
}

static const char *field_text(const pr_node *map, const char *key)
{
    const pr_node *v = pr_map_get(map, key);
    return v && v->kind == PR_SCALAR && !pr_node_is_null(v) ? v->scalar.text : NULL;
}

/* Reads an Origin back as kustomize unmarshals it: unknown fields are
 * ignored, a scalar of any type reads as its text. */
/* The JSON type name encoding/json reports a node as. */
static const char *json_type(const pr_node *n)
{
    if (n->kind == PR_SEQ)
        return "array";
    if (n->kind == PR_MAP)
        return "object";
    switch (n->tag) {
    case PR_TAG_INT:
    case PR_TAG_FLOAT:
        return "number";
    case PR_TAG_BOOL:
        return "bool";
    default:
        return "string";
    }
}

static bool origin_from_node(const pr_node *n, pr_origin *o, pr_error *err)
{
    memset(o, 0, sizeof *o);
    if (pr_node_is_null(n))
        return true;
    if (n->kind != PR_MAP)
        return pr_error_set(err, "json: cannot unmarshal %s into Go value of type resource.Origin",
                            json_type(n));
    o->path = field_text(n, "path");
    o->repo = field_text(n, "repo");
    o->ref = field_text(n, "ref");
    o->configured_in = field_text(n, "configuredIn");
    const pr_node *by = pr_map_get(n, "configuredBy");
    if (by && by->kind == PR_MAP) {
        o->by_api_version = field_text(by, "apiVersion");
        o->by_kind = field_text(by, "kind");
        o->by_name = field_text(by, "name");
        o->by_namespace = field_text(by, "namespace");
    } else if (by && !pr_node_is_null(by)) {
        return pr_error_set(err, "json: cannot unmarshal %s into Go struct field "
                            "Origin.configuredBy of type yaml.ResourceIdentifier", json_type(by));
    }
    return true;
}

/* The parsed value of annotation `key`, NULL when absent. */
static bool parse_annotation(pr_arena *a, const pr_resource *r, const char *key,
                             const pr_node **out, pr_error *err)
{
    *out = NULL;
    const pr_node *anno = pr_map_get(pr_map_get(r->obj, "metadata"), "annotations");
    const pr_node *v = anno && anno->kind == PR_MAP ? pr_map_get(anno, key) : NULL;
    if (!v)
        return true;
    const char *text = v->kind == PR_SCALAR ? v->scalar.text : "";
    pr_doclist docs = {0};
    if (!pr_yaml_parse(a, key, text, strlen(text), &docs, err))
        return false;
    *out = docs.len && docs.docs[0] ? docs.docs[0] : pr_node_scalar(a, PR_TAG_NULL, "null", 4);
    return true;
}

static bool fail_on(pr_arena *a, const pr_resource *r, const char *what, pr_error *err)
{
    pr_resid id = pr_resource_id(a, r);
    return pr_error_prefix(err, "%s: its %s annotation is not what kustomize writes there "
                           "(remove it from the object)", pr_resid_string(a, &id), what);
}

int pr_resource_get_origin(pr_arena *a, const pr_resource *r, pr_origin *out, pr_error *err)
{
    const pr_node *n;
    if (!parse_annotation(a, r, PR_ORIGIN_ANNOTATION, &n, err) ||
        (n && !origin_from_node(n, out, err))) {
        fail_on(a, r, PR_ORIGIN_ANNOTATION, err);
        return -1;
    }
    return n != NULL;
}

bool pr_resource_set_origin(pr_arena *a, pr_resource *r, const pr_origin *o, pr_error *err)
{
    const char *text = pr_origin_string(a, o, err);
    pr_node *anno = text ? annotations_of(a, r->obj, true) : NULL;
    if (!anno)
        return text ? pr_error_set(err, "metadata.annotations is not a mapping") : false;
    pr_map_set_str(a, anno, PR_ORIGIN_ANNOTATION, text);
    /* kustomize writes the whole annotations map back as strings */
    pr_obj_normalize_annotations(r->obj);
    return true;
}

bool pr_resources_set_origin(pr_build_ctx *ctx, pr_resmap *m, size_t from,
                             const char *path, pr_error *err)
{
    if (!ctx->origin)
        return true;
    const pr_origin *o = pr_origin_append(ctx->a, ctx->origin, path);
    for (size_t i = from; i < pr_resmap_len(m); i++)
        if (!pr_resource_set_origin(ctx->a, pr_resmap_at(m, i), o, err))
            return pr_error_prefix(err, "cannot add path annotation for '%s'", path);
    return true;
}

bool pr_resource_add_origin(pr_arena *a, pr_resource *r, const pr_origin *o, pr_error *err)
{
    if (!o)
        return true;
    pr_origin old;
    pr_error ignored;
    pr_error_init(&ignored);
    int has = pr_resource_get_origin(a, r, &old, &ignored);
    pr_error_release(&ignored);
    /* kustomize skips objects whose origin it cannot read, too */
    if (has != 0)
        return true;
    return pr_resource_set_origin(a, r, o, err);
}

/* One transformer has run: an object it did not find an origin on is taken
 * as its product, every other records it in its transformations. */
static bool add_transformation(pr_arena *a, pr_resource *r, const pr_origin *o, pr_error *err)
{
    pr_origin old;
    int has = pr_resource_get_origin(a, r, &old, err);
    if (has < 0)
        return false;
    if (!has)
        return pr_resource_set_origin(a, r, o, err);
    const pr_node *list;
    if (!parse_annotation(a, r, PR_TRANSFORMATIONS_ANNOTATION, &list, err))
        return fail_on(a, r, PR_TRANSFORMATIONS_ANNOTATION, err);
    pr_node *seq = pr_node_seq(a);
    if (list && list->kind == PR_SEQ) {
        for (size_t i = 0; i < list->seq.len; i++) {
            pr_origin t;
            if (!origin_from_node(list->seq.items[i], &t, err))
                return fail_on(a, r, PR_TRANSFORMATIONS_ANNOTATION, err);
            pr_seq_append(a, seq, origin_node(a, &t));
        }
    } else if (list && !pr_node_is_null(list)) {
        pr_error_set(err, "json: cannot unmarshal %s into Go value of type "
                     "resource.Transformations", json_type(list));
        return fail_on(a, r, PR_TRANSFORMATIONS_ANNOTATION, err);
    }
    pr_seq_append(a, seq, origin_node(a, o));
    const char *text = marshal(a, seq, err);
    pr_node *anno = text ? annotations_of(a, r->obj, true) : NULL;
    if (!anno)
        return text ? pr_error_set(err, "metadata.annotations is not a mapping") : false;
    pr_map_set_str(a, anno, PR_TRANSFORMATIONS_ANNOTATION, text);
    pr_obj_normalize_annotations(r->obj);
    return true;
}

bool pr_resmap_record_transformer(pr_arena *a, pr_resmap *m, const pr_origin *o, pr_error *err)
{
    for (size_t i = 0; o && i < pr_resmap_len(m); i++)
        if (!add_transformation(a, pr_resmap_at(m, i), o, err))
            return false;
    return true;
}

bool pr_resmap_add_transformation(pr_build_ctx *ctx, const pr_kustomization *k,
                                  pr_resmap *m, const char *kind, size_t times,
                                  pr_error *err)
{
    const pr_origin *o = pr_origin_for_builtin(ctx, k, kind);
    for (size_t t = 0; o && t < times; t++)
        if (!pr_resmap_record_transformer(ctx->a, m, o, err))
            return pr_error_prefix(err, "%s: recording %s in the transformer annotations",
                                   k->path, kind);
    return true;
}

bool pr_build_metadata_read(pr_build_ctx *ctx, const pr_kustomization *k, pr_error *err)
{
    (void)err;
    const pr_node *list = pr_map_get(k->root, "buildMetadata");
    ctx->build_metadata = 0;
    ctx->origin = NULL;
    if (!list || list->kind != PR_SEQ || list->seq.len == 0)
        return true;
    static const struct {
        const char *name;
        unsigned flag;
    } options[] = {
        {"originAnnotations", PR_BUILD_META_ORIGIN},
        {"transformerAnnotations", PR_BUILD_META_TRANSFORMERS},
        {"managedByLabel", PR_BUILD_META_MANAGED_BY},
    };
    /* kustomize ignores values it does not know; any entry at all turns
     * origin tracking on */
    for (size_t i = 0; i < list->seq.len; i++)
        for (size_t j = 0; j < sizeof options / sizeof *options; j++)
            if (pr_scalar_is(list->seq.items[i], options[j].name))
                ctx->build_metadata |= options[j].flag;
    pr_origin *root = pr_alloc(ctx->a, sizeof *root);
    memset(root, 0, sizeof *root);
    ctx->origin = root;
    return true;
}
