/*
 * What kustomize cannot carry through its JSON stage. Every resource
 * becomes a Go map[string]interface{} and then JSON before it is written,
 * so keys that go-yaml reads as numbers, booleans, null or timestamps,
 * infinite and not-a-number floats, and characters go-yaml's reader
 * refuses when it reads the JSON back all fail the build there.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pleo/yaml.h"

static bool fail_at(const char *filename, const pr_node *n, pr_error *err,
                    const char *what)
{
    if (n->mark.line == 0) /* made by a generator or transformer */
        return pr_error_set(err, "%s: %s", filename, what);
    return pr_error_at(err, filename, n->mark.line, n->mark.col, "%s", what);
}

/* Code points go-yaml's reader refuses that JSON leaves unescaped:
 * DEL, the C1 controls other than NEL, and the two non-characters at the
 * end of the Basic Multilingual Plane. */
static bool has_refused_character(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len; i++) {
        if (u[i] == 0x7F)
            return true;
        if (u[i] == 0xC2 && i + 1 < len && u[i + 1] >= 0x80 && u[i + 1] <= 0x9F &&
            u[i + 1] != 0x85)
            return true;
        if (u[i] == 0xEF && i + 2 < len && u[i + 1] == 0xBF &&
            (u[i + 2] == 0xBE || u[i + 2] == 0xBF))
            return true;
    }
    return false;
}

/* JSON leaves NEL (U+0085) unescaped and go-yaml reads it as a line
 * break, so a "---" or "..." after it followed by a space or another NEL
 * starts a line that reads as a document marker. */
static bool has_document_marker_after_nel(const char *s, size_t len)
{
    for (const char *p = s; (p = memmem(p, len - (size_t)(p - s), "\xC2\x85", 2));) {
        p += 2;
        size_t rest = len - (size_t)(p - s);
        if (rest >= 4 && (!memcmp(p, "---", 3) || !memcmp(p, "...", 3)) &&
            (p[3] == ' ' || (rest >= 5 && (unsigned char)p[3] == 0xC2 &&
                             (unsigned char)p[4] == 0x85)))
            return true;
    }
    return false;
}

static bool is_infinity_or_nan(const pr_node *n)
{
    const char *t = n->scalar.text;
    if (*t == '+' || *t == '-')
        t++;
    return !strcasecmp(t, ".inf") || !strcasecmp(t, ".nan");
}

/* kyaml writes an object out before its JSON stage: a string kept from a
 * literal or folded scalar, or one without a style of its own (made by
 * kustomize, or rebuilt from JSON) that spans lines, becomes a block
 * scalar. go-yaml v3 then writes no indentation indicator before a first
 * line that starts with a tab, and cannot read its own output back. */
static bool kyaml_cannot_reread(const pr_node *n)
{
    if (n->tag != PR_TAG_STR || n->scalar.len == 0 || n->scalar.text[0] != '\t')
        return false;
    if (n->style == PR_STYLE_BLOCK)
        return true;
    return (n->style == PR_STYLE_UNKNOWN || n->style == PR_STYLE_PLAIN) &&
           memchr(n->scalar.text, '\n', n->scalar.len);
}

static bool check_scalar(const char *filename, const pr_node *n, bool is_key,
                         bool object, pr_error *err)
{
    if (object && !is_key && kyaml_cannot_reread(n))
        return fail_at(filename, n, err,
                       "a multi-line string that starts with a tab: kustomize writes it as a "
                       "block scalar it cannot read back (\"found a tab character where an "
                       "indentation space is expected\"); start the text with another "
                       "character, or write it double-quoted in the source");
    if (is_key && n->tag != PR_TAG_STR) {
        return pr_error_at(err, filename, n->mark.line, n->mark.col,
                           "mapping key %.60s is not a string; kustomize cannot "
                           "convert it to JSON (quote it)", n->scalar.text);
    }
    /* Below DEL, no byte is refused or starts a NEL: most scalars end here. */
    if (n->tag == PR_TAG_STR) {
        size_t i = 0;
        while (i < n->scalar.len && (unsigned char)n->scalar.text[i] < 0x7F)
            i++;
        if (i == n->scalar.len)
            return true;
    }
    /* JSON leaves NEL unescaped, and go-yaml reads it as a line break,
     * which a flow mapping key cannot hold. */
    if (is_key && memmem(n->scalar.text, n->scalar.len, "\xC2\x85", 2))
        return fail_at(filename, n, err,
                       "a mapping key containing NEL (U+0085) cannot pass "
                       "kustomize's JSON stage");
    if (n->tag == PR_TAG_FLOAT && is_infinity_or_nan(n))
        return fail_at(filename, n, err,
                       "kustomize cannot convert infinity or NaN to JSON "
                       "(quote the value)");
    if (n->tag == PR_TAG_STR && has_refused_character(n->scalar.text, n->scalar.len))
        return fail_at(filename, n, err,
                       "control characters are not allowed (DEL, U+0080-U+009F "
                       "other than U+0085, U+FFFE, U+FFFF)");
    if (n->tag == PR_TAG_STR && has_document_marker_after_nel(n->scalar.text, n->scalar.len))
        return fail_at(filename, n, err,
                       "\"---\" or \"...\" after a NEL (U+0085) reads as a document "
                       "marker in kustomize's JSON stage");
    return true;
}

static bool check_tree(const pr_node *doc, const char *filename, bool object, pr_error *err)
{
    /* Explicit stack: documents may nest 10,000 levels deep. */
    const pr_node **stack = NULL;
    size_t depth = 0, cap = 0;
    bool ok = true;
    const pr_node *n = doc;
    for (;;) {
        if (n->kind == PR_SCALAR) {
            ok = check_scalar(filename, n, false, object, err);
        } else {
            size_t len = n->kind == PR_MAP ? n->map.len : n->seq.len;
            if (depth + len > cap) {
                cap = (depth + len) * 2 + 16;
                const pr_node **grown = realloc(stack, cap * sizeof *stack);
                if (!grown) {
                    ok = pr_error_set(err, "%s: out of memory", filename);
                    break;
                }
                stack = grown;
            }
            for (size_t i = len; ok && i-- > 0;) {
                if (n->kind == PR_MAP) {
                    ok = check_scalar(filename, n->map.items[i].key, true, object, err);
                    stack[depth++] = n->map.items[i].value;
                } else {
                    stack[depth++] = n->seq.items[i];
                }
            }
        }
        if (!ok || depth == 0)
            break;
        n = stack[--depth];
    }
    free(stack);
    return ok;
}

bool pr_yaml_check_json(const pr_node *doc, const char *filename, pr_error *err)
{
    return check_tree(doc, filename, false, err);
}

bool pr_yaml_check_object(const pr_node *obj, const char *filename, pr_error *err)
{
    return check_tree(obj, filename, true, err);
}
