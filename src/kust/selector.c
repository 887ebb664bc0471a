/*
 * Target selection for patches (and later replacements). Matching follows
 * kustomize: empty fields match anything, the others are regular
 * expressions matched against the whole value; a name or namespace may
 * match the object's original or current id (so a patch written against
 * a base name still finds the object after a prefix was added); label and
 * annotation selectors are Kubernetes label selector expressions.
 */
#include "pleo/selector.h"

#include <string.h>

static const char *str_field(const pr_node *target, const char *key)
{
    const char *s = pr_map_get_str(target, key);
    return s && *s ? s : NULL;
}

/* kustomize anchors the pattern by pasting it between "^(?:" and ")$", so
 * `a)|(b` is read as that text reads. */
static pr_regex *compile_anchored(pr_arena *a, const char *field, const char *expr,
                                  pr_error *err)
{
    pr_regex *re = pr_regex_compile(pr_sprintf(a, "^(?:%s)$", expr), err);
    if (!re)
        pr_error_prefix(err, "target.%s", field);
    return re;
}

static void parse_metadata_selector(pr_arena *a, const char *text, pr_metadata_selector *out)
{
    pr_error why;
    pr_error_init(&why);
    out->text = text;
    out->expr = text ? pr_label_selector_parse(a, text, &why) : NULL;
    out->error = text && !out->expr ? pr_strdup(a, pr_error_text(&why)) : NULL;
    pr_error_release(&why);
}

/* Whether `sel` accepts the object's `field` map (labels or annotations). */
static bool metadata_accepts(const pr_metadata_selector *sel, const char *field,
                             const pr_node *meta, bool *ok, pr_error *err)
{
    if (!sel->text)
        return true;
    if (sel->error) {
        *ok = pr_error_set(err, "target.%sSelector \"%s\": %s",
                           strcmp(field, "labels") ? "annotation" : "label", sel->text,
                           sel->error);
        return false;
    }
    return pr_label_selector_matches(sel->expr, pr_map_get(meta, field));
}

static const char *const regex_fields[PR_SEL_FIELDS] = {"group", "version", "kind", "name",
                                                        "namespace"};

bool pr_selector_parse(pr_arena *a, const pr_node *target, pr_selector *out,
                       pr_error *err)
{
    memset(out, 0, sizeof *out);
    if (!target || pr_node_is_null(target))
        return true;
    if (target->kind != PR_MAP)
        return pr_error_set(err, "line %d: target must be a mapping", target->mark.line);
    for (size_t i = 0; i < target->map.len; i++) {
        const char *key = target->map.items[i].key->scalar.text;
        bool known = !strcmp(key, "labelSelector") || !strcmp(key, "annotationSelector");
        for (int f = 0; f < PR_SEL_FIELDS; f++)
            known |= !strcmp(key, regex_fields[f]);
        if (!known)
            return pr_error_set(err, "line %d: unknown field \"%s\" in target",
                                target->map.items[i].key->mark.line, key);
    }
    parse_metadata_selector(a, str_field(target, "labelSelector"), &out->labels);
    parse_metadata_selector(a, str_field(target, "annotationSelector"), &out->annotations);
    for (int f = 0; f < PR_SEL_FIELDS; f++) {
        const char *expr = str_field(target, regex_fields[f]);
        if (!expr)
            continue;
        out->re[f] = compile_anchored(a, regex_fields[f], expr, err);
        if (!out->re[f]) {
            pr_selector_release(out);
            return false;
        }
    }
    return true;
}

void pr_selector_release(pr_selector *sel)
{
    for (int f = 0; f < PR_SEL_FIELDS; f++) {
        pr_regex_free(sel->re[f]);
        sel->re[f] = NULL;
    }
}

/* Whether field `field` of the selector accepts `value`; false with
 * `err` set when the match cannot be decided. */
static bool re_accepts(const pr_selector *sel, int field, const char *value, bool *ok,
                       pr_error *err)
{
    bool matched = true;
    if (*ok && sel->re[field]) {
        value = value ? value : "";
        *ok = pr_regex_match(sel->re[field], value, strlen(value), &matched, err);
    }
    return *ok && matched;
}

bool pr_selector_match(pr_arena *a, const pr_selector *sel, const pr_resource *r,
                       bool *selected, pr_error *err)
{
    pr_resid cur = pr_resource_id(a, r);
    pr_resid org = pr_resource_org_id(a, r);
    bool ok = true;
    *selected = false;
    if (!re_accepts(sel, PR_SEL_NAMESPACE, pr_resid_effective_namespace(&org), &ok, err) &&
        !re_accepts(sel, PR_SEL_NAMESPACE, pr_resid_effective_namespace(&cur), &ok, err))
        return ok;
    if (!re_accepts(sel, PR_SEL_NAME, org.name, &ok, err) &&
        !re_accepts(sel, PR_SEL_NAME, cur.name, &ok, err))
        return ok;
    if (!re_accepts(sel, PR_SEL_GROUP, cur.gvk.group, &ok, err) ||
        !re_accepts(sel, PR_SEL_VERSION, cur.gvk.version, &ok, err) ||
        !re_accepts(sel, PR_SEL_KIND, cur.gvk.kind, &ok, err))
        return ok;
    const pr_node *meta = pr_map_get(r->obj, "metadata");
    *selected = metadata_accepts(&sel->labels, "labels", meta, &ok, err) &&
                metadata_accepts(&sel->annotations, "annotations", meta, &ok, err);
    return ok;
}
