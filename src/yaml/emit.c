/*
 * pr_node -> YAML text through libyaml's emitter.
 *
 * kustomize prints each resource by converting it to JSON and letting
 * go-yaml v2 marshal the result. go-yaml v2's emitter is a port of
 * libyaml's, so handing libyaml the same events with the same requested
 * styles yields the same bytes. What has to be reproduced here is only
 * what go-yaml's encoder decides before the emitter runs: key order,
 * the requested style for each string, and the JSON form of numbers,
 * booleans, nulls and timestamps.
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "pleo/utf8.h"
#include "pleo/yaml.h"
#include "scalar.h"

static int write_to_strbuf(void *data, unsigned char *buffer, size_t size)
{
    pr_sb_add((pr_strbuf *)data, buffer, size);
    return 1;
}

/* JSON encoding replaces each invalid byte with U+FFFD. Valid runs are
 * copied whole: almost every scalar is one. */
static void append_valid_utf8(pr_strbuf *out, const char *text, size_t n)
{
    size_t i = 0, run = 0;
    while (i < n) {
        if ((unsigned char)text[i] < 0x80) {
            i++;
            continue;
        }
        size_t l = pr_utf8_decode(text, n, i, NULL);
        if (l) {
            i += l;
            continue;
        }
        pr_sb_add(out, text + run, i - run);
        pr_sb_add(out, "\xEF\xBF\xBD", 3);
        run = ++i;
    }
    pr_sb_add(out, text + run, n - run);
}

/* Whether a string's text survives the JSON round trip unchanged: only
 * non-ASCII bytes can be invalid UTF-8 or a NEL (see fold_nel). */
static bool is_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

typedef struct {
    yaml_emitter_t emitter;
    pr_error *err;
    pr_strbuf scratch;
    pr_strbuf text; /* a scalar's JSON text when it is not the node's own */
    bool marked; /* some scalar carries END_MARK (see emit_string) */
    pr_strbuf bom_texts; /* escaped texts of BOM-led strings, NUL-separated */
    size_t bom_count;
    bool keep_order; /* mapping keys in the node's order, not sorted */
} writer;

/* go-yaml v2's test for a byte order mark looks at the start of the
 * string whatever the position asked about, so in a string that starts
 * with U+FEFF it escapes every character: "\uFEFF\x78\x79\x7A" for
 * "\ufeffxyz". libyaml escapes only the mark. Such a string is emitted as
 * BOM_MARK + its number + BOM_MARK, and replace_bom_strings() then puts
 * go-yaml's text in its place. */
#define BOM_MARK "\xEF\xA3\xBE" /* U+F8FE, private use */

static bool starts_with_bom(const char *s, size_t n)
{
    return n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
           (unsigned char)s[2] == 0xBF;
}

/* go-yaml's escape of one code point in a double-quoted scalar. */
static void escape_code_point(pr_strbuf *out, unsigned v)
{
    static const struct {
        unsigned v;
        char c;
    } named[] = {{0x00, '0'}, {0x07, 'a'},   {0x08, 'b'},   {0x09, 't'},   {0x0A, 'n'},
                 {0x0B, 'v'}, {0x0C, 'f'},   {0x0D, 'r'},   {0x1B, 'e'},   {0x22, '"'},
                 {0x5C, '\\'}, {0x85, 'N'}, {0xA0, '_'}, {0x2028, 'L'}, {0x2029, 'P'}};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (named[i].v == v) {
            pr_sb_addf(out, "\\%c", named[i].c);
            return;
        }
    if (v <= 0xFF)
        pr_sb_addf(out, "\\x%02X", v);
    else if (v <= 0xFFFF)
        pr_sb_addf(out, "\\u%04X", v);
    else
        pr_sb_addf(out, "\\U%08X", v);
}

/* Every code point of valid UTF-8 `s`, escaped, between double quotes. */
static void escape_all(pr_strbuf *out, const char *s, size_t n)
{
    pr_sb_addc(out, '"');
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t w = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        unsigned v = w == 1 ? c : c & (0x3F >> (w - 1));
        for (size_t k = 1; k < w && i + k < n; k++)
            v = (v << 6) | ((unsigned char)s[i + k] & 0x3F);
        escape_code_point(out, v);
        i += w;
    }
    pr_sb_addc(out, '"');
}

/* Puts each BOM-led string's go-yaml text where its placeholder was
 * written, quotes included. */
static void replace_bom_strings(const writer *w, pr_strbuf *out, size_t start)
{
    pr_strbuf result;
    pr_sb_init(&result);
    const char *texts = w->bom_texts.buf;
    size_t r = start;
    while (r < out->len) {
        const char *mark = r + 1 + 3 <= out->len && out->buf[r] == '"'
                               ? (memcmp(out->buf + r + 1, BOM_MARK, 3) ? NULL : out->buf + r + 4)
                               : NULL;
        if (!mark) {
            pr_sb_addc(&result, out->buf[r++]);
            continue;
        }
        char *digits_end;
        size_t index = strtoul(mark, &digits_end, 10);
        if (digits_end == mark || index >= w->bom_count ||
            memcmp(digits_end, BOM_MARK "\"", 4) != 0) {
            pr_sb_addc(&result, out->buf[r++]); /* a user's text, not a placeholder */
            continue;
        }
        const char *text = texts;
        for (size_t i = 0; i < index; i++)
            text += strlen(text) + 1;
        pr_sb_adds(&result, text);
        r = (size_t)(digits_end - out->buf) + 4;
    }
    out->len = start;
    pr_sb_add(out, result.buf ? result.buf : "", result.len);
    pr_sb_release(&result);
}

/* U+F8FF, a private-use character, appended to strings that end in U+2028
 * or U+2029. libyaml 0.2.5 indents the closing quote of such a string onto
 * a new line; go-yaml v2 puts the quote right after the break. With the
 * mark in place the break is followed by text, which both indent the same
 * way; unmark() then removes the mark and that indentation. */
#define END_MARK "\xEF\xA3\xBF"

static bool ends_in_unicode_break(const char *s, size_t n)
{
    return n >= 3 && (unsigned char)s[n - 3] == 0xE2 && (unsigned char)s[n - 2] == 0x80 &&
           ((unsigned char)s[n - 1] == 0xA8 || (unsigned char)s[n - 1] == 0xA9);
}

/* Removes each END_MARK that closes a quoted scalar, with the spaces
 * libyaml wrote in front of it after the line break. */
static void unmark(pr_strbuf *out, size_t start)
{
    size_t w = start;
    for (size_t r = start; r < out->len;) {
        bool closes = r + 4 <= out->len && !memcmp(out->buf + r, END_MARK, 3) &&
                      (out->buf[r + 3] == '"' ||
                       (out->buf[r + 3] == '\'' && (r + 4 == out->len || out->buf[r + 4] != '\'')));
        if (!closes) {
            out->buf[w++] = out->buf[r++];
            continue;
        }
        size_t k = w;
        while (k > start && out->buf[k - 1] == ' ')
            k--;
        if (ends_in_unicode_break(out->buf + start, k - start))
            w = k;
        r += 3;
    }
    out->len = w;
    out->buf[w] = '\0';
}

static bool emit_event(writer *w, yaml_event_t *ev)
{
    if (!yaml_emitter_emit(&w->emitter, ev))
        return pr_error_set(w->err, "cannot write YAML: %s",
                            w->emitter.problem ? w->emitter.problem : "emitter error");
    return true;
}

static bool emit_string(writer *w, const char *s, size_t n)
{
    if (starts_with_bom(s, n)) {
        escape_all(&w->bom_texts, s, n);
        pr_sb_addc(&w->bom_texts, '\0');
        pr_sb_reset(&w->scratch);
        pr_sb_addf(&w->scratch, BOM_MARK "%zu" BOM_MARK, w->bom_count++);
        yaml_event_t ev;
        yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)w->scratch.buf,
                                     (int)w->scratch.len, 1, 1, YAML_DOUBLE_QUOTED_SCALAR_STYLE);
        return emit_event(w, &ev);
    }
    yaml_scalar_style_t style;
    if (memchr(s, '\n', n))
        style = YAML_LITERAL_SCALAR_STYLE;
    else if (pr_plain_is_nonstring_v2(s, n))
        style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    else
        style = YAML_PLAIN_SCALAR_STYLE;
    yaml_event_t ev;
    if (style == YAML_PLAIN_SCALAR_STYLE && ends_in_unicode_break(s, n)) {
        pr_sb_reset(&w->scratch);
        pr_sb_add(&w->scratch, s, n);
        pr_sb_add(&w->scratch, END_MARK, 3);
        s = w->scratch.buf;
        n = w->scratch.len;
        w->marked = true;
    }
    yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)n, 1,
                                 1, style);
    return emit_event(w, &ev);
}

/* The text a scalar has after the JSON round trip, and whether it is a
 * string there. Result lives in `buf`. */
/* kustomize's JSON text is re-read as YAML, where a raw NEL (U+0085,
 * the one line break Go's JSON encoder leaves unescaped) folds like any
 * line break in a double-quoted scalar: the spaces around a run of breaks
 * vanish, a single break becomes a space, n breaks become n-1 newlines. */
static void fold_nel(pr_strbuf *buf)
{
    if (!memmem(buf->buf, buf->len, "\xC2\x85", 2))
        return;
    pr_strbuf out;
    pr_sb_init(&out);
    size_t i = 0;
    while (i < buf->len) {
        size_t j = i;
        int breaks = 0;
        while (j < buf->len && (buf->buf[j] == ' ' ||
                                (j + 1 < buf->len && (unsigned char)buf->buf[j] == 0xC2 &&
                                 (unsigned char)buf->buf[j + 1] == 0x85))) {
            if (buf->buf[j] == ' ') {
                j++;
            } else {
                breaks++;
                j += 2;
            }
        }
        if (j == i) {
            pr_sb_addc(&out, buf->buf[i++]);
            continue;
        }
        if (!breaks)
            pr_sb_add(&out, buf->buf + i, j - i);
        else if (breaks == 1)
            pr_sb_addc(&out, ' ');
        else
            for (int k = 1; k < breaks; k++)
                pr_sb_addc(&out, '\n');
        i = j;
    }
    pr_sb_reset(buf);
    pr_sb_add(buf, out.buf, out.len);
    pr_sb_release(&out);
}

/* The text a scalar has after kustomize's JSON round trip, and whether
 * it is a string there. The text is the node's own when the round trip
 * leaves it alone, else it is built in `buf`; either way it stays valid
 * until `buf` is next used. */
static bool scalar_json_text(const pr_node *n, pr_strbuf *buf, const char **text, size_t *len)
{
    bool is_string;
    pr_sb_reset(buf);
    if (n->tag == PR_TAG_STR && is_ascii(n->scalar.text, n->scalar.len)) {
        *text = n->scalar.text;
        *len = n->scalar.len;
        return true;
    }
    if (n->tag == PR_TAG_STR || n->tag == PR_TAG_BINARY) {
        if (n->tag == PR_TAG_BINARY) {
            /* kustomize decodes !!binary values into their bytes. */
            pr_strbuf raw;
            pr_sb_init(&raw);
            pr_base64_decode(n->scalar.text, n->scalar.len, &raw);
            append_valid_utf8(buf, raw.buf, raw.len);
            pr_sb_release(&raw);
        } else {
            append_valid_utf8(buf, n->scalar.text, n->scalar.len);
        }
        fold_nel(buf);
        is_string = true;
    } else {
        pr_scalar_canonical(n, buf, &is_string);
    }
    *text = buf->buf;
    *len = buf->len;
    return is_string;
}

/* kustomize prints through kyaml's go-yaml v3 writer, which keeps a
 * collection's flow style. Inside a flow collection it cannot write a
 * plain scalar holding ':' (a flow indicator) and quotes it, so a
 * timestamp with a time of day is read back as a string and keeps its
 * text; elsewhere it becomes a time.Time, written in RFC 3339. */
bool pr_flow_keeps_text(const pr_node *n)
{
    /* with an explicit !!timestamp tag, the quoted text is a timestamp again */
    return n->kind == PR_SCALAR && n->tag == PR_TAG_TIMESTAMP && n->style != PR_STYLE_TAGGED &&
           memchr(n->scalar.text, ':', n->scalar.len);
}

static bool emit_scalar(writer *w, const pr_node *n, bool in_flow)
{
    const char *text;
    size_t len;
    bool is_string = true;
    if (in_flow && pr_flow_keeps_text(n)) {
        pr_sb_reset(&w->text);
        append_valid_utf8(&w->text, n->scalar.text, n->scalar.len);
        text = w->text.buf;
        len = w->text.len;
    } else {
        is_string = scalar_json_text(n, &w->text, &text, &len);
    }
    if (is_string)
        return emit_string(w, text, len);
    yaml_event_t ev;
    yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)text, (int)len, 1, 1,
                                 YAML_PLAIN_SCALAR_STYLE);
    return emit_event(w, &ev);
}

typedef struct {
    const char *key; /* JSON text of the key: the node's, or `owned` */
    size_t len;
    char *owned; /* malloc'd when the round trip changed the text */
    const pr_node *value;
} sorted_pair;

static int compare_pairs(const void *x, const void *y)
{
    const sorted_pair *a = x, *b = y;
    return pr_key_compare(a->key, a->len, b->key, b->len);
}

/* A mapping or sequence being written: its entries in output order and
 * how far the writer got. */
typedef struct {
    const pr_node *node;
    sorted_pair *pairs; /* mappings only, sorted go-yaml style */
    size_t next;
    bool in_flow; /* this collection or one around it has flow style */
} open_collection;

/* Starts writing collection `n` and pushes it on the stack. */
static bool open_node(writer *w, const pr_node *n, open_collection **stack,
                      size_t *depth, size_t *cap)
{
    yaml_event_t ev;
    if (*depth == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        open_collection *grown = realloc(*stack, ncap * sizeof **stack);
        if (!grown)
            return pr_error_set(w->err, "out of memory");
        *stack = grown;
        *cap = ncap;
    }
    open_collection *c = &(*stack)[(*depth)++];
    c->node = n;
    c->pairs = NULL;
    c->next = 0;
    c->in_flow = n->style == PR_STYLE_FLOW || (*depth > 1 && (*stack)[*depth - 2].in_flow);
    if (n->kind == PR_SEQ) {
        yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
        return emit_event(w, &ev);
    }
    yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
    size_t len = n->map.len;
    c->pairs = calloc(len ? len : 1, sizeof *c->pairs);
    if (!c->pairs)
        return pr_error_set(w->err, "out of memory");
    bool sorted = true;
    for (size_t i = 0; i < len; i++) {
        sorted_pair *p = &c->pairs[i];
        scalar_json_text(n->map.items[i].key, &w->text, &p->key, &p->len);
        if (p->key == w->text.buf)
            p->key = p->owned = pr_sb_detach(&w->text, &p->len);
        p->value = n->map.items[i].value;
        if (i > 0 && compare_pairs(p - 1, p) > 0)
            sorted = false;
    }
    /* Input is mostly in go-yaml's order already (apiVersion, kind,
     * metadata, spec): only sort what is not. */
    if (!w->keep_order && !sorted)
        qsort(c->pairs, len, sizeof *c->pairs, compare_pairs);
    return emit_event(w, &ev);
}

static void free_pairs(open_collection *c)
{
    if (!c->pairs)
        return;
    for (size_t i = 0; i < c->node->map.len; i++)
        free(c->pairs[i].owned);
    free(c->pairs);
    c->pairs = NULL;
}

/* Writes `root` without recursion, so nesting depth costs heap only. */
static bool emit_tree(writer *w, const pr_node *root)
{
    if (root->kind == PR_SCALAR)
        return emit_scalar(w, root, false);
    open_collection *stack = NULL;
    size_t depth = 0, cap = 0;
    bool ok = open_node(w, root, &stack, &depth, &cap);
    while (ok && depth > 0) {
        open_collection *c = &stack[depth - 1];
        size_t len = c->node->kind == PR_MAP ? c->node->map.len : c->node->seq.len;
        if (c->next == len) {
            yaml_event_t ev;
            if (c->node->kind == PR_MAP)
                yaml_mapping_end_event_initialize(&ev);
            else
                yaml_sequence_end_event_initialize(&ev);
            free_pairs(c);
            depth--;
            ok = emit_event(w, &ev);
            continue;
        }
        const pr_node *child;
        if (c->node->kind == PR_MAP) {
            const sorted_pair *p = &c->pairs[c->next++];
            ok = emit_string(w, p->key, p->len);
            child = p->value;
        } else {
            child = c->node->seq.items[c->next++];
        }
        if (ok)
            ok = child->kind == PR_SCALAR ? emit_scalar(w, child, c->in_flow)
                                          : open_node(w, child, &stack, &depth, &cap);
    }
    while (depth > 0)
        free_pairs(&stack[--depth]);
    free(stack);
    return ok;
}

static bool emit_document(const pr_node *doc, pr_strbuf *out, bool keep_order, pr_error *err)
{
    size_t start = out->len;
    writer w;
    memset(&w, 0, sizeof w);
    w.keep_order = keep_order;
    pr_sb_init(&w.scratch);
    pr_sb_init(&w.text);
    pr_sb_init(&w.bom_texts);
    w.err = err;
    if (!yaml_emitter_initialize(&w.emitter))
        return pr_error_set(err, "cannot initialize YAML emitter");
    yaml_emitter_set_output(&w.emitter, write_to_strbuf, out);
    yaml_emitter_set_unicode(&w.emitter, 1);
    yaml_emitter_set_width(&w.emitter, 80);
    yaml_emitter_set_indent(&w.emitter, 2);
    yaml_event_t ev;
    bool ok;
    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    ok = emit_event(&w, &ev);
    if (ok) {
        yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
        ok = emit_event(&w, &ev);
    }
    ok = ok && emit_tree(&w, doc);
    if (ok) {
        yaml_document_end_event_initialize(&ev, 1);
        ok = emit_event(&w, &ev);
    }
    if (ok) {
        yaml_stream_end_event_initialize(&ev);
        ok = emit_event(&w, &ev);
    }
    yaml_emitter_delete(&w.emitter);
    pr_sb_release(&w.scratch);
    pr_sb_release(&w.text);
    if (ok && w.marked)
        unmark(out, start);
    if (ok && w.bom_count)
        replace_bom_strings(&w, out, start);
    pr_sb_release(&w.bom_texts);
    /* libyaml 0.2.5 closes a document that ends in a keep-chomped block
     * scalar with "..."; go-yaml v2 does not. A block scalar may also end
     * in U+2028 or U+2029, which both take for a line break: go-yaml then
     * writes no newline at all, and the next "---" follows directly. */
    size_t n = out->len - start;
    if (ok && n >= 4 && !memcmp(out->buf + out->len - 4, "...\n", 4)) {
        const char *end = out->buf + out->len;
        bool after_break = n >= 5 && end[-5] == '\n';
        bool after_unicode_break = n >= 7 && !memcmp(end - 7, "\xE2\x80", 2) &&
                                   (end[-5] == '\xA8' || end[-5] == '\xA9');
        if (n == 4 || after_break || after_unicode_break) {
            out->len -= 4;
            out->buf[out->len] = '\0';
        }
    }
    return ok;
}

bool pr_yaml_emit(const pr_node *doc, pr_strbuf *out, pr_error *err)
{
    return emit_document(doc, out, false, err);
}

bool pr_yaml_emit_ordered(const pr_node *doc, pr_strbuf *out, pr_error *err)
{
    return emit_document(doc, out, true, err);
}
