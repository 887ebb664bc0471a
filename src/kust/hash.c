/*
 * Name-suffix hashes for generated ConfigMaps and Secrets, bit-compatible
 * with kustomize: the object's kind, name and data are written as compact
 * JSON with sorted keys (Go's encoding/json conventions, including its
 * HTML-safe escaping), hashed with SHA-256, and the first ten hex digits
 * are kept with 0,1,3,a,e replaced by g,h,k,m,t.
 */
#include "pleo/hash.h"

#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

#include "pleo/utf8.h"
#include "pleo/yaml.h"
#include "yaml/scalar.h"

void pr_json_append_string(pr_strbuf *out, const char *str, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    pr_sb_addc(out, '"');
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = pr_utf8_decode(str, n, i, &cp);
        if (len == 0) {
            pr_sb_adds(out, "\\ufffd");
            i++;
            continue;
        }
        if (len == 1) {
            unsigned char c = s[i];
            switch (c) {
            case '"': pr_sb_adds(out, "\\\""); break;
            case '\\': pr_sb_adds(out, "\\\\"); break;
            case '\n': pr_sb_adds(out, "\\n"); break;
            case '\r': pr_sb_adds(out, "\\r"); break;
            case '\t': pr_sb_adds(out, "\\t"); break;
            case '<': case '>': case '&':
                pr_sb_addf(out, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
                break;
            default:
                if (c < 0x20)
                    pr_sb_addf(out, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
                else
                    pr_sb_addc(out, (char)c);
            }
        } else if (cp == 0x2028 || cp == 0x2029) {
            pr_sb_addf(out, "\\u%04x", (unsigned)cp);
        } else {
            pr_sb_add(out, s + i, len);
        }
        i += len;
    }
    pr_sb_addc(out, '"');
}

typedef struct {
    const char *key;
    size_t keylen;
    const pr_node *value;
} json_entry;

static int compare_entries(const void *x, const void *y)
{
    const json_entry *a = x, *b = y;
    size_t n = a->keylen < b->keylen ? a->keylen : b->keylen;
    int c = memcmp(a->key, b->key, n);
    if (c)
        return c;
    return a->keylen < b->keylen ? -1 : a->keylen > b->keylen;
}

static void append_json(pr_strbuf *out, const pr_node *v);

/* A mapping as Go marshals map[string]interface{}: sorted keys. */
static void append_object(pr_strbuf *out, const pr_node *map)
{
    size_t n = map->map.len;
    json_entry *entries = calloc(n ? n : 1, sizeof *entries);
    for (size_t i = 0; i < n; i++) {
        entries[i].key = map->map.items[i].key->scalar.text;
        entries[i].keylen = map->map.items[i].key->scalar.len;
        entries[i].value = map->map.items[i].value;
    }
    qsort(entries, n, sizeof *entries, compare_entries);
    pr_sb_addc(out, '{');
    for (size_t i = 0; i < n; i++) {
        if (i)
            pr_sb_addc(out, ',');
        pr_json_append_string(out, entries[i].key, entries[i].keylen);
        pr_sb_addc(out, ':');
        append_json(out, entries[i].value);
    }
    pr_sb_addc(out, '}');
    free(entries);
}

/* Any value as Go marshals what it decoded: data values are meant to be
 * strings, but a patch can put a number, a list or a mapping there, and
 * kustomize hashes those as they are. */
static void append_json(pr_strbuf *out, const pr_node *v)
{
    if (v->kind == PR_MAP) {
        append_object(out, v);
    } else if (v->kind == PR_SEQ) {
        pr_sb_addc(out, '[');
        for (size_t i = 0; i < v->seq.len; i++) {
            if (i)
                pr_sb_addc(out, ',');
            append_json(out, v->seq.items[i]);
        }
        pr_sb_addc(out, ']');
    } else if (!pr_scalar_json(v, out)) {
        pr_json_append_string(out, v->scalar.text, v->scalar.len);
    }
}

void pr_json_append_node(pr_strbuf *out, const pr_node *v)
{
    append_json(out, v);
}

/* Writes `"key":` followed by the field's value: a map, or "" when absent. */
static void append_field(pr_strbuf *out, const char *key, const pr_node *v)
{
    pr_json_append_string(out, key, strlen(key));
    pr_sb_addc(out, ':');
    if (v && v->kind == PR_MAP)
        append_object(out, v);
    else if (v && v->kind == PR_SCALAR && v->tag != PR_TAG_NULL)
        pr_json_append_string(out, v->scalar.text, v->scalar.len);
    else if (v && v->kind == PR_SCALAR)
        pr_sb_adds(out, "null");
    else
        pr_sb_adds(out, "\"\"");
}

void pr_hash_encode(const unsigned char digest[32], char out[11])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 10; i++) {
        unsigned char nibble = (digest[i / 2] >> (i % 2 ? 0 : 4)) & 15;
        char c = hex[nibble];
        switch (c) {
        case '0': c = 'g'; break;
        case '1': c = 'h'; break;
        case '3': c = 'k'; break;
        case 'a': c = 'm'; break;
        case 'e': c = 't'; break;
        default: break;
        }
        out[i] = c;
    }
    out[10] = '\0';
}

static void finish(pr_strbuf *json, char out[11])
{
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)json->buf, json->len, digest);
    pr_hash_encode(digest, out);
    pr_sb_release(json);
}

/* kustomize looks the name up as one top-level field literally called
 * "metadata/name", which objects never have, so the name it hashes is ""
 * (a generated object's hash does not depend on its name). Reproduced
 * as is: changing it would change every suffix. */
static const pr_node *name_node(const pr_node *obj)
{
    return pr_map_get(obj, "metadata/name");
}

bool pr_hash_configmap(const pr_node *cm, char out[11])
{
    /* Keys in sorted order: binaryData, data, kind, name. */
    pr_strbuf json;
    pr_sb_init(&json);
    pr_sb_addc(&json, '{');
    const pr_node *binary = pr_map_get(cm, "binaryData");
    if (binary && binary->kind == PR_MAP) {
        append_field(&json, "binaryData", binary);
        pr_sb_addc(&json, ',');
    }
    append_field(&json, "data", pr_map_get(cm, "data"));
    pr_sb_adds(&json, ",\"kind\":\"ConfigMap\",");
    append_field(&json, "name", name_node(cm));
    pr_sb_addc(&json, '}');
    finish(&json, out);
    return true;
}

bool pr_hash_secret(const pr_node *secret, char out[11])
{
    /* Keys in sorted order: data, kind, name, stringData, type. */
    pr_strbuf json;
    pr_sb_init(&json);
    pr_sb_addc(&json, '{');
    append_field(&json, "data", pr_map_get(secret, "data"));
    pr_sb_adds(&json, ",\"kind\":\"Secret\",");
    append_field(&json, "name", name_node(secret));
    const pr_node *string_data = pr_map_get(secret, "stringData");
    if (string_data && string_data->kind == PR_MAP) {
        pr_sb_addc(&json, ',');
        append_field(&json, "stringData", string_data);
    }
    pr_sb_addc(&json, ',');
    append_field(&json, "type", pr_map_get(secret, "type"));
    pr_sb_addc(&json, '}');
    finish(&json, out);
    return true;
}
