/*
 * JSON Patch (RFC 6902) over pr_node: add, remove, replace, move, copy and
 * test, with JSON Pointer paths (RFC 6901: "~1" is '/', "~0" is '~', "-"
 * is the end of an array). Parents must exist for add and replace; the
 * target must exist for remove and for move's source. Like the library
 * kustomize uses, replace of a missing key in an existing mapping adds it,
 * and copy from one copies null.
 */
#include "pleo/json6902.h"
#include "pleo/yaml.h"
#include "yaml/scalar.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char **tokens;
    size_t len;
} pointer;

static bool parse_pointer(pr_arena *a, const char *path, pointer *out, pr_error *err)
{
    out->tokens = NULL;
    out->len = 0;
    if (!*path)
        return true;
    if (path[0] != '/')
        return pr_error_set(err, "JSON pointer '%s' must start with '/'", path);
    size_t cap = 0;
    const char *p = path + 1;
    for (;;) {
        const char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char *tok = pr_alloc(a, n + 1);
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (p[i] == '~') {
                if (i + 1 < n && p[i + 1] == '0')
                    tok[k++] = '~';
                else if (i + 1 < n && p[i + 1] == '1')
                    tok[k++] = '/';
                else
                    return pr_error_set(err, "JSON pointer '%s' has an invalid '~' escape", path);
                i++;
            } else {
                tok[k++] = p[i];
            }
        }
        tok[k] = '\0';
        out->tokens = pr_grow(a, out->tokens, sizeof(char *), &cap, out->len + 1);
        out->tokens[out->len++] = tok;
        if (!end)
            break;
        p = end + 1;
    }
    return true;
}

/* Reads an array index as the json-patch library kustomize uses does: Go's
 * strconv.Atoi (a sign and leading zeros are allowed), a negative index
 * counting back from the end. `slots` is how many positions there are:
 * the array's length, or one more for add, where "-" is the last. */
static bool array_index(const char *tok, size_t slots, bool allow_end, size_t *out)
{
    if (allow_end && !strcmp(tok, "-")) {
        *out = slots - 1;
        return true;
    }
    bool negative = tok[0] == '-';
    const char *digits = tok + (tok[0] == '-' || tok[0] == '+');
    if (!*digits)
        return false;
    size_t v = 0;
    for (const char *c = digits; *c; c++) {
        if (*c < '0' || *c > '9' || v > (SIZE_MAX - 9) / 10)
            return false;
        v = v * 10 + (size_t)(*c - '0');
    }
    if (negative && v) {
        if (v > slots)
            return false;
        v = slots - v;
    }
    if (v >= slots)
        return false;
    *out = v;
    return true;
}

/* Finds the container holding the pointer's last token. */
static pr_node *resolve_parent(pr_node *doc, const pointer *ptr)
{
    pr_node *cur = doc;
    for (size_t i = 0; i + 1 < ptr->len; i++) {
        if (!cur)
            return NULL;
        if (cur->kind == PR_MAP) {
            cur = pr_map_get(cur, ptr->tokens[i]);
        } else if (cur->kind == PR_SEQ) {
            size_t idx;
            if (!array_index(ptr->tokens[i], cur->seq.len, false, &idx) || idx >= cur->seq.len)
                return NULL;
            cur = cur->seq.items[idx];
        } else {
            return NULL;
        }
    }
    return cur;
}

static pr_node *get_value(pr_node *doc, const pointer *ptr)
{
    if (ptr->len == 0)
        return doc;
    pr_node *parent = resolve_parent(doc, ptr);
    const char *last = ptr->tokens[ptr->len - 1];
    if (!parent)
        return NULL;
    if (parent->kind == PR_MAP)
        return pr_map_get(parent, last);
    if (parent->kind == PR_SEQ) {
        size_t idx;
        if (array_index(last, parent->seq.len, false, &idx) && idx < parent->seq.len)
            return parent->seq.items[idx];
    }
    return NULL;
}

static bool op_add(pr_arena *a, pr_node *doc, const pointer *ptr, pr_node *value,
                   const char *path, pr_error *err)
{
    if (ptr->len == 0) {
        *doc = *value; /* replacing the whole document */
        return true;
    }
    pr_node *parent = resolve_parent(doc, ptr);
    const char *last = ptr->tokens[ptr->len - 1];
    if (!parent || parent->kind == PR_SCALAR)
        return pr_error_set(err, "add operation does not apply: doc is missing path: \"%s\"", path);
    if (parent->kind == PR_MAP) {
        pr_map_set(a, parent, last, value);
        return true;
    }
    size_t idx;
    if (!array_index(last, parent->seq.len + 1, true, &idx))
        return pr_error_set(err, "add operation does not apply: index out of bounds at \"%s\"", path);
    pr_seq_insert(a, parent, idx, value);
    return true;
}

static bool op_remove(pr_node *doc, const pointer *ptr, const char *path, pr_error *err)
{
    pr_node *parent = ptr->len ? resolve_parent(doc, ptr) : NULL;
    const char *last = ptr->len ? ptr->tokens[ptr->len - 1] : "";
    if (parent && parent->kind == PR_MAP && pr_map_remove(parent, last))
        return true;
    size_t idx;
    if (parent && parent->kind == PR_SEQ && array_index(last, parent->seq.len, false, &idx) &&
        idx < parent->seq.len) {
        pr_seq_remove(parent, idx);
        return true;
    }
    return pr_error_set(err, "remove operation does not apply: doc is missing path: \"%s\"", path);
}

static bool op_replace(pr_arena *a, pr_node *doc, const pointer *ptr, pr_node *value, const char *path,
                       pr_error *err)
{
    if (ptr->len == 0) {
        *doc = *value;
        return true;
    }
    pr_node *parent = resolve_parent(doc, ptr);
    const char *last = ptr->tokens[ptr->len - 1];
    if (parent && parent->kind == PR_MAP) {
        pr_map_set(a, parent, last, value);
        return true;
    }
    size_t idx;
    if (parent && parent->kind == PR_SEQ && array_index(last, parent->seq.len, false, &idx) &&
        idx < parent->seq.len) {
        parent->seq.items[idx] = value;
        return true;
    }
    return pr_error_set(err, "replace operation does not apply: doc is missing path: %s", path);
}

/* Nodes in `n`, counting no further than `limit` (iterative: documents
 * nest deeply). */
static size_t count_nodes_upto(const pr_node *n, size_t limit)
{
    const pr_node **stack = NULL;
    size_t depth = 0, cap = 0, count = 0;
    for (;;) {
        if (++count > limit)
            break;
        size_t len = n->kind == PR_MAP ? n->map.len : n->kind == PR_SEQ ? n->seq.len : 0;
        if (depth + len > cap) {
            cap = (depth + len) * 2 + 16;
            const pr_node **grown = realloc(stack, cap * sizeof *stack);
            if (!grown) {
                count = limit + 1;
                break;
            }
            stack = grown;
        }
        for (size_t i = 0; i < len; i++) {
            if (n->kind == PR_MAP)
                count++; /* the key */
            stack[depth++] = n->kind == PR_MAP ? n->map.items[i].value : n->seq.items[i];
        }
        if (depth == 0)
            break;
        n = stack[--depth];
    }
    free(stack);
    return count;
}

static const char *op_field(const pr_node *op, const char *key)
{
    return pr_scalar_text(pr_map_get(op, key));
}

/* Each copy can double a document, so a short patch could otherwise
 * exhaust memory; copies share the budget aliases get when reading YAML. */
typedef struct {
    size_t copied;
} budget;

/* Go escapes these in JSON text (HTML safety, and the two JavaScript line
 * breaks), so the document's text of a string holding one never equals
 * the text a patch author wrote. */
static bool has_go_escaped(const pr_node *n)
{
    const char *t = n->scalar.text;
    for (size_t i = 0; i < n->scalar.len; i++)
        if (t[i] == '&' || t[i] == '<' || t[i] == '>' ||
            (i + 2 < n->scalar.len && (unsigned char)t[i] == 0xE2 &&
             (unsigned char)t[i + 1] == 0x80 &&
             ((unsigned char)t[i + 2] == 0xA8 || (unsigned char)t[i + 2] == 0xA9)))
            return true;
    return false;
}

/* json-patch's equality: mappings and sequences member by member, leaves
 * by their JSON text. The document's is Go's; so is the patch value's when
 * the operations were YAML (converted to JSON by Go), but operations
 * written as JSON keep their text as written: `1.0` is not `1`, and a
 * string Go would escape matches nothing. */
static bool json_text_equal(const pr_node *have, const pr_node *want, bool want_as_written)
{
    if (have->kind != want->kind)
        return false;
    if (have->kind == PR_MAP) {
        if (have->map.len != want->map.len)
            return false;
        for (size_t i = 0; i < want->map.len; i++) {
            const pr_node *h = pr_map_get(have, want->map.items[i].key->scalar.text);
            if (!h || !json_text_equal(h, want->map.items[i].value, want_as_written))
                return false;
        }
        return true;
    }
    if (have->kind == PR_SEQ) {
        if (have->seq.len != want->seq.len)
            return false;
        for (size_t i = 0; i < want->seq.len; i++)
            if (!json_text_equal(have->seq.items[i], want->seq.items[i], want_as_written))
                return false;
        return true;
    }
    pr_strbuf h, w;
    pr_sb_init(&h);
    pr_sb_init(&w);
    bool have_str = !pr_scalar_json(have, &h);
    bool want_str = want_as_written ? want->tag == PR_TAG_STR : !pr_scalar_json(want, &w);
    bool same;
    if (have_str || want_str)
        same = have_str && want_str && have->scalar.len == want->scalar.len &&
               !memcmp(have->scalar.text, want->scalar.text, want->scalar.len) &&
               !(want_as_written && has_go_escaped(want));
    else if (want_as_written)
        same = h.len == want->scalar.len && !memcmp(h.buf, want->scalar.text, h.len);
    else
        same = h.len == w.len && !memcmp(h.buf, w.buf, h.len);
    pr_sb_release(&h);
    pr_sb_release(&w);
    return same;
}

static bool apply_one(pr_arena *a, pr_node *doc, const pr_node *op, bool ops_are_json,
                      budget *b, pr_error *err)
{
    if (op->kind != PR_MAP)
        return pr_error_set(err, "operation is not a mapping");
    const char *name = op_field(op, "op");
    const char *path = op_field(op, "path");
    if (!name)
        return pr_error_set(err, "operation has no 'op'");
    if (!path)
        return pr_error_set(err, "%s operation has no 'path'", name);
    pointer ptr;
    if (!parse_pointer(a, path, &ptr, err))
        return false;
    /* The library reads a missing value as null, except that test without
     * one fails (or, on a missing path, makes kustomize crash). */
    const pr_node *value = pr_map_get(op, "value");
    if (!value && !strcmp(name, "test"))
        return pr_error_set(err, "test operation at \"%s\" has no 'value'", path);
    if (!value)
        value = pr_node_scalar(a, PR_TAG_NULL, "null", 4);
    if (!strcmp(name, "add"))
        return op_add(a, doc, &ptr, pr_node_copy(a, value), path, err);
    if (!strcmp(name, "remove"))
        return op_remove(doc, &ptr, path, err);
    if (!strcmp(name, "replace"))
        return op_replace(a, doc, &ptr, pr_node_copy(a, value), path, err);
    if (!strcmp(name, "test")) {
        /* To the library a null value is a missing one. */
        pr_node *have = get_value(doc, &ptr);
        bool have_null = !have || pr_node_is_null(have);
        bool ok = have_null || pr_node_is_null(value) ? have_null && pr_node_is_null(value)
                                                      : json_text_equal(have, value, ops_are_json);
        if (!ok)
            return pr_error_set(err, "testing value %s failed: test failed", path);
        return true;
    }
    if (!strcmp(name, "move") || !strcmp(name, "copy")) {
        const char *from = op_field(op, "from");
        if (!from)
            return pr_error_set(err, "%s operation at \"%s\" has no 'from'", name, path);
        pointer src;
        if (!parse_pointer(a, from, &src, err))
            return false;
        pr_node *v = get_value(doc, &src);
        /* The library kustomize uses copies a missing key of an existing
         * mapping as null. */
        pr_node *src_parent = src.len ? resolve_parent(doc, &src) : NULL;
        if (!v && !strcmp(name, "copy") && src_parent && src_parent->kind == PR_MAP)
            v = pr_node_scalar(a, PR_TAG_NULL, "null", 4);
        if (!v)
            return pr_error_set(err, "%s operation does not apply: doc is missing from path: \"%s\"",
                                name, from);
        if (!strcmp(name, "copy")) {
            size_t left = PR_YAML_MAX_ALIAS_NODES - b->copied;
            size_t nodes = count_nodes_upto(v, left);
            if (nodes > left)
                return pr_error_set(err, "copy operations copy more than %d nodes",
                                    PR_YAML_MAX_ALIAS_NODES);
            b->copied += nodes;
        }
        v = pr_node_copy(a, v);
        if (!strcmp(name, "move") && !op_remove(doc, &src, from, err))
            return false;
        return op_add(a, doc, &ptr, v, path, err);
    }
    return pr_error_set(err, "unexpected kind of operation '%s'", name);
}

bool pr_json6902_apply(pr_arena *a, pr_node *doc, const pr_node *ops, bool ops_are_json,
                       pr_error *err)
{
    if (!ops || ops->kind != PR_SEQ)
        return pr_error_set(err, "a JSON 6902 patch must be a list of operations");
    budget b = {0};
    for (size_t i = 0; i < ops->seq.len; i++) {
        const pr_node *op = ops->seq.items[i];
        if (!apply_one(a, doc, op, ops_are_json, &b, err))
            return pr_error_prefix(err, "operation %zu (%s %s)", i,
                                   op_field(op, "op") ? op_field(op, "op") : "?",
                                   op_field(op, "path") ? op_field(op, "path") : "?");
    }
    return true;
}
