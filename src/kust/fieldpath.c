/*
 * kyaml field paths (see pleo/fieldpath.h): the splitter, the PathGetter
 * lookup and the PathMatcher walk with creation. Both walks follow kyaml's
 * choices, odd ones included: a null node along the way counts as empty,
 * the matcher's `[k=v]` compares by unanchored regular expression, and
 * `[=v]` on a list of scalars ends the walk at the item whatever follows.
 */
#include "pleo/fieldpath.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "pleo/regex.h"
#include "pleo/strbuf.h"
#include "pleo/yaml.h"

/* ------------------------------------------------------------------ */
/* Splitting                                                           */

typedef struct {
    const char **items;
    size_t len, cap;
} seg_list;

static void seg_push(pr_arena *a, seg_list *l, const char *s)
{
    l->items = pr_grow(a, l->items, sizeof *l->items, &l->cap, l->len + 1);
    l->items[l->len++] = s;
}

static bool has_prefix(const char *s, char c)
{
    return s[0] == c;
}

static bool has_suffix(const char *s, char c)
{
    size_t n = strlen(s);
    return n > 0 && s[n - 1] == c;
}

/* kyaml's PathSplitter: split on '.', drop one leading empty piece (a path
 * may start with the separator), and glue a piece ending in '\' to the
 * next, the backslash replaced by the dot it escaped. */
static void split_escaped(pr_arena *a, const char *text, seg_list *out)
{
    seg_list pieces = {0};
    const char *p = text;
    for (;;) {
        const char *dot = strchr(p, '.');
        if (!dot) {
            seg_push(a, &pieces, pr_strdup(a, p));
            break;
        }
        seg_push(a, &pieces, pr_strndup(a, p, (size_t)(dot - p)));
        p = dot + 1;
    }
    size_t first = pieces.len > 1 && !*pieces.items[0] ? 1 : 0;
    seg_push(a, out, pieces.items[first]);
    for (size_t i = first + 1; i < pieces.len; i++) {
        const char *last = out->items[out->len - 1];
        size_t n = strlen(last);
        if (n > 0 && last[n - 1] == '\\')
            out->items[out->len - 1] = pr_sprintf(a, "%.*s.%s", (int)(n - 1), last, pieces.items[i]);
        else
            seg_push(a, out, pieces.items[i]);
    }
}

/* Go's strings.Trim(s, "[]"). */
static const char *trim_brackets(pr_arena *a, const char *s)
{
    size_t start = 0, end = strlen(s);
    while (start < end && (s[start] == '[' || s[start] == ']'))
        start++;
    while (end > start && (s[end - 1] == '[' || s[end - 1] == ']'))
        end--;
    return pr_strndup(a, s + start, end - start);
}

bool pr_fieldpath_parse(pr_arena *a, const char *text, pr_fieldpath *out, pr_error *err)
{
    if (!text)
        return pr_error_set(err, "no field path given");
    seg_list split = {0}, result = {0};
    split_escaped(a, text, &split);
    for (size_t i = 0; i < split.len; i++) {
        const char *elem = split.items[i];
        if (!has_prefix(elem, '[') || has_suffix(elem, ']')) {
            seg_push(a, &result, elem);
            continue;
        }
        /* An opening bracket runs to the first later piece ending in ']'
         * (or to the end of the path). */
        pr_strbuf joined;
        pr_sb_init(&joined);
        pr_sb_adds(&joined, elem);
        while (i < split.len - 1) {
            i++;
            pr_sb_addf(&joined, ".%s", split.items[i]);
            if (has_suffix(split.items[i], ']'))
                break;
        }
        const char *whole = pr_strndup(a, joined.buf, joined.len);
        pr_sb_release(&joined);
        seg_push(a, &result, strchr(whole, '=') ? whole : trim_brackets(a, whole));
    }
    out->text = pr_strdup(a, text);
    out->segs = result.items;
    out->len = result.len;
    return true;
}

/* ------------------------------------------------------------------ */
/* Segment kinds                                                       */

bool pr_fieldpath_atoi(const char *s, long long *out)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (!*p)
        return false;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return false;
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno == ERANGE)
        return false;
    *out = v;
    return true;
}

/* kyaml's IsListIndex: "[...]". */
static bool is_list_selector(const char *s)
{
    return has_prefix(s, '[') && has_suffix(s, ']');
}

/* kyaml's SplitIndexNameValue: "[name=value]" into its halves, split at
 * the first '='. */
static bool split_selector(pr_arena *a, const char *seg, const char **name,
                           const char **value, pr_error *err)
{
    size_t n = strlen(seg);
    const char *inner = seg + (seg[0] == '[');
    size_t inner_len = n - (size_t)(inner - seg) - (n > 0 && seg[n - 1] == ']');
    const char *eq = memchr(inner, '=', inner_len);
    if (!eq)
        return pr_error_set(err, "list path element '%s' must contain fieldName=fieldValue for "
                            "element to match", seg);
    *name = pr_strndup(a, inner, (size_t)(eq - inner));
    *value = pr_strndup(a, eq + 1, inner_len - (size_t)(eq - inner) - 1);
    return true;
}

/* kyaml's ErrorIfInvalid: a null node passes as any kind. */
static bool check_kind(const pr_node *n, pr_kind want, const pr_fieldpath *path,
                       const char *seg, pr_error *err)
{
    if (n->kind == want || pr_node_is_null(n))
        return true;
    const char *want_name = pr_kind_kyaml_name(want);
    if (n->mark.line > 0)
        return pr_error_set(err, "wrong node kind: expected %s but got %s (at line %d, column %d) "
                            "where segment '%s' of field path '%s' applies",
                            want_name, pr_kind_kyaml_name(n->kind), n->mark.line, n->mark.col, seg, path->text);
    return pr_error_set(err, "wrong node kind: expected %s but got %s where segment '%s' of "
                        "field path '%s' applies", want_name, pr_kind_kyaml_name(n->kind), seg, path->text);
}

/* The value of `key` in mapping `map` (the last one, as kyaml's
 * visitMappingNodeFields keeps overwriting), or NULL. */
static pr_node **map_slot(pr_node *map, const char *key)
{
    pr_node **found = NULL;
    if (map->kind != PR_MAP)
        return NULL;
    for (size_t i = 0; i < map->map.len; i++)
        if (pr_scalar_is(map->map.items[i].key, key))
            found = &map->map.items[i].value;
    return found;
}

/* ------------------------------------------------------------------ */
/* PathGetter                                                          */

static const char *trim_space(pr_arena *a, const char *s)
{
    const char *ws = " \t\n\v\f\r";
    size_t start = strspn(s, ws), end = strlen(s);
    while (end > start && strchr(ws, s[end - 1]))
        end--;
    return pr_strndup(a, s + start, end - start);
}

static pr_node *get_step(pr_arena *a, pr_node *node, const pr_fieldpath *path,
                         const char *seg, pr_error *err)
{
    long long idx;
    if (pr_fieldpath_atoi(seg, &idx)) {
        if (idx < 0) {
            pr_error_set(err, "array index %lld cannot be negative (field path '%s')", idx, path->text);
            return NULL;
        }
        if (!check_kind(node, PR_SEQ, path, seg, err) || node->kind != PR_SEQ ||
            (unsigned long long)idx >= node->seq.len)
            return NULL;
        return node->seq.items[idx];
    }
    if (!strcmp(seg, "-")) {
        if (!check_kind(node, PR_SEQ, path, seg, err) || node->kind != PR_SEQ || !node->seq.len)
            return NULL;
        return node->seq.items[node->seq.len - 1];
    }
    if (!strcmp(seg, "*")) {
        pr_error_set(err, "wildcard is not supported in PathGetter (field path '%s')", path->text);
        return NULL;
    }
    if (is_list_selector(seg)) {
        const char *name, *value;
        if (!split_selector(a, seg, &name, &value, err) ||
            !check_kind(node, PR_SEQ, path, seg, err) || node->kind != PR_SEQ)
            return NULL;
        for (size_t i = 0; i < node->seq.len; i++) {
            pr_node *item = node->seq.items[i];
            if (!*name) {
                /* kyaml compares the item's text; mappings and lists have
                 * none, so only `[=]` can pick them. */
                const char *text = item->kind == PR_SCALAR ? item->scalar.text : "";
                if (!strcmp(text, value))
                    return item;
                continue;
            }
            if (item->kind != PR_MAP)
                continue;
            pr_node **field = map_slot(item, name);
            if (field) {
                const char *text = (*field)->kind == PR_SCALAR ? (*field)->scalar.text : "";
                if (!strcmp(text, value))
                    return item;
            }
        }
        return NULL;
    }
    if (pr_node_is_null(node))
        return NULL;
    if (!check_kind(node, PR_MAP, path, seg, err))
        return NULL;
    pr_node **slot = map_slot(node, seg);
    return slot ? *slot : NULL;
}

pr_node *pr_fieldpath_get(pr_arena *a, pr_node *obj, const pr_fieldpath *path, pr_error *err)
{
    pr_node *node = obj;
    for (size_t i = 0; node && i < path->len; i++) {
        const char *seg = trim_space(a, path->segs[i]);
        if (*seg)
            node = get_step(a, node, path, seg, err);
    }
    return node;
}

/* Matches `^(.*)\[(\d+)\]$`: true with the split point when `seg` ends
 * in a bracketed run of digits. */
static bool slice_index_form(const char *seg, size_t *open)
{
    size_t n = strlen(seg);
    if (n < 3 || seg[n - 1] != ']')
        return false;
    size_t i = n - 1;
    while (i > 0 && seg[i - 1] >= '0' && seg[i - 1] <= '9')
        i--;
    if (i == n - 1 || i == 0 || seg[i - 1] != '[')
        return false;
    *open = i - 1;
    return true;
}

void pr_fieldpath_convert_slice_index(pr_arena *a, pr_fieldpath *path)
{
    seg_list out = {0};
    for (size_t i = 0; i < path->len; i++) {
        const char *seg = path->segs[i];
        size_t open;
        if (!slice_index_form(seg, &open)) {
            seg_push(a, &out, seg);
            continue;
        }
        if (open > 0)
            seg_push(a, &out, pr_strndup(a, seg, open));
        seg_push(a, &out, pr_strndup(a, seg + open + 1, strlen(seg) - open - 2));
    }
    path->segs = out.items;
    path->len = out.len;
}

pr_node *pr_fieldpath_lookup(pr_arena *a, pr_node *obj, const char *text, pr_error *err)
{
    pr_fieldpath path;
    if (!pr_fieldpath_parse(a, text, &path, err))
        return NULL;
    pr_fieldpath_convert_slice_index(a, &path);
    return pr_fieldpath_get(a, obj, &path, err);
}

/* ------------------------------------------------------------------ */
/* PathMatcher                                                         */

typedef struct {
    pr_arena *a;
    const pr_fieldpath *path;
    pr_fieldpath_create create;
    pr_fieldpath_visitor visit;
    void *ctx;
    size_t matches;
} walk;

static bool is_index(const char *seg)
{
    long long idx;
    return pr_fieldpath_atoi(seg, &idx) && idx >= 0;
}

/* kyaml's getPathPartKind: what to create for a missing field followed by
 * segment `next` ("" at the end of the path). */
static pr_node *new_part(pr_arena *a, const char *next, pr_fieldpath_create create)
{
    if (next && (is_list_selector(next) || is_index(next)))
        return pr_node_seq(a);
    if (next)
        return pr_node_map(a);
    switch (create) {
    case PR_FIELDPATH_CREATE_MAP:
        return pr_node_map(a);
    case PR_FIELDPATH_CREATE_SEQ:
        return pr_node_seq(a);
    default:
        return pr_node_scalar(a, PR_TAG_NULL, "", 0);
    }
}

static bool walk_from(walk *w, pr_node **slot, size_t i, bool created, pr_error *err);

/* A null node met where kyaml would add to it becomes an empty mapping or
 * list (kyaml writes into the null node, which cannot hold content). */
static void fill_null(walk *w, pr_node **slot, pr_kind kind)
{
    if (pr_node_is_null(*slot) && w->create != PR_FIELDPATH_FIND)
        *slot = kind == PR_SEQ ? pr_node_seq(w->a) : pr_node_map(w->a);
}

static bool walk_index(walk *w, pr_node **slot, size_t i, const char *seg, pr_error *err)
{
    long long idx = 0;
    pr_fieldpath_atoi(seg, &idx);
    const char *next = i + 1 < w->path->len ? w->path->segs[i + 1] : NULL;
    if (!check_kind(*slot, PR_SEQ, w->path, seg, err))
        return false;
    size_t len = (*slot)->kind == PR_SEQ ? (*slot)->seq.len : 0;
    bool created = false;
    if ((unsigned long long)idx == len && w->create != PR_FIELDPATH_FIND) {
        fill_null(w, slot, PR_SEQ);
        pr_seq_append(w->a, *slot, new_part(w->a, next, w->create));
        len++;
        created = true;
    }
    if ((unsigned long long)idx >= len)
        return pr_error_set(err, "index %lld specified but only %zu elements found", idx, len);
    return walk_from(w, &(*slot)->seq.items[idx], i + 1, created, err);
}

/* The text kyaml matches a `[k=v]` pattern against. It serializes the
 * value; for scalars that is their text. Mappings and lists are not
 * matched (kyaml would match their YAML text). */
static const char *match_text(const pr_node *n)
{
    return n && n->kind == PR_SCALAR ? n->scalar.text : NULL;
}

static bool walk_selector(walk *w, pr_node **slot, size_t i, const char *seg, pr_error *err)
{
    const char *name, *value;
    if (!split_selector(w->a, seg, &name, &value, err) ||
        !check_kind(*slot, PR_SEQ, w->path, seg, err))
        return false;
    pr_regex *re = pr_regex_compile(value, err);
    if (!re)
        return pr_error_prefix(err, "field path '%s'", w->path->text);
    bool ok = true, appended = false;
    for (;;) {
        size_t before = w->matches;
        size_t len = (*slot)->kind == PR_SEQ ? (*slot)->seq.len : 0;
        for (size_t j = 0; ok && j < len; j++) {
            pr_node **item = &(*slot)->seq.items[j];
            const char *text = *name ? ((*item)->kind == PR_MAP ? match_text(pr_map_get(*item, name)) : NULL)
                                     : match_text(*item);
            bool matched = false;
            if (!text || !(ok = pr_regex_match(re, text, strlen(text), &matched, err)) || !matched)
                continue;
            if (!*name) {
                /* kyaml takes a matching scalar item as the result, whatever
                 * segments follow. */
                w->matches++;
                ok = w->visit(w->a, item, false, w->ctx, err);
            } else {
                ok = walk_from(w, item, i + 1, false, err);
            }
        }
        /* kyaml appends {k: v} (or v) when nothing matched and searches
         * again; once is enough here, so a pattern that does not match its
         * own text cannot loop. */
        if (!ok || w->matches > before || w->create == PR_FIELDPATH_FIND || appended)
            break;
        fill_null(w, slot, PR_SEQ);
        pr_node *v = pr_node_scalar(w->a, pr_resolve_plain(value, strlen(value)), value, strlen(value));
        pr_node *elem = v;
        if (*name) {
            elem = pr_node_map(w->a);
            pr_map_set(w->a, elem, name, v);
        }
        pr_seq_append(w->a, *slot, elem);
        appended = true;
    }
    pr_regex_free(re);
    return ok;
}

static bool walk_every(walk *w, pr_node **slot, size_t i, const char *seg, pr_error *err)
{
    if (!check_kind(*slot, PR_SEQ, w->path, seg, err))
        return false;
    for (size_t j = 0; (*slot)->kind == PR_SEQ && j < (*slot)->seq.len; j++)
        if (!walk_from(w, &(*slot)->seq.items[j], i + 1, false, err))
            return false;
    return true;
}

static bool walk_field(walk *w, pr_node **slot, size_t i, const char *seg, pr_error *err)
{
    if (!*seg && (*slot)->kind == PR_MAP)
        return pr_error_set(err, "field path '%s' has an empty segment where a field name is needed",
                            w->path->text);
    if (!check_kind(*slot, PR_MAP, w->path, seg, err))
        return false;
    pr_node **field = map_slot(*slot, seg);
    if (field)
        return walk_from(w, field, i + 1, false, err);
    if (w->create == PR_FIELDPATH_FIND)
        return true;
    fill_null(w, slot, PR_MAP);
    const char *next = i + 1 < w->path->len ? w->path->segs[i + 1] : NULL;
    pr_map_append(w->a, *slot, pr_node_str(w->a, seg), new_part(w->a, next, w->create));
    return walk_from(w, &(*slot)->map.items[(*slot)->map.len - 1].value, i + 1, true, err);
}

static bool walk_from(walk *w, pr_node **slot, size_t i, bool created, pr_error *err)
{
    if (i == w->path->len) {
        w->matches++;
        return w->visit(w->a, slot, created, w->ctx, err);
    }
    const char *seg = w->path->segs[i];
    if (is_index(seg))
        return walk_index(w, slot, i, seg, err);
    if (is_list_selector(seg))
        return walk_selector(w, slot, i, seg, err);
    if (!strcmp(seg, "*"))
        return walk_every(w, slot, i, seg, err);
    return walk_field(w, slot, i, seg, err);
}

bool pr_fieldpath_visit(pr_arena *a, pr_node **root, const pr_fieldpath *path,
                        pr_fieldpath_create create, pr_fieldpath_visitor visit, void *ctx,
                        size_t *matches, pr_error *err)
{
    /* The walk recurses once per segment and may create one level per
     * segment; no real path comes near this. */
    if (path->len > PR_FIELDPATH_MAX_SEGMENTS)
        return pr_error_set(err, "field path '%.40s...' has %zu segments, more than the %d "
                            "pleo-render follows", path->text, path->len, PR_FIELDPATH_MAX_SEGMENTS);
    walk w = {a, path, create, visit, ctx, 0};
    bool ok = walk_from(&w, root, 0, false, err);
    if (matches)
        *matches = w.matches;
    return ok;
}
