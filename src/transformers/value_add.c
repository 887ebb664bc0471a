/*
 * kustomize's ValueAddTransformer: puts one value into fields of the
 * objects its targets select, or inserts it as one element of the file
 * path such a field holds.
 *
 * Promises, following kustomize v5.5 (api/filters/valueadd and the
 * builtin plugin): a field path is split on '/', a backslash before a
 * slash keeping it in the key; the path is followed as kyaml's PathGetter
 * with creation follows it (segments trimmed, empty ones dropped; a
 * number is an index, `-` the last item, `[k=v]` the first item whose k is
 * exactly v, made when there is none; missing fields are made as lists
 * when the next segment is an index or `[k=v]`, as mappings otherwise);
 * an index past the end leaves the object alone; the field reached must
 * be a scalar and becomes a string. metadata/namespace is not a field
 * path but the namespace filter (cluster-scoped objects keep none).
 */
#include <stdlib.h>
#include <string.h>

#include "kust/pipeline.h"
#include "pleo/selector.h"

/* Go's strconv.Atoi: an optional sign and decimal digits only. */
static bool go_atoi(const char *s, long *out)
{
    const char *p = s + (*s == '+' || *s == '-');
    if (!*p)
        return false;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return false;
    *out = strtol(s, NULL, 10);
    return true;
}

static bool is_list_index(const char *s)
{
    size_t n = strlen(s);
    return n >= 2 && s[0] == '[' && s[n - 1] == ']';
}

static bool is_index_number(const char *s)
{
    long v;
    return go_atoi(s, &v) && v >= 0;
}

/* The filter's split (an escaped slash joins two pieces) followed by
 * PathGetter's cleanPath (pieces trimmed, empty ones dropped). */
static size_t split_path(pr_arena *a, const char *path, const char ***out)
{
    size_t cap = 1;
    for (const char *p = path; *p; p++)
        cap += *p == '/';
    char **raw = pr_alloc(a, cap * sizeof *raw);
    size_t n = 0;
    for (const char *p = path;;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        char *piece = pr_strndup(a, p, len);
        size_t prev = n ? strlen(raw[n - 1]) : 0;
        if (n && prev && raw[n - 1][prev - 1] == '\\')
            raw[n - 1] = pr_sprintf(a, "%.*s/%s", (int)(prev - 1), raw[n - 1], piece);
        else
            raw[n++] = piece;
        if (!slash)
            break;
        p = slash + 1;
    }
    const char **segs = pr_alloc(a, (n + 1) * sizeof *segs);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        char *s = raw[i];
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\v' || *s == '\f')
            s++;
        size_t len = strlen(s);
        while (len && strchr(" \t\n\r\v\f", s[len - 1]))
            s[--len] = '\0';
        if (len)
            segs[kept++] = s;
    }
    *out = segs;
    return kept;
}

/* kyaml's LookupCreate(ScalarNode, segs...): the scalar node the path
 * reaches, made when missing; NULL (err untouched) when an index is past
 * the end. */
static pr_node *lookup_create(pr_arena *a, pr_node *obj, const char **segs, size_t n,
                              pr_error *err)
{
    pr_node *cur = obj;
    for (size_t i = 0; i < n; i++) {
        const char *part = segs[i], *next = i + 1 < n ? segs[i + 1] : "";
        long idx;
        if (go_atoi(part, &idx) || !strcmp(part, "-")) {
            if (!strcmp(part, "-"))
                idx = -1;
            else if (idx < 0)
                return pr_error_set(err, "array index %ld cannot be negative", idx), NULL;
            if (cur->kind != PR_SEQ)
                return pr_error_set(err, "wrong node kind: expected SequenceNode but got %s "
                                    "(at `%s`)", pr_kind_kyaml_name(cur->kind), part), NULL;
            if (idx < 0)
                idx = (long)cur->seq.len - 1;
            if (idx < 0 || (size_t)idx >= cur->seq.len)
                return NULL;
            cur = cur->seq.items[idx];
            continue;
        }
        if (!strcmp(part, "*"))
            return pr_error_set(err, "wildcard is not supported in PathGetter"), NULL;
        if (is_list_index(part)) {
            const char *inner = pr_strndup(a, part + 1, strlen(part) - 2);
            const char *eq = strchr(inner, '=');
            if (!eq || strchr(eq + 1, '='))
                return pr_error_set(err, "list path element must contain fieldName=fieldValue "
                                    "for element to match (not `%s`)", part), NULL;
            const char *key = pr_strndup(a, inner, (size_t)(eq - inner)), *value = eq + 1;
            if (cur->kind != PR_SEQ)
                return pr_error_set(err, "wrong node kind: expected SequenceNode but got %s "
                                    "(at `%s`)", pr_kind_kyaml_name(cur->kind), part), NULL;
            pr_node *found = NULL;
            for (size_t j = 0; j < cur->seq.len && !found; j++) {
                pr_node *item = cur->seq.items[j];
                if (*key ? pr_scalar_is(pr_map_get(item, key), value) : pr_scalar_is(item, value))
                    found = item;
            }
            if (!found) {
                if (*key) {
                    found = pr_node_map(a);
                    pr_map_set_str(a, found, key, value);
                } else {
                    found = pr_node_str(a, value);
                }
                pr_seq_append(a, cur, found);
            }
            cur = found;
            continue;
        }
        if (cur->kind != PR_MAP)
            return pr_error_set(err, "wrong node kind: expected MappingNode but got %s (at "
                                "`%s`)", pr_kind_kyaml_name(cur->kind), part), NULL;
        pr_node *field = pr_map_get(cur, part);
        if (!field || pr_node_is_null(field)) {
            if (is_list_index(next) || is_index_number(next))
                field = pr_node_seq(a);
            else if (*next)
                field = pr_node_map(a);
            else
                field = pr_node_str(a, "");
            pr_map_set(a, cur, part, field);
        }
        cur = field;
    }
    if (cur->kind != PR_SCALAR)
        return pr_error_set(err, "wrong node kind: expected ScalarNode but got %s "
                            "(ValueAddTransformer sets scalars only)", pr_kind_kyaml_name(cur->kind)), NULL;
    return cur;
}

/* Go's filepath.Join: empty elements dropped, the result cleaned. */
static const char *go_join(pr_arena *a, const char **parts, size_t n)
{
    pr_strbuf sb;
    pr_sb_init(&sb);
    for (size_t i = 0; i < n; i++) {
        if (!*parts[i])
            continue;
        if (sb.len)
            pr_sb_adds(&sb, "/");
        pr_sb_adds(&sb, parts[i]);
    }
    const char *out = sb.len ? pr_path_join(a, ".", sb.buf) : "";
    pr_sb_release(&sb);
    return out;
}

/* kyaml's filesys.PathSplit, which keeps a leading "" for an absolute
 * path and empty elements between doubled slashes. */
static void path_split(pr_arena *a, const char *path, const char **parts, size_t *n)
{
    if (!*path)
        return;
    const char *slash = strrchr(path, '/');
    const char *file = slash ? slash + 1 : path;
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    if (dir_len == 1 && path[0] == '/') {
        parts[(*n)++] = "";
        if (*file)
            parts[(*n)++] = file;
        return;
    }
    if (dir_len == 0) {
        parts[(*n)++] = file;
        return;
    }
    path_split(a, pr_strndup(a, path, dir_len - 1), parts, n);
    parts[(*n)++] = file;
}

/* kyaml's filesys.InsertPathPart: `part` becomes element `pos` of `path`
 * (clamped; position 0 of an absolute path stays after its slash). */
static const char *insert_path_part(pr_arena *a, const char *path, long pos, const char *part)
{
    size_t cap = 2;
    for (const char *p = path; *p; p++)
        cap += *p == '/';
    const char **parts = pr_alloc(a, (cap + 1) * sizeof *parts);
    size_t n = 0;
    path_split(a, path, parts, &n);
    if (pos < 0)
        pos = 0;
    else if ((size_t)pos > n)
        pos = (long)n;
    if (n > 0 && !*parts[0] && (size_t)pos < n)
        pos++;
    memmove(parts + pos + 1, parts + pos, (n - (size_t)pos) * sizeof *parts);
    parts[pos] = part;
    n++;
    if (!*parts[0])
        return pr_sprintf(a, "/%s", go_join(a, parts + 1, n - 1));
    return go_join(a, parts, n);
}

static bool add_value(pr_build_ctx *ctx, const char *value, const pr_value_add_target *t,
                      pr_resource *r, pr_error *err)
{
    pr_arena *a = ctx->a;
    if (!strcmp(t->field_path, "metadata/namespace")) {
        pr_fieldspec_list none = {NULL, 0};
        pr_namespace_config cfg = {value, &none, false, PR_RB_SUBJECTS_DEFAULT_ONLY};
        return pr_tf_namespace_object(ctx, &cfg, r, err);
    }
    const char **segs;
    size_t n = split_path(a, t->field_path, &segs);
    pr_node *field = lookup_create(a, r->obj, segs, n, err);
    if (!field)
        return !pr_error_isset(err);
    const char *text = value;
    if (t->file_path_position > 0)
        text = insert_path_part(a, pr_node_is_null(field) ? "" : field->scalar.text,
                                t->file_path_position - 1, value);
    /* in place, as kyaml's SetYNode: whatever shares the node sees it */
    pr_node *fresh = pr_node_str(a, text);
    fresh->mark = field->mark;
    *field = *fresh;
    return true;
}

bool pr_tf_value_add_apply(pr_build_ctx *ctx, const pr_kustomization *k, const char *value,
                           const pr_value_add_target *targets, size_t n, pr_resmap *m,
                           pr_error *err)
{
    for (size_t i = 0; i < n; i++) {
        const pr_value_add_target *t = &targets[i];
        pr_selector sel;
        bool have_sel = t->selector != NULL;
        if (have_sel && !pr_selector_parse(ctx->a, t->selector, &sel, err))
            return pr_error_prefix(err, "%s: ValueAddTransformer targets[%zu].selector", k->path,
                                   i);
        bool ok = true;
        for (size_t j = 0; ok && j < pr_resmap_len(m); j++) {
            pr_resource *r = pr_resmap_at(m, j);
            bool selected = true;
            if (have_sel && !(ok = pr_selector_match(ctx->a, &sel, r, &selected, err)))
                break;
            if (selected && !(ok = add_value(ctx, value, t, r, err))) {
                pr_resid id = pr_resource_id(ctx->a, r);
                pr_error_prefix(err, "%s: ValueAddTransformer targets[%zu] (fieldPath %s) on %s",
                                k->path, i, t->field_path, pr_resid_string(ctx->a, &id));
            }
        }
        if (have_sel)
            pr_selector_release(&sel);
        if (!ok)
            return false;
    }
    return true;
}
