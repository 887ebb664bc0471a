/*
 * The image transformer (`images`). For each entry, every container image
 * whose name matches is rewritten: new name, new tag and/or digest. Like
 * kustomize it looks in two places: any `containers`/`initContainers` list
 * anywhere in an object (except CRDs), then the image field specs. The
 * entry's name is used as a regular expression, as kustomize uses it.
 */
#include <stdlib.h>
#include <string.h>

#include "kust/pipeline.h"
#include "pleo/regex.h"

typedef struct {
    const char *name, *new_name, *new_tag, *digest, *tag_suffix;
    pr_regex *pattern;
} image_rule;

/* Splits "registry:port/name:tag@digest" the way kustomize does: tag and
 * digest are searched after the first slash so a registry port stays in
 * the name. Results are arena copies; absent parts are "". */
static void split_image(pr_arena *a, const char *image, const char **name,
                        const char **tag, const char **digest)
{
    const char *slash = strchr(image, '/');
    size_t base = slash && slash > image ? (size_t)(slash - image) : 0;
    const char *search = image + base;
    const char *at = strchr(search, '@');
    const char *colon = strchr(search, ':');
    *tag = "";
    *digest = "";
    if (!at && !colon) {
        *name = image;
        return;
    }
    if (at && (!colon || at < colon)) {
        *name = pr_strndup(a, image, (size_t)(at - image));
        *digest = at + 1;
        return;
    }
    *name = pr_strndup(a, image, (size_t)(colon - image));
    if (at) {
        *tag = pr_strndup(a, colon + 1, (size_t)(at - colon - 1));
        *digest = at + 1;
    } else {
        *tag = colon + 1;
    }
}

static bool update_image(pr_arena *a, pr_node **slot, void *ctx, pr_error *err)
{
    image_rule *rule = ctx;
    pr_node *n = *slot;
    if (n->kind != PR_SCALAR)
        return pr_error_set(err, "image field is not a string (line %d)", n->mark.line);
    bool matched;
    if (!pr_regex_match(rule->pattern, n->scalar.text, n->scalar.len, &matched, err))
        return false;
    if (!matched)
        return true;
    const char *name, *tag, *digest;
    split_image(a, n->scalar.text, &name, &tag, &digest);
    if (*rule->new_name)
        name = rule->new_name;
    if (*rule->new_tag && *rule->digest) {
        tag = rule->new_tag;
        digest = rule->digest;
    } else if (*rule->new_tag) {
        tag = rule->new_tag;
        digest = "";
    } else if (*rule->digest) {
        tag = "";
        digest = rule->digest;
    } else if (*rule->tag_suffix) {
        tag = pr_sprintf(a, "%s%s", tag, rule->tag_suffix);
        digest = "";
    }
    *slot = pr_node_str(a, pr_sprintf(a, "%s%s%s%s%s", name, *tag ? ":" : "", tag,
                                      *digest ? "@" : "", digest));
    return true;
}

static bool update_containers(pr_arena *a, pr_node *list, image_rule *rule,
                              pr_error *err)
{
    if (list->kind != PR_SEQ)
        return true;
    for (size_t i = 0; i < list->seq.len; i++) {
        pr_node *c = list->seq.items[i];
        long idx = pr_map_index(c, "image");
        if (idx >= 0 && !update_image(a, &c->map.items[idx].value, rule, err))
            return false;
    }
    return true;
}

/* Depth-first over the object, children before the field itself, as
 * kustomize's legacy image filter visits them. */
static bool find_containers(pr_arena *a, pr_node *n, image_rule *rule, pr_error *err)
{
    if (n->kind == PR_MAP) {
        for (size_t i = 0; i < n->map.len; i++) {
            pr_node *v = n->map.items[i].value;
            if (!find_containers(a, v, rule, err))
                return false;
            const char *key = n->map.items[i].key->scalar.text;
            if ((!strcmp(key, "containers") || !strcmp(key, "initContainers")) &&
                !update_containers(a, v, rule, err))
                return false;
        }
    } else if (n->kind == PR_SEQ) {
        for (size_t i = 0; i < n->seq.len; i++)
            if (!find_containers(a, n->seq.items[i], rule, err))
                return false;
    }
    return true;
}

static const char *field_or_empty(const pr_node *entry, const char *key)
{
    const char *s = pr_map_get_str(entry, key);
    return s ? s : "";
}

static bool apply_rule(pr_build_ctx *ctx, const pr_fieldspec_list *specs, pr_resmap *m,
                       image_rule *rule, pr_error *err)
{
    for (size_t i = 0; i < pr_resmap_len(m); i++) {
        pr_resource *r = pr_resmap_at(m, i);
        pr_gvk gvk = pr_obj_gvk(ctx->a, r->obj);
        if (!strcmp(gvk.kind, "CustomResourceDefinition"))
            continue;
        if (!find_containers(ctx->a, r->obj, rule, err) ||
            !pr_fieldspec_walk_list(ctx->a, r->obj, &gvk, specs,
                                    PR_CREATE_NONE, update_image, rule, err))
            return pr_error_prefix(err, "images on %s", r->origin);
    }
    return true;
}

static bool apply_image_list(pr_build_ctx *ctx, const pr_kustomization *k,
                             pr_resmap *m, const char *field, pr_error *err)
{
    const pr_node *images = pr_map_get(k->root, field);
    if (!images || pr_node_is_null(images))
        return true;
    if (images->kind != PR_SEQ)
        return pr_error_at(err, k->path, images->mark.line, images->mark.col, "%s must be a list", field);
    for (size_t i = 0; i < images->seq.len; i++) {
        const pr_node *e = images->seq.items[i];
        if (e->kind != PR_MAP)
            return pr_error_at(err, k->path, e->mark.line, e->mark.col, "%s[%zu] must be a mapping", field, i);
        for (size_t j = 0; j < e->map.len; j++) {
            const char *key = e->map.items[j].key->scalar.text;
            if (strcmp(key, "name") && strcmp(key, "newName") && strcmp(key, "newTag") &&
                strcmp(key, "digest") && strcmp(key, "tagSuffix"))
                return pr_error_at(err, k->path, e->map.items[j].key->mark.line, e->map.items[j].key->mark.col, "invalid Kustomization: json: unknown field \"%s\"", key);
        }
        if (!pr_tf_image_apply(ctx, k, e, pr_sprintf(ctx->a, "%s[%zu]", field, i),
                               &k->tconfig->images, m, err))
            return false;
    }
    return true;
}

bool pr_tf_image_apply(pr_build_ctx *ctx, const pr_kustomization *k, const pr_node *e,
                       const char *where, const pr_fieldspec_list *specs, pr_resmap *m,
                       pr_error *err)
{
    image_rule rule = {field_or_empty(e, "name"), field_or_empty(e, "newName"),
                       field_or_empty(e, "newTag"), field_or_empty(e, "digest"),
                       field_or_empty(e, "tagSuffix"), NULL};
    const char *re = pr_sprintf(ctx->a,
                                "^%s(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$",
                                rule.name);
    /* kustomize panics on a name Go cannot compile; an error is kinder. */
    rule.pattern = pr_regex_compile(re, err);
    if (!rule.pattern)
        return pr_error_prefix(err, "%s: %s.name %s", k->path, where, rule.name);
    bool ok = apply_rule(ctx, specs, m, &rule, err);
    pr_regex_free(rule.pattern);
    return ok || pr_error_prefix(err, "%s", k->path);
}

/* `imageTags` is the deprecated spelling of `images`; kustomize appends it. */
bool pr_tf_images(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                  pr_error *err)
{
    return apply_image_list(ctx, k, m, "images", err) &&
           apply_image_list(ctx, k, m, "imageTags", err);
}
