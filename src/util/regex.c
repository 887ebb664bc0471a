/*
 * Go regular expressions over PCRE2. A small recursive-descent pass reads
 * the pattern by Go's grammar: it rejects what Go's parser rejects, with
 * Go's messages, and writes the PCRE2 spelling of the few escapes whose
 * meaning differs (`\v`, `\s`, `\S`, octal), before PCRE2 compiles it.
 *
 * Go's repetition rule: a counted repetition ({n}, {n,}, {n,m}) may not
 * exceed 1000, nor may the counts nested along any path multiply to more
 * than 1000 (an unbounded count weighs its minimum; `*`, `+` and `?` weigh
 * nothing). That rule is also what keeps compiled patterns small.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "pleo/regex.h"

#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pleo/strbuf.h"

enum {
    MAX_REPEAT = 1000,
    MAX_NESTING = 1000,
    MATCH_LIMIT = 10000000,
    HEAP_LIMIT_KIB = 65536,
};

struct pr_regex {
    pcre2_code *code;
    pcre2_match_data *match;
    pcre2_match_context *limits;
};

typedef struct {
    const char *s;
    size_t len, pos;
    int depth;
    pr_strbuf out;
    pr_error *err;
} reader;

static bool fail(reader *r, const char *what, const char *from, size_t n)
{
    return pr_error_set(r->err, "error parsing regexp: %s: `%.*s`", what, (int)n, from);
}

static bool at(const reader *r, char c)
{
    return r->pos < r->len && r->s[r->pos] == c;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_octal(char c)
{
    return c >= '0' && c <= '7';
}

static bool is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Bytes in the UTF-8 sequence that starts with `c` (1 for a stray byte,
 * which PCRE2 then reports as invalid UTF-8). */
static size_t utf8_len(unsigned char c)
{
    return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

/* A decimal count as Go reads one: no leading zeros; large values
 * saturate (and are then rejected as counts). */
static bool read_count(const reader *r, size_t *pos, long *n)
{
    size_t p = *pos;
    if (p >= r->len || !is_digit(r->s[p]))
        return false;
    if (r->s[p] == '0' && p + 1 < r->len && is_digit(r->s[p + 1]))
        return false;
    long v = 0;
    for (; p < r->len && is_digit(r->s[p]); p++)
        v = v > 100000000 ? v : v * 10 + (r->s[p] - '0');
    *pos = p;
    *n = v;
    return true;
}

/* Whether a counted repetition `{n}`, `{n,}` or `{n,m}` starts at `pos`;
 * otherwise Go reads the brace as a literal. `max` is -1 for `{n,}`. */
static bool counted_repeat_at(const reader *r, size_t pos, long *min, long *max,
                              size_t *end)
{
    if (pos >= r->len || r->s[pos] != '{')
        return false;
    size_t p = pos + 1;
    if (!read_count(r, &p, min))
        return false;
    *max = *min;
    if (p < r->len && r->s[p] == ',') {
        p++;
        *max = -1;
        if (p < r->len && r->s[p] != '}' && !read_count(r, &p, max))
            return false;
    }
    if (p >= r->len || r->s[p] != '}')
        return false;
    *end = p + 1;
    return true;
}

static bool repeat_op_at(const reader *r, size_t pos)
{
    long min, max;
    size_t end;
    return pos < r->len && (r->s[pos] == '*' || r->s[pos] == '+' || r->s[pos] == '?' ||
                            counted_repeat_at(r, pos, &min, &max, &end));
}

/* Where the repetition operator at `pos` ends, a lazy `?` included. */
static size_t repeat_op_end(const reader *r, size_t pos)
{
    long min, max;
    size_t end = pos + 1;
    if (r->s[pos] == '{')
        counted_repeat_at(r, pos, &min, &max, &end);
    if (end < r->len && r->s[end] == '?')
        end++;
    return end;
}

/* An escape valid both in and out of classes: octal, hex, control
 * characters and escaped punctuation. Returns false (no error set) when
 * the escape is none of those. */
static bool common_escape(reader *r, bool *handled)
{
    size_t start = r->pos;
    char c = r->s[r->pos + 1];
    *handled = true;
    if (is_octal(c) && (c == '0' || (r->pos + 2 < r->len && is_octal(r->s[r->pos + 2])))) {
        size_t p = r->pos + 1;
        unsigned v = 0;
        for (int i = 0; i < 3 && p < r->len && is_octal(r->s[p]); i++, p++)
            v = v * 8 + (unsigned)(r->s[p] - '0');
        pr_sb_addf(&r->out, "\\x{%x}", v);
        r->pos = p;
        return true;
    }
    if (c == 'x') {
        size_t p = r->pos + 2;
        if (p < r->len && r->s[p] == '{') {
            size_t q = p + 1;
            unsigned long v = 0;
            while (q < r->len && is_hex(r->s[q]) && v <= 0x10FFFF)
                v = v * 16 + (unsigned long)(is_digit(r->s[q]) ? r->s[q] - '0'
                                                                : (r->s[q] | 0x20) - 'a' + 10),
                q++;
            if (q == p + 1 || q >= r->len || r->s[q] != '}' || v > 0x10FFFF)
                return fail(r, "invalid escape sequence", r->s + start,
                            (q < r->len ? q + 1 : r->len) - start);
            pr_sb_add(&r->out, r->s + start, q + 1 - start);
            r->pos = q + 1;
            return true;
        }
        if (p + 1 < r->len && is_hex(r->s[p]) && is_hex(r->s[p + 1])) {
            pr_sb_add(&r->out, r->s + start, 4);
            r->pos += 4;
            return true;
        }
        return fail(r, "invalid escape sequence", r->s + start,
                    (p + 2 <= r->len ? p + 2 : r->len) - start);
    }
    if (c == 'a' || c == 'f' || c == 't' || c == 'n' || c == 'r') {
        pr_sb_add(&r->out, r->s + start, 2);
        r->pos += 2;
        return true;
    }
    if (c == 'v') { /* PCRE2's \v is a class of vertical space */
        pr_sb_adds(&r->out, "\\x{b}");
        r->pos += 2;
        return true;
    }
    if ((unsigned char)c < 0x80 && !is_alnum(c)) {
        pr_sb_add(&r->out, r->s + start, 2);
        r->pos += 2;
        return true;
    }
    *handled = false;
    return true;
}

/* `\pL`, `\p{Greek}`, `\PL`... copied: PCRE2 knows the same names. */
static bool unicode_class(reader *r)
{
    size_t start = r->pos, p = r->pos + 2;
    if (p < r->len && r->s[p] == '{') {
        while (p < r->len && r->s[p] != '}')
            p++;
        if (p >= r->len)
            return fail(r, "invalid character class range", r->s + start, r->len - start);
        p++;
    } else if (p < r->len) {
        p += utf8_len((unsigned char)r->s[p]);
    } else {
        return fail(r, "invalid character class range", r->s + start, r->len - start);
    }
    pr_sb_add(&r->out, r->s + start, p - start);
    r->pos = p;
    return true;
}

static bool bad_escape(reader *r)
{
    size_t n = 1 + (r->pos + 1 < r->len ? utf8_len((unsigned char)r->s[r->pos + 1]) : 0);
    if (r->pos + n > r->len)
        n = r->len - r->pos;
    return fail(r, "invalid escape sequence", r->s + r->pos, n);
}

static bool escape(reader *r, bool in_class)
{
    if (r->pos + 1 >= r->len)
        return pr_error_set(r->err, "error parsing regexp: trailing backslash at end of expression: ``");
    bool handled;
    if (!common_escape(r, &handled))
        return false;
    if (handled)
        return true;
    char c = r->s[r->pos + 1];
    switch (c) {
    case 'd': case 'D': case 'w': case 'W':
        pr_sb_add(&r->out, r->s + r->pos, 2);
        r->pos += 2;
        return true;
    case 's': /* Go's \s leaves out \v, PCRE2's does not */
        pr_sb_adds(&r->out, in_class ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]");
        r->pos += 2;
        return true;
    case 'S':
        pr_sb_adds(&r->out, in_class ? "\\x{0}-\\x{8}\\x{b}\\x{e}-\\x{1f}\\x{21}-\\x{10ffff}"
                                     : "[^\\t\\n\\f\\r ]");
        r->pos += 2;
        return true;
    case 'p': case 'P':
        return unicode_class(r);
    case 'b': case 'B': case 'A': case 'z':
        if (in_class)
            return bad_escape(r);
        pr_sb_add(&r->out, r->s + r->pos, 2);
        r->pos += 2;
        return true;
    case 'Q': {
        if (in_class)
            return bad_escape(r);
        /* Literal text up to \E: each character escaped or copied. */
        size_t p = r->pos + 2;
        const char *end = NULL;
        for (size_t q = p; q + 1 < r->len; q++)
            if (r->s[q] == '\\' && r->s[q + 1] == 'E') {
                end = r->s + q;
                break;
            }
        size_t stop = end ? (size_t)(end - r->s) : r->len;
        for (; p < stop; p++) {
            char ch = r->s[p];
            if ((unsigned char)ch < 0x80 && !is_alnum(ch) && ch != ' ')
                pr_sb_addc(&r->out, '\\');
            pr_sb_addc(&r->out, ch);
        }
        r->pos = end ? stop + 2 : r->len;
        return true;
    }
    default:
        return bad_escape(r);
    }
}

static const char *const posix_classes[] = {"alnum", "alpha", "ascii", "blank",
                                            "cntrl", "digit", "graph", "lower",
                                            "print", "punct", "space", "upper",
                                            "word",  "xdigit"};

static bool char_class(reader *r)
{
    size_t start = r->pos;
    pr_sb_addc(&r->out, '[');
    r->pos++;
    if (at(r, '^')) {
        pr_sb_addc(&r->out, '^');
        r->pos++;
    }
    bool first = true;
    for (;;) {
        if (r->pos >= r->len)
            return fail(r, "missing closing ]", r->s + start, r->len - start);
        char c = r->s[r->pos];
        if (c == ']' && !first) {
            pr_sb_addc(&r->out, ']');
            r->pos++;
            return true;
        }
        first = false;
        if (c == '[' && r->pos + 1 < r->len && r->s[r->pos + 1] == ':') {
            const char *close = NULL;
            for (size_t q = r->pos + 2; q + 1 < r->len; q++)
                if (r->s[q] == ':' && r->s[q + 1] == ']') {
                    close = r->s + q;
                    break;
                }
            if (close) {
                const char *name = r->s + r->pos + 2;
                size_t n = (size_t)(close - name);
                if (n && name[0] == '^')
                    name++, n--;
                bool known = false;
                for (size_t i = 0; i < sizeof posix_classes / sizeof *posix_classes; i++)
                    known |= strlen(posix_classes[i]) == n && !memcmp(posix_classes[i], name, n);
                size_t whole = (size_t)(close + 2 - (r->s + r->pos));
                if (!known)
                    return fail(r, "invalid character class range", r->s + r->pos, whole);
                pr_sb_add(&r->out, r->s + r->pos, whole);
                r->pos += whole;
                continue;
            }
        }
        if (c == '\\') {
            if (!escape(r, true))
                return false;
            continue;
        }
        if (c == '[') {
            pr_sb_adds(&r->out, "\\[");
            r->pos++;
            continue;
        }
        size_t n = utf8_len((unsigned char)c);
        if (r->pos + n > r->len)
            n = r->len - r->pos;
        pr_sb_add(&r->out, r->s + r->pos, n);
        r->pos += n;
    }
}

static bool alternation(reader *r, long *weight);

/* `(?flags)`, `(?flags:...)`, `(?P<name>...)`, `(?<name>...)`. Sets
 * `*flags_only` for a bare `(?flags)`, which is not an atom. */
static bool group_prefix(reader *r, bool *flags_only)
{
    size_t start = r->pos;
    *flags_only = false;
    size_t p = r->pos + 2; /* past "(?" */
    if (p < r->len && (r->s[p] == '<' || (r->s[p] == 'P' && p + 1 < r->len && r->s[p + 1] == '<'))) {
        size_t q = r->s[p] == 'P' ? p + 2 : p + 1;
        size_t name = q;
        while (q < r->len && (is_alnum(r->s[q]) || r->s[q] == '_'))
            q++;
        if (q == name || q >= r->len || r->s[q] != '>')
            return fail(r, "invalid named capture", r->s + start,
                        (q < r->len ? q + 1 : r->len) - start);
        pr_sb_add(&r->out, r->s + start, q + 1 - start);
        r->pos = q + 1;
        return true;
    }
    bool negated = false, any = false;
    for (; p < r->len; p++) {
        char c = r->s[p];
        if (c == 'i' || c == 'm' || c == 's' || c == 'U') {
            any = true;
        } else if (c == '-' && !negated) {
            negated = true;
            any = false;
        } else if ((c == ':' || c == ')') && (!negated || any)) {
            pr_sb_add(&r->out, r->s + start, p + 1 - start);
            r->pos = p + 1;
            *flags_only = c == ')';
            return true;
        } else {
            break;
        }
    }
    size_t n = p < r->len ? p + 1 - start : r->len - start;
    return fail(r, "invalid or unsupported Perl syntax", r->s + start, n);
}

/* One atom and its repetitions; `*weight` is the largest product of
 * repetition counts nested inside it. */
static bool atom(reader *r, long *weight)
{
    char c = r->s[r->pos];
    bool repeatable = true;
    *weight = 1;
    if (c == '(') {
        if (++r->depth > MAX_NESTING)
            return fail(r, "expression nests too deeply", r->s, r->len);
        bool flags_only = false;
        if (r->pos + 1 < r->len && r->s[r->pos + 1] == '?') {
            if (!group_prefix(r, &flags_only))
                return false;
        } else {
            pr_sb_addc(&r->out, '(');
            r->pos++;
        }
        if (flags_only) {
            repeatable = false;
        } else {
            if (!alternation(r, weight))
                return false;
            if (!at(r, ')'))
                return fail(r, "missing closing )", r->s, r->len);
            pr_sb_addc(&r->out, ')');
            r->pos++;
        }
        r->depth--;
    } else if (c == '[') {
        if (!char_class(r))
            return false;
    } else if (c == '\\') {
        if (!escape(r, false))
            return false;
    } else if (repeat_op_at(r, r->pos)) {
        return fail(r, "missing argument to repetition operator", r->s + r->pos,
                    repeat_op_end(r, r->pos) - r->pos);
    } else if (c == '{' || c == '}') {
        pr_sb_addc(&r->out, '\\');
        pr_sb_addc(&r->out, c);
        r->pos++;
    } else if ((c == '^' || c == '$') && repeat_op_at(r, r->pos + 1)) {
        /* Go repeats an anchor (`^*web` is unanchored: kustomize image
         * names such as `*` rely on it); PCRE2 repeats only a group. */
        pr_sb_addf(&r->out, "(?:%c)", c);
        r->pos++;
    } else {
        size_t n = utf8_len((unsigned char)c);
        if (r->pos + n > r->len)
            n = r->len - r->pos;
        pr_sb_add(&r->out, r->s + r->pos, n);
        r->pos += n;
    }

    size_t previous_op = 0;
    bool after_op = false;
    while (r->pos < r->len && repeat_op_at(r, r->pos)) {
        size_t op_start = r->pos;
        if (after_op) /* Go names both operators, laziness included */
            return fail(r, "invalid nested repetition operator", r->s + previous_op,
                        repeat_op_end(r, r->pos) - previous_op);
        if (!repeatable)
            return fail(r, "missing argument to repetition operator", r->s + r->pos, 1);
        if (r->s[r->pos] == '{') {
            long min, max;
            size_t end;
            counted_repeat_at(r, r->pos, &min, &max, &end);
            if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min > max))
                return fail(r, "invalid repeat count", r->s + op_start, end - op_start);
            long count = max >= 0 ? max : min;
            if ((min >= 2 || max >= 2) && count * *weight > MAX_REPEAT)
                return fail(r, "invalid repeat count", r->s + op_start, end - op_start);
            if (count > 0)
                *weight *= count;
            pr_sb_add(&r->out, r->s + op_start, end - op_start);
            r->pos = end;
        } else {
            pr_sb_addc(&r->out, r->s[r->pos]);
            r->pos++;
        }
        if (at(r, '?')) {
            pr_sb_addc(&r->out, '?');
            r->pos++;
        }
        previous_op = op_start;
        after_op = true;
    }
    return true;
}

static bool alternation(reader *r, long *weight)
{
    *weight = 1;
    for (;;) {
        while (r->pos < r->len && r->s[r->pos] != '|' && r->s[r->pos] != ')') {
            long w;
            if (!atom(r, &w))
                return false;
            if (w > *weight)
                *weight = w;
        }
        if (!at(r, '|'))
            return true;
        pr_sb_addc(&r->out, '|');
        r->pos++;
    }
}

pr_regex *pr_regex_compile(const char *pattern, pr_error *err)
{
    reader r = {.s = pattern, .len = strlen(pattern), .err = err};
    pr_sb_init(&r.out);
    long weight;
    bool ok = alternation(&r, &weight);
    if (ok && r.pos < r.len)
        ok = fail(&r, "unexpected )", r.s, r.len);
    pr_regex *re = NULL;
    if (ok) {
        pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
        if (cc) {
            pcre2_set_newline(cc, PCRE2_NEWLINE_LF);
            pcre2_set_parens_nest_limit(cc, MAX_NESTING + 10);
        }
        int code;
        PCRE2_SIZE offset;
        pcre2_code *compiled =
            pcre2_compile((PCRE2_SPTR)r.out.buf, r.out.len,
                          PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY |
                              PCRE2_NEVER_BACKSLASH_C,
                          &code, &offset, cc);
        pcre2_compile_context_free(cc);
        if (!compiled) {
            PCRE2_UCHAR message[256];
            pcre2_get_error_message(code, message, sizeof message);
            pr_error_set(err, "error parsing regexp: %s: `%s`", (const char *)message, pattern);
        } else {
            re = calloc(1, sizeof *re);
            if (re) {
                re->code = compiled;
                re->match = pcre2_match_data_create_from_pattern(compiled, NULL);
                re->limits = pcre2_match_context_create(NULL);
            }
            if (!re || !re->match || !re->limits) {
                if (re) {
                    pcre2_match_data_free(re->match);
                    pcre2_match_context_free(re->limits);
                    free(re);
                    re = NULL;
                }
                pcre2_code_free(compiled);
                pr_error_set(err, "out of memory compiling a regular expression");
            } else {
                pcre2_set_match_limit(re->limits, MATCH_LIMIT);
                pcre2_set_heap_limit(re->limits, HEAP_LIMIT_KIB);
            }
        }
    }
    pr_sb_release(&r.out);
    return re;
}

bool pr_regex_match(const pr_regex *re, const char *s, size_t len, bool *matched,
                    pr_error *err)
{
    int rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, 0, re->match, re->limits);
    *matched = rc >= 0;
    if (rc >= 0 || rc == PCRE2_ERROR_NOMATCH)
        return true;
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(rc, message, sizeof message);
    return pr_error_set(err, "regular expression too costly to match: %s", (const char *)message);
}

void pr_regex_free(pr_regex *re)
{
    if (!re)
        return;
    pcre2_match_data_free(re->match);
    pcre2_match_context_free(re->limits);
    pcre2_code_free(re->code);
    free(re);
}
