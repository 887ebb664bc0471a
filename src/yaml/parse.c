/*
 * YAML stream -> pr_node documents, driven by libyaml's event parser.
 *
 * Promises: every node carries its source line and column; plain scalars
 * get their tag resolved here; aliases are expanded into copies (so later
 * in-place edits never alias each other) under a global node budget that
 * stops "billion laughs" documents; merge keys (`<<`) are applied; a
 * mapping that repeats a key is rejected, as kustomize rejects it.
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "pleo/yaml.h"
#include "scalar.h"

typedef struct {
    const char *name;
    pr_node *node;
} anchor;

typedef struct {
    pr_arena *a;
    const char *filename;
    pr_error *err;
    yaml_parser_t parser;
    anchor *anchors;
    size_t nanchors, anchors_cap;
    size_t nodes;       /* nodes created in this stream, aliases included */
    size_t alias_nodes; /* of which copies made for aliases and merge keys */
    int flags;
    const char *data; /* the input, for locating encoding errors */
    size_t len;
} reader;

static bool fail_at(reader *r, yaml_mark_t mark, const char *fmt, const char *arg)
{
    pr_error_set(r->err, "%s:%zu:%zu: ", r->filename, mark.line + 1,
                 mark.column + 1);
    if (r->err)
        pr_sb_addf(&r->err->msg, fmt, arg);
    pr_error_locate(r->err, r->filename, (int)mark.line + 1, (int)mark.column + 1);
    return false;
}

/* Line and column of byte `offset` of the input. */
static yaml_mark_t mark_at_offset(const reader *r, size_t offset)
{
    yaml_mark_t m = {offset, 0, 0};
    for (size_t i = 0; i < offset && i < r->len; i++) {
        if (r->data[i] == '\n') {
            m.line++;
            m.column = 0;
        } else if (((unsigned char)r->data[i] & 0xC0) != 0x80) {
            m.column++;
        }
    }
    return m;
}

static bool parser_error(reader *r)
{
    yaml_parser_t *p = &r->parser;
    /* Encoding errors are found while decoding the input, before the
     * scanner tracks positions: only their byte offset is right. */
    yaml_mark_t mark = p->error == YAML_READER_ERROR ? mark_at_offset(r, p->problem_offset)
                                                     : p->problem_mark;
    pr_error_set(r->err, "%s:%zu:%zu: %s", r->filename, mark.line + 1,
                 mark.column + 1, p->problem ? p->problem : "malformed YAML");
    if (p->context && r->err)
        pr_sb_addf(&r->err->msg, " (%s at line %zu)", p->context,
                   p->context_mark.line + 1);
    pr_error_locate(r->err, r->filename, (int)mark.line + 1, (int)mark.column + 1);
    return false;
}

static bool next_event(reader *r, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&r->parser, ev))
        return parser_error(r);
    return true;
}

static size_t count_nodes(const pr_node *n)
{
    size_t c = 1;
    if (n->kind == PR_MAP)
        for (size_t i = 0; i < n->map.len; i++)
            c += 1 + count_nodes(n->map.items[i].value);
    else if (n->kind == PR_SEQ)
        for (size_t i = 0; i < n->seq.len; i++)
            c += count_nodes(n->seq.items[i]);
    return c;
}

static bool remember_anchor(reader *r, const yaml_char_t *name, pr_node *n)
{
    if (!name)
        return true;
    r->anchors = pr_grow(r->a, r->anchors, sizeof(anchor), &r->anchors_cap,
                         r->nanchors + 1);
    r->anchors[r->nanchors].name = pr_strdup(r->a, (const char *)name);
    r->anchors[r->nanchors].node = n;
    r->nanchors++;
    return true;
}

static pr_node *find_anchor(reader *r, const char *name)
{
    /* Latest definition wins, as YAML allows redefining an anchor. */
    for (size_t i = r->nanchors; i-- > 0;)
        if (!strcmp(r->anchors[i].name, name))
            return r->anchors[i].node;
    return NULL;
}

static void set_mark(pr_node *n, yaml_mark_t m)
{
    n->mark.line = (int)m.line + 1;
    n->mark.col = (int)m.column + 1;
}

/* Copies made for aliases and merges are what a "billion laughs"
 * document multiplies, so they get a budget of their own, far below what
 * would exhaust memory. */
static bool alias_budget(reader *r, size_t more, yaml_mark_t mark)
{
    r->alias_nodes += more;
    if (r->alias_nodes > PR_YAML_MAX_ALIAS_NODES)
        return fail_at(r, mark, "aliases expand to more than %s nodes "
                       "(alias expansion bomb?)", "1000000");
    return true;
}

static bool budget(reader *r, size_t more, yaml_mark_t mark)
{
    r->nodes += more;
    if (r->nodes > PR_YAML_MAX_NODES)
        return fail_at(r, mark, "document expands to more than %s nodes "
                       "(alias expansion bomb?)", "10000000");
    return true;
}

static bool parse_scalar(reader *r, yaml_event_t *ev, pr_node **out)
{
    const char *text = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    pr_tag tag = PR_TAG_STR;
    const char *explicit_tag = (const char *)ev->data.scalar.tag;
    bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    if (explicit_tag && strcmp(explicit_tag, "!") != 0) {
        if (!pr_resolve_tagged(explicit_tag, text, len, &tag))
            return fail_at(r, ev->start_mark, "cannot decode %s as tagged", explicit_tag);
    } else if (plain && !(explicit_tag && !strcmp(explicit_tag, "!"))) {
        tag = pr_resolve_plain(text, len);
    }
    pr_node *n = pr_node_scalar(r->a, tag, text, len);
    bool tagged = explicit_tag && strcmp(explicit_tag, "!") != 0;
    n->style = plain || tagged ? PR_STYLE_PLAIN : PR_STYLE_QUOTED;
    set_mark(n, ev->start_mark);
    if (!budget(r, 1, ev->start_mark))
        return false;
    remember_anchor(r, ev->data.scalar.anchor, n);
    *out = n;
    return true;
}

static bool is_merge_key(const pr_node *k)
{
    return k->tag == PR_TAG_STR && k->scalar.len == 2 &&
           !memcmp(k->scalar.text, "<<", 2);
}

/* Adds the entries of `src` that `dst` does not define yet. */
static bool merge_into(reader *r, pr_node *dst, const pr_node *src, yaml_mark_t mark)
{
    for (size_t i = 0; i < src->map.len; i++) {
        const pr_pair *p = &src->map.items[i];
        if (pr_map_index(dst, p->key->scalar.text) >= 0)
            continue;
        if (!alias_budget(r, count_nodes(p->value), mark))
            return false;
        pr_map_append(r->a, dst, p->key, pr_node_copy(r->a, p->value));
    }
    return true;
}

/* A mapping or sequence whose events are still being read. */
typedef struct {
    pr_node *node;
    pr_node *key;          /* mappings: a key still waiting for its value */
    yaml_mark_t key_mark;
    yaml_mark_t start_mark;
    const pr_node **merges; /* mappings: `<<` sources, applied at the end */
    size_t nmerges, merges_cap;
} open_collection;

static bool add_merge_source(reader *r, open_collection *c, const pr_node *value)
{
    if (value->kind == PR_MAP) {
        c->merges = pr_grow(r->a, c->merges, sizeof *c->merges, &c->merges_cap, c->nmerges + 1);
        c->merges[c->nmerges++] = value;
        return true;
    }
    for (size_t i = 0; i < value->seq.len; i++) {
        if (value->seq.items[i]->kind != PR_MAP)
            return fail_at(r, c->key_mark, "%s",
                           "map merge requires map or sequence of maps as the value");
        if (!add_merge_source(r, c, value->seq.items[i]))
            return false;
    }
    return true;
}

/* Hands a finished node to the innermost open collection: an item of a
 * sequence, or alternately a key and a value of a mapping. */
static bool deliver(reader *r, open_collection *c, pr_node *v, yaml_mark_t mark)
{
    if (c->node->kind == PR_SEQ) {
        pr_seq_append(r->a, c->node, v);
        return true;
    }
    if (!c->key) {
        if (v->kind != PR_SCALAR)
            return fail_at(r, mark, "%s", "mapping keys must be scalars");
        c->key = v;
        c->key_mark = mark;
        return true;
    }
    pr_node *key = c->key;
    pr_node *map = c->node;
    c->key = NULL;
    if (is_merge_key(key) && (v->kind == PR_MAP || v->kind == PR_SEQ))
        return add_merge_source(r, c, v);
    long prev = pr_map_index(map, key->scalar.text);
    if (prev >= 0 && (r->flags & PR_YAML_LAST_KEY_WINS)) {
        map->map.items[prev].value = v;
        return true;
    }
    if (prev >= 0) {
        pr_error_set(r->err, "%s:%zu:%zu: mapping key \"%s\" already defined at line %d",
                     r->filename, c->key_mark.line + 1, c->key_mark.column + 1,
                     key->scalar.text, map->map.items[prev].key->mark.line);
        pr_error_locate(r->err, r->filename, (int)c->key_mark.line + 1,
                        (int)c->key_mark.column + 1);
        return false;
    }
    pr_map_append(r->a, map, key, v);
    return true;
}

static bool expand_alias(reader *r, yaml_event_t *ev, pr_node **out)
{
    const char *name = (const char *)ev->data.alias.anchor;
    pr_node *target = find_anchor(r, name);
    if (!target)
        return fail_at(r, ev->start_mark, "unknown anchor '%s' referenced", name);
    size_t size = count_nodes(target);
    if (!alias_budget(r, size, ev->start_mark) || !budget(r, size, ev->start_mark))
        return false;
    *out = pr_node_copy(r->a, target);
    return true;
}

/* Reads the node that starts with event `first` (taking ownership of it)
 * and all events of its subtree. Iterative, with an explicit stack of open
 * collections, so nesting depth costs heap, never C stack. */
static bool parse_node(reader *r, yaml_event_t *first, pr_node **out)
{
    open_collection *stack = NULL;
    size_t depth = 0, cap = 0;
    yaml_event_t ev = *first;
    for (;;) {
        pr_node *done = NULL;
        yaml_mark_t mark = ev.start_mark;
        bool ok = true;
        switch (ev.type) {
        case YAML_SCALAR_EVENT:
        case YAML_ALIAS_EVENT:
            if (depth + 1 > PR_YAML_MAX_DEPTH)
                ok = fail_at(r, mark, "nesting deeper than %s levels", "10000");
            else if (ev.type == YAML_SCALAR_EVENT)
                ok = parse_scalar(r, &ev, &done);
            else
                ok = expand_alias(r, &ev, &done);
            break;
        case YAML_MAPPING_START_EVENT:
        case YAML_SEQUENCE_START_EVENT: {
            if (depth + 1 > PR_YAML_MAX_DEPTH) {
                ok = fail_at(r, mark, "nesting deeper than %s levels", "10000");
                break;
            }
            if (!(ok = budget(r, 1, mark)))
                break;
            bool is_map = ev.type == YAML_MAPPING_START_EVENT;
            stack = pr_grow(r->a, stack, sizeof *stack, &cap, depth + 1);
            open_collection *c = &stack[depth++];
            memset(c, 0, sizeof *c);
            c->node = is_map ? pr_node_map(r->a) : pr_node_seq(r->a);
            c->start_mark = mark;
            set_mark(c->node, mark);
            remember_anchor(r, is_map ? ev.data.mapping_start.anchor
                                      : ev.data.sequence_start.anchor, c->node);
            break;
        }
        case YAML_MAPPING_END_EVENT:
        case YAML_SEQUENCE_END_EVENT: {
            open_collection *c = &stack[--depth];
            for (size_t i = 0; ok && i < c->nmerges; i++)
                ok = merge_into(r, c->node, c->merges[i], c->start_mark);
            done = c->node;
            mark = c->start_mark;
            break;
        }
        default:
            ok = fail_at(r, mark, "%s", "unexpected YAML event");
            break;
        }
        yaml_event_delete(&ev);
        if (!ok)
            return false;
        if (done) {
            if (depth == 0) {
                *out = done;
                return true;
            }
            if (!deliver(r, &stack[depth - 1], done, mark))
                return false;
        }
        if (!next_event(r, &ev))
            return false;
    }
}

bool pr_yaml_parse(pr_arena *a, const char *filename, const char *data,
                   size_t len, pr_doclist *out, pr_error *err)
{
    return pr_yaml_parse_with(a, filename, data, len, 0, out, err);
}

bool pr_yaml_parse_with(pr_arena *a, const char *filename, const char *data,
                        size_t len, int flags, pr_doclist *out, pr_error *err)
{
    reader r = {0};
    r.flags = flags;
    r.data = data;
    r.len = len;
    r.a = a;
    r.filename = filename;
    r.err = err;
    if (!yaml_parser_initialize(&r.parser))
        return pr_error_set(err, "%s: cannot initialize YAML parser", filename);
    yaml_parser_set_input_string(&r.parser, (const unsigned char *)data, len);
    bool ok = false;
    yaml_event_t ev;
    for (;;) {
        if (!next_event(&r, &ev))
            goto done;
        yaml_event_type_t type = ev.type;
        yaml_event_delete(&ev);
        if (type == YAML_STREAM_END_EVENT)
            break;
        if (type != YAML_DOCUMENT_START_EVENT)
            continue;
        r.nanchors = 0; /* anchors do not cross documents */
        if (!next_event(&r, &ev))
            goto done;
        pr_node *root;
        if (!parse_node(&r, &ev, &root))
            goto done;
        if (!next_event(&r, &ev)) /* document end */
            goto done;
        yaml_event_delete(&ev);
        if (out->len >= PR_YAML_MAX_DOCUMENTS) {
            fail_at(&r, ev.start_mark, "more than %s documents in one stream", "100000");
            goto done;
        }
        out->docs = pr_grow(a, out->docs, sizeof(pr_node *), &out->cap,
                            out->len + 1);
        out->docs[out->len++] = pr_node_is_null(root) ? NULL : root;
    }
    ok = true;
done:
    yaml_parser_delete(&r.parser);
    return ok;
}
