/*
 * Label selector expressions. The grammar is the API machinery's: the
 * whole text is split into tokens first (identifiers run until white
 * space or one of `=!(),<>`), then read as requirements. `in` and `notin`
 * are keywords only where an operator is expected, so `in=x` and
 * `app=in` are ordinary key and value. Error texts are the API
 * machinery's, since users search for them.
 */
#include "pleo/label_selector.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pleo/strbuf.h"

typedef enum {
    TOK_END,
    TOK_IDENTIFIER,
    TOK_IN,
    TOK_NOT_IN,
    TOK_BANG,
    TOK_EQUALS,
    TOK_DOUBLE_EQUALS,
    TOK_NOT_EQUALS,
    TOK_GREATER,
    TOK_LESS,
    TOK_OPEN,
    TOK_CLOSE,
    TOK_COMMA,
} token_kind;

typedef struct {
    token_kind kind;
    const char *text;
} token;

typedef enum { OP_EXISTS, OP_NOT_EXISTS, OP_IN, OP_NOT_IN, OP_GREATER, OP_LESS } op_kind;

typedef struct {
    const char *key;
    op_kind op;
    const char **values; /* sorted, distinct; OP_IN and OP_NOT_IN */
    size_t n_values;
    long long bound; /* OP_GREATER and OP_LESS */
} requirement;

struct pr_label_selector {
    requirement *reqs;
    size_t len, cap;
};

typedef struct {
    pr_arena *a;
    token *toks;
    size_t len, cap, pos;
} parser;

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_symbol(char c)
{
    return c && strchr("=!(),<>", c) != NULL;
}

static void push_token(parser *p, token_kind kind, const char *text, size_t len)
{
    p->toks = pr_grow(p->a, p->toks, sizeof *p->toks, &p->cap, p->len + 1);
    p->toks[p->len++] = (token){kind, pr_strndup(p->a, text, len)};
}

static void tokenize(parser *p, const char *s)
{
    for (;;) {
        while (is_space(*s))
            s++;
        if (!*s) {
            push_token(p, TOK_END, "", 0);
            return;
        }
        if (is_symbol(*s)) {
            /* Longest match: "!=" and "==" are the only two-character symbols. */
            static const struct { const char *text; token_kind kind; } symbols[] = {
                {"!=", TOK_NOT_EQUALS}, {"==", TOK_DOUBLE_EQUALS}, {"!", TOK_BANG},
                {"=", TOK_EQUALS},      {"(", TOK_OPEN},           {")", TOK_CLOSE},
                {",", TOK_COMMA},       {">", TOK_GREATER},        {"<", TOK_LESS},
            };
            for (size_t i = 0; i < sizeof symbols / sizeof *symbols; i++) {
                size_t n = strlen(symbols[i].text);
                if (!strncmp(s, symbols[i].text, n)) {
                    push_token(p, symbols[i].kind, s, n);
                    s += n;
                    break;
                }
            }
            continue;
        }
        size_t n = 0;
        while (s[n] && !is_space(s[n]) && !is_symbol(s[n]))
            n++;
        token_kind kind = TOK_IDENTIFIER;
        if (n == 2 && !strncmp(s, "in", 2))
            kind = TOK_IN;
        else if (n == 5 && !strncmp(s, "notin", 5))
            kind = TOK_NOT_IN;
        push_token(p, kind, s, n);
        s += n;
    }
}

/* The next token; where values are expected, `in` and `notin` are
 * identifiers like any other word. */
static token peek(const parser *p, bool operator_expected)
{
    token t = p->toks[p->pos];
    if (!operator_expected && (t.kind == TOK_IN || t.kind == TOK_NOT_IN))
        t.kind = TOK_IDENTIFIER;
    return t;
}

static token next(parser *p, bool operator_expected)
{
    token t = peek(p, operator_expected);
    if (t.kind != TOK_END)
        p->pos++;
    return t;
}

/* Go's %q for the texts errors quote. */
static const char *quoted(pr_arena *a, const char *s)
{
    pr_strbuf b;
    pr_sb_init(&b);
    pr_sb_addc(&b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        const char *esc = NULL;
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\a': esc = "\\a"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\v': esc = "\\v"; break;
        default: break;
        }
        if (esc)
            pr_sb_adds(&b, esc);
        else if (c < 0x20 || c == 0x7f)
            pr_sb_addf(&b, "\\x%02x", c);
        else
            pr_sb_addc(&b, (char)c);
    }
    pr_sb_addc(&b, '"');
    const char *out = pr_strdup(a, b.buf);
    pr_sb_release(&b);
    return out;
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] over s[0, len) */
static bool is_name_part(const char *s, size_t len)
{
    if (len == 0 || !is_alnum(s[0]) || !is_alnum(s[len - 1]))
        return false;
    for (size_t i = 1; i + 1 < len; i++)
        if (!is_alnum(s[i]) && !strchr("-_.", s[i]))
            return false;
    return true;
}

/* A lowercase RFC 1123 subdomain: dot-separated labels of [a-z0-9-],
 * each starting and ending with [a-z0-9]. */
static bool is_dns_subdomain(const char *s, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '.') {
            bool lower_alnum = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9');
            bool edge = i == start || i + 1 == len || s[i + 1] == '.';
            if (!lower_alnum && (edge || s[i] != '-'))
                return false;
            continue;
        }
        if (i == start)
            return false;
        start = i + 1;
    }
    return true;
}

#define NAME_PART_RULE                                                                        \
    "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an " \
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "  \
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"

static void add_problem(pr_strbuf *b, const char *text)
{
    if (b->len)
        pr_sb_adds(b, "; ");
    pr_sb_adds(b, text);
}

/* Kubernetes' qualified-name rule for label keys: an optional DNS
 * subdomain and '/', then a name part of at most 63 characters. */
static bool check_key(pr_arena *a, const char *key, pr_error *err)
{
    pr_strbuf problems;
    pr_sb_init(&problems);
    const char *name = key;
    const char *slash = strchr(key, '/');
    if (slash && strchr(slash + 1, '/')) {
        add_problem(&problems, "a qualified name must " NAME_PART_RULE
                    " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
    } else {
        if (slash) {
            size_t prefix_len = (size_t)(slash - key);
            name = slash + 1;
            if (prefix_len == 0)
                add_problem(&problems, "prefix part must be non-empty");
            else {
                if (prefix_len > 253)
                    add_problem(&problems, "prefix part must be no more than 253 characters");
                if (!is_dns_subdomain(key, prefix_len))
                    add_problem(&problems,
                                "prefix part a DNS-1123 subdomain must consist of lower case "
                                "alphanumeric characters, '-' or '.', and must start and end "
                                "with an alphanumeric character (e.g. 'example.com', regex "
                                "used for validation is "
                                "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
            }
        }
        size_t name_len = strlen(name);
        if (name_len == 0)
            add_problem(&problems, "name part must be non-empty");
        else if (name_len > 63)
            add_problem(&problems, "name part must be no more than 63 characters");
        if (!is_name_part(name, name_len))
            add_problem(&problems, "name part must " NAME_PART_RULE);
    }
    bool ok = problems.len == 0;
    if (!ok)
        pr_error_set(err, "invalid label key %s: %s", quoted(a, key), problems.buf);
    pr_sb_release(&problems);
    return ok;
}

static bool check_value(pr_arena *a, const char *key, const char *value, pr_error *err)
{
    size_t len = strlen(value);
    bool too_long = len > 63, bad = len > 0 && !is_name_part(value, len);
    if (!too_long && !bad)
        return true;
    return pr_error_set(
        err, "invalid label value: %s: at key: %s: %s%s%s", quoted(a, value), quoted(a, key),
        too_long ? "must be no more than 63 characters" : "", too_long && bad ? "; " : "",
        bad ? "a valid label must be an empty string or consist of alphanumeric characters, "
              "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
              "'MyValue',  or 'my_value',  or '12345', regex used for validation is "
              "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
            : "");
}

/* Go's strconv.ParseInt(s, 10, 64). */
static bool parse_int64(const char *s, long long *out)
{
    const char *digits = s + (*s == '+' || *s == '-');
    if (!*digits || strspn(digits, "0123456789") != strlen(digits))
        return false;
    errno = 0;
    *out = strtoll(s, NULL, 10);
    return errno == 0;
}

static int compare_strings(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void add_value(parser *p, requirement *r, size_t *cap, const char *value)
{
    for (size_t i = 0; i < r->n_values; i++)
        if (!strcmp(r->values[i], value))
            return;
    r->values = pr_grow(p->a, r->values, sizeof *r->values, cap, r->n_values + 1);
    r->values[r->n_values++] = value;
}

/* `( value, ... )`, where missing values between commas are empty ones. */
static bool parse_value_set(parser *p, requirement *r, pr_error *err)
{
    size_t cap = 0;
    token t = next(p, false);
    if (t.kind != TOK_OPEN)
        return pr_error_set(err, "found '%s' expected: '('", t.text);
    t = peek(p, false);
    if (t.kind == TOK_CLOSE) {
        next(p, false);
        add_value(p, r, &cap, "");
        return true;
    }
    if (t.kind != TOK_IDENTIFIER && t.kind != TOK_COMMA)
        return pr_error_set(err, "found '%s', expected: ',', ')' or identifier", t.text);
    for (;;) {
        t = next(p, false);
        if (t.kind == TOK_IDENTIFIER) {
            add_value(p, r, &cap, t.text);
            token after = peek(p, false);
            if (after.kind == TOK_CLOSE)
                break;
            if (after.kind != TOK_COMMA)
                return pr_error_set(err, "found '%s', expected: ',' or ')'", after.text);
        } else if (t.kind == TOK_COMMA) {
            if (r->n_values == 0)
                add_value(p, r, &cap, "");
            token after = peek(p, false);
            if (after.kind == TOK_CLOSE) {
                add_value(p, r, &cap, "");
                break;
            }
            if (after.kind == TOK_COMMA) {
                next(p, false);
                add_value(p, r, &cap, "");
            }
        } else {
            return pr_error_set(err, "found '%s', expected: ',', or identifier", t.text);
        }
    }
    next(p, false); /* the ')' */
    return true;
}

/* The single value after `=`, `==`, `!=`, `>` or `<`; empty when the
 * requirement ends there. */
static bool parse_exact_value(parser *p, const char **value, pr_error *err)
{
    token t = peek(p, false);
    if (t.kind == TOK_END || t.kind == TOK_COMMA) {
        *value = "";
        return true;
    }
    t = next(p, false);
    if (t.kind != TOK_IDENTIFIER)
        return pr_error_set(err, "found '%s', expected: identifier", t.text);
    *value = t.text;
    return true;
}

static bool parse_requirement(parser *p, requirement *r, pr_error *err)
{
    memset(r, 0, sizeof *r);
    token t = next(p, false);
    bool negated = t.kind == TOK_BANG;
    if (negated)
        t = next(p, false);
    if (t.kind != TOK_IDENTIFIER)
        return pr_error_set(err, "found '%s', expected: identifier", t.text);
    r->key = t.text;
    if (!check_key(p->a, r->key, err))
        return false;
    token after = peek(p, false);
    if (negated || after.kind == TOK_END || after.kind == TOK_COMMA) {
        r->op = negated ? OP_NOT_EXISTS : OP_EXISTS;
        return true;
    }
    t = next(p, true);
    const char *value = NULL;
    size_t cap = 0;
    switch (t.kind) {
    case TOK_IN:
    case TOK_NOT_IN:
        r->op = t.kind == TOK_IN ? OP_IN : OP_NOT_IN;
        if (!parse_value_set(p, r, err))
            return false;
        break;
    case TOK_EQUALS:
    case TOK_DOUBLE_EQUALS:
    case TOK_NOT_EQUALS:
        r->op = t.kind == TOK_NOT_EQUALS ? OP_NOT_IN : OP_IN;
        if (!parse_exact_value(p, &value, err))
            return false;
        add_value(p, r, &cap, value);
        break;
    case TOK_GREATER:
    case TOK_LESS:
        r->op = t.kind == TOK_GREATER ? OP_GREATER : OP_LESS;
        if (!parse_exact_value(p, &value, err))
            return false;
        if (!parse_int64(value, &r->bound))
            return pr_error_set(err, "for 'Gt', 'Lt' operators, the value must be an integer");
        add_value(p, r, &cap, value);
        break;
    default:
        return pr_error_set(err, "found '%s', expected: '=', '!=', '==', 'in', notin'", t.text);
    }
    /* Values are checked in sorted order, so the first bad one reported
     * is the one the API machinery reports. */
    qsort(r->values, r->n_values, sizeof *r->values, compare_strings);
    for (size_t i = 0; i < r->n_values; i++)
        if (!check_value(p->a, r->key, r->values[i], err))
            return false;
    return true;
}

pr_label_selector *pr_label_selector_parse(pr_arena *a, const char *text, pr_error *err)
{
    parser p = {.a = a};
    tokenize(&p, text);
    pr_label_selector *sel = pr_alloc(a, sizeof *sel);
    memset(sel, 0, sizeof *sel);
    for (;;) {
        token t = peek(&p, false);
        if (t.kind == TOK_END)
            return sel;
        if (t.kind != TOK_IDENTIFIER && t.kind != TOK_BANG) {
            pr_error_set(err, "found '%s', expected: !, identifier, or 'end of string'", t.text);
            return NULL;
        }
        sel->reqs = pr_grow(a, sel->reqs, sizeof *sel->reqs, &sel->cap, sel->len + 1);
        if (!parse_requirement(&p, &sel->reqs[sel->len++], err)) {
            pr_error_prefix(err, "unable to parse requirement");
            return NULL;
        }
        t = next(&p, false);
        if (t.kind == TOK_END)
            return sel;
        if (t.kind != TOK_COMMA) {
            pr_error_set(err, "found '%s', expected: ',' or 'end of string'", t.text);
            return NULL;
        }
        t = peek(&p, false);
        if (t.kind != TOK_IDENTIFIER && t.kind != TOK_BANG) {
            pr_error_set(err, "found '%s', expected: identifier after ','", t.text);
            return NULL;
        }
    }
}

static bool requirement_holds(const requirement *r, const pr_node *set)
{
    bool present = set && set->kind == PR_MAP && pr_map_index(set, r->key) >= 0;
    const char *value = present ? pr_map_get_str(set, r->key) : NULL;
    if (present && !value)
        value = "";
    bool listed = false;
    for (size_t i = 0; present && i < r->n_values; i++)
        listed |= !strcmp(r->values[i], value);
    long long n;
    switch (r->op) {
    case OP_EXISTS: return present;
    case OP_NOT_EXISTS: return !present;
    case OP_IN: return listed;
    case OP_NOT_IN: return !listed;
    case OP_GREATER: return present && parse_int64(value, &n) && n > r->bound;
    case OP_LESS: return present && parse_int64(value, &n) && n < r->bound;
    }
    return false;
}

bool pr_label_selector_matches(const pr_label_selector *sel, const pr_node *set)
{
    for (size_t i = 0; i < sel->len; i++)
        if (!requirement_holds(&sel->reqs[i], set))
            return false;
    return true;
}
