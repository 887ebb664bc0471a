/*
 * The last step before output: kustomize's RemoveBuildAnnotations, then
 * its origin and transformer annotation clean-up (kept when the top-level
 * buildMetadata lists originAnnotations or transformerAnnotations). It deletes the annotations
 * kustomize uses for its own bookkeeping, whoever wrote them (a user's
 * `internal.config.kubernetes.io/previousNames` goes too), and writes the
 * rest back as a map of strings: a value that is a mapping or a list
 * becomes "", any other keeps its text as a string. An annotations map left
 * empty goes away; one that was empty to begin with is left as it is.
 */
#include "kust/pipeline.h"

#define BUILD "internal.config.kubernetes.io/"

static const char *const build_annotations[] = {
    BUILD "previousKinds",  BUILD "previousNames",   BUILD "prefixes",
    BUILD "suffixes",       BUILD "previousNamespaces", BUILD "allowNameChange",
    BUILD "allowKindChange", BUILD "refBy",          BUILD "generatorBehavior",
    BUILD "needsHashSuffix", BUILD "path",           BUILD "index",
    BUILD "seqindent",      BUILD "id",              BUILD "annotations-migration-resource-id",
    "config.kubernetes.io/path", "config.kubernetes.io/index", "config.k8s.io/id",
};

static void clean(pr_arena *a, pr_node *obj, unsigned keep)
{
    pr_node *meta = pr_map_get(obj, "metadata");
    pr_node *annotations = pr_map_get(meta, "annotations");
    if (!annotations || annotations->kind != PR_MAP || annotations->map.len == 0)
        return;
    for (size_t i = 0; i < sizeof build_annotations / sizeof *build_annotations; i++)
        pr_map_remove(annotations, build_annotations[i]);
    /* what the top-level buildMetadata does not ask for goes, whoever
     * wrote it */
    if (!(keep & PR_BUILD_META_ORIGIN))
        pr_map_remove(annotations, PR_ORIGIN_ANNOTATION);
    if (!(keep & PR_BUILD_META_TRANSFORMERS))
        pr_map_remove(annotations, PR_TRANSFORMATIONS_ANNOTATION);
    for (size_t i = 0; i < annotations->map.len; i++) {
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
}

bool pr_tf_remove_build_annotations(pr_build_ctx *ctx, pr_resmap *m, pr_error *err)
{
    (void)err;
    for (size_t i = 0; i < pr_resmap_len(m); i++)
        clean(ctx->a, pr_resmap_at(m, i)->obj, ctx->build_metadata);
    return true;
}
