/* Open-addressing string map with linear probing; doubles at half load. */
#include "pleo/strmap.h"

#include <stdint.h>
#include <string.h>

typedef struct {
    const char *key;
    void *value;
} entry;

struct pr_strmap {
    pr_arena *a;
    entry *slots;
    size_t cap, len;
};

static uint64_t hash_key(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

pr_strmap *pr_strmap_new(pr_arena *a)
{
    pr_strmap *m = pr_alloc(a, sizeof *m);
    m->a = a;
    m->cap = 16;
    m->slots = pr_alloc(a, m->cap * sizeof *m->slots);
    return m;
}

static entry *find(const pr_strmap *m, const char *key)
{
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)hash_key(key) & mask;; i = (i + 1) & mask)
        if (!m->slots[i].key || !strcmp(m->slots[i].key, key))
            return &m->slots[i];
}

void *pr_strmap_get(const pr_strmap *m, const char *key)
{
    entry *e = find(m, key);
    return e->key ? e->value : NULL;
}

static void grow(pr_strmap *m)
{
    entry *old = m->slots;
    size_t old_cap = m->cap;
    m->cap *= 2;
    m->slots = pr_alloc(m->a, m->cap * sizeof *m->slots);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key)
            *find(m, old[i].key) = old[i];
}

void **pr_strmap_slot(pr_strmap *m, const char *key)
{
    entry *e = find(m, key);
    if (!e->key) {
        if ((m->len + 1) * 2 > m->cap) {
            grow(m);
            e = find(m, key);
        }
        e->key = key;
        e->value = NULL;
        m->len++;
    }
    return &e->value;
}
