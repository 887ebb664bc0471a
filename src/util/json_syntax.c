/*
 * A JSON syntax check that builds nothing. Nesting is tracked in a heap
 * stack of open containers, so deep documents cannot exhaust the C stack.
 */
#include "pleo/json_syntax.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *s;
    size_t len, pos;
} cursor;

static void skip_space(cursor *c)
{
    while (c->pos < c->len && strchr(" \t\n\r", c->s[c->pos]) && c->s[c->pos])
        c->pos++;
}

static bool at(const cursor *c, char ch)
{
    return c->pos < c->len && c->s[c->pos] == ch;
}

static bool is_digit(const cursor *c)
{
    return c->pos < c->len && c->s[c->pos] >= '0' && c->s[c->pos] <= '9';
}

static bool is_hex(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

static bool scan_string(cursor *c)
{
    c->pos++; /* the opening quote */
    while (c->pos < c->len) {
        unsigned char ch = (unsigned char)c->s[c->pos++];
        if (ch == '"')
            return true;
        if (ch < 0x20)
            return false;
        if (ch != '\\')
            continue;
        if (c->pos >= c->len)
            return false;
        char esc = c->s[c->pos++];
        if (esc == 'u') {
            for (int i = 0; i < 4; i++, c->pos++)
                if (c->pos >= c->len || !is_hex(c->s[c->pos]))
                    return false;
        } else if (!strchr("\"\\/bfnrt", esc) || !esc) {
            return false;
        }
    }
    return false;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool scan_number(cursor *c)
{
    if (at(c, '-'))
        c->pos++;
    if (at(c, '0'))
        c->pos++;
    else if (is_digit(c))
        while (is_digit(c))
            c->pos++;
    else
        return false;
    if (at(c, '.')) {
        c->pos++;
        if (!is_digit(c))
            return false;
        while (is_digit(c))
            c->pos++;
    }
    if (at(c, 'e') || at(c, 'E')) {
        c->pos++;
        if (at(c, '+') || at(c, '-'))
            c->pos++;
        if (!is_digit(c))
            return false;
        while (is_digit(c))
            c->pos++;
    }
    return true;
}

static bool scan_word(cursor *c, const char *word)
{
    size_t n = strlen(word);
    if (c->len - c->pos < n || memcmp(c->s + c->pos, word, n) != 0)
        return false;
    c->pos += n;
    return true;
}

/* One scalar value, or the opening of a container (pushed on `open`). */
static bool scan_value_start(cursor *c, char *open, size_t *depth, bool *opened)
{
    *opened = false;
    if (c->pos >= c->len)
        return false;
    switch (c->s[c->pos]) {
    case '{':
    case '[':
        open[(*depth)++] = c->s[c->pos++];
        *opened = true;
        return true;
    case '"': return scan_string(c);
    case 't': return scan_word(c, "true");
    case 'f': return scan_word(c, "false");
    case 'n': return scan_word(c, "null");
    default: return scan_number(c);
    }
}

bool pr_json_syntax_valid(const char *s, size_t len)
{
    cursor c = {s, len, 0};
    /* Each open container needs at least one byte of input. */
    char *open = malloc(len + 1);
    size_t depth = 0;
    bool ok = false, opened;
    skip_space(&c);
    if (!open || !scan_value_start(&c, open, &depth, &opened))
        goto done;
    while (depth) {
        skip_space(&c);
        char kind = open[depth - 1];
        char close = kind == '{' ? '}' : ']';
        /* Just opened: may close at once. Otherwise a ',' or the close. */
        bool fresh = opened;
        if (at(&c, close)) {
            c.pos++;
            depth--;
            opened = false;
            continue;
        }
        if (!fresh) {
            if (!at(&c, ','))
                goto done;
            c.pos++;
            skip_space(&c);
        }
        if (kind == '{') {
            if (!at(&c, '"') || !scan_string(&c))
                goto done;
            skip_space(&c);
            if (!at(&c, ':'))
                goto done;
            c.pos++;
            skip_space(&c);
        }
        if (!scan_value_start(&c, open, &depth, &opened))
            goto done;
    }
    skip_space(&c);
    ok = c.pos == c.len;
done:
    free(open);
    return ok;
}

static int hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* The code unit of a "\uXXXX" escape at s[i], or -1. */
static long unicode_escape(const char *s, size_t len, size_t i)
{
    if (i + 6 > len || s[i] != '\\' || s[i + 1] != 'u')
        return -1;
    long v = 0;
    for (size_t k = 2; k < 6; k++) {
        int h = hex_value(s[i + k]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

size_t pr_json_escapes_for_yaml(char *s, size_t len)
{
    size_t out = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        if (in_string && s[i] == '\\' && i + 1 < len) {
            long hi = unicode_escape(s, len, i);
            if (hi >= 0xD800 && hi <= 0xDBFF) {
                long lo = unicode_escape(s, len, i + 6);
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    /* a pair: YAML's \U escape of the code point (12 bytes
                     * become 10, so the rewrite stays in place) */
                    long cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                    char buf[11];
                    snprintf(buf, sizeof buf, "\\U%08lX", cp);
                    memcpy(s + out, buf, 10);
                    out += 10;
                    i += 11;
                    continue;
                }
            }
            if (hi >= 0xD800 && hi <= 0xDFFF) {
                /* alone, Go's decoder reads U+FFFD */
                memcpy(s + out, "\\uFFFD", 6);
                out += 6;
                i += 5;
                continue;
            }
            if (s[i + 1] != '/')
                s[out++] = s[i];
            s[out++] = s[++i];
            continue;
        }
        if (s[i] == '"')
            in_string = !in_string;
        s[out++] = s[i];
    }
    if (out < len)
        s[out] = '\0';
    return out;
}
