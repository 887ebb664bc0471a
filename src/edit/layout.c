/*
 * Structural edits as splices over the original bytes. Block collections
 * are edited a whole line at a time, so comments and blank lines around
 * an entry stay where they were; flow collections are edited between the
 * brackets with the separators they already use. New text copies the
 * indentation, `-` spacing, quoting and line breaks of its neighbours.
 */
#include <string.h>

#include "doc.h"

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_break(char c)
{
    return c == '\n' || c == '\r';
}

static const char *spaces(pr_arena *a, size_t n)
{
    char *s = pr_alloc(a, n + 1);
    memset(s, ' ', n);
    return s;
}

/* Bytes from the start of pos's line to pos: the column, since all that
 * stands before a key or `-` is ASCII. */
static size_t col_of(const pe_doc *d, size_t pos)
{
    return pos - pe_ls(d, pos);
}

static char *sb_dup(pr_arena *a, pr_strbuf *sb)
{
    char *s = pr_strndup(a, sb->buf, sb->len);
    pr_sb_release(sb);
    return s;
}

/* Start of the line before the one starting at `l`. */
static size_t prev_line_start(const pe_doc *d, size_t l)
{
    if (l > 0 && d->src[l - 1] == '\n')
        l--;
    if (l > 0 && d->src[l - 1] == '\r')
        l--;
    return pe_ls(d, l);
}

/* Start of the line break ending the line before the one starting at
 * `l`, so a deletion at the end of a file without a final newline does
 * not leave one behind. */
static size_t prev_break(const pe_doc *d, size_t l)
{
    if (l > 0 && d->src[l - 1] == '\n')
        l--;
    if (l > 0 && d->src[l - 1] == '\r')
        l--;
    return l;
}

static bool find_colon(const pe_doc *d, const pe_node *k, size_t *colon, pr_error *err)
{
    size_t p = k->oend;
    while (p < d->len && is_blank(d->src[p]))
        p++;
    if (p >= d->len || d->src[p] != ':')
        return pe_fail(d, err, k->ostart, "cannot find the ':' after key '%s'", k->text);
    *colon = p;
    return true;
}

/* Inserts whole lines `text` so they start at line start `at`. */
static void insert_lines(pr_arena *a, const pe_doc *d, size_t at, const char *text,
                         const char *eol, pe_splices *s)
{
    if (at >= d->len && d->len > 0 && !is_break(d->src[d->len - 1])) {
        /* The file does not end with a line break; neither will it now. */
        pe_splice_add(a, s, d->len, 0, pr_sprintf(a, "%s%s", eol, text));
    } else {
        pe_splice_add(a, s, at, 0, pr_sprintf(a, "%s%s", text, eol));
    }
}

/* Deletes the lines [start, end), end being past a line break or EOF. */
static void delete_lines(pr_arena *a, const pe_doc *d, size_t start, size_t end, pe_splices *s)
{
    if (end >= d->len && d->len > 0 && !is_break(d->src[d->len - 1]) && start > 0)
        start = prev_break(d, start);
    pe_splice_add(a, s, start, end - start, "");
}

/* ---- block sequence layout ---- */

typedef struct {
    size_t dash_col;  /* column of '-' */
    const char *gap;  /* what follows '-' before the item */
    size_t key_col;   /* column of a mapping item's second and later keys */
    bool flow_map;    /* mapping items are written `{k: v}` */
    const char *pad;  /* inside a flow mapping's braces */
    pe_quote key_q;
} seq_layout;

static bool find_dash(const pe_doc *d, const pe_node *it, size_t *dash, bool *next_line,
                      pr_error *err)
{
    size_t s = it->ostart, l = pe_ls(d, s), p = l;
    while (p < s && is_blank(d->src[p]))
        p++;
    if (!it->empty && p < s && d->src[p] == '-') {
        *dash = p;
        *next_line = false;
        return true;
    }
    if (!it->empty && p == s) {
        /* `-` alone on an earlier line, the item below it. */
        size_t pos = l;
        while (pos > 0) {
            size_t pl = prev_line_start(d, pos), q = pl, le = pe_le(d, pl);
            while (q < le && is_blank(d->src[q]))
                q++;
            if (q == le || d->src[q] == '#') {
                pos = pl;
                continue;
            }
            if (d->src[q] == '-') {
                size_t r = q + 1;
                while (r < le && is_blank(d->src[r]))
                    r++;
                if (r == le || d->src[r] == '#') {
                    *dash = q;
                    *next_line = true;
                    return true;
                }
            }
            break;
        }
    }
    return pe_fail(d, err, s, "cannot edit this sequence entry: its '-' is not the first thing on its line");
}

static bool layout_of(pr_arena *a, const pe_doc *d, const pe_node *seq, seq_layout *L,
                      pr_error *err)
{
    const pe_node *it = seq->kids[seq->n - 1];
    size_t dash;
    bool next_line;
    if (!find_dash(d, it, &dash, &next_line, err))
        return false;
    memset(L, 0, sizeof *L);
    L->dash_col = col_of(d, dash);
    if (next_line) {
        /* New items keep their first key on the '-' line, lined up with
         * the column the template's content has (at least one space). */
        size_t c = col_of(d, it->ostart);
        size_t g = c > L->dash_col + 1 ? c - L->dash_col - 1 : 1;
        L->gap = spaces(a, g);
        L->key_col = L->dash_col + 1 + g;
    } else {
        size_t g = dash + 1;
        while (g < it->ostart && is_blank(d->src[g]))
            g++;
        L->gap = g > dash + 1 ? pr_strndup(a, d->src + dash + 1, g - dash - 1) : " ";
        L->key_col = L->dash_col + 1 + strlen(L->gap);
    }
    L->pad = "";
    if (it->kind == PE_MAP && it->n) {
        L->key_q = pe_quote_new(it->kids[0]);
        if (it->style == PE_FLOW) {
            L->flow_map = true;
            if (it->start + 1 < d->len && d->src[it->start + 1] == ' ')
                L->pad = " ";
        } else {
            for (size_t i = 2; i < it->n; i += 2)
                if (pe_first_on_line(d, it->kids[i]->ostart)) {
                    L->key_col = col_of(d, it->kids[i]->ostart);
                    break;
                }
        }
    }
    return true;
}

/* Layout for a new block sequence under a key at column `kc`: copy
 * another block sequence of the document (relative to its key), so a
 * file of indented lists gets an indented list; else kustomize's own
 * style, `-` under the key. */
static void new_layout(pr_arena *a, const pe_doc *d, size_t kc, seq_layout *L)
{
    memset(L, 0, sizeof *L);
    L->dash_col = kc;
    L->gap = " ";
    L->key_col = kc + 2;
    L->pad = "";
    const pe_node *r = d->root;
    if (!r || r->kind != PE_MAP || r->style != PE_BLOCK)
        return;
    for (size_t i = 0; i + 1 < r->n; i += 2) {
        const pe_node *k = r->kids[i], *v = r->kids[i + 1];
        if (v->kind != PE_SEQ || v->style != PE_BLOCK || !v->n || !pe_first_on_line(d, k->ostart))
            continue;
        seq_layout t;
        if (!layout_of(a, d, v, &t, NULL))
            continue;
        size_t c = col_of(d, k->ostart);
        if (t.dash_col < c || t.key_col < c)
            continue;
        L->dash_col = kc + (t.dash_col - c);
        L->gap = t.gap;
        L->key_col = kc + (t.key_col - c);
        L->key_q = t.key_q;
        return;
    }
}

/* ---- trees ---- */

/* Whether a string reads back the same from a literal block scalar (`|`
 * for one final line break, `|-` for none), which is how kustomize writes
 * an inline patch: several lines, no leading blank that would need an
 * indentation indicator, no control characters. */
static bool literal_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || !memchr(s, '\n', n) || s[0] == ' ' || s[0] == '\t' || s[0] == '\n')
        return false;
    if (s[n - 1] == '\n' && s[n - 2] == '\n')
        return false; /* would need `|+` */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
            return false;
    }
    /* A last line of blanks would be read as trailing space. */
    const char *last = s[n - 1] == '\n' ? s + n - 1 : s + n;
    const char *p = last;
    while (p > s && (p[-1] == ' ' || p[-1] == '\t'))
        p--;
    return !(p > s && p[-1] == '\n' && p < last);
}

/* A scalar of a tree; block scalar lines are indented past `col`. */
static void put_scalar(pr_arena *a, pr_strbuf *o, const pr_node *n, pe_quote q, bool flow,
                       size_t col, const char *eol)
{
    const char *s = n->scalar.text;
    if (n->tag != PR_TAG_STR) {
        pr_sb_adds(o, s);
        return;
    }
    if (!flow && literal_ok(s)) {
        size_t len = strlen(s);
        pr_sb_adds(o, s[len - 1] == '\n' ? "|" : "|-");
        const char *end = s[len - 1] == '\n' ? s + len - 1 : s + len;
        for (const char *line = s; line <= end;) {
            const char *nl = memchr(line, '\n', (size_t)(end - line));
            size_t l = nl ? (size_t)(nl - line) : (size_t)(end - line);
            pr_sb_adds(o, eol);
            if (l) {
                pr_sb_adds(o, spaces(a, col + 2));
                pr_sb_add(o, line, l);
            }
            if (!nl)
                break;
            line = nl + 1;
        }
        return;
    }
    pe_encode(o, s, q, flow, false);
}

static void put_flow_node(pr_strbuf *o, const pr_node *n, pe_quote q)
{
    switch (n->kind) {
    case PR_SCALAR:
        if (n->tag != PR_TAG_STR)
            pr_sb_adds(o, n->scalar.text);
        else
            pe_encode(o, n->scalar.text, q, true, false);
        break;
    case PR_MAP:
        pr_sb_addc(o, '{');
        for (size_t i = 0; i < n->map.len; i++) {
            if (i)
                pr_sb_adds(o, ", ");
            pe_encode(o, n->map.items[i].key->scalar.text, PE_Q_PLAIN, true, false);
            pr_sb_adds(o, ": ");
            put_flow_node(o, n->map.items[i].value, q);
        }
        pr_sb_addc(o, '}');
        break;
    case PR_SEQ:
        pr_sb_addc(o, '[');
        for (size_t i = 0; i < n->seq.len; i++) {
            if (i)
                pr_sb_adds(o, ", ");
            put_flow_node(o, n->seq.items[i], q);
        }
        pr_sb_addc(o, ']');
        break;
    }
}

static void new_layout(pr_arena *a, const pe_doc *d, size_t kc, seq_layout *L);
static void put_block_node_item(pr_arena *a, const pe_doc *d, pr_strbuf *o, const seq_layout *L,
                                const pr_node *n, pe_quote q, const char *eol);

/* What follows `key:` when a key at column `col` gets the value `n`: a
 * blank and a scalar, or line breaks and the lines of a collection. */
static void put_block_value(pr_arena *a, const pe_doc *d, pr_strbuf *o, size_t col,
                            const pr_node *n, pe_quote q, const char *eol)
{
    if (n->kind == PR_SCALAR) {
        pr_sb_addc(o, ' ');
        put_scalar(a, o, n, q, false, col, eol);
    } else if (n->kind == PR_MAP) {
        if (!n->map.len)
            pr_sb_adds(o, " {}");
        for (size_t i = 0; i < n->map.len; i++) {
            pr_sb_adds(o, eol);
            pr_sb_adds(o, spaces(a, col + 2));
            pe_encode(o, n->map.items[i].key->scalar.text, PE_Q_PLAIN, false, false);
            pr_sb_addc(o, ':');
            put_block_value(a, d, o, col + 2, n->map.items[i].value, q, eol);
        }
    } else {
        if (!n->seq.len)
            pr_sb_adds(o, " []");
        seq_layout L;
        new_layout(a, d, col, &L);
        for (size_t i = 0; i < n->seq.len; i++) {
            pr_sb_adds(o, eol);
            put_block_node_item(a, d, o, &L, n->seq.items[i], q, eol);
        }
    }
}

/* An item of a block sequence laid out as `L`, without a final break. */
static void put_block_node_item(pr_arena *a, const pe_doc *d, pr_strbuf *o, const seq_layout *L,
                                const pr_node *n, pe_quote q, const char *eol)
{
    pr_sb_adds(o, spaces(a, L->dash_col));
    pr_sb_addc(o, '-');
    pr_sb_adds(o, L->gap);
    if (n->kind == PR_SCALAR) {
        put_scalar(a, o, n, q, false, L->dash_col, eol);
    } else if (n->kind == PR_SEQ || L->flow_map || !n->map.len) {
        put_flow_node(o, n, q);
    } else {
        for (size_t i = 0; i < n->map.len; i++) {
            if (i) {
                pr_sb_adds(o, eol);
                pr_sb_adds(o, spaces(a, L->key_col));
            }
            pe_encode(o, n->map.items[i].key->scalar.text, L->key_q, false, false);
            pr_sb_addc(o, ':');
            put_block_value(a, d, o, L->key_col, n->map.items[i].value, q, eol);
        }
    }
}

static void put_flow_map(pr_strbuf *o, const pe_item *it, const char *pad, pe_quote key_q)
{
    pr_sb_addc(o, '{');
    pr_sb_adds(o, pad);
    for (size_t i = 0; i < it->nfields; i++) {
        const pe_field *f = &it->fields[i];
        if (i)
            pr_sb_adds(o, ", ");
        pe_encode(o, f->key, key_q, true, false);
        pr_sb_adds(o, ": ");
        pe_encode(o, f->text, f->quote, true, f->is_int);
    }
    pr_sb_adds(o, pad);
    pr_sb_addc(o, '}');
}

/* An item as it stands inside a flow sequence. */
static void put_flow_item(pr_strbuf *o, const pe_item *it, const char *pad, pe_quote key_q)
{
    if (it->node)
        put_flow_node(o, it->node, it->quote);
    else if (it->text)
        pe_encode(o, it->text, it->quote, true, it->is_int);
    else
        put_flow_map(o, it, pad, key_q);
}

/* An item of a block sequence: lines joined by `eol`, without a final one. */
static void put_block_item(pr_arena *a, const pe_doc *d, pr_strbuf *o, const seq_layout *L,
                           const pe_item *it, const char *eol)
{
    if (it->node) {
        put_block_node_item(a, d, o, L, it->node, it->quote, eol);
        return;
    }
    pr_sb_adds(o, spaces(a, L->dash_col));
    pr_sb_addc(o, '-');
    pr_sb_adds(o, L->gap);
    if (it->text) {
        pe_encode(o, it->text, it->quote, false, it->is_int);
        return;
    }
    if (L->flow_map) {
        put_flow_map(o, it, L->pad, L->key_q);
        return;
    }
    for (size_t i = 0; i < it->nfields; i++) {
        const pe_field *f = &it->fields[i];
        if (i) {
            pr_sb_adds(o, eol);
            pr_sb_adds(o, spaces(a, L->key_col));
        }
        pe_encode(o, f->key, L->key_q, false, false);
        pr_sb_adds(o, ": ");
        pe_encode(o, f->text, f->quote, false, f->is_int);
    }
}

/* ---- flow collections: items of a sequence, pairs of a mapping ---- */

typedef struct {
    size_t start, end;
} span;

static size_t flow_count(const pe_node *c)
{
    return c->kind == PE_SEQ ? c->n : c->n / 2;
}

static span flow_span(const pe_node *c, size_t i)
{
    if (c->kind == PE_SEQ)
        return (span){c->kids[i]->ostart, c->kids[i]->oend};
    const pe_node *k = c->kids[2 * i], *v = c->kids[2 * i + 1];
    return (span){k->ostart, v->oend > k->oend ? v->oend : k->oend};
}

static bool flow_close(const pe_doc *d, const pe_node *c, size_t *close, pr_error *err)
{
    char want = c->kind == PE_SEQ ? ']' : '}';
    if (c->end == 0 || c->end > d->len || d->src[c->end - 1] != want)
        return pe_fail(d, err, c->start, "cannot find the closing '%c' of this collection", want);
    *close = c->end - 1;
    return true;
}

static bool flow_add(pr_arena *a, const pe_doc *d, const pe_node *c, const char *text,
                     pe_splices *s, pr_error *err)
{
    size_t close = 0, n = flow_count(c);
    if (!flow_close(d, c, &close, err))
        return false;
    if (n == 0) {
        /* `[ ]` becomes `[item]`; what is not blank inside stays. */
        size_t p = c->start + 1;
        while (p < close && is_blank(d->src[p]))
            p++;
        pe_splice_add(a, s, c->start + 1, p == close ? close - c->start - 1 : 0, text);
        return true;
    }
    span last = flow_span(c, n - 1);
    if (pe_ls(d, close) <= last.end) {
        /* One line: copy the separator the items already use. */
        const char *sep = ", ";
        if (n >= 2) {
            span prev = flow_span(c, n - 2);
            const char *g = d->src + prev.end;
            size_t gl = last.start - prev.end;
            if (!memchr(g, '#', gl) && !memchr(g, '\n', gl) && !memchr(g, '\r', gl))
                sep = pr_strndup(a, g, gl);
        }
        pe_splice_add(a, s, last.end, 0, pr_sprintf(a, "%s%s", sep, text));
        return true;
    }
    /* The closing bracket has a line of its own: so does the new item. */
    size_t ls = pe_ls(d, last.start), q = ls;
    while (q < last.start && is_blank(d->src[q]))
        q++;
    const char *indent = pr_strndup(a, d->src + ls, q - ls);
    const char *eol = pe_eol(d, last.end);
    size_t p = last.end;
    while (p < close && is_blank(d->src[p]))
        p++;
    if (p < close && d->src[p] == ',') {
        pe_splice_add(a, s, pe_le(d, p), 0, pr_sprintf(a, "%s%s%s,", eol, indent, text));
    } else {
        pe_splice_add(a, s, last.end, 0, ",");
        pe_splice_add(a, s, pe_le(d, last.end), 0, pr_sprintf(a, "%s%s%s", eol, indent, text));
    }
    return true;
}

/* The ',' that ends an item of a flow collection whose text ends at
 * `from`: blanks, line breaks and comments may stand before it. `limit`
 * (the closing bracket) when there is none. */
static size_t flow_comma(const pe_doc *d, size_t from, size_t limit)
{
    size_t p = from;
    while (p < limit) {
        if (is_blank(d->src[p]) || is_break(d->src[p]))
            p++;
        else if (d->src[p] == '#')
            p = pe_le(d, p);
        else
            return d->src[p] == ',' ? p : limit;
    }
    return limit;
}

/* True when only blanks, or a comment, stand between `pos` and the end
 * of its line. */
static bool rest_is_blank(const pe_doc *d, size_t pos)
{
    while (pos < d->len && is_blank(d->src[pos]))
        pos++;
    return pos >= d->len || is_break(d->src[pos]) || d->src[pos] == '#';
}

/* Where the blanks before `pos` start. */
static size_t blanks_before(const pe_doc *d, size_t pos)
{
    while (pos > 0 && is_blank(d->src[pos - 1]))
        pos--;
    return pos;
}

/* Removes item `i` of a flow collection with its separator and the
 * comment on its line; comment lines above and below it belong to the
 * other items and stay, as they do in block collections. */
static bool flow_del(pr_arena *a, const pe_doc *d, const pe_node *c, size_t i, pe_splices *s,
                     pr_error *err)
{
    size_t close = 0, n = flow_count(c);
    if (!flow_close(d, c, &close, err))
        return false;
    span it = flow_span(c, i);
    size_t comma = flow_comma(d, it.end, close);
    bool has_comma = comma < close;
    size_t past = has_comma ? comma + 1 : it.end;
    /* The previous item's comma goes when this one had none (it was last):
     * the list keeps the trailing-comma style it had. */
    size_t prev_comma = i > 0 && !has_comma ? flow_comma(d, flow_span(c, i - 1).end, it.start) : it.start;
    if (prev_comma < it.start)
        pe_splice_add(a, s, prev_comma, 1, "");
    if (pe_first_on_line(d, it.start) && rest_is_blank(d, past)) {
        /* The item has its lines to itself. */
        delete_lines(a, d, pe_ls(d, it.start), pe_next_line(d, past), s);
        return true;
    }
    if (n == 1 && !memchr(d->src + c->start, '\n', close - c->start) &&
        !memchr(d->src + c->start, '#', close - c->start)) {
        pe_splice_add(a, s, c->start + 1, close - c->start - 1, "");
        return true;
    }
    size_t from = pe_first_on_line(d, it.start) ? pe_ls(d, it.start) : it.start;
    if (!has_comma) {
        /* Last, the closing bracket after it: the blanks before it go. */
        if (from == it.start && prev_comma < it.start)
            from = blanks_before(d, it.start);
        pe_splice_add(a, s, from, it.end - from, "");
    } else if (rest_is_blank(d, past)) {
        /* Others before it on its line: the line ends where it did. */
        if (from == it.start)
            from = blanks_before(d, it.start);
        pe_splice_add(a, s, from, pe_le(d, past) - from, "");
    } else {
        /* Another item follows on its line, and takes its place. */
        size_t to = past;
        while (to < close && is_blank(d->src[to]))
            to++;
        pe_splice_add(a, s, it.start, to - it.start, "");
    }
    return true;
}

/* ---- the edits ---- */

bool pe_check_editable(const pe_doc *d, const char *what, const pe_node *v, pr_error *err)
{
    if (v->kind == PE_ALIAS)
        return pe_fail(d, err, v->ostart, "%s is an alias; edit the anchored value instead", what);
    if (v->kind != PE_SCALAR)
        return pe_fail(d, err, v->ostart, "%s must be a scalar", what);
    if (v->anchored)
        return pe_fail(d, err, v->ostart, "%s is anchored (&) and may be used elsewhere; edit it by hand",
                       what);
    if (v->tagged) {
        /* Name the tag: a rewrite could not tell whether it should stay. */
        const char *tag = memchr(d->src + v->ostart, '!', v->start - v->ostart);
        size_t tl = 0;
        while (tag && tag + tl < d->src + v->start && !is_blank(tag[tl]) && !is_break(tag[tl]))
            tl++;
        return pe_fail(d, err, v->ostart, "%s has an explicit tag (%.*s), which an edit would "
                       "have to drop or keep on a new value; edit it by hand", what, (int)tl,
                       tag ? tag : "");
    }
    if (v->style == PE_LITERAL || v->style == PE_FOLDED)
        return pe_fail(d, err, v->ostart, "%s is a block scalar; edit it by hand", what);
    return true;
}

bool pe_set_scalar(pr_arena *a, const pe_doc *d, const pe_node *k, const pe_node *v,
                   const pe_field *f, pe_splices *s, pr_error *err)
{
    if (!pe_check_editable(d, pr_sprintf(a, "'%s'", k->text), v, err))
        return false;
    bool flow = v->parent && v->parent->style == PE_FLOW;
    pr_strbuf o;
    pr_sb_init(&o);
    pe_encode(&o, f->text, v->empty ? f->quote : pe_quote_of(v), flow, f->is_int);
    if (v->empty) {
        size_t colon = 0;
        if (!find_colon(d, k, &colon, err)) {
            pr_sb_release(&o);
            return false;
        }
        pe_splice_add(a, s, colon + 1, 0, pr_sprintf(a, " %s", o.buf));
        pr_sb_release(&o);
        return true;
    }
    pe_splice_add(a, s, v->ostart, v->oend - v->ostart, sb_dup(a, &o));
    return true;
}

/* `key: value` in block style at column `col` (lines joined by `eol`). */
static char *block_pair(pr_arena *a, const pe_doc *d, size_t col, const char *key, pe_quote key_q,
                        const pe_value *value, const char *eol)
{
    pr_strbuf o;
    pr_sb_init(&o);
    pr_sb_adds(&o, spaces(a, col));
    pe_encode(&o, key, key_q, false, false);
    pr_sb_addc(&o, ':');
    if (value->node) {
        put_block_value(a, d, &o, col, value->node, PE_Q_PLAIN, eol);
    } else if (value->scalar) {
        pr_sb_addc(&o, ' ');
        pe_encode(&o, value->scalar->text, value->scalar->quote, false, value->scalar->is_int);
    } else {
        seq_layout L;
        new_layout(a, d, col, &L);
        pr_sb_adds(&o, eol);
        put_block_item(a, d, &o, &L, value->seq_item, eol);
    }
    return sb_dup(a, &o);
}

static char *flow_value(pr_arena *a, const pe_value *value)
{
    pr_strbuf o;
    pr_sb_init(&o);
    if (value->node) {
        put_flow_node(&o, value->node, PE_Q_PLAIN);
    } else if (value->scalar) {
        pe_encode(&o, value->scalar->text, value->scalar->quote, true, value->scalar->is_int);
    } else {
        pr_sb_addc(&o, '[');
        put_flow_item(&o, value->seq_item, "", PE_Q_PLAIN);
        pr_sb_addc(&o, ']');
    }
    return sb_dup(a, &o);
}

bool pe_map_add(pr_arena *a, const pe_doc *d, const pe_node *map, const char *key,
                const pe_value *value, pe_splices *s, pr_error *err)
{
    if (!map) {
        /* No mapping yet: the new key starts one at the end of the
         * document (before an explicit `...`). */
        const char *eol = pe_eol(d, 0);
        char *text = block_pair(a, d, 0, key, PE_Q_PLAIN, value, eol);
        if (d->doc_end < d->len)
            pe_splice_add(a, s, d->doc_end, 0, pr_sprintf(a, "%s%s", text, eol));
        else
            insert_lines(a, d, d->len, text, eol, s);
        return true;
    }
    if (map->style == PE_FLOW) {
        pe_quote kq = map->n ? pe_quote_new(map->kids[map->n - 2]) : PE_Q_PLAIN;
        pr_strbuf o;
        pr_sb_init(&o);
        pe_encode(&o, key, kq, true, false);
        pr_sb_adds(&o, ": ");
        pr_sb_adds(&o, flow_value(a, value));
        return flow_add(a, d, map, sb_dup(a, &o), s, err);
    }
    /* Indent like a key that starts its line (the first key of a sequence
     * item shares its line with the '-'). */
    size_t col = col_of(d, map->kids[0]->ostart);
    for (size_t i = map->n; i >= 2; i -= 2)
        if (pe_first_on_line(d, map->kids[i - 2]->ostart)) {
            col = col_of(d, map->kids[i - 2]->ostart);
            break;
        }
    const pe_node *last_key = map->kids[map->n - 2];
    const char *eol = pe_eol(d, last_key->ostart);
    char *text = block_pair(a, d, col, key, pe_quote_new(last_key), value, eol);
    insert_lines(a, d, pe_tail(d, map), text, eol, s);
    return true;
}

bool pe_map_del(pr_arena *a, const pe_doc *d, const pe_node *map, size_t ki, pe_splices *s,
                pr_error *err)
{
    const pe_node *k = map->kids[ki], *v = map->kids[ki + 1];
    if (map->style == PE_FLOW)
        return flow_del(a, d, map, ki / 2, s, err);
    if (pe_first_on_line(d, k->ostart)) {
        delete_lines(a, d, pe_ls(d, k->ostart), pe_tail(d, v), s);
        return true;
    }
    /* The first key of a sequence item, on the '-' line: the next key
     * moves up to take its place. */
    if (ki + 2 < map->n) {
        const pe_node *next = map->kids[ki + 2];
        pe_splice_add(a, s, k->ostart, next->ostart - k->ostart, "");
        return true;
    }
    return pe_fail(d, err, k->ostart, "cannot remove '%s', the only key of its entry", k->text);
}

/* `item` as it would stand in the flow sequence `seq`, copying the
 * padding and key quoting of its last flow-mapping item. */
static char *flow_item_text(pr_arena *a, const pe_doc *d, const pe_node *seq, const pe_item *item)
{
    const char *pad = "";
    pe_quote kq = PE_Q_PLAIN;
    if (seq->n) {
        const pe_node *last = seq->kids[seq->n - 1];
        if (last->kind == PE_MAP && last->style == PE_FLOW && last->n) {
            kq = pe_quote_new(last->kids[0]);
            if (d->src[last->start + 1] == ' ')
                pad = " ";
        }
    }
    pr_strbuf o;
    pr_sb_init(&o);
    put_flow_item(&o, item, pad, kq);
    return sb_dup(a, &o);
}

/* `item` as lines of the block sequence `seq` (joined by its line
 * breaks, without a final one). */
static bool block_item_text(pr_arena *a, const pe_doc *d, const pe_node *seq, const pe_item *item,
                            char **text, const char **eol, pr_error *err)
{
    seq_layout L;
    if (!layout_of(a, d, seq, &L, err))
        return false;
    *eol = pe_eol(d, seq->kids[seq->n - 1]->ostart);
    pr_strbuf o;
    pr_sb_init(&o);
    put_block_item(a, d, &o, &L, item, *eol);
    *text = sb_dup(a, &o);
    return true;
}

bool pe_seq_add(pr_arena *a, const pe_doc *d, const pe_node *seq, const pe_item *item,
                pe_splices *s, pr_error *err)
{
    if (seq->style == PE_FLOW)
        return flow_add(a, d, seq, flow_item_text(a, d, seq, item), s, err);
    char *text;
    const char *eol;
    if (!block_item_text(a, d, seq, item, &text, &eol, err))
        return false;
    insert_lines(a, d, pe_tail(d, seq), text, eol, s);
    return true;
}

bool pe_seq_insert(pr_arena *a, const pe_doc *d, const pe_node *seq, size_t at,
                   const pe_item *item, pe_splices *s, pr_error *err)
{
    if (at >= seq->n)
        return pe_seq_add(a, d, seq, item, s, err);
    const pe_node *next = seq->kids[at];
    if (seq->style == PE_FLOW) {
        char *text = flow_item_text(a, d, seq, item);
        if (!pe_first_on_line(d, next->ostart)) {
            pe_splice_add(a, s, next->ostart, 0, pr_sprintf(a, "%s, ", text));
            return true;
        }
        /* Items on lines of their own: so is the new one. */
        size_t ls = pe_ls(d, next->ostart);
        pe_splice_add(a, s, ls, 0,
                      pr_sprintf(a, "%.*s%s,%s", (int)(next->ostart - ls), d->src + ls, text,
                                 pe_eol(d, next->ostart)));
        return true;
    }
    char *text;
    const char *eol;
    size_t dash;
    bool next_line;
    if (!block_item_text(a, d, seq, item, &text, &eol, err) ||
        !find_dash(d, next, &dash, &next_line, err))
        return false;
    /* Above the comment lines right above the next item: they are its. */
    size_t at_line = pe_ls(d, dash);
    while (at_line > 0) {
        size_t pl = prev_line_start(d, at_line), q = pl;
        while (q < d->len && is_blank(d->src[q]))
            q++;
        if (q >= d->len || d->src[q] != '#')
            break;
        at_line = pl;
    }
    insert_lines(a, d, at_line, text, eol, s);
    return true;
}

bool pe_seq_init(pr_arena *a, const pe_doc *d, const pe_node *map, size_t ki,
                 const pe_item *item, pe_splices *s, pr_error *err)
{
    const pe_node *k = map->kids[ki], *v = map->kids[ki + 1];
    size_t colon = 0;
    if (!find_colon(d, k, &colon, err))
        return false;
    if (map->style == PE_FLOW) {
        pe_value val = {NULL, item, NULL};
        char *text = flow_value(a, &val);
        if (v->empty)
            pe_splice_add(a, s, colon + 1, 0, pr_sprintf(a, " %s", text));
        else
            pe_splice_add(a, s, v->ostart, v->oend - v->ostart, text);
        return true;
    }
    if (!v->empty)
        pe_splice_add(a, s, colon + 1, v->oend - colon - 1, "");
    seq_layout L;
    new_layout(a, d, col_of(d, k->ostart), &L);
    const char *eol = pe_eol(d, k->ostart);
    pr_strbuf o;
    pr_sb_init(&o);
    put_block_item(a, d, &o, &L, item, eol);
    insert_lines(a, d, pe_next_line(d, v->empty ? k->oend : v->oend), sb_dup(a, &o), eol, s);
    return true;
}

bool pe_null_init(pr_arena *a, const pe_doc *d, const pe_node *map, size_t ki,
                  const pe_value *value, pe_splices *s, pr_error *err)
{
    const pe_node *k = map->kids[ki], *v = map->kids[ki + 1];
    size_t colon = 0;
    if (!find_colon(d, k, &colon, err))
        return false;
    if (map->style == PE_FLOW) {
        char *text = flow_value(a, value);
        if (v->empty)
            pe_splice_add(a, s, colon + 1, 0, pr_sprintf(a, " %s", text));
        else
            pe_splice_add(a, s, v->ostart, v->oend - v->ostart, text);
        return true;
    }
    const char *eol = pe_eol(d, k->ostart);
    char *text = block_pair(a, d, col_of(d, k->ostart), "", PE_Q_PLAIN, value, eol);
    /* block_pair wrote `<indent>"":` before the value. */
    const char *after = strstr(text, ":");
    const pr_node *n = value->node;
    bool inline_value = !n || n->kind == PR_SCALAR || (n->kind == PR_MAP && !n->map.len) ||
                        (n->kind == PR_SEQ && !n->seq.len);
    if (inline_value) {
        if (v->empty)
            pe_splice_add(a, s, colon + 1, 0, after + 1);
        else
            pe_splice_add(a, s, v->ostart, v->oend - v->ostart, after + 2);
        return true;
    }
    if (!v->empty)
        pe_splice_add(a, s, colon + 1, v->oend - colon - 1, "");
    const char *lines = after + 1 + strlen(eol);
    insert_lines(a, d, pe_next_line(d, v->empty ? k->oend : v->oend), lines, eol, s);
    return true;
}

bool pe_map_replace_pair(pr_arena *a, const pe_doc *d, const pe_node *map, size_t ki,
                         const char *key, const pe_value *value, pe_splices *s, pr_error *err)
{
    const pe_node *k = map->kids[ki], *v = map->kids[ki + 1];
    if (map->style == PE_FLOW) {
        pr_strbuf o;
        pr_sb_init(&o);
        pe_encode(&o, key, pe_quote_of(k), true, false);
        pr_sb_adds(&o, ": ");
        pr_sb_adds(&o, flow_value(a, value));
        size_t end = v->oend > k->oend ? v->oend : k->oend;
        pe_splice_add(a, s, k->ostart, end - k->ostart, sb_dup(a, &o));
        return true;
    }
    if (!pe_first_on_line(d, k->ostart))
        return pe_fail(d, err, k->ostart, "cannot replace '%s': it does not start its line", k->text);
    const char *eol = pe_eol(d, k->ostart);
    char *text = block_pair(a, d, col_of(d, k->ostart), key, pe_quote_of(k), value, eol);
    size_t start = pe_ls(d, k->ostart), end = pe_tail(d, v);
    /* The pair's own lines go; comments and blank lines after it stay. */
    bool last_unterminated = end >= d->len && d->len > 0 && !is_break(d->src[d->len - 1]);
    pe_splice_add(a, s, start, end - start,
                  last_unterminated ? text : pr_sprintf(a, "%s%s", text, eol));
    return true;
}

bool pe_rename_key(pr_arena *a, const pe_doc *d, const pe_node *k, const char *key, pe_splices *s,
                   pr_error *err)
{
    if (k->kind != PE_SCALAR || k->anchored || k->tagged || k->style == PE_LITERAL ||
        k->style == PE_FOLDED)
        return pe_fail(d, err, k->ostart, "cannot rename this key; edit it by hand");
    pr_strbuf o;
    pr_sb_init(&o);
    pe_encode(&o, key, pe_quote_of(k), k->parent && k->parent->style == PE_FLOW, false);
    pe_splice_add(a, s, k->ostart, k->oend - k->ostart, sb_dup(a, &o));
    return true;
}

bool pe_seq_del(pr_arena *a, const pe_doc *d, const pe_node *k, const pe_node *seq, size_t i,
                pe_splices *s, pr_error *err)
{
    if (seq->style == PE_FLOW)
        return flow_del(a, d, seq, i, s, err);
    const pe_node *it = seq->kids[i];
    size_t dash;
    bool next_line;
    if (!find_dash(d, it, &dash, &next_line, err))
        return false;
    if (seq->n == 1) {
        /* An empty list rather than a null: the key keeps saying what it
         * is, and comments under it keep their place. */
        size_t colon = 0;
        if (!find_colon(d, k, &colon, err))
            return false;
        pe_splice_add(a, s, colon + 1, 0, " []");
    }
    delete_lines(a, d, pe_ls(d, dash), pe_tail(d, it), s);
    return true;
}
