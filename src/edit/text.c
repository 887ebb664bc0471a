/*
 * Writing new scalar values into an existing file: keep the quoting the
 * file already uses, and quote whenever a plain value would not read back
 * as the same string. kustomize reads kustomization fields into Go
 * strings and rejects a plain `newTag: 1.0` (a float), so a value such as
 * "1.0" must be quoted even where its neighbours are plain.
 */
#include <string.h>

#include "doc.h"
#include "pleo/utf8.h"
#include "pleo/yaml.h"

pe_quote pe_quote_of(const pe_node *n)
{
    if (!n || n->kind != PE_SCALAR)
        return PE_Q_PLAIN;
    if (n->style == PE_SINGLE)
        return PE_Q_SINGLE;
    if (n->style == PE_DOUBLE)
        return PE_Q_DOUBLE;
    return PE_Q_PLAIN;
}

pe_quote pe_quote_new(const pe_node *n)
{
    return pe_quote_of(n) == PE_Q_SINGLE ? PE_Q_PLAIN_OR_SINGLE : PE_Q_PLAIN;
}

static bool ascii_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool pe_plain_ok(const char *s, bool flow)
{
    size_t n = strlen(s);
    if (n == 0)
        return false;
    /* Deliberately narrower than YAML's plain scalars: names, tags,
     * digests, paths and URLs fit; anything else is quoted. */
    if (!ascii_alnum(s[0]) && s[0] != '.' && s[0] != '/' && s[0] != '_')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (ascii_alnum(c) || strchr("-._/@+=%~?&!*$^()", c))
            continue;
        if (c == ':' && i + 1 < n)
            continue; /* not ": " (no spaces at all) and not a trailing ':' */
        if (c == ',' && !flow)
            continue;
        return false;
    }
    return pr_resolve_plain(s, n) == PR_TAG_STR && !pr_plain_is_nonstring_v2(s, n);
}

/* Characters that double quotes must escape, or that single quotes cannot
 * hold at all (they would be folded or rejected). */
static const char *special_escape(const char *s, size_t n, size_t i, size_t *width)
{
    unsigned char c = (unsigned char)s[i];
    *width = 1;
    switch (c) {
    case '\0': return "\\0";
    case '\a': return "\\a";
    case '\b': return "\\b";
    case '\t': return "\\t";
    case '\n': return "\\n";
    case '\v': return "\\v";
    case '\f': return "\\f";
    case '\r': return "\\r";
    case 0x1b: return "\\e";
    default: break;
    }
    if (c < 0x20 || c == 0x7f)
        return "";
    if (c < 0x80)
        return NULL;
    uint32_t cp = 0;
    size_t w = pr_utf8_decode(s, n, i, &cp);
    if (w == 0)
        return "";
    *width = w;
    if (cp == 0x85)
        return "\\N";
    if (cp == 0x2028)
        return "\\L";
    if (cp == 0x2029)
        return "\\P";
    if (cp == 0xFEFF)
        return "\\uFEFF";
    if (cp >= 0x80 && cp <= 0x9f)
        return "";
    return NULL;
}

static bool single_ok(const char *s)
{
    size_t n = strlen(s), w;
    for (size_t i = 0; i < n; i += w)
        if (special_escape(s, n, i, &w))
            return false;
    return true;
}

static void encode_double(pr_strbuf *out, const char *s)
{
    size_t n = strlen(s), w;
    pr_sb_addc(out, '"');
    for (size_t i = 0; i < n; i += w) {
        const char *esc = special_escape(s, n, i, &w);
        if (esc && *esc) {
            pr_sb_adds(out, esc);
        } else if (esc) {
            /* Control bytes without a short escape, and C1 controls. */
            uint32_t cp = (unsigned char)s[i];
            if (w > 1)
                pr_utf8_decode(s, n, i, &cp);
            pr_sb_addf(out, "\\x%02X", (unsigned)cp);
        } else if (s[i] == '"' || s[i] == '\\') {
            pr_sb_addc(out, '\\');
            pr_sb_addc(out, s[i]);
        } else {
            pr_sb_add(out, s + i, w);
        }
    }
    pr_sb_addc(out, '"');
}

void pe_encode(pr_strbuf *out, const char *s, pe_quote want, bool flow, bool is_int)
{
    bool plain = want == PE_Q_PLAIN || want == PE_Q_PLAIN_OR_SINGLE;
    bool single = want == PE_Q_SINGLE || want == PE_Q_PLAIN_OR_SINGLE;
    if (is_int || (plain && pe_plain_ok(s, flow))) {
        pr_sb_adds(out, s);
    } else if (single && single_ok(s)) {
        pr_sb_addc(out, '\'');
        for (const char *p = s; *p; p++) {
            if (*p == '\'')
                pr_sb_addc(out, '\'');
            pr_sb_addc(out, *p);
        }
        pr_sb_addc(out, '\'');
    } else {
        encode_double(out, s);
    }
}

bool pe_scalar_means(const pe_node *n, const char *s, bool is_int)
{
    if (!n || n->kind != PE_SCALAR || n->empty || n->tagged)
        return false;
    if (n->len != strlen(s) || memcmp(n->text, s, n->len) != 0)
        return false;
    if (n->style == PE_PLAIN) {
        bool str = pr_resolve_plain(n->text, n->len) == PR_TAG_STR &&
                   !pr_plain_is_nonstring_v2(n->text, n->len);
        return is_int ? pr_resolve_plain(n->text, n->len) == PR_TAG_INT : str;
    }
    return !is_int;
}
