/*
 * Reading generator key/value sources the way kustomize reads them:
 * literals split at the first '=' with one pair of matching quotes
 * removed; env files line by line (BOM dropped on the first line, leading
 * whitespace trimmed, keys validated as environment variable names);
 * file sources as `key=path` or a path whose base name is the key.
 */
#include "pleo/kv.h"
#include "pleo/utf8.h"

#include <string.h>

void pr_kv_add(pr_arena *a, pr_kv_list *list, const char *key,
               const char *value, size_t value_len)
{
    list->items = pr_grow(a, list->items, sizeof(pr_kv), &list->cap, list->len + 1);
    pr_kv *kv = &list->items[list->len++];
    kv->key = key;
    kv->value = pr_strndup(a, value, value_len);
    kv->value_len = value_len;
}

bool pr_kv_add_literal(pr_arena *a, pr_kv_list *list, const char *literal,
                       pr_error *err)
{
    const char *eq = strchr(literal, '=');
    if (!eq || eq == literal)
        return pr_error_set(err, "invalid literal source %s, expected key=value", literal);
    const char *value = eq + 1;
    size_t n = strlen(value);
    if (n >= 2 && value[0] == value[n - 1] && (value[0] == '"' || value[0] == '\'')) {
        value++;
        n -= 2;
    }
    pr_kv_add(a, list, pr_strndup(a, literal, (size_t)(eq - literal)), value, n);
    return true;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool pr_kv_add_env_file(pr_arena *a, pr_kv_list *list, const char *filename,
                        const char *content, size_t len, pr_error *err)
{
    size_t pos = 0;
    for (int lineno = 1; pos < len; lineno++) {
        const char *line = content + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        pos += n + (nl ? 1 : 0);
        if (n > 0 && line[n - 1] == '\r')
            n--;
        if (!pr_utf8_valid(line, n))
            return pr_error_set(err, "%s:%d: line has invalid utf8 bytes", filename, lineno);
        if (lineno == 1 && n >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3))
            line += 3, n -= 3;
        while (n > 0 && is_space(*line))
            line++, n--;
        if (n == 0 || line[0] == '#')
            continue;
        const char *eq = memchr(line, '=', n);
        size_t keylen = eq ? (size_t)(eq - line) : n;
        /* kustomize checks keys with a validator that accepts anything
         * here (kubectl's `export D=4` gives the key "export D"). */
        if (keylen == 0) /* kustomize's blank pair, as for a comment */
            continue;
        const char *value = eq ? eq + 1 : "";
        size_t value_len = eq ? n - keylen - 1 : 0;
        pr_kv_add(a, list, pr_strndup(a, line, keylen), value, value_len);
    }
    return true;
}

bool pr_kv_parse_file_source(pr_arena *a, const char *source,
                             const char **key, const char **path,
                             pr_error *err)
{
    const char *eq = strchr(source, '=');
    if (!eq) {
        const char *slash = strrchr(source, '/');
        *key = slash ? slash + 1 : source;
        *path = source;
        if (!**key)
            return pr_error_set(err, "file source %s has no file name to use as key", source);
        return true;
    }
    if (eq == source)
        return pr_error_set(err, "key name for file path %s missing", eq + 1);
    if (!eq[1])
        return pr_error_set(err, "file path for key name %.*s missing",
                            (int)(eq - source), source);
    if (strchr(eq + 1, '='))
        return pr_error_set(err, "key names or file paths cannot contain '=' (%s)", source);
    *key = pr_strndup(a, source, (size_t)(eq - source));
    *path = eq + 1;
    return true;
}
