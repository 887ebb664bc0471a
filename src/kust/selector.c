/*
 * Target selection for patches (and later replacements). Matching follows
 * kustomize: empty fields match anything, the others are regular
 * expressions matched against the whole value; a name or namespace may
 * match the object's original or current id (so a patch written against
 * a base name still finds the object after a prefix was added); label and
 * annotation selectors are conjunctions of `key=value`, `key!=value`,
 * `key` and `!key` terms.
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
    out->label_selector = str_field(target, "labelSelector");
    out->annotation_selector = str_field(target, "annotationSelector");
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

/* One term of a label selector against a metadata map. */
static bool term_matches(pr_arena *a, const char *term, size_t len,
                         const pr_node *map)
{
    while (len && term[0] == ' ')
        term++, len--;
    while (len && term[len - 1] == ' ')
        len--;
    if (len == 0)
        return true;
    char *t = pr_strndup(a, term, len);
    char *op;
    if ((op = strstr(t, "!="))) {
        *op = '\0';
        const char *v = pr_map_get_str(map, t);
        return !v || strcmp(v, op + 2) != 0;
    }
    if ((op = strstr(t, "=="))) {
        *op = '\0';
        const char *v = pr_map_get_str(map, t);
        return v && !strcmp(v, op + 2);
    }
    if ((op = strchr(t, '='))) {
        *op = '\0';
        const char *v = pr_map_get_str(map, t);
        return v && !strcmp(v, op + 1);
    }
    if (t[0] == '!')
        return pr_map_index(map, t + 1) < 0;
    return pr_map_index(map, t) >= 0;
}

static bool selector_matches_map(pr_arena *a, const char *selector,
                                 const pr_node *map)
{
    const char *p = selector;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (!term_matches(a, p, len, map))
            return false;
        p += len;
        if (*p == ',')
            p++;
    }
    return true;
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

/* kustomize's EffectiveNamespace: cluster-scoped objects have none, an
 * empty namespace is "default". */
static const char *effective_namespace(const pr_resid *id)
{
    if (pr_kind_is_cluster_scoped(&id->gvk))
        return "_non_namespaceable_";
    return id->namespace && *id->namespace ? id->namespace : "default";
}

bool pr_selector_match(pr_arena *a, const pr_selector *sel, const pr_resource *r,
                       bool *selected, pr_error *err)
{
    pr_resid cur = pr_resource_id(a, r);
    pr_resid org = pr_resource_org_id(a, r);
    bool ok = true;
    *selected = false;
    if (!re_accepts(sel, PR_SEL_NAMESPACE, effective_namespace(&org), &ok, err) &&
        !re_accepts(sel, PR_SEL_NAMESPACE, effective_namespace(&cur), &ok, err))
        return ok;
    if (!re_accepts(sel, PR_SEL_NAME, org.name, &ok, err) &&
        !re_accepts(sel, PR_SEL_NAME, cur.name, &ok, err))
        return ok;
    if (!re_accepts(sel, PR_SEL_GROUP, cur.gvk.group, &ok, err) ||
        !re_accepts(sel, PR_SEL_VERSION, cur.gvk.version, &ok, err) ||
        !re_accepts(sel, PR_SEL_KIND, cur.gvk.kind, &ok, err))
        return ok;
    const pr_node *meta = pr_map_get(r->obj, "metadata");
    if (sel->label_selector &&
        !selector_matches_map(a, sel->label_selector, pr_map_get(meta, "labels")))
        return true;
    if (sel->annotation_selector &&
        !selector_matches_map(a, sel->annotation_selector,
                              pr_map_get(meta, "annotations")))
        return true;
    *selected = true;
    return true;
}
