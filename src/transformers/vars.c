/*
 * kustomize's `vars`: $(NAME) references in a few fields (varReference
 * field specs) replaced with the value of a field of some resource.
 *
 * A var lives through three steps, as in kustomize's ResAccumulator:
 * each kustomization, once its transformers have run, records a var's
 * name on the resource its objref names (MergeVars); kustomizations hand
 * their var sets up to those including them (MergeSet); and at the top,
 * after name references are fixed, each var's value is read off the
 * resource that recorded it, by then renamed as it will be output, and
 * substituted (ResolveVars).
 *
 * Promises: messages carry kustomize's texts (with Go's %v of a Var,
 * "{NAME Kind.version.group {fieldPath}}"), located at the var's entry in
 * its kustomization file where that helps; a set is never modified once
 * handed to an including kustomization except by the owner merging into
 * it; where kustomize iterates a Go map (unused vars, merging sets) the
 * order here is by name, so output and messages are deterministic.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kust/pipeline.h"
#include "pleo/fieldpath.h"
#include "pleo/strmap.h"

typedef struct {
    const char *name;
    const char *api_version;
    pr_gvk written_gvk; /* group, version, kind as written */
    pr_gvk gvk;         /* Target.GVK(): apiVersion spread over them */
    const char *obj_name, *obj_namespace;
    const char *written_field_path; /* "" when not given */
    const char *field_path;         /* defaulted to metadata.name */
    const char *kpath;              /* the kustomization declaring it */
    size_t index;                   /* its place in that `vars` list */
    pr_mark mark;                   /* its entry there */
} var;

/* Sorted by name (Go's string order, which is byte order). */
struct pr_varset {
    var **items;
    size_t len, cap;
};

/* ------------------------------------------------------------------ */
/* Go's text for a var                                                 */

/* fmt's %v of a types.Var: Target prints as its embedded Gvk. */
static const char *var_string(pr_arena *a, const char *name, const pr_gvk *gvk,
                              const char *field_path)
{
    return pr_sprintf(a, "{%s %s {%s}}", name, pr_gvk_string(a, gvk), field_path);
}

/* The vars as kustomize's "merging vars %v" prints the kustomization's
 * slice: as written, before any defaulting. */
static const char *written_list(pr_arena *a, var *const *vars, size_t n)
{
    pr_strbuf b;
    pr_sb_init(&b);
    pr_sb_addc(&b, '[');
    for (size_t i = 0; i < n; i++)
        pr_sb_addf(&b, "%s%s", i ? " " : "",
                   var_string(a, vars[i]->name, &vars[i]->written_gvk,
                              vars[i]->written_field_path));
    pr_sb_addc(&b, ']');
    const char *s = pr_strndup(a, b.buf ? b.buf : "", b.len);
    pr_sb_release(&b);
    return s;
}

/* ------------------------------------------------------------------ */
/* Reading `vars`; the kustomization was type-checked when it was loaded
 * (kustomization_decode.c), so every field is a string or absent.      */

static const char *string_field(const pr_node *map, const char *key)
{
    const char *s = pr_map_get_str(map, key);
    return s ? s : "";
}

static void read_var(const char *path, const pr_node *item, size_t index, var *v)
{
    const pr_node *objref = pr_map_get(item, "objref");
    v->name = string_field(item, "name");
    v->api_version = string_field(objref, "apiVersion");
    v->written_gvk = (pr_gvk){string_field(objref, "group"), string_field(objref, "version"),
                              string_field(objref, "kind")};
    v->obj_name = string_field(objref, "name");
    v->obj_namespace = string_field(objref, "namespace");
    v->written_field_path = string_field(pr_map_get(item, "fieldref"), "fieldPath");
    v->kpath = path;
    v->index = index;
    v->mark = item->mark;
}

/* Var.Defaulting: the fieldPath defaults to metadata.name, and
 * Target.GVK() spreads apiVersion over group and version ("v1" sets only
 * the version; more than one '/' sets nothing). */
static void apply_defaults(pr_arena *a, var *v)
{
    v->field_path = *v->written_field_path ? v->written_field_path : "metadata.name";
    v->gvk = v->written_gvk;
    const char *api = v->api_version;
    if (!*api)
        return;
    const char *slash = strchr(api, '/');
    if (!slash) {
        v->gvk.version = api;
    } else if (!strchr(slash + 1, '/')) {
        v->gvk.group = pr_strndup(a, api, (size_t)(slash - api));
        v->gvk.version = slash + 1;
    }
}

/* The `vars` of the kustomization file `path` (parsed into `root`), in
 * the order written; `*n` is 0 when there are none. */
static void read_vars(pr_arena *a, const char *path, const pr_node *root, var ***out,
                      size_t *n)
{
    const pr_node *list = pr_map_get(root, "vars");
    *out = NULL;
    *n = 0;
    if (!list || list->kind != PR_SEQ)
        return;
    var **vars = pr_alloc(a, (list->seq.len + 1) * sizeof *vars);
    for (size_t i = 0; i < list->seq.len; i++) {
        vars[i] = pr_alloc(a, sizeof **vars);
        read_var(path, list->seq.items[i], i, vars[i]);
        apply_defaults(a, vars[i]);
    }
    *out = vars;
    *n = list->seq.len;
}

/* ------------------------------------------------------------------ */
/* Sets                                                                */

/* Index of `name` (`len` bytes) in `set`, or where it would go (then
 * *found is false). */
static size_t set_search(const pr_varset *set, const char *name, size_t len, bool *found)
{
    size_t lo = 0, hi = set ? set->len : 0;
    *found = false;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *m = set->items[mid]->name;
        size_t mlen = strlen(m);
        int c = memcmp(m, name, mlen < len ? mlen : len);
        if (!c)
            c = (mlen > len) - (mlen < len);
        if (!c) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* VarSet.Merge: adds `v`, failing on a name already there. */
static bool set_add(pr_arena *a, pr_varset **set, var *v, pr_error *err)
{
    if (!*set)
        *set = pr_alloc(a, sizeof **set);
    pr_varset *s = *set;
    bool found;
    size_t at = set_search(s, v->name, strlen(v->name), &found);
    if (found)
        return pr_error_set(err, "var '%s' already encountered (var names must be unique "
                            "across a kustomization and those it includes)",
                            v->name);
    s->items = pr_grow(a, s->items, sizeof *s->items, &s->cap, s->len + 1);
    memmove(s->items + at + 1, s->items + at, (s->len - at) * sizeof *s->items);
    s->items[at] = v;
    s->len++;
    return true;
}

bool pr_varset_merge(pr_build_ctx *ctx, pr_varset **into, const pr_varset *from,
                     pr_error *err)
{
    for (size_t i = 0; from && i < from->len; i++) {
        if (!set_add(ctx->a, into, from->items[i], err)) {
            const var *v = from->items[i];
            return pr_error_prefix(err, "%s:%d:%d: vars[%zu]", v->kpath, v->mark.line,
                                   v->mark.col, v->index);
        }
    }
    return true;
}

static const char *dup_text(pr_arena *a, const char *s)
{
    return s ? pr_strdup(a, s) : NULL;
}

static pr_gvk dup_gvk(pr_arena *a, pr_gvk g)
{
    return (pr_gvk){dup_text(a, g.group), dup_text(a, g.version), dup_text(a, g.kind)};
}

pr_varset *pr_varset_copy(pr_arena *a, const pr_varset *from)
{
    if (!from)
        return NULL;
    pr_varset *s = pr_alloc(a, sizeof *s);
    s->len = s->cap = from->len;
    s->items = pr_alloc(a, (from->len ? from->len : 1) * sizeof *s->items);
    for (size_t i = 0; i < from->len; i++) {
        const var *v = from->items[i];
        var *c = pr_alloc(a, sizeof *c);
        *c = *v;
        c->name = dup_text(a, v->name);
        c->api_version = dup_text(a, v->api_version);
        c->written_gvk = dup_gvk(a, v->written_gvk);
        c->gvk = dup_gvk(a, v->gvk);
        c->obj_name = dup_text(a, v->obj_name);
        c->obj_namespace = dup_text(a, v->obj_namespace);
        c->written_field_path = dup_text(a, v->written_field_path);
        c->field_path = dup_text(a, v->field_path);
        c->kpath = dup_text(a, v->kpath);
        s->items[i] = c;
    }
    return s;
}

/* ------------------------------------------------------------------ */
/* MergeVars                                                           */

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

static bool gvk_equal(const pr_gvk *x, const pr_gvk *y)
{
    return !strcmp(or_empty(x->group), or_empty(y->group)) &&
           !strcmp(or_empty(x->version), or_empty(y->version)) &&
           !strcmp(or_empty(x->kind), or_empty(y->kind));
}

/* kustomize's GvknEquals, or Equals when the objref gives a namespace:
 * the objref's gvk never knows it is cluster-scoped, so its effective
 * namespace is what it says ("default" for empty), while the resource's
 * is "_non_namespaceable_" for cluster-scoped kinds. */
static bool objref_matches(const var *v, const pr_resid *id)
{
    if (strcmp(v->obj_name, or_empty(id->name)) != 0 || !gvk_equal(&v->gvk, &id->gvk))
        return false;
    return !*v->obj_namespace ||
           !strcmp(v->obj_namespace, pr_resid_effective_namespace(id));
}

/* GetMatchingResourcesByAnyId: the previous ids kustomize keeps carry the
 * current apiVersion, with the kind, name and namespace of the time. */
static bool matches_any_id(pr_arena *a, const var *v, const pr_resource *r)
{
    pr_resid cur = pr_resource_id(a, r);
    for (size_t i = 0; i < r->nprev; i++) {
        pr_resid prev = r->prev_ids[i];
        prev.gvk.group = cur.gvk.group;
        prev.gvk.version = cur.gvk.version;
        if (objref_matches(v, &prev))
            return true;
    }
    return objref_matches(v, &cur);
}

bool pr_vars_merge_own(pr_build_ctx *ctx, const pr_kustomization *k,
                       pr_resmap *m, pr_varset **set, pr_error *err)
{
    var **vars;
    size_t n;
    read_vars(ctx->a, k->path, k->root, &vars, &n);
    for (size_t i = 0; i < n; i++) {
        pr_resource *match = NULL;
        size_t count = 0;
        for (size_t j = 0; j < pr_resmap_len(m); j++) {
            pr_resource *r = pr_resmap_at(m, j);
            if (matches_any_id(ctx->a, vars[i], r)) {
                match = r;
                count++;
            }
        }
        if (count > 1)
            return pr_error_at(err, k->path, vars[i]->mark.line, vars[i]->mark.col,
                               "vars[%zu]: merging vars %s: found %zu resId matches for var %s "
                               "(unable to disambiguate); give the objref a namespace", i,
                               written_list(ctx->a, vars, n), count,
                               var_string(ctx->a, vars[i]->name, &vars[i]->gvk,
                                          vars[i]->written_field_path));
        if (match)
            pr_strlist_append(ctx->a, &match->ref_var_names, vars[i]->name);
    }
    for (size_t i = 0; i < n; i++)
        if (!set_add(ctx->a, set, vars[i], err))
            return pr_error_prefix(err, "%s:%d:%d: vars[%zu]: merging vars %s", k->path,
                                   vars[i]->mark.line, vars[i]->mark.col, i,
                                   written_list(ctx->a, vars, n));
    return true;
}

/* ------------------------------------------------------------------ */
/* Values                                                              */

/* Go's strconv.ParseFloat for the texts YAML tags !!float: finite values
 * only (".inf" and ".nan" are not Go syntax; overflow is an error). */
static bool go_parse_float(const char *s, double *out)
{
    if (!*s || strchr(s, '_'))
        return false;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (*end || errno == ERANGE || !isfinite(v))
        return false;
    *out = v;
    return true;
}

/* The shortest decimal digits that read back as `v` (positive, finite),
 * and the position of the decimal point relative to them, as Go's
 * strconv computes for precision -1. */
static void shortest_digits(double v, char digits[32], int *point)
{
    char buf[64];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    /* buf is "d.ddde[+-]xx" */
    size_t n = 0;
    const char *p = buf;
    for (; *p && *p != 'e'; p++)
        if (*p != '.')
            digits[n++] = *p;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = '\0';
    *point = atoi(p + 1) + 1;
}

/* Go's FormatFloat(v, 'f', -1, 64) when `fixed`, else fmt's %v
 * (shortest %g, exponent when it is below -4 or at least the number of
 * digits, and at least 6). */
static const char *format_float(pr_arena *a, double v, bool fixed)
{
    bool neg = signbit(v);
    if (neg)
        v = -v;
    if (v == 0)
        return neg ? "-0" : "0";
    char digits[32];
    int point;
    shortest_digits(v, digits, &point);
    int nd = (int)strlen(digits);
    pr_strbuf b;
    pr_sb_init(&b);
    if (neg)
        pr_sb_addc(&b, '-');
    int exp = point - 1;
    int eprec = 6;
    if (eprec > nd && nd >= point)
        eprec = nd;
    if (!fixed && (exp < -4 || exp >= eprec)) {
        pr_sb_addc(&b, digits[0]);
        if (nd > 1) {
            pr_sb_addc(&b, '.');
            pr_sb_adds(&b, digits + 1);
        }
        pr_sb_addf(&b, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    } else if (point <= 0) {
        pr_sb_adds(&b, "0.");
        for (int i = point; i < 0; i++)
            pr_sb_addc(&b, '0');
        pr_sb_adds(&b, digits);
    } else {
        for (int i = 0; i < point; i++)
            pr_sb_addc(&b, i < nd ? digits[i] : '0');
        if (nd > point) {
            pr_sb_addc(&b, '.');
            pr_sb_adds(&b, digits + point);
        }
    }
    const char *s = pr_strndup(a, b.buf, b.len);
    pr_sb_release(&b);
    return s;
}

int pr_var_value_from_node(pr_arena *a, const pr_node *n, pr_var_value *out)
{
    if (n->kind != PR_SCALAR)
        return 0;
    const char *text = n->scalar.text;
    switch (n->tag) {
    case PR_TAG_INT: {
        long long v;
        if (!pr_fieldpath_atoi(text, &v))
            return -1;
        out->tag = PR_TAG_INT;
        out->whole = out->embedded = pr_sprintf(a, "%lld", v);
        return 1;
    }
    case PR_TAG_FLOAT: {
        double v;
        if (!go_parse_float(text, &v))
            return -1;
        out->tag = PR_TAG_FLOAT;
        out->whole = format_float(a, v, true);
        out->embedded = format_float(a, v, false);
        return 1;
    }
    case PR_TAG_BOOL: {
        static const char *const truths[] = {"1", "t", "T", "TRUE", "true", "True"};
        static const char *const lies[] = {"0", "f", "F", "FALSE", "false", "False"};
        for (size_t i = 0; i < 6; i++) {
            if (!strcmp(text, truths[i]) || !strcmp(text, lies[i])) {
                out->tag = PR_TAG_BOOL;
                out->whole = out->embedded = !strcmp(text, truths[i]) ? "true" : "false";
                return 1;
            }
        }
        return -1;
    }
    default:
        out->tag = PR_TAG_STR;
        out->whole = out->embedded = pr_strndup(a, text, n->scalar.len);
        return 1;
    }
}

/* ------------------------------------------------------------------ */
/* Expansion                                                           */

void pr_vars_expand(pr_arena *a, pr_node *s, pr_var_lookup lookup, void *ctx)
{
    const char *in = s->scalar.text;
    size_t len = s->scalar.len;
    pr_strbuf b;
    pr_sb_init(&b);
    size_t checkpoint = 0;
    for (size_t cursor = 0; cursor < len; cursor++) {
        if (in[cursor] != '$' || cursor + 1 == len)
            continue;
        pr_sb_add(&b, in + checkpoint, cursor - checkpoint);
        const char *rest = in + cursor + 1;
        size_t rest_len = len - cursor - 1;
        size_t advance = 1;
        if (rest[0] == '$') {
            pr_sb_addc(&b, '$');
        } else if (rest[0] == '(') {
            const char *close = memchr(rest + 1, ')', rest_len - 1);
            if (!close) {
                pr_sb_adds(&b, "$(");
            } else {
                const char *name = rest + 1;
                size_t name_len = (size_t)(close - name);
                const pr_var_value *v = lookup(name, name_len, ctx);
                if (cursor == 0 && name_len + 3 == len) {
                    /* The whole field: the value keeps its type. */
                    pr_sb_release(&b);
                    if (v) {
                        s->scalar.text = v->whole;
                        s->scalar.len = strlen(v->whole);
                        s->tag = v->tag;
                        s->style = PR_STYLE_UNKNOWN;
                    }
                    return;
                }
                if (v) {
                    pr_sb_adds(&b, v->embedded);
                } else {
                    pr_sb_adds(&b, "$(");
                    pr_sb_add(&b, name, name_len);
                    pr_sb_addc(&b, ')');
                }
                advance = name_len + 2;
            }
        } else {
            /* Go appends string(byte): a byte past ASCII becomes the UTF-8
             * of the Latin-1 character with that code. */
            unsigned char c = (unsigned char)rest[0];
            pr_sb_addc(&b, '$');
            if (c < 0x80) {
                pr_sb_addc(&b, (char)c);
            } else {
                pr_sb_addc(&b, (char)(0xC0 | (c >> 6)));
                pr_sb_addc(&b, (char)(0x80 | (c & 0x3F)));
            }
        }
        cursor += advance;
        checkpoint = cursor + 1;
    }
    if (checkpoint == 0) {
        pr_sb_release(&b);
        return; /* nothing to expand */
    }
    if (checkpoint < len)
        pr_sb_add(&b, in + checkpoint, len - checkpoint);
    s->scalar.text = pr_strndup(a, b.buf ? b.buf : "", b.len);
    s->scalar.len = b.len;
    s->tag = PR_TAG_STR;
    s->style = PR_STYLE_UNKNOWN;
    pr_sb_release(&b);
}

/* ------------------------------------------------------------------ */
/* ResolveVars                                                         */

typedef struct {
    const pr_varset *set;
    const pr_var_value **values; /* per var; NULL: not a primitive */
    size_t *counts;              /* replacements made, per var */
    const pr_resid *where;       /* the object being visited, for errors */
    const char *path;            /* the field spec being followed */
} resolver;

static const pr_var_value *resolver_lookup(const char *name, size_t len, void *p)
{
    resolver *r = p;
    bool found;
    size_t i = set_search(r->set, name, len, &found);
    if (!found || !r->values[i])
        return NULL;
    r->counts[i]++;
    return r->values[i];
}

static bool is_string(const pr_node *n)
{
    return n->kind == PR_SCALAR && n->tag == PR_TAG_STR;
}

/* yaml.v3's short tag, for kustomize's "invalid map key" message. */
static const char *tag_name(const pr_node *n)
{
    static const char *const names[] = {
        [PR_TAG_STR] = "!!str",   [PR_TAG_NULL] = "!!null",
        [PR_TAG_BOOL] = "!!bool", [PR_TAG_INT] = "!!int",
        [PR_TAG_FLOAT] = "!!float", [PR_TAG_TIMESTAMP] = "!!timestamp",
        [PR_TAG_BINARY] = "!!binary"};
    return names[n->tag];
}

/* refvar's Filter.set on one field a varReference spec reaches: a string
 * is expanded; in a mapping every key must be a string and string values
 * are expanded; in a sequence every item must be a string. */
static bool visit_field(pr_arena *a, pr_node **slot, void *p, pr_error *err)
{
    resolver *r = p;
    pr_node *n = *slot;
    if (pr_node_is_null(n))
        return true;
    switch (n->kind) {
    case PR_SCALAR:
        if (is_string(n))
            pr_vars_expand(a, n, resolver_lookup, r);
        return true;
    case PR_MAP:
        for (size_t i = 0; i < n->map.len; i++) {
            const pr_node *key = n->map.items[i].key;
            if (!is_string(key))
                return pr_error_set(err, "considering field '%s' of object %s: invalid map "
                                    "key: value='%s', tag='%s'",
                                    r->path, pr_resid_string(a, r->where), key->scalar.text,
                                    tag_name(key));
            if (is_string(n->map.items[i].value))
                pr_vars_expand(a, n->map.items[i].value, resolver_lookup, r);
        }
        return true;
    case PR_SEQ:
        for (size_t i = 0; i < n->seq.len; i++) {
            if (!is_string(n->seq.items[i]))
                return pr_error_set(err, "considering field '%s' of object %s: invalid "
                                    "value type expect a string (item %zu; vars are "
                                    "substituted in lists of strings only)",
                                    r->path, pr_resid_string(a, r->where), i);
            pr_vars_expand(a, n->seq.items[i], resolver_lookup, r);
        }
        return true;
    }
    return true;
}

/* GetFieldValue's path: split as everywhere, then a segment ending in
 * [digits] is split before the bracket (convertSliceIndex), so
 * "containers[0].image" reads as containers.0.image. */
static bool field_value_path(pr_arena *a, const char *text, pr_fieldpath *out,
                             pr_error *err)
{
    pr_fieldpath split;
    if (!pr_fieldpath_parse(a, text, &split, err))
        return false;
    out->text = text;
    out->segs = pr_alloc(a, (2 * split.len + 1) * sizeof *out->segs);
    out->len = 0;
    for (size_t i = 0; i < split.len; i++) {
        const char *seg = split.segs[i];
        size_t n = strlen(seg);
        size_t open = n;
        if (n >= 3 && seg[n - 1] == ']') {
            size_t j = n - 1;
            while (j > 0 && seg[j - 1] >= '0' && seg[j - 1] <= '9')
                j--;
            if (j > 0 && j < n - 1 && seg[j - 1] == '[')
                open = j - 1;
        }
        if (open == n) {
            out->segs[out->len++] = seg;
            continue;
        }
        if (open > 0)
            out->segs[out->len++] = pr_strndup(a, seg, open);
        out->segs[out->len++] = pr_strndup(a, seg + open + 1, n - open - 2);
    }
    return true;
}

/* findVarValueFromResources for var `v`, whose resource `holders` gives
 * (the first naming it in its objref): `*out` is its value, or NULL
 * when that is no primitive (kustomize then leaves $(NAME) alone); false
 * with err set where kustomize fails. */
static bool find_value(pr_build_ctx *ctx, const var *v, const pr_strmap *holders,
                       const pr_var_value **out, pr_error *err)
{
    const char *text = var_string(ctx->a, v->name, &v->gvk, v->field_path);
    const pr_resource *r = pr_strmap_get(holders, v->name);
    if (!r)
        return pr_error_at(err, v->kpath, v->mark.line, v->mark.col,
                           "vars[%zu]: var '%s' cannot be mapped to a field in the set of known "
                           "resources; its objref must give the apiVersion, kind and name (as "
                           "written before any namePrefix or nameSuffix) of a resource of this "
                           "build",
                           v->index, text);
    pr_error lerr;
    pr_error_init(&lerr);
    pr_fieldpath path;
    pr_node *n = field_value_path(ctx->a, v->field_path, &path, &lerr)
                     ? pr_fieldpath_get(ctx->a, r->obj, &path, &lerr)
                     : NULL;
    pr_var_value *value = pr_alloc(ctx->a, sizeof *value);
    int rc = n && !pr_error_isset(&lerr) ? pr_var_value_from_node(ctx->a, n, value) : -1;
    if (rc < 0) {
        pr_error_at(err, v->kpath, v->mark.line, v->mark.col,
                    "vars[%zu]: field specified in var '%s' not found in corresponding "
                    "resource%s%s",
                    v->index, text, pr_error_isset(&lerr) ? ": " : "", pr_error_text(&lerr));
        pr_error_release(&lerr);
        return false;
    }
    pr_error_release(&lerr);
    *out = rc ? value : NULL;
    return true;
}

bool pr_tf_resolve_vars(pr_build_ctx *ctx, const pr_tconfig *tconfig,
                        const pr_varset *set, pr_resmap *m, pr_error *err)
{
    if (!set || !set->len)
        return true;
    resolver r = {set, pr_alloc(ctx->a, set->len * sizeof *r.values),
                  pr_alloc(ctx->a, set->len * sizeof *r.counts), NULL, NULL};
    /* The first resource whose objref names each var, found in one pass
     * rather than one per var. */
    pr_strmap *holders = pr_strmap_new(ctx->a);
    for (size_t i = 0; i < pr_resmap_len(m); i++) {
        pr_resource *res = pr_resmap_at(m, i);
        for (size_t j = 0; j < res->ref_var_names.len; j++) {
            void **slot = pr_strmap_slot(holders, res->ref_var_names.items[j]);
            if (!*slot)
                *slot = res;
        }
    }
    for (size_t i = 0; i < set->len; i++)
        if (!find_value(ctx, set->items[i], holders, &r.values[i], err))
            return false;
    for (size_t i = 0; i < pr_resmap_len(m); i++) {
        pr_resource *res = pr_resmap_at(m, i);
        /* The object's id is a temporary: this runs near the end, when
         * the build holds the most. */
        pr_arena_pos pos = pr_arena_mark(ctx->tmp);
        pr_resid id = pr_resource_id(ctx->tmp, res);
        r.where = &id;
        bool ok = true;
        for (size_t j = 0; ok && j < tconfig->var_reference.len; j++) {
            const pr_fieldspec *spec = &tconfig->var_reference.specs[j];
            r.path = spec->path;
            ok = pr_fieldspec_walk(ctx->a, res->obj, &id.gvk, spec, PR_CREATE_NONE,
                                   visit_field, &r, err);
        }
        pr_arena_release(ctx->tmp, pos);
        if (!ok)
            return false;
    }
    bool any = false;
    for (size_t i = 0; i < set->len; i++) {
        if (r.counts[i])
            continue;
        pr_sb_addf(ctx->warnings, "%s%s", any ? "," : "well-defined vars that were never replaced: ",
                   set->items[i]->name);
        any = true;
    }
    if (any)
        pr_sb_addc(ctx->warnings, '\n');
    return true;
}
