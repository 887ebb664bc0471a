/*
 * Plain-scalar resolution and canonical number formatting.
 *
 * kustomize reads YAML with go-yaml v3, converts each object to JSON and
 * prints that JSON with go-yaml v2. A value therefore goes through three
 * interpretations: v3 decides whether `0x1F` is a number (it is: 31), JSON
 * prints numbers in Go's float/int syntax, and v2 decides how the result is
 * written (`1234567.5` becomes `1.2345675e+06`). The functions here
 * reproduce those decisions from the rules of each step rather than from
 * any table of examples.
 */
#include "scalar.h"

#include <pthread.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "pleo/utf8.h"
#include "pleo/yaml.h"

/* ---- numbers as Go's strconv.ParseInt/ParseUint(s, 0, 64) see them ---- */

typedef struct {
    bool ok;
    bool negative;
    uint64_t magnitude;
} go_int;

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/* Parses digits in `base` (base 0: Go's prefix rules). */
static go_int parse_go_int(const char *s, size_t n, int base, bool allow_sign)
{
    go_int r = {false, false, 0};
    size_t i = 0;
    if (allow_sign && i < n && (s[i] == '+' || s[i] == '-')) {
        r.negative = s[i] == '-';
        i++;
    }
    if (base == 0) {
        base = 10;
        if (i < n && s[i] == '0') {
            if (i + 1 < n && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
                base = 16;
                i += 2;
            } else if (i + 1 < n && (s[i + 1] == 'b' || s[i + 1] == 'B')) {
                base = 2;
                i += 2;
            } else if (i + 1 < n && (s[i + 1] == 'o' || s[i + 1] == 'O')) {
                base = 8;
                i += 2;
            } else {
                base = 8;
                i += 1;
                if (i == n) { /* plain "0" */
                    r.ok = true;
                    return r;
                }
            }
        }
    }
    if (i == n)
        return r;
    uint64_t v = 0;
    for (; i < n; i++) {
        int d = digit_value(s[i]);
        if (d >= base)
            return r;
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            return r;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    r.magnitude = v;
    r.ok = true;
    return r;
}

static bool fits_int64(go_int v)
{
    return v.negative ? v.magnitude <= (uint64_t)INT64_MAX + 1
                      : v.magnitude <= (uint64_t)INT64_MAX;
}

/* ParseInt(s,0,64) succeeds, or ParseUint(s,0,64) succeeds. */
static bool go_parses_int(const char *s, size_t n, go_int *out)
{
    go_int v = parse_go_int(s, n, 0, true);
    if (v.ok && fits_int64(v)) {
        *out = v;
        return true;
    }
    v = parse_go_int(s, n, 0, false);
    if (v.ok) {
        *out = v;
        return true;
    }
    return false;
}

/* ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static bool matches_yaml_float(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    size_t start = i;
    if (i < n && s[i] == '.') {
        i++;
        size_t d = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return false;
    } else {
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == start)
            return false;
        if (i < n && s[i] == '.') {
            i++;
            while (i < n && s[i] >= '0' && s[i] <= '9')
                i++;
        }
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t d = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return false;
    }
    return i == n;
}

/* strconv.ParseFloat for decimal syntax: fails on overflow to infinity. */
static bool go_parse_float(const char *s, size_t n, double *out)
{
    char buf[128];
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    for (size_t i = 0; i < n; i++) {
        char c = buf[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' ||
              c == '+' || c == '-'))
            return false;
    }
    errno = 0;
    char *end;
    double d = strtod(buf, &end);
    if (*end != '\0' || end == buf)
        return false;
    if (isinf(d))
        return false;
    *out = d;
    return true;
}

/* ---- timestamps as go-yaml's parseTimestamp accepts them ---- */

typedef struct {
    int year, month, day, hour, minute, second;
    char frac[10]; /* fractional digits, trailing zeros removed */
    bool has_zone;
    int zone_minutes; /* offset east of UTC */
    bool has_time;
} timestamp;

static bool read_num(const char *s, size_t n, size_t *i, int min_digits,
                     int max_digits, int *out)
{
    int v = 0, d = 0;
    while (*i < n && d < max_digits && s[*i] >= '0' && s[*i] <= '9') {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        d++;
    }
    if (d < min_digits)
        return false;
    *out = v;
    return true;
}

static int days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return days[month - 1];
}

static bool parse_timestamp(const char *s, size_t n, timestamp *t)
{
    memset(t, 0, sizeof *t);
    size_t i = 0;
    if (!read_num(s, n, &i, 4, 4, &t->year) || i >= n || s[i] != '-')
        return false;
    if (i > 4)
        return false;
    i++;
    if (!read_num(s, n, &i, 1, 2, &t->month) || i >= n || s[i] != '-')
        return false;
    i++;
    if (!read_num(s, n, &i, 1, 2, &t->day))
        return false;
    if (t->month < 1 || t->month > 12 || t->day < 1 ||
        t->day > days_in_month(t->year, t->month))
        return false;
    if (i == n)
        return true;
    char sep = s[i];
    bool zoned = sep == 'T' || sep == 't';
    if (!zoned && sep != ' ')
        return false;
    i++;
    t->has_time = true;
    if (!read_num(s, n, &i, 1, 2, &t->hour) || i >= n || s[i] != ':')
        return false;
    i++;
    if (!read_num(s, n, &i, 1, 2, &t->minute) || i >= n || s[i] != ':')
        return false;
    i++;
    if (!read_num(s, n, &i, 1, 2, &t->second))
        return false;
    if (t->hour > 23 || t->minute > 59 || t->second > 59)
        return false;
    if (i < n && s[i] == '.') {
        i++;
        size_t start = i, k = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            if (k < 9)
                t->frac[k++] = s[i];
            i++;
        }
        if (i == start)
            return false;
        while (k > 0 && t->frac[k - 1] == '0')
            t->frac[--k] = '\0';
    }
    if (!zoned)
        return i == n;
    if (i == n)
        return false;
    if (s[i] == 'Z') {
        t->has_zone = true;
        return i + 1 == n;
    }
    if (s[i] != '+' && s[i] != '-')
        return false;
    int sign = s[i] == '-' ? -1 : 1, zh, zm;
    i++;
    if (!read_num(s, n, &i, 2, 2, &zh) || i >= n || s[i] != ':')
        return false;
    i++;
    if (!read_num(s, n, &i, 2, 2, &zm) || i != n)
        return false;
    t->has_zone = true;
    t->zone_minutes = sign * (zh * 60 + zm);
    return true;
}

/* ---- resolution ---- */

static bool is_null_word(const char *s, size_t n)
{
    return n == 0 || (n == 1 && s[0] == '~') ||
           (n == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) ||
                       !memcmp(s, "NULL", 4)));
}

static bool word_in(const char *s, size_t n, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == n && memcmp(s, *words, n) == 0)
            return true;
    return false;
}

static const char *const bool_words_v3[] = {"true", "True", "TRUE", "false",
                                            "False", "FALSE", NULL};
static const char *const bool_words_v2_extra[] = {
    "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no",
    "No", "NO", "off", "Off", "OFF", NULL};
static const char *const special_floats[] = {
    ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf",
    "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", NULL};

/* Removes '_' as go-yaml does before trying numbers. */
static size_t strip_underscores(const char *s, size_t n, char *buf,
                                size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++)
        if (s[i] != '_')
            buf[k++] = s[i];
    buf[k] = '\0';
    return k;
}

/* The numeric/timestamp part of go-yaml's resolver, common to v2 and v3.
 * `octal_o` enables v3's extra 0o handling (already covered by base 0). */
static pr_tag resolve_number(const char *s, size_t n)
{
    timestamp ts;
    if (parse_timestamp(s, n, &ts))
        return PR_TAG_TIMESTAMP;
    char buf[256];
    if (n >= sizeof buf)
        return PR_TAG_STR;
    size_t m = strip_underscores(s, n, buf, sizeof buf);
    go_int gi;
    if (go_parses_int(buf, m, &gi))
        return PR_TAG_INT;
    double d;
    if (matches_yaml_float(buf, m) && go_parse_float(buf, m, &d))
        return PR_TAG_FLOAT;
    const char *digits = NULL;
    int base = 0;
    if (m > 2 && buf[0] == '0' && buf[1] == 'b')
        digits = buf + 2, base = 2;
    else if (m > 3 && buf[0] == '-' && buf[1] == '0' && buf[2] == 'b')
        digits = buf + 3, base = 2;
    else if (m > 2 && buf[0] == '0' && buf[1] == 'o')
        digits = buf + 2, base = 8;
    else if (m > 3 && buf[0] == '-' && buf[1] == '0' && buf[2] == 'o')
        digits = buf + 3, base = 8;
    if (digits) {
        go_int v = parse_go_int(digits, strlen(digits), base, true);
        if (v.ok)
            return PR_TAG_INT;
    }
    return PR_TAG_STR;
}

static pr_tag resolve_common(const char *s, size_t n, bool yaml11)
{
    /* Most scalars are names and words. Only these characters start a
     * null, a bool, a number or a timestamp, and no word that starts with
     * a letter (null, false, ...) is longer than five bytes: everything
     * else is a string without looking further (every scalar of a render
     * passes through here at least twice). */
    if (n > 0) {
        unsigned char c0 = (unsigned char)s[0];
        bool letter = strchr("nNtTfFyYoO", c0) != NULL;
        if (c0 == '\0' || (letter && n > 5) ||
            (!letter && !(c0 >= '0' && c0 <= '9') && !strchr("~.+-", c0)))
            return PR_TAG_STR;
    }
    if (is_null_word(s, n))
        return PR_TAG_NULL;
    char c = s[0];
    if (word_in(s, n, bool_words_v3) ||
        (yaml11 && word_in(s, n, bool_words_v2_extra)))
        return PR_TAG_BOOL;
    if (word_in(s, n, special_floats))
        return PR_TAG_FLOAT;
    if (c == '.') {
        double d;
        return go_parse_float(s, n, &d) ? PR_TAG_FLOAT : PR_TAG_STR;
    }
    if ((c >= '0' && c <= '9') || c == '+' || c == '-')
        return resolve_number(s, n);
    return PR_TAG_STR;
}

pr_tag pr_resolve_plain(const char *s, size_t len)
{
    if (len == 2 && s[0] == '<' && s[1] == '<')
        return PR_TAG_STR; /* merge keys are handled by the parser */
    return resolve_common(s, len, false);
}

/* ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ */
static bool is_base60_float(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    if (i >= n || !(s[i] >= '0' && s[i] <= '9'))
        return false;
    i++;
    while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
        i++;
    int groups = 0;
    while (i < n && s[i] == ':') {
        i++;
        size_t d = i;
        while (i < n && s[i] >= '0' && s[i] <= '9' && i - d < 2)
            i++;
        size_t nd = i - d;
        if (nd == 0)
            return false;
        if (nd == 2 && s[d] > '5')
            return false;
        groups++;
    }
    if (groups == 0)
        return false;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            i++;
    }
    return i == n;
}

pr_tag pr_resolve_plain_v2(const char *s, size_t len)
{
    if (len == 2 && s[0] == '<' && s[1] == '<')
        return PR_TAG_STR;
    pr_tag tag = resolve_common(s, len, true);
    return tag == PR_TAG_TIMESTAMP ? PR_TAG_STR : tag;
}

bool pr_plain_is_nonstring_v2(const char *s, size_t len)
{
    /* "<<" would resolve to the merge tag, yet kustomize's writer leaves it
     * plain: its fork of go-yaml v2 does not quote it. */
    return resolve_common(s, len, true) != PR_TAG_STR ||
           is_base60_float(s, len);
}

bool pr_base64_decode(const char *s, size_t len, pr_strbuf *out)
{
    unsigned acc = 0;
    int bits = 0, pad = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        int v;
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue; /* line breaks in !!binary text are not data */
        if (c == '=') {
            pad++;
            continue;
        }
        if (pad)
            return false;
        if (c >= 'A' && c <= 'Z')
            v = c - 'A';
        else if (c >= 'a' && c <= 'z')
            v = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            v = c - '0' + 52;
        else if (c == '+')
            v = 62;
        else if (c == '/')
            v = 63;
        else
            return false;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            pr_sb_addc(out, (char)((acc >> bits) & 0xFF));
        }
    }
    return pad <= 2 && bits < 6;
}

bool pr_resolve_tagged(const char *tag, const char *s, size_t len, pr_tag *out)
{
    static const char prefix[] = "tag:yaml.org,2002:";
    if (strncmp(tag, prefix, sizeof prefix - 1) != 0) {
        *out = PR_TAG_STR; /* application tags decode as their text */
        return true;
    }
    const char *t = tag + sizeof prefix - 1;
    pr_tag plain = resolve_common(s, len, false);
    if (!strcmp(t, "str")) {
        *out = PR_TAG_STR;
    } else if (!strcmp(t, "binary")) {
        *out = PR_TAG_BINARY;
        pr_strbuf decoded;
        pr_sb_init(&decoded);
        bool ok = pr_base64_decode(s, len, &decoded);
        pr_sb_release(&decoded);
        return ok;
    } else if (!strcmp(t, "null")) {
        *out = PR_TAG_NULL;
        return plain == PR_TAG_NULL;
    } else if (!strcmp(t, "bool")) {
        *out = PR_TAG_BOOL;
        return plain == PR_TAG_BOOL;
    } else if (!strcmp(t, "int")) {
        *out = PR_TAG_INT;
        return plain == PR_TAG_INT;
    } else if (!strcmp(t, "float")) {
        *out = PR_TAG_FLOAT;
        return plain == PR_TAG_FLOAT || plain == PR_TAG_INT;
    } else if (!strcmp(t, "timestamp")) {
        *out = PR_TAG_TIMESTAMP;
        return plain == PR_TAG_TIMESTAMP;
    } else {
        *out = PR_TAG_STR;
    }
    return true;
}

/* ---- canonical output ---- */

/* Shortest decimal digits that read back as `d` (|d| > 0, finite):
 * writes digits without dot to `digits` and returns the decimal exponent
 * `dp` such that value = 0.DIGITS * 10^dp. */
static int shortest_digits(double d, char *digits, size_t cap)
{
    char buf[64];
    for (int prec = 0; prec < 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    /* buf is like "-1.2345e+06" */
    const char *p = buf;
    if (*p == '-')
        p++;
    size_t k = 0;
    for (; *p && *p != 'e'; p++)
        if (*p != '.' && k + 1 < cap)
            digits[k++] = *p;
    while (k > 1 && digits[k - 1] == '0')
        k--;
    digits[k] = '\0';
    int exp10 = atoi(p + 1);
    return exp10 + 1;
}

/* Writes shortest `digits` with decimal exponent `dp` (value =
 * 0.DIGITS x 10^dp) in plain decimal notation. */
static void append_fixed(const char *digits, int dp, pr_strbuf *out)
{
    int nd = (int)strlen(digits);
    if (dp <= 0) {
        pr_sb_adds(out, "0.");
        for (int i = 0; i < -dp; i++)
            pr_sb_addc(out, '0');
        pr_sb_adds(out, digits);
    } else if (dp >= nd) {
        pr_sb_adds(out, digits);
        for (int i = nd; i < dp; i++)
            pr_sb_addc(out, '0');
    } else {
        pr_sb_add(out, digits, (size_t)dp);
        pr_sb_addc(out, '.');
        pr_sb_adds(out, digits + dp);
    }
}

/* The same in exponent notation; Go pads the exponent to `min_exp_digits`
 * (2 for strconv's 'g', 1 for encoding/json). */
static void append_exponent(const char *digits, int dp, int min_exp_digits, pr_strbuf *out)
{
    pr_sb_addc(out, digits[0]);
    if (digits[1]) {
        pr_sb_addc(out, '.');
        pr_sb_adds(out, digits + 1);
    }
    int exp = dp - 1;
    pr_sb_addf(out, "e%c%0*d", exp < 0 ? '-' : '+', min_exp_digits, exp < 0 ? -exp : exp);
}

void pr_format_go_g(double d, pr_strbuf *out)
{
    if (isnan(d)) {
        pr_sb_adds(out, ".nan");
        return;
    }
    if (isinf(d)) {
        pr_sb_adds(out, d > 0 ? ".inf" : "-.inf");
        return;
    }
    if (d == 0) {
        pr_sb_adds(out, signbit(d) ? "-0" : "0");
        return;
    }
    char digits[32];
    int dp = shortest_digits(d, digits, sizeof digits);
    int exp = dp - 1;
    if (d < 0)
        pr_sb_addc(out, '-');
    if (exp < -4 || exp >= 6)
        append_exponent(digits, dp, 2, out);
    else
        append_fixed(digits, dp, out);
}

/* Go's encoding/json text for float64 `d` (finite). */
static void format_json_float(double d, pr_strbuf *out)
{
    if (d == 0) {
        pr_sb_adds(out, signbit(d) ? "-0" : "0");
        return;
    }
    char digits[32];
    int dp = shortest_digits(d, digits, sizeof digits);
    if (d < 0)
        pr_sb_addc(out, '-');
    if (fabs(d) < 1e-6 || fabs(d) >= 1e21)
        append_exponent(digits, dp, 1, out);
    else
        append_fixed(digits, dp, out);
}

/* How go-yaml v2 prints a JSON number it re-reads. */
static void format_v2_number(const char *json, size_t n, pr_strbuf *out)
{
    go_int gi;
    if (go_parses_int(json, n, &gi)) {
        if (gi.negative && gi.magnitude != 0)
            pr_sb_addc(out, '-');
        pr_sb_addf(out, "%llu", (unsigned long long)gi.magnitude);
        return;
    }
    double d = 0;
    go_parse_float(json, n, &d);
    pr_format_go_g(d, out);
}

static double special_float_value(const char *s)
{
    if (s[0] == '-' )
        return -INFINITY;
    const char *p = s[0] == '+' ? s + 1 : s;
    return (p[1] == 'n' || p[1] == 'N') ? NAN : INFINITY;
}

static void format_timestamp(const timestamp *t, pr_strbuf *out)
{
    pr_sb_addf(out, "%04d-%02d-%02dT%02d:%02d:%02d", t->year, t->month,
               t->day, t->hour, t->minute, t->second);
    if (t->frac[0])
        pr_sb_addf(out, ".%s", t->frac);
    if (!t->has_zone || t->zone_minutes == 0) {
        pr_sb_addc(out, 'Z');
    } else {
        int z = t->zone_minutes < 0 ? -t->zone_minutes : t->zone_minutes;
        pr_sb_addf(out, "%c%02d:%02d", t->zone_minutes < 0 ? '-' : '+',
                   z / 60, z % 60);
    }
}

/* Go's encoding/json text for an int or float scalar. Returns false for
 * what JSON cannot hold (infinities, NaN) or text that is no number. */
static bool number_json(const pr_node *n, pr_strbuf *json)
{
    const char *s = n->scalar.text;
    size_t len = n->scalar.len;
    if (word_in(s, len, special_floats))
        return false;
    char buf[256];
    size_t m = strip_underscores(s, len < sizeof buf ? len : sizeof buf - 1, buf, sizeof buf);
    go_int gi;
    double d;
    const char *digits = NULL;
    int base = 0;
    if (m > 2 && buf[0] == '0' && (buf[1] == 'b' || buf[1] == 'o'))
        digits = buf + 2, base = buf[1] == 'b' ? 2 : 8;
    else if (m > 3 && buf[0] == '-' && buf[1] == '0' && (buf[2] == 'b' || buf[2] == 'o'))
        digits = buf + 3, base = buf[2] == 'b' ? 2 : 8;
    if (n->tag == PR_TAG_INT && go_parses_int(buf, m, &gi)) {
        if (gi.negative && gi.magnitude)
            pr_sb_addc(json, '-');
        pr_sb_addf(json, "%llu", (unsigned long long)gi.magnitude);
    } else if (n->tag == PR_TAG_INT && digits) {
        gi = parse_go_int(digits, strlen(digits), base, false);
        if (buf[0] == '-' && gi.magnitude)
            pr_sb_addc(json, '-');
        pr_sb_addf(json, "%llu", (unsigned long long)gi.magnitude);
    } else if (go_parses_int(buf, m, &gi)) {
        /* !!float applied to an integer literal */
        d = (double)gi.magnitude * (gi.negative ? -1 : 1);
        format_json_float(d, json);
    } else if (go_parse_float(buf, m, &d) || go_parse_float(s, len, &d)) {
        format_json_float(d, json);
    } else {
        return false;
    }
    return true;
}

bool pr_scalar_json(const pr_node *n, pr_strbuf *out)
{
    const char *s = n->scalar.text;
    switch (n->tag) {
    case PR_TAG_NULL:
        pr_sb_adds(out, "null");
        return true;
    case PR_TAG_BOOL:
        pr_sb_adds(out, (s[0] == 't' || s[0] == 'T') ? "true" : "false");
        return true;
    case PR_TAG_INT:
    case PR_TAG_FLOAT:
        return number_json(n, out);
    default:
        return false;
    }
}

void pr_scalar_canonical(const pr_node *n, pr_strbuf *out, bool *is_string)
{
    const char *s = n->scalar.text;
    size_t len = n->scalar.len;
    *is_string = false;
    switch (n->tag) {
    case PR_TAG_NULL:
    case PR_TAG_BOOL:
        pr_scalar_json(n, out);
        return;
    case PR_TAG_TIMESTAMP: {
        timestamp t;
        *is_string = true;
        if (parse_timestamp(s, len, &t))
            format_timestamp(&t, out);
        else
            pr_sb_add(out, s, len);
        return;
    }
    case PR_TAG_INT:
    case PR_TAG_FLOAT: {
        if (word_in(s, len, special_floats)) {
            pr_format_go_g(special_float_value(s), out);
            return;
        }
        pr_strbuf json;
        pr_sb_init(&json);
        if (number_json(n, &json))
            format_v2_number(json.buf, json.len, out);
        else
            pr_sb_add(out, s, len);
        pr_sb_release(&json);
        return;
    }
    case PR_TAG_STR:
    case PR_TAG_BINARY:
        *is_string = true;
        pr_sb_add(out, s, len);
        return;
    }
}

/* ---- go-yaml v2 key order ---- */

/* Go's []rune conversion: each invalid byte becomes U+FFFD. */
static uint32_t next_rune(const char *s, size_t n, size_t *i)
{
    uint32_t cp;
    size_t len = pr_utf8_decode(s, n, *i, &cp);
    *i += len ? len : 1;
    return len ? cp : 0xFFFD;
}

/* A fixed locale, never the user's, keeps key order deterministic. Made
 * once per process; pthread_once because roots render in parallel. */
static locale_t utf8_loc;
static pthread_once_t utf8_loc_once = PTHREAD_ONCE_INIT;

static void make_utf8_locale(void)
{
    utf8_loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static locale_t utf8_locale(void)
{
    pthread_once(&utf8_loc_once, make_utf8_locale);
    return utf8_loc;
}

static bool rune_is_letter(uint32_t r)
{
    if (r < 0x80)
        return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
    locale_t loc = utf8_locale();
    return loc ? iswalpha_l((wint_t)r, loc) != 0 : true;
}

static bool rune_is_digit(uint32_t r)
{
    return r >= '0' && r <= '9';
}

static size_t decode_runes(const char *s, size_t n, uint32_t *out, size_t cap)
{
    size_t i = 0, k = 0;
    while (i < n && k < cap)
        out[k++] = next_rune(s, n, &i);
    return k;
}

int pr_key_compare(const char *a, size_t alen, const char *b, size_t blen)
{
    /* An ASCII prefix both share decides nothing, except through a digit
     * run that crosses the first difference: skip the prefix up to the
     * start of that run, so that keys are decoded from where they differ. */
    size_t skip = 0;
    while (skip < alen && skip < blen && a[skip] == b[skip] &&
           (unsigned char)a[skip] < 0x80)
        skip++;
    /* Most keys differ first at an ASCII letter, or one is a prefix of the
     * other: decided here without decoding. */
    if (skip == alen || skip == blen)
        return alen == blen ? 0 : skip == alen ? -1 : 1;
    unsigned char ca = (unsigned char)a[skip], cb = (unsigned char)b[skip];
    if (ca < 0x80 && cb < 0x80) {
        bool al = (ca | 0x20) >= 'a' && (ca | 0x20) <= 'z';
        bool bl = (cb | 0x20) >= 'a' && (cb | 0x20) <= 'z';
        if (al && bl)
            return ca < cb ? -1 : 1;
        if (al || bl)
            return bl ? -1 : 1;
    }
    while (skip > 0 && a[skip - 1] >= '0' && a[skip - 1] <= '9')
        skip--;
    a += skip, alen -= skip;
    b += skip, blen -= skip;
    uint32_t abuf[256], bbuf[256];
    uint32_t *ar = alen <= 256 ? abuf : malloc(alen * sizeof *ar);
    uint32_t *br = blen <= 256 ? bbuf : malloc(blen * sizeof *br);
    size_t an_r = decode_runes(a, alen, ar, alen);
    size_t bn_r = decode_runes(b, blen, br, blen);
    int result = 0;
    size_t i = 0;
    for (; i < an_r && i < bn_r; i++) {
        if (ar[i] == br[i])
            continue;
        bool al = rune_is_letter(ar[i]), bl = rune_is_letter(br[i]);
        if (al && bl) {
            result = ar[i] < br[i] ? -1 : 1;
            goto done;
        }
        if (al || bl) {
            result = bl ? -1 : 1;
            goto done;
        }
        /* Both non-letters: compare digit runs numerically. */
        int64_t an = 0, bn = 0;
        if (ar[i] == '0' || br[i] == '0') {
            for (size_t j = i; j-- > 0 && rune_is_digit(ar[j]);) {
                if (ar[j] != '0') {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        size_t ai = i, bi = i;
        /* Go's int64 arithmetic wraps on overflow; so does this. */
        for (; ai < an_r && rune_is_digit(ar[ai]); ai++)
            an = (int64_t)((uint64_t)an * 10 + (ar[ai] - '0'));
        for (; bi < bn_r && rune_is_digit(br[bi]); bi++)
            bn = (int64_t)((uint64_t)bn * 10 + (br[bi] - '0'));
        if (an != bn) {
            result = an < bn ? -1 : 1;
            goto done;
        }
        if (ai != bi) {
            result = ai < bi ? -1 : 1;
            goto done;
        }
        result = ar[i] < br[i] ? -1 : 1;
        goto done;
    }
    result = an_r < bn_r ? -1 : an_r > bn_r ? 1 : 0;
done:
    if (ar != abuf)
        free(ar);
    if (br != bbuf)
        free(br);
    return result;
}
