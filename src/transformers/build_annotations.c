/*
 * The last step before output: kustomize's RemoveBuildAnnotations, then
 * its origin and transformer annotation clean-up (kept when the top-level
 * buildMetadata lists originAnnotations or transformerAnnotations). It deletes the annotations
 * kustomize uses for its own bookkeeping, whoever wrote them (a user's
 * `internal.config.kubernetes.io/previousNames` goes too), and writes the
 * rest back as a map of strings: a value that is a mapping or a list
 * becomes "", any other keeps its text as a string. An annotations map left
 * empty goes away; one that was empty to begin with is left as it is.
 *
 * Writing the map back loses how keys were quoted, so a key whose text
 * reads as something other than a string (`"1"`, `"true"`, `"~"`) comes
 * back as a number, boolean or null, and kustomize's next JSON step fails
 * on it. That is an error here too, with a clearer message.
 */
#include "kust/pipeline.h"
#include "pleo/yaml.h"

#define BUILD "internal.config.kubernetes.io/"

static const char *const build_annotations[] = {
    BUILD "previousKinds",  BUILD "previousNames",   BUILD "prefixes",
    BUILD "suffixes",       BUILD "previousNamespaces", BUILD "allowNameChange",
    BUILD "allowKindChange", BUILD "refBy",          BUILD "generatorBehavior",
    BUILD "needsHashSuffix", BUILD "path",           BUILD "index",
    BUILD "seqindent",      BUILD "id",              BUILD "annotations-migration-resource-id",
    "config.kubernetes.io/path", "config.kubernetes.io/index", "config.k8s.io/id",
};

static const char *tag_word(pr_tag tag)
{
    return tag == PR_TAG_NULL ? "null" : tag == PR_TAG_BOOL ? "a boolean" : "a number";
}

static bool clean(pr_arena *a, const pr_resource *r, unsigned keep, pr_error *err)
{
    pr_node *obj = r->obj;
    pr_node *meta = pr_map_get(obj, "metadata");
    pr_node *annotations = pr_map_get(meta, "annotations");
    if (!annotations || annotations->kind != PR_MAP || annotations->map.len == 0)
        return true;
    for (size_t i = 0; i < sizeof build_annotations / sizeof *build_annotations; i++)
        pr_map_remove(annotations, build_annotations[i]);
    /* what the top-level buildMetadata does not ask for goes, whoever
     * wrote it */
    if (!(keep & PR_BUILD_META_ORIGIN))
        pr_map_remove(annotations, PR_ORIGIN_ANNOTATION);
    if (!(keep & PR_BUILD_META_TRANSFORMERS))
        pr_map_remove(annotations, PR_TRANSFORMATIONS_ANNOTATION);
    for (size_t i = 0; i < annotations->map.len; i++) {
        const pr_node *key = annotations->map.items[i].key;
        pr_tag tag = pr_resolve_plain(key->scalar.text, key->scalar.len);
        if (key->scalar.len == 0) {
            pr_resid id = pr_resource_id(a, r);
            return pr_error_set(err, "%s: an annotation has an empty key (kustomize v5.5 "
                                "crashes on it); give it a name (from %s)",
                                pr_resid_string(a, &id), r->origin);
        }
        if (tag != PR_TAG_STR) {
            pr_resid id = pr_resource_id(a, r);
            return pr_error_set(err, "%s: annotation key \"%s\" reads as %s once kustomize "
                                "writes the annotations back, and kustomize then fails (json: "
                                "unsupported type: map[interface {}]interface {}); use a key "
                                "that reads as a string (from %s)",
                                pr_resid_string(a, &id), key->scalar.text, tag_word(tag),
                                r->origin);
        }
        pr_node *v = annotations->map.items[i].value;
        if (v->kind == PR_SCALAR) {
            v->tag = PR_TAG_STR;
        } else {
            pr_node *empty = pr_node_str(a, "");
            empty->mark = v->mark;
            annotations->map.items[i].value = empty;
        }
    }
    if (annotations->map.len == 0)
        pr_map_remove(meta, "annotations");
    return true;
}

bool pr_tf_remove_build_annotations(pr_build_ctx *ctx, pr_resmap *m, pr_error *err)
{
    for (size_t i = 0; i < pr_resmap_len(m); i++)
        if (!clean(ctx->a, pr_resmap_at(m, i), ctx->build_metadata, err))
            return false;
    return true;
}
