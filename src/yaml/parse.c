/*
 * YAML stream -> pr_node documents, driven by libyaml's event parser.
 *
 * Promises: every node carries its source line and column; plain scalars
 * get their tag resolved here; aliases are expanded into copies (so later
 * in-place edits never alias each other) under a global node budget that
 * stops "billion laughs" documents; merge keys (`<<`) are applied; a
 * mapping that repeats a key is rejected, as kustomize rejects it.
 * kustomize reads with two Go libraries: resources with kyaml (go-yaml
 * v3, which keeps flow style and changes some block scalars when it writes
 * them again, modelled here), what it decodes into Go values with
 * sigs.k8s.io/yaml (go-yaml v2: PR_YAML_SIGS_YAML, block scalars as
 * written, no styles kept).
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
    /* libyaml's marks count characters; this cursor maps them to bytes
     * of `data` and only moves forward between lookups. */
    size_t cursor_char, cursor_byte;
    /* The open collections of parse_node and the entries and items they
     * have read so far, kept for the whole stream and on the heap: they
     * die with the stream, so the build's arena, which keeps everything
     * until the build ends, never holds them. A finished collection gets
     * an array of exactly its size (most are small and never grow). */
    struct open_collection *stack;
    size_t stack_cap;
    pr_pair *pairs;
    size_t npairs, pairs_cap;
    pr_node **items;
    size_t nitems, items_cap;
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

typedef struct {
    char *buf;
    size_t len, cap;
} byte_sink;

static int sink_write(void *data, unsigned char *bytes, size_t size)
{
    byte_sink *s = data;
    if (s->len + size > s->cap) {
        size_t cap = (s->len + size) * 2;
        char *grown = realloc(s->buf, cap);
        if (!grown)
            return 0;
        s->buf = grown;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, bytes, size);
    s->len += size;
    return 1;
}

static bool is_break_at(const char *s, size_t len, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if (c == '\n' || c == '\r')
        return true;
    if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0x85)
        return true;
    return c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
           ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9);
}

static size_t char_width(unsigned char c)
{
    return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

static bool sink_put(byte_sink *s, const char *bytes, size_t n)
{
    return sink_write(s, (unsigned char *)bytes, n) == 1;
}

/* The body go-yaml v3 writes for a folded scalar at indentation 2. It
 * differs from libyaml's in one place: before a line break that ends a
 * text line it adds an empty line whenever the value's *first* text
 * character is not blank, where libyaml looks at the character after the
 * break. So a more-indented line or the final line break gains an empty
 * line in front of it. */
static bool goyaml_folded_body(byte_sink *out, const char *v, size_t len)
{
    size_t k = 0;
    while (k < len && is_break_at(v, len, k))
        k += char_width((unsigned char)v[k]);
    bool first_is_text = k < len && v[k] != ' ' && v[k] != '\t';
    bool breaks = true, leading_spaces = true, line_started = false;
    for (size_t i = 0; i < len;) {
        size_t w = char_width((unsigned char)v[i]);
        if (i + w > len)
            w = len - i;
        if (is_break_at(v, len, i)) {
            if (!breaks && !leading_spaces && v[i] == '\n' && first_is_text &&
                !sink_put(out, "\n", 1))
                return false;
            if (!sink_put(out, v + i, v[i] == '\n' ? 1 : w))
                return false;
            breaks = true;
            line_started = false;
        } else {
            if (breaks) {
                if (!line_started && !sink_put(out, "  ", 2))
                    return false;
                leading_spaces = v[i] == ' ' || v[i] == '\t';
            }
            if (!sink_put(out, v + i, w))
                return false;
            breaks = false;
            line_started = true;
        }
        i += w;
    }
    return true;
}

/* Emits {k: value} with libyaml, asking for folded style. */
static bool emit_folded_pair(byte_sink *sink, const char *text, size_t len)
{
    yaml_emitter_t em;
    yaml_event_t ev;
    if (!yaml_emitter_initialize(&em))
        return false;
    yaml_emitter_set_output(&em, sink_write, sink);
    yaml_emitter_set_width(&em, -1);
    yaml_emitter_set_unicode(&em, 1);
    bool ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
              yaml_emitter_emit(&em, &ev) &&
              yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
              yaml_emitter_emit(&em, &ev) &&
              yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
                                                  YAML_BLOCK_MAPPING_STYLE) &&
              yaml_emitter_emit(&em, &ev) &&
              yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)"k", 1, 1, 1,
                                           YAML_PLAIN_SCALAR_STYLE) &&
              yaml_emitter_emit(&em, &ev) &&
              yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)text,
                                           (int)len, 1, 1, YAML_FOLDED_SCALAR_STYLE) &&
              yaml_emitter_emit(&em, &ev) && yaml_mapping_end_event_initialize(&ev) &&
              yaml_emitter_emit(&em, &ev) &&
              yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(&em, &ev) &&
              yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&em, &ev);
    yaml_emitter_delete(&em);
    return ok;
}

/* The value of the second scalar (the one under "k") in `doc`. */
static bool read_pair_value(pr_arena *a, const byte_sink *doc, const char **out,
                            size_t *out_len)
{
    yaml_parser_t p;
    yaml_event_t ev;
    if (!yaml_parser_initialize(&p))
        return false;
    yaml_parser_set_input_string(&p, (const unsigned char *)doc->buf, doc->len);
    bool ok = false;
    int scalars = 0;
    while (yaml_parser_parse(&p, &ev)) {
        yaml_event_type_t type = ev.type;
        if (type == YAML_SCALAR_EVENT && ++scalars == 2) {
            size_t n = ev.data.scalar.length;
            char *copy = pr_alloc(a, n + 1);
            memcpy(copy, ev.data.scalar.value, n);
            copy[n] = 0;
            *out = copy;
            *out_len = n;
            ok = true;
        }
        yaml_event_delete(&ev);
        if (ok || type == YAML_STREAM_END_EVENT)
            break;
    }
    yaml_parser_delete(&p);
    return ok;
}

/* kustomize keeps a folded scalar's style and writes it with go-yaml v3's
 * emitter before reading it back, and that emitter does not fold
 * losslessly (see goyaml_folded_body). This reproduces the round trip:
 * libyaml decides, as go-yaml does, whether folded style is possible and
 * writes the header; the body is go-yaml's. When the value cannot be
 * folded, go-yaml quotes it and nothing changes. */
static bool refold(pr_arena *a, const char *text, size_t len, const char **out,
                   size_t *out_len)
{
    /* One difference in that decision: libyaml counts a tab as a
     * character only double quotes can hold, go-yaml v3 lets a block
     * scalar hold it. A tab affects neither the header's indentation nor
     * its chomping hint, so libyaml gets the value with its tabs as some
     * other printable character. */
    const char *probe = text;
    if (memchr(text, '\t', len)) {
        char *copy = pr_alloc(a, len + 1);
        for (size_t i = 0; i < len; i++)
            copy[i] = text[i] == '\t' ? '.' : text[i];
        copy[len] = 0;
        probe = copy;
    }
    byte_sink first = {0}, second = {0};
    bool ok = emit_folded_pair(&first, probe, len);
    if (ok && first.len > 4 && !memcmp(first.buf, "k: >", 4)) {
        const char *eol = memchr(first.buf, '\n', first.len);
        ok = eol && sink_put(&second, first.buf, (size_t)(eol - first.buf) + 1) &&
             goyaml_folded_body(&second, text, len) &&
             read_pair_value(a, &second, out, out_len);
    }
    free(first.buf);
    free(second.buf);
    return ok;
}

/* Byte offset in the input of the character libyaml's `mark` points at. */
static size_t byte_offset(reader *r, yaml_mark_t mark)
{
    if (mark.index < r->cursor_char) {
        r->cursor_char = 0;
        r->cursor_byte = 0;
    }
    if (r->cursor_byte == 0 && r->len >= 3 && !memcmp(r->data, "\xEF\xBB\xBF", 3))
        r->cursor_byte = 3; /* libyaml does not count the BOM */
    while (r->cursor_char < mark.index && r->cursor_byte < r->len) {
        r->cursor_byte++;
        while (r->cursor_byte < r->len && ((unsigned char)r->data[r->cursor_byte] & 0xC0) == 0x80)
            r->cursor_byte++;
        r->cursor_char++;
    }
    return r->cursor_byte;
}

/* True when only blank lines and comments (at least one) follow `from`
 * up to the end of the document. */
static bool only_comments_to_document_end(const reader *r, size_t from)
{
    bool comment = false;
    size_t i = from;
    while (i < r->len) {
        size_t eol = i;
        while (eol < r->len && r->data[eol] != '\n')
            eol++;
        size_t j = i;
        while (j < eol && (r->data[j] == ' ' || r->data[j] == '\t' || r->data[j] == '\r'))
            j++;
        if (j == i && eol - i >= 3 &&
            (!memcmp(r->data + i, "---", 3) || !memcmp(r->data + i, "...", 3)) &&
            (eol - i == 3 || r->data[i + 3] == ' ' || r->data[i + 3] == '\t' ||
             r->data[i + 3] == '\r'))
            break;
        if (j < eol && r->data[j] != '#')
            return false;
        comment = comment || j < eol;
        i = eol + 1;
    }
    return comment;
}

/* go-yaml v3 adds a line break to a keep-chomped (`|+`, `>+`) block
 * scalar that ends in empty lines when nothing but comments follows it in
 * its document. */
static bool gains_line_break(reader *r, const yaml_event_t *ev)
{
    const char *v = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    if (n < 1 || v[n - 1] != '\n' || (n >= 2 && v[n - 2] != '\n'))
        return false;
    size_t at = byte_offset(r, ev->start_mark);
    bool keep = false;
    for (size_t i = at + 1; i < r->len && i < at + 3; i++)
        keep = keep || r->data[i] == '+';
    return keep && only_comments_to_document_end(r, byte_offset(r, ev->end_mark));
}

/* go-yaml knows no `\/` escape (JSON's), which libyaml accepts. */
static bool check_escapes(reader *r, const yaml_event_t *ev)
{
    size_t from = byte_offset(r, ev->start_mark) + 1;
    size_t to = byte_offset(r, ev->end_mark);
    for (size_t i = from; i + 1 < to && i + 1 < r->len; i++) {
        if (r->data[i] != '\\')
            continue;
        if (r->data[i + 1] == '/') {
            yaml_mark_t at = ev->start_mark;
            return fail_at(r, at, "%s", "found unknown escape character \\/ "
                           "in a double-quoted scalar");
        }
        i++;
    }
    return true;
}

static bool parse_scalar(reader *r, yaml_event_t *ev, pr_node **out)
{
    const char *text = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    pr_tag tag = PR_TAG_STR;
    const char *explicit_tag = (const char *)ev->data.scalar.tag;
    bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    bool block = ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
                 ev->data.scalar.style == YAML_FOLDED_SCALAR_STYLE;
    if (ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE && !check_escapes(r, ev))
        return false;
    /* What go-yaml v3 does to block scalars in kyaml's round trip;
     * sigs.k8s.io/yaml reads them as written. */
    bool roundtrip = !(r->flags & PR_YAML_SIGS_YAML);
    if (block && roundtrip && gains_line_break(r, ev)) {
        char *longer = pr_alloc(r->a, len + 2);
        memcpy(longer, text, len);
        longer[len++] = '\n';
        longer[len] = 0;
        text = longer;
    }
    if (ev->data.scalar.style == YAML_FOLDED_SCALAR_STYLE && roundtrip &&
        !refold(r->a, text, len, &text, &len))
        return fail_at(r, ev->start_mark, "%s", "out of memory");
    if (explicit_tag && strcmp(explicit_tag, "!") != 0) {
        if (!pr_resolve_tagged(explicit_tag, text, len, &tag))
            return fail_at(r, ev->start_mark, "cannot decode %s as tagged", explicit_tag);
    } else if (plain) {
        /* kustomize resolves a plain scalar even under the non-specific
         * tag "!" (`! 5` is the number 5). */
        tag = pr_resolve_plain(text, len);
    }
    pr_node *n = pr_node_scalar(r->a, tag, text, len);
    bool tagged = explicit_tag && strcmp(explicit_tag, "!") != 0;
    n->style = tagged ? PR_STYLE_TAGGED : plain ? PR_STYLE_PLAIN : block ? PR_STYLE_BLOCK : PR_STYLE_QUOTED;
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

/* A mapping or sequence whose events are still being read. Its entries
 * or items wait in the reader's pairs or items from `base` on; a mapping
 * that grows large takes them into its node early (`direct`), so that its
 * keys are looked up through the node's index. */
typedef struct open_collection {
    pr_node *node;
    size_t base;
    bool direct;
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

/* Grows a heap array of the reader (never the arena: see reader). */
static bool reserve(reader *r, void **items, size_t elem, size_t *cap, size_t need,
                    yaml_mark_t mark)
{
    if (need <= *cap)
        return true;
    size_t ncap = *cap ? 2 * *cap : 64;
    while (ncap < need)
        ncap *= 2;
    void *grown = realloc(*items, ncap * elem);
    if (!grown)
        return fail_at(r, mark, "%s", "out of memory");
    *items = grown;
    *cap = ncap;
    return true;
}

/* Entries a mapping collects before it takes them into its node. */
enum { PENDING_PAIRS_MAX = 16 };

/* The position among the waiting entries of `c` of a key whose text is
 * `key` (compared as pr_map_index compares), or -1. */
static long pending_index(const reader *r, const open_collection *c, const char *key)
{
    size_t klen = strlen(key);
    for (size_t i = c->base; i < r->npairs; i++) {
        const pr_node *k = r->pairs[i].key;
        if (k->scalar.len == klen && memcmp(k->scalar.text, key, klen) == 0)
            return (long)i;
    }
    return -1;
}

static bool duplicate_key(reader *r, const open_collection *c, const pr_node *key,
                          const pr_node *first)
{
    pr_error_set(r->err, "%s:%zu:%zu: mapping key \"%s\" already defined at line %d",
                 r->filename, c->key_mark.line + 1, c->key_mark.column + 1,
                 key->scalar.text, first->mark.line);
    pr_error_locate(r->err, r->filename, (int)c->key_mark.line + 1,
                    (int)c->key_mark.column + 1);
    return false;
}

/* Hands a finished node to the innermost open collection: an item of a
 * sequence, or alternately a key and a value of a mapping. */
static bool deliver(reader *r, open_collection *c, pr_node *v, yaml_mark_t mark)
{
    if (c->node->kind == PR_SEQ) {
        if (!reserve(r, (void **)&r->items, sizeof *r->items, &r->items_cap, r->nitems + 1,
                     mark))
            return false;
        r->items[r->nitems++] = v;
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
    if (c->direct) {
        long prev = pr_map_index(map, key->scalar.text);
        if (prev >= 0 && (r->flags & PR_YAML_LAST_KEY_WINS)) {
            map->map.items[prev].value = v;
            return true;
        }
        if (prev >= 0)
            return duplicate_key(r, c, key, map->map.items[prev].key);
        pr_map_append(r->a, map, key, v);
        return true;
    }
    long prev = pending_index(r, c, key->scalar.text);
    if (prev >= 0 && (r->flags & PR_YAML_LAST_KEY_WINS)) {
        r->pairs[prev].value = v;
        return true;
    }
    if (prev >= 0)
        return duplicate_key(r, c, key, r->pairs[prev].key);
    if (!reserve(r, (void **)&r->pairs, sizeof *r->pairs, &r->pairs_cap, r->npairs + 1, mark))
        return false;
    r->pairs[r->npairs++] = (pr_pair){key, v};
    if (r->npairs - c->base >= PENDING_PAIRS_MAX) {
        pr_map_set_items(r->a, map, &r->pairs[c->base], r->npairs - c->base);
        r->npairs = c->base;
        c->direct = true;
    }
    return true;
}

/* The collection `c` is complete: its node takes what waited for it. */
static void take_pending(reader *r, open_collection *c)
{
    if (c->node->kind == PR_SEQ) {
        if (r->nitems > c->base)
            pr_seq_set_items(r->a, c->node, r->items + c->base, r->nitems - c->base);
        r->nitems = c->base;
    } else if (!c->direct) {
        if (r->npairs > c->base)
            pr_map_set_items(r->a, c->node, r->pairs + c->base, r->npairs - c->base);
        r->npairs = c->base;
    }
}

static bool expand_alias(reader *r, size_t depth, yaml_event_t *ev, pr_node **out)
{
    const char *name = (const char *)ev->data.alias.anchor;
    pr_node *target = find_anchor(r, name);
    if (!target)
        return fail_at(r, ev->start_mark, "unknown anchor '%s' referenced", name);
    /* kustomize overflows its stack expanding such an alias. */
    for (size_t i = 0; i < depth; i++)
        if (r->stack[i].node == target)
            return fail_at(r, ev->start_mark, "anchor '%s' value contains itself", name);
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
    size_t depth = 0;
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
                ok = expand_alias(r, depth, &ev, &done);
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
            if (depth == r->stack_cap) {
                size_t cap = r->stack_cap ? 2 * r->stack_cap : 16;
                open_collection *grown = realloc(r->stack, cap * sizeof *grown);
                if (!grown) {
                    ok = fail_at(r, mark, "%s", "out of memory");
                    break;
                }
                r->stack = grown;
                r->stack_cap = cap;
            }
            open_collection *c = &r->stack[depth++];
            memset(c, 0, sizeof *c);
            c->node = is_map ? pr_node_map(r->a) : pr_node_seq(r->a);
            /* kyaml keeps a collection's flow style; sigs.k8s.io/yaml
             * decodes into Go values, which have none */
            bool flow = is_map ? ev.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                               : ev.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
            if (flow && !(r->flags & PR_YAML_SIGS_YAML))
                c->node->style = PR_STYLE_FLOW;
            c->base = is_map ? r->npairs : r->nitems;
            c->start_mark = mark;
            set_mark(c->node, mark);
            remember_anchor(r, is_map ? ev.data.mapping_start.anchor
                                      : ev.data.sequence_start.anchor, c->node);
            break;
        }
        case YAML_MAPPING_END_EVENT:
        case YAML_SEQUENCE_END_EVENT: {
            open_collection *c = &r->stack[--depth];
            take_pending(r, c);
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
            if (!deliver(r, &r->stack[depth - 1], done, mark))
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
        yaml_mark_t start = ev.start_mark;
        bool directives = type == YAML_DOCUMENT_START_EVENT &&
                          (ev.data.document_start.version_directive ||
                           ev.data.document_start.tag_directives.start !=
                               ev.data.document_start.tag_directives.end);
        yaml_event_delete(&ev);
        if (directives) {
            /* kustomize splits streams at `---` before parsing, which
             * leaves a directive in a document of its own. */
            fail_at(&r, start, "%s", "%YAML and %TAG directives are not "
                    "accepted by kustomize");
            goto done;
        }
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
        if (r.flags & PR_YAML_FIRST_DOCUMENT)
            break;
    }
    ok = true;
done:
    yaml_parser_delete(&r.parser);
    free(r.stack);
    free(r.pairs);
    free(r.items);
    return ok;
}
