/*
 * Target selection for patches (and later replacements). Matching follows
 * kustomize: empty fields match anything, name and namespace are regular
 * expressions matched against the whole value, label and annotation
 * selectors are conjunctions of `key=value`, `key!=value`, `key` and
 * `!key` terms.
 */
#include "pleo/selector.h"

#include <string.h>

static const char *str_field(const pr_node *target, const char *key)
{
    const char *s = pr_map_get_str(target, key);
    return s && *s ? s : NULL;
}

static bool compile_anchored(pr_arena *a, const char *expr, regex_t *re,
                             pr_error *err)
{
    const char *anchored = pr_sprintf(a, "^(%s)$", expr);
    if (regcomp(re, anchored, REG_EXTENDED | REG_NOSUB) != 0)
        return pr_error_set(err, "target: '%s' is not a valid regular expression", expr);
    return true;
}

bool pr_selector_parse(pr_arena *a, const pr_node *target, pr_selector *out,
                       pr_error *err)
{
    memset(out, 0, sizeof *out);
    if (!target || pr_node_is_null(target))
        return true;
    if (target->kind != PR_MAP)
        return pr_error_set(err, "line %d: target must be a mapping", target->mark.line);
    static const char *const allowed[] = {"group", "version", "kind", "name",
                                          "namespace", "labelSelector",
                                          "annotationSelector", NULL};
    for (size_t i = 0; i < target->map.len; i++) {
        const char *key = target->map.items[i].key->scalar.text;
        bool known = false;
        for (const char *const *k = allowed; *k; k++)
            known |= !strcmp(*k, key);
        if (!known)
            return pr_error_set(err, "line %d: unknown field \"%s\" in target",
                                target->map.items[i].key->mark.line, key);
    }
    out->gvk.group = str_field(target, "group");
    out->gvk.version = str_field(target, "version");
    out->gvk.kind = str_field(target, "kind");
    out->name = str_field(target, "name");
    out->namespace = str_field(target, "namespace");
    out->label_selector = str_field(target, "labelSelector");
    out->annotation_selector = str_field(target, "annotationSelector");
    if (out->name) {
        if (!compile_anchored(a, out->name, &out->name_re, err))
            return false;
        out->has_name_re = true;
    }
    if (out->namespace) {
        if (!compile_anchored(a, out->namespace, &out->namespace_re, err)) {
            pr_selector_release(out);
            return false;
        }
        out->has_namespace_re = true;
    }
    return true;
}

void pr_selector_release(pr_selector *sel)
{
    if (sel->has_name_re)
        regfree(&sel->name_re);
    if (sel->has_namespace_re)
        regfree(&sel->namespace_re);
    sel->has_name_re = sel->has_namespace_re = false;
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

bool pr_selector_matches(pr_arena *a, const pr_selector *sel,
                         const pr_resource *r)
{
    pr_resid id = pr_resource_id(a, r);
    if (!pr_gvk_selects(&sel->gvk, &id.gvk))
        return false;
    if (sel->has_name_re && regexec(&sel->name_re, id.name, 0, NULL, 0) != 0)
        return false;
    if (sel->has_namespace_re &&
        regexec(&sel->namespace_re, id.namespace, 0, NULL, 0) != 0)
        return false;
    const pr_node *meta = pr_map_get(r->obj, "metadata");
    if (sel->label_selector &&
        !selector_matches_map(a, sel->label_selector, pr_map_get(meta, "labels")))
        return false;
    if (sel->annotation_selector &&
        !selector_matches_map(a, sel->annotation_selector,
                              pr_map_get(meta, "annotations")))
        return false;
    return true;
}
