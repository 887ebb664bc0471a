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

/* JSON encoding replaces each invalid byte with U+FFFD. */
static void append_valid_utf8(pr_strbuf *out, const char *text, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t l = pr_utf8_decode(text, n, i, NULL);
        if (l == 0) {
            pr_sb_add(out, "\xEF\xBF\xBD", 3);
            i++;
        } else {
            pr_sb_add(out, text + i, l);
            i += l;
        }
    }
}

typedef struct {
    yaml_emitter_t emitter;
    pr_error *err;
    pr_strbuf scratch;
} writer;

static bool emit_event(writer *w, yaml_event_t *ev)
{
    if (!yaml_emitter_emit(&w->emitter, ev))
        return pr_error_set(w->err, "cannot write YAML: %s",
                            w->emitter.problem ? w->emitter.problem : "emitter error");
    return true;
}

static bool emit_string(writer *w, const char *s, size_t n)
{
    yaml_scalar_style_t style;
    if (memchr(s, '\n', n))
        style = YAML_LITERAL_SCALAR_STYLE;
    else if (pr_plain_is_nonstring_v2(s, n))
        style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    else
        style = YAML_PLAIN_SCALAR_STYLE;
    yaml_event_t ev;
    yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)n, 1,
                                 1, style);
    return emit_event(w, &ev);
}

/* The text a scalar has after the JSON round trip, and whether it is a
 * string there. Result lives in `buf`. */
static bool scalar_json_text(const pr_node *n, pr_strbuf *buf)
{
    bool is_string;
    pr_sb_reset(buf);
    if (n->tag == PR_TAG_STR || n->tag == PR_TAG_BINARY) {
        append_valid_utf8(buf, n->scalar.text, n->scalar.len);
        return true;
    }
    pr_scalar_canonical(n, buf, &is_string);
    return is_string;
}

static bool emit_scalar(writer *w, const pr_node *n)
{
    pr_strbuf text;
    pr_sb_init(&text);
    bool is_string = scalar_json_text(n, &text);
    bool ok;
    if (is_string) {
        ok = emit_string(w, text.buf, text.len);
    } else {
        yaml_event_t ev;
        yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)text.buf,
                                     (int)text.len, 1, 1,
                                     YAML_PLAIN_SCALAR_STYLE);
        ok = emit_event(w, &ev);
    }
    pr_sb_release(&text);
    return ok;
}

typedef struct {
    char *key; /* JSON text of the key (malloc'd) */
    size_t len;
    const pr_node *value;
} sorted_pair;

static int compare_pairs(const void *x, const void *y)
{
    const sorted_pair *a = x, *b = y;
    return pr_key_compare(a->key, a->len, b->key, b->len);
}

static bool emit_node(writer *w, const pr_node *n);

static bool emit_mapping(writer *w, const pr_node *n)
{
    yaml_event_t ev;
    yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
                                        YAML_BLOCK_MAPPING_STYLE);
    if (!emit_event(w, &ev))
        return false;
    size_t len = n->map.len;
    sorted_pair *pairs = calloc(len ? len : 1, sizeof *pairs);
    pr_strbuf key;
    pr_sb_init(&key);
    for (size_t i = 0; i < len; i++) {
        scalar_json_text(n->map.items[i].key, &key);
        pairs[i].key = pr_sb_detach(&key, &pairs[i].len);
        pairs[i].value = n->map.items[i].value;
    }
    qsort(pairs, len, sizeof *pairs, compare_pairs);
    bool ok = true;
    for (size_t i = 0; i < len && ok; i++)
        ok = emit_string(w, pairs[i].key, pairs[i].len) &&
             emit_node(w, pairs[i].value);
    for (size_t i = 0; i < len; i++)
        free(pairs[i].key);
    free(pairs);
    if (!ok)
        return false;
    yaml_mapping_end_event_initialize(&ev);
    return emit_event(w, &ev);
}

static bool emit_sequence(writer *w, const pr_node *n)
{
    yaml_event_t ev;
    yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
                                         YAML_BLOCK_SEQUENCE_STYLE);
    if (!emit_event(w, &ev))
        return false;
    for (size_t i = 0; i < n->seq.len; i++)
        if (!emit_node(w, n->seq.items[i]))
            return false;
    yaml_sequence_end_event_initialize(&ev);
    return emit_event(w, &ev);
}

static bool emit_node(writer *w, const pr_node *n)
{
    switch (n->kind) {
    case PR_SCALAR:
        return emit_scalar(w, n);
    case PR_MAP:
        return emit_mapping(w, n);
    case PR_SEQ:
        return emit_sequence(w, n);
    }
    return false;
}

bool pr_yaml_emit(const pr_node *doc, pr_strbuf *out, pr_error *err)
{
    writer w;
    memset(&w, 0, sizeof w);
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
    ok = ok && emit_node(&w, doc);
    if (ok) {
        yaml_document_end_event_initialize(&ev, 1);
        ok = emit_event(&w, &ev);
    }
    if (ok) {
        yaml_stream_end_event_initialize(&ev);
        ok = emit_event(&w, &ev);
    }
    yaml_emitter_delete(&w.emitter);
    return ok;
}
