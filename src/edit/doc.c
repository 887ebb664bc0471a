/*
 * Position-keeping parse of a kustomization file with libfyaml's event
 * API (its document API hides node positions), plus line arithmetic and
 * splicing over the original bytes.
 */
#include "doc.h"

#include <libfyaml.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    pe_node **v;
    size_t n, cap;
} node_stack;

static void silent_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    (void)user;
    (void)buf;
    (void)len;
}

static bool is_white(char c)
{
    return c == ' ' || c == '\t';
}

static size_t skip_break(const char *s, size_t len, size_t i)
{
    if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
        return i + 2;
    return i + 1;
}

/* The value of a single-quoted scalar from its source between the quotes,
 * s[0..len): `''` is a quote, white space around line breaks goes, a lone
 * break becomes a space and n empty lines become n newlines. Read here
 * rather than with fy_token_get_text, which in libfyaml 0.7.12 leaks its
 * chunk array on scalars with five or more `''` (upstream issue #233;
 * found by fuzz_edit). */
static const char *single_quoted_value(pr_arena *a, const char *s, size_t len,
                                       size_t *out_len)
{
    char *out = pr_alloc(a, len + 1);
    size_t o = 0, i = 0;
    while (i < len) {
        if (s[i] == '\'') {
            out[o++] = '\'';
            i += i + 1 < len && s[i + 1] == '\'' ? 2 : 1;
        } else if (s[i] == '\n' || s[i] == '\r') {
            while (o > 0 && is_white(out[o - 1]))
                o--;
            size_t empty_lines = 0;
            for (;;) {
                i = skip_break(s, len, i);
                while (i < len && is_white(s[i]))
                    i++;
                if (i < len && (s[i] == '\n' || s[i] == '\r'))
                    empty_lines++;
                else
                    break;
            }
            if (!empty_lines)
                out[o++] = ' ';
            for (; empty_lines; empty_lines--)
                out[o++] = '\n';
        } else {
            out[o++] = s[i++];
        }
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

static size_t mark_pos(const struct fy_mark *m, size_t fallback)
{
    return m ? m->input_pos : fallback;
}

static size_t token_start(struct fy_token *t, size_t fallback)
{
    return t ? mark_pos(fy_token_start_mark(t), fallback) : fallback;
}

/* An anchor token's mark follows its '&'. */
static size_t anchor_start(const char *src, size_t pos)
{
    return pos > 0 && src[pos - 1] == '&' ? pos - 1 : pos;
}

static void add_kid(pr_arena *a, pe_node *parent, pe_node *kid)
{
    kid->parent = parent;
    if (parent->n == parent->cap)
        parent->kids = pr_grow(a, parent->kids, sizeof *parent->kids, &parent->cap,
                               parent->n + 1);
    parent->kids[parent->n++] = kid;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t';
}

/* An empty scalar has no token and so no position; give it the place
 * where it would be written: after its key, after the previous item of a
 * flow sequence, or just after its own '-' in a block sequence. */
static void place_empty(const pe_doc *d, pe_node *n, const pe_node *parent)
{
    size_t pos = parent->start;
    if (parent->n > 0)
        pos = parent->kids[parent->n - 1]->oend;
    else if (parent->style == PE_FLOW)
        pos = parent->start + 1;
    if (parent->kind == PE_SEQ && parent->style == PE_BLOCK) {
        size_t p = pos;
        if (parent->n > 0 && !(p > 0 && (d->src[p - 1] == '\n' || d->src[p - 1] == '\r')))
            p = pe_next_line(d, p);
        while (p < d->len) {
            size_t q = p;
            while (q < d->len && blank(d->src[q]))
                q++;
            if (q < d->len && d->src[q] == '-') {
                pos = q + 1;
                break;
            }
            size_t next = pe_next_line(d, p);
            if (next == p)
                break;
            p = next;
        }
    }
    n->start = n->end = n->ostart = n->oend = pos;
}

static pe_style scalar_style(enum fy_node_style s)
{
    switch (s) {
    case FYNS_SINGLE_QUOTED: return PE_SINGLE;
    case FYNS_DOUBLE_QUOTED: return PE_DOUBLE;
    case FYNS_LITERAL: return PE_LITERAL;
    case FYNS_FOLDED: return PE_FOLDED;
    default: return PE_PLAIN;
    }
}

/* libfyaml gives an explicit document end (`...`) no position: find the
 * first line at or after `from` that is one. */
static size_t find_doc_end(const pe_doc *d, size_t from)
{
    for (size_t l = pe_ls(d, from < d->len ? from : d->len); l < d->len; l = pe_next_line(d, l)) {
        if (l + 3 <= d->len && !memcmp(d->src + l, "...", 3) &&
            (l + 3 == d->len || strchr(" \t\r\n", d->src[l + 3])))
            return l;
        if (pe_next_line(d, l) == l)
            break;
    }
    return d->len;
}

static bool diag_error(const pe_doc *d, struct fy_diag *diag, pr_error *err)
{
    void *it = NULL;
    struct fy_diag_error *de = fy_diag_errors_iterate(diag, &it);
    if (!de)
        return pr_error_set(err, "%s: YAML parse error", d->path);
    return pr_error_at(err, d->path, de->line, de->column, "%s", de->msg);
}

bool pe_parse(pr_arena *a, const char *path, const char *src, size_t len,
              pe_doc *doc, pr_error *err)
{
    memset(doc, 0, sizeof *doc);
    doc->path = path;
    doc->src = src;
    doc->len = len;
    doc->doc_end = len;

    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = silent_output;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    if (!diag)
        return pr_error_set(err, "%s: out of memory", path);
    fy_diag_set_collect_errors(diag, true);
    /* go-yaml accepts a flow collection's closing bracket at the parent's
     * indentation; kustomize users write that, so libfyaml must too. */
    struct fy_parse_cfg cfg = {
        .flags = FYPCF_QUIET | FYPCF_SLOPPY_FLOW_INDENTATION,
        .diag = diag,
    };
    struct fy_parser *p = fy_parser_create(&cfg);
    if (!p) {
        fy_diag_destroy(diag);
        return pr_error_set(err, "%s: out of memory", path);
    }
    /* An empty string makes libfyaml report no input at all. */
    fy_parser_set_string(p, len ? src : "", len);

    node_stack st = {0};
    size_t scan_from = 0;
    bool ok = true;
    struct fy_event *e;
    while (ok && (e = fy_parser_parse(p))) {
        pe_node *parent = st.n ? st.v[st.n - 1] : NULL;
        pe_node *n = NULL;
        switch (e->type) {
        case FYET_DOCUMENT_START:
            doc->ndocs++;
            if (doc->ndocs == 1)
                scan_from = mark_pos(fy_event_end_mark(e), 0);
            break;
        case FYET_DOCUMENT_END:
            if (doc->ndocs == 1 && !e->document_end.implicit)
                doc->doc_end = find_doc_end(doc, doc->root && doc->root->oend > scan_from
                                                     ? doc->root->oend : scan_from);
            break;
        case FYET_SCALAR: {
            n = pr_alloc(a, sizeof *n);
            n->kind = PE_SCALAR;
            n->style = scalar_style(fy_event_get_node_style(e));
            size_t tl = 0;
            const char *t = "";
            size_t from = 0, to = 0;
            if (e->scalar.value) {
                from = mark_pos(fy_token_start_mark(e->scalar.value), 0);
                to = mark_pos(fy_token_end_mark(e->scalar.value), from);
            }
            if (e->scalar.value && n->style == PE_SINGLE && from <= to && to <= len) {
                t = single_quoted_value(a, src + from, to - from, &tl);
            } else if (e->scalar.value) {
                t = fy_token_get_text(e->scalar.value, &tl);
            }
            n->text = pr_strndup(a, t ? t : "", t ? tl : 0);
            n->len = t ? tl : 0;
            n->anchored = e->scalar.anchor != NULL;
            n->tagged = e->scalar.tag != NULL;
            const struct fy_mark *vm = e->scalar.value ? fy_token_start_mark(e->scalar.value) : NULL;
            if (!vm && (e->scalar.anchor || e->scalar.tag)) {
                /* `key: !tag` or `key: &a`: nothing but the properties,
                 * which are where it is. */
                struct fy_token *t0 = e->scalar.anchor ? e->scalar.anchor : e->scalar.tag;
                n->start = n->ostart = anchor_start(src, token_start(t0, 0));
                n->end = n->oend = mark_pos(fy_token_end_mark(t0), n->start);
                if (e->scalar.anchor && e->scalar.tag) {
                    size_t te = mark_pos(fy_token_end_mark(e->scalar.tag), n->end);
                    n->end = n->oend = te > n->end ? te : n->end;
                }
            } else if (!vm) {
                n->empty = true; /* placed when attached to its parent */
            } else {
                n->start = vm->input_pos;
                n->end = mark_pos(fy_token_end_mark(e->scalar.value), n->start);
                n->ostart = n->start;
                n->oend = n->end;
                if (n->style == PE_SINGLE || n->style == PE_DOUBLE) {
                    n->ostart--;
                    n->oend++;
                }
            }
            size_t pre = n->ostart;
            if (e->scalar.anchor)
                pre = anchor_start(src, token_start(e->scalar.anchor, pre));
            if (e->scalar.tag) {
                size_t tp = token_start(e->scalar.tag, pre);
                pre = tp < pre ? tp : pre;
            }
            if (pre < n->ostart)
                n->ostart = pre;
            break;
        }
        case FYET_ALIAS:
            n = pr_alloc(a, sizeof *n);
            n->kind = PE_ALIAS;
            n->start = token_start(e->alias.anchor, 0);
            n->end = mark_pos(fy_token_end_mark(e->alias.anchor), n->start);
            n->ostart = n->start > 0 ? n->start - 1 : 0; /* the '*' */
            n->oend = n->end;
            n->text = "";
            break;
        case FYET_SEQUENCE_START:
        case FYET_MAPPING_START: {
            bool seq = e->type == FYET_SEQUENCE_START;
            n = pr_alloc(a, sizeof *n);
            n->kind = seq ? PE_SEQ : PE_MAP;
            n->style = fy_event_get_node_style(e) == FYNS_FLOW ? PE_FLOW : PE_BLOCK;
            struct fy_token *anchor = seq ? e->sequence_start.anchor : e->mapping_start.anchor;
            struct fy_token *tag = seq ? e->sequence_start.tag : e->mapping_start.tag;
            n->anchored = anchor != NULL;
            n->tagged = tag != NULL;
            const struct fy_mark *m = fy_event_start_mark(e);
            n->start = n->ostart = mark_pos(m, parent && parent->n ? parent->kids[parent->n - 1]->oend : 0);
            if (anchor && anchor_start(src, token_start(anchor, n->ostart)) < n->ostart)
                n->ostart = anchor_start(src, token_start(anchor, n->ostart));
            if (tag && token_start(tag, n->ostart) < n->ostart)
                n->ostart = token_start(tag, n->ostart);
            n->text = "";
            break;
        }
        case FYET_SEQUENCE_END:
        case FYET_MAPPING_END: {
            pe_node *c = parent;
            st.n--;
            if (c->style == PE_FLOW) {
                c->end = mark_pos(fy_event_end_mark(e), c->start + 1);
                /* A single pair in a flow sequence (`[a: b]`) has no braces:
                 * libfyaml marks it from its ':' to the end of its value. */
                if (c->n && c->kids[0]->ostart < c->start) {
                    c->start = c->ostart = c->kids[0]->ostart;
                    c->end = c->kids[c->n - 1]->oend;
                }
            } else if (c->n) {
                c->end = c->kids[c->n - 1]->oend;
            } else {
                c->end = c->start;
            }
            c->oend = c->end;
            if (c->kind == PE_MAP && c->n % 2) {
                ok = pe_fail(doc, err, c->start, "mapping without a value");
            }
            break;
        }
        default:
            break;
        }
        fy_parser_event_free(p, e);
        if (!n)
            continue;
        if (doc->ndocs > 1) {
            /* Later documents are only counted; the caller rejects them. */
        } else if (parent) {
            if (n->empty)
                place_empty(doc, n, parent);
            add_kid(a, parent, n);
        } else if (!doc->root) {
            doc->root = n;
        }
        if (n->kind == PE_SEQ || n->kind == PE_MAP) {
            if (st.n == st.cap) {
                size_t cap = st.cap ? st.cap * 2 : 16;
                pe_node **v = realloc(st.v, cap * sizeof *v);
                if (!v) {
                    ok = pr_error_set(err, "%s: out of memory", path);
                    break;
                }
                st.v = v;
                st.cap = cap;
            }
            st.v[st.n++] = n;
        }
    }
    if (ok && fy_parser_get_stream_error(p))
        ok = diag_error(doc, diag, err);
    free(st.v);
    fy_parser_destroy(p);
    fy_diag_destroy(diag);
    if (!ok)
        return false;
    if (doc->root && doc->root->kind == PE_SCALAR && doc->root->empty && !doc->root->anchored &&
        !doc->root->tagged) {
        doc->root = NULL;
        doc->root_empty_doc = true;
    }
    return true;
}

void pe_linecol(const pe_doc *d, size_t pos, int *line, int *col)
{
    int l = 1, c = 1;
    for (size_t i = 0; i < pos && i < d->len; i++) {
        char ch = d->src[i];
        if (ch == '\n' || (ch == '\r' && (i + 1 >= d->len || d->src[i + 1] != '\n'))) {
            l++;
            c = 1;
        } else if (ch != '\r' && ((unsigned char)ch & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

bool pe_fail(const pe_doc *d, pr_error *err, size_t pos, const char *fmt, ...)
{
    if (!err)
        return false;
    int line, col;
    pe_linecol(d, pos, &line, &col);
    pr_strbuf msg;
    pr_sb_init(&msg);
    va_list ap;
    va_start(ap, fmt);
    pr_sb_vaddf(&msg, fmt, ap);
    va_end(ap);
    pr_error_at(err, d->path, line, col, "%s", msg.buf);
    pr_sb_release(&msg);
    return false;
}

const char *pe_text(const pe_node *n)
{
    return n && n->kind == PE_SCALAR ? n->text : NULL;
}

bool pe_map_find(const pe_doc *d, const pe_node *map, const char *key,
                 long *index, pr_error *err)
{
    *index = -1;
    if (!map || map->kind != PE_MAP)
        return true;
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const pe_node *k = map->kids[i];
        if (k->kind != PE_SCALAR || strcmp(k->text, key) != 0 || strlen(key) != k->len)
            continue;
        if (*index >= 0)
            return pe_fail(d, err, k->start, "key '%s' appears twice in this mapping", key);
        *index = (long)i;
    }
    return true;
}

static bool is_break(char c)
{
    return c == '\n' || c == '\r';
}

size_t pe_ls(const pe_doc *d, size_t pos)
{
    while (pos > 0 && !is_break(d->src[pos - 1]))
        pos--;
    return pos;
}

size_t pe_le(const pe_doc *d, size_t pos)
{
    while (pos < d->len && !is_break(d->src[pos]))
        pos++;
    return pos;
}

size_t pe_next_line(const pe_doc *d, size_t pos)
{
    pos = pe_le(d, pos);
    if (pos < d->len && d->src[pos] == '\r')
        pos++;
    if (pos < d->len && d->src[pos] == '\n')
        pos++;
    return pos;
}

static const char *break_at(const pe_doc *d, size_t pos)
{
    if (pos >= d->len)
        return NULL;
    if (d->src[pos] == '\r')
        return pos + 1 < d->len && d->src[pos + 1] == '\n' ? "\r\n" : "\r";
    return d->src[pos] == '\n' ? "\n" : NULL;
}

const char *pe_eol(const pe_doc *d, size_t pos)
{
    const char *b = break_at(d, pe_le(d, pos));
    if (b)
        return b;
    b = break_at(d, pe_le(d, 0));
    return b ? b : "\n";
}

bool pe_first_on_line(const pe_doc *d, size_t pos)
{
    for (size_t i = pe_ls(d, pos); i < pos; i++)
        if (d->src[i] != ' ' && d->src[i] != '\t')
            return false;
    return true;
}

size_t pe_tail(const pe_doc *d, const pe_node *n)
{
    /* A block collection ends where its last child does. */
    while ((n->kind == PE_MAP || n->kind == PE_SEQ) && n->style == PE_BLOCK && n->n)
        n = n->kids[n->n - 1];
    if (n->kind == PE_SCALAR && (n->style == PE_LITERAL || n->style == PE_FOLDED)) {
        /* A block scalar's token runs to the start of the line after it. */
        size_t e = n->oend;
        if (e > 0 && e <= d->len && is_break(d->src[e - 1]))
            return e;
        return pe_next_line(d, e);
    }
    return pe_next_line(d, n->oend);
}

void pe_splice_add(pr_arena *a, pe_splices *s, size_t at, size_t del, const char *text)
{
    if (s->n == s->cap)
        s->v = pr_grow(a, s->v, sizeof *s->v, &s->cap, s->n + 1);
    s->v[s->n++] = (pe_splice){at, del, text ? text : ""};
}

void pe_splice_apply(const pe_doc *d, pe_splices *s, pr_strbuf *out)
{
    pr_sb_reset(out);
    /* Stable insertion sort: two insertions at one place keep their order. */
    for (size_t i = 1; i < s->n; i++)
        for (size_t j = i; j > 0 && s->v[j - 1].at > s->v[j].at; j--) {
            pe_splice t = s->v[j];
            s->v[j] = s->v[j - 1];
            s->v[j - 1] = t;
        }
    size_t pos = 0;
    for (size_t i = 0; i < s->n; i++) {
        const pe_splice *sp = &s->v[i];
        pr_sb_add(out, d->src + pos, sp->at - pos);
        pr_sb_adds(out, sp->text);
        pos = sp->at + sp->del;
    }
    pr_sb_add(out, d->src + pos, d->len - pos);
}
