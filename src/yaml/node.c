/* Construction, lookup and mutation of pr_node trees; see node.h.
 *
 * Mappings keep their pairs in input order. Small ones (most Kubernetes
 * mappings) are searched linearly; from INDEX_MIN keys on, a mapping gets
 * a hash index of its keys, so a ConfigMap of 40,000 keys is read, merged
 * and generated in linear time. The index is built and updated by the
 * mutating functions only, never by a lookup, so trees can be read from
 * several threads; it records the items array and length it describes,
 * and a lookup that finds them changed (a pair array copied or assigned
 * behind node.c's back) falls back to scanning. An indexed mapping keeps
 * the capacity of its pair array in the index, as the node has room for
 * one of the two only (node.h). */
#include "pleo/node.h"

#include <stdlib.h>
#include <string.h>

enum { INDEX_MIN = 16 };

enum { NODE_INDEXED = 1 }; /* flags_: map.index is set (else map.cap) */

_Static_assert(sizeof(void *) != 8 || sizeof(pr_node) == 32, "pr_node is 32 bytes");

struct pr_map_keyindex {
    const pr_pair *items; /* the array indexed */
    uint32_t len;         /* pairs indexed */
    uint32_t cap;         /* the mapping's capacity */
    uint32_t mask;        /* slots - 1; slots is a power of two >= 2 * len */
    uint32_t slots[];     /* position + 1, 0 = empty */
};

static uint32_t map_cap(const pr_node *map)
{
    return (map->flags_ & NODE_INDEXED) ? map->map.index->cap : map->map.cap;
}

/* Drops the index, keeping the capacity it held. */
static void index_drop(pr_node *map)
{
    if (!(map->flags_ & NODE_INDEXED))
        return;
    uint32_t cap = map->map.index->cap;
    map->flags_ &= ~NODE_INDEXED;
    map->map.cap = cap;
}

static uint32_t key_hash(const char *s, size_t len)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return (uint32_t)(h ^ (h >> 32));
}

static void index_put(struct pr_map_keyindex *x, const pr_node *key, uint32_t pos)
{
    uint32_t slot = key_hash(key->scalar.text, key->scalar.len) & x->mask;
    while (x->slots[slot])
        slot = (slot + 1) & x->mask;
    x->slots[slot] = pos + 1;
}

/* (Re)builds the index of a mapping that has grown large, sized for the
 * array's capacity so appends do not rebuild it. */
static void index_build(pr_arena *a, pr_node *map)
{
    if (map->map.len < INDEX_MIN) {
        index_drop(map);
        return;
    }
    uint32_t cap = map_cap(map);
    uint32_t slots = 64;
    while (slots < 2 * (cap > map->map.len ? cap : map->map.len))
        slots *= 2;
    struct pr_map_keyindex *x = (map->flags_ & NODE_INDEXED) ? map->map.index : NULL;
    /* An index is reused for the array it was made for only: a node
     * copied as a struct shares both until one of them moves its items. */
    if (!x || x->mask + 1 < slots || x->items != map->map.items) {
        x = pr_alloc(a, sizeof *x + slots * sizeof x->slots[0]);
        x->mask = slots - 1;
    } else {
        memset(x->slots, 0, (x->mask + 1) * sizeof x->slots[0]);
    }
    for (uint32_t i = 0; i < map->map.len; i++)
        index_put(x, map->map.items[i].key, i);
    x->items = map->map.items;
    x->len = map->map.len;
    x->cap = cap;
    map->map.index = x;
    map->flags_ |= NODE_INDEXED;
}

static bool index_current(const pr_node *map)
{
    if (!(map->flags_ & NODE_INDEXED))
        return false;
    const struct pr_map_keyindex *x = map->map.index;
    return x->items == map->map.items && x->len == map->map.len;
}

static pr_node *new_node(pr_arena *a, pr_kind kind)
{
    pr_node *n = pr_alloc(a, sizeof *n);
    n->kind = kind;
    n->tag = PR_TAG_STR;
    return n;
}

pr_node *pr_node_scalar(pr_arena *a, pr_tag tag, const char *text, size_t len)
{
    pr_node *n = new_node(a, PR_SCALAR);
    n->tag = tag;
    n->scalar.text = pr_strintern(a, text, len);
    n->scalar.len = len;
    return n;
}

pr_node *pr_node_str(pr_arena *a, const char *s)
{
    return pr_node_scalar(a, PR_TAG_STR, s, strlen(s));
}

pr_node *pr_node_map(pr_arena *a)
{
    return new_node(a, PR_MAP);
}

pr_node *pr_node_seq(pr_arena *a)
{
    return new_node(a, PR_SEQ);
}

pr_node *pr_node_copy(pr_arena *a, const pr_node *n)
{
    if (!n)
        return NULL;
    pr_node *c = new_node(a, n->kind);
    c->tag = n->tag;
    c->style = n->style;
    c->mark = n->mark;
    switch (n->kind) {
    case PR_SCALAR:
        /* Scalar text is never mutated in place, so it can be shared. */
        c->scalar.text = n->scalar.text;
        c->scalar.len = n->scalar.len;
        break;
    case PR_MAP:
        c->map.items = pr_alloc(a, (n->map.len ? n->map.len : 1) * sizeof(pr_pair));
        c->map.cap = n->map.len;
        c->map.len = n->map.len;
        for (size_t i = 0; i < n->map.len; i++) {
            c->map.items[i].key = pr_node_copy(a, n->map.items[i].key);
            c->map.items[i].value = pr_node_copy(a, n->map.items[i].value);
        }
        index_build(a, c);
        break;
    case PR_SEQ:
        c->seq.items = pr_alloc(a, (n->seq.len ? n->seq.len : 1) * sizeof(pr_node *));
        c->seq.cap = n->seq.len;
        c->seq.len = n->seq.len;
        for (size_t i = 0; i < n->seq.len; i++)
            c->seq.items[i] = pr_node_copy(a, n->seq.items[i]);
        break;
    }
    return c;
}

static bool scalar_same_text(const pr_node *x, const pr_node *y)
{
    return x->scalar.len == y->scalar.len &&
           memcmp(x->scalar.text, y->scalar.text, x->scalar.len) == 0;
}

bool pr_node_equal(const pr_node *x, const pr_node *y)
{
    if (!x || !y)
        return x == y;
    if (x->kind != y->kind)
        return false;
    switch (x->kind) {
    case PR_SCALAR:
        return x->tag == y->tag && scalar_same_text(x, y);
    case PR_MAP:
        if (x->map.len != y->map.len)
            return false;
        for (size_t i = 0; i < x->map.len; i++) {
            const pr_pair *p = &x->map.items[i];
            pr_node *other = pr_map_get(y, p->key->scalar.text);
            if (!other || !pr_node_equal(p->value, other))
                return false;
        }
        return true;
    case PR_SEQ:
        if (x->seq.len != y->seq.len)
            return false;
        for (size_t i = 0; i < x->seq.len; i++)
            if (!pr_node_equal(x->seq.items[i], y->seq.items[i]))
                return false;
        return true;
    }
    return false;
}

bool pr_scalar_is(const pr_node *n, const char *s)
{
    return n && n->kind == PR_SCALAR && strlen(s) == n->scalar.len &&
           memcmp(n->scalar.text, s, n->scalar.len) == 0;
}

const char *pr_kind_kyaml_name(pr_kind kind)
{
    switch (kind) {
    case PR_MAP:
        return "MappingNode";
    case PR_SEQ:
        return "SequenceNode";
    case PR_SCALAR:
        break;
    }
    return "ScalarNode";
}

bool pr_style_is_quoted(pr_style style)
{
    return style == PR_STYLE_QUOTED || style == PR_STYLE_BLOCK;
}

const char *pr_scalar_text(const pr_node *n)
{
    return n && n->kind == PR_SCALAR ? n->scalar.text : NULL;
}

long pr_map_index(const pr_node *map, const char *key)
{
    if (!map || map->kind != PR_MAP)
        return -1;
    size_t klen = strlen(key);
    if (index_current(map)) {
        const struct pr_map_keyindex *x = map->map.index;
        for (uint32_t slot = key_hash(key, klen) & x->mask; x->slots[slot];
             slot = (slot + 1) & x->mask) {
            const pr_node *k = map->map.items[x->slots[slot] - 1].key;
            if (k->scalar.len == klen && memcmp(k->scalar.text, key, klen) == 0)
                return (long)(x->slots[slot] - 1);
        }
        return -1;
    }
    for (size_t i = 0; i < map->map.len; i++) {
        const pr_node *k = map->map.items[i].key;
        if (k->scalar.len == klen && memcmp(k->scalar.text, key, klen) == 0)
            return (long)i;
    }
    return -1;
}

pr_node *pr_map_get(const pr_node *map, const char *key)
{
    long i = pr_map_index(map, key);
    return i < 0 ? NULL : map->map.items[i].value;
}

const char *pr_map_get_str(const pr_node *map, const char *key)
{
    return pr_scalar_text(pr_map_get(map, key));
}

void pr_map_append(pr_arena *a, pr_node *map, pr_node *key, pr_node *value)
{
    bool was_current = index_current(map);
    size_t cap = map_cap(map);
    pr_pair *items = pr_grow(a, map->map.items, sizeof(pr_pair), &cap, map->map.len + 1);
    bool moved = items != map->map.items;
    map->map.items = items;
    map->map.items[map->map.len].key = key;
    map->map.items[map->map.len].value = value;
    map->map.len++;
    /* The arena may grow the items where they are: the index is then
     * still theirs, but it must keep room for a probe to end. */
    if (was_current && !moved && 2 * (size_t)map->map.len <= (size_t)map->map.index->mask + 1) {
        struct pr_map_keyindex *x = map->map.index;
        index_put(x, key, map->map.len - 1);
        x->len = map->map.len;
        x->cap = (uint32_t)cap;
        return;
    }
    /* A new index, not the old one rebuilt: a node copied as a struct may
     * still use the old one with the old items. */
    index_drop(map);
    map->map.cap = (uint32_t)cap;
    if (map->map.len >= INDEX_MIN)
        index_build(a, map);
}

void pr_map_set_items(pr_arena *a, pr_node *map, const pr_pair *pairs, size_t len)
{
    if (!len)
        return;
    map->map.items = pr_alloc(a, len * sizeof *pairs);
    memcpy(map->map.items, pairs, len * sizeof *pairs);
    map->map.len = (uint32_t)len;
    index_drop(map);
    map->map.cap = (uint32_t)len;
    if (len >= INDEX_MIN)
        index_build(a, map);
}

void pr_seq_set_items(pr_arena *a, pr_node *seq, pr_node *const *items, size_t len)
{
    if (!len)
        return;
    seq->seq.items = pr_alloc(a, len * sizeof *items);
    memcpy(seq->seq.items, items, len * sizeof *items);
    seq->seq.len = seq->seq.cap = (uint32_t)len;
}

void pr_map_set_key(pr_arena *a, pr_node *map, size_t i, pr_node *key)
{
    map->map.items[i].key = key;
    if (map->flags_ & NODE_INDEXED)
        index_build(a, map);
}

void pr_map_set(pr_arena *a, pr_node *map, const char *key, pr_node *value)
{
    long i = pr_map_index(map, key);
    if (i >= 0) {
        map->map.items[i].value = value;
        return;
    }
    pr_map_append(a, map, pr_node_str(a, key), value);
}

void pr_map_set_str(pr_arena *a, pr_node *map, const char *key,
                    const char *value)
{
    pr_map_set(a, map, key, pr_node_str(a, value));
}

bool pr_map_remove(pr_node *map, const char *key)
{
    long i = pr_map_index(map, key);
    if (i < 0)
        return false;
    bool indexed = index_current(map);
    memmove(&map->map.items[i], &map->map.items[i + 1],
            (map->map.len - (size_t)i - 1) * sizeof(pr_pair));
    map->map.len--;
    /* Positions after `i` moved, so the index is rebuilt: no dearer than
     * the memmove. It needs no allocation, as the table only shrinks. */
    if (indexed && map->map.len >= INDEX_MIN) {
        struct pr_map_keyindex *x = map->map.index;
        memset(x->slots, 0, (x->mask + 1) * sizeof x->slots[0]);
        for (uint32_t k = 0; k < map->map.len; k++)
            index_put(x, map->map.items[k].key, k);
        x->len = map->map.len;
    } else {
        index_drop(map);
    }
    return true;
}

pr_node *pr_map_ensure_map(pr_arena *a, pr_node *map, const char *key)
{
    pr_node *v = pr_map_get(map, key);
    if (v && v->kind == PR_MAP)
        return v;
    if (v && !pr_node_is_null(v))
        return NULL;
    v = pr_node_map(a);
    pr_map_set(a, map, key, v);
    return v;
}

void pr_seq_append(pr_arena *a, pr_node *seq, pr_node *item)
{
    pr_seq_insert(a, seq, seq->seq.len, item);
}

void pr_seq_insert(pr_arena *a, pr_node *seq, size_t index, pr_node *item)
{
    size_t cap = seq->seq.cap;
    seq->seq.items = pr_grow(a, seq->seq.items, sizeof(pr_node *), &cap, seq->seq.len + 1);
    seq->seq.cap = (uint32_t)cap;
    memmove(&seq->seq.items[index + 1], &seq->seq.items[index],
            (seq->seq.len - index) * sizeof(pr_node *));
    seq->seq.items[index] = item;
    seq->seq.len++;
}

void pr_seq_remove(pr_node *seq, size_t index)
{
    memmove(&seq->seq.items[index], &seq->seq.items[index + 1],
            (seq->seq.len - index - 1) * sizeof(pr_node *));
    seq->seq.len--;
}

bool pr_node_is_null(const pr_node *n)
{
    return n && n->kind == PR_SCALAR && n->tag == PR_TAG_NULL;
}

/* Nodes seen by pr_node_unshare: an open-addressing set of pointers. */
typedef struct {
    const pr_node **slots;
    size_t mask, count;
} node_set;

static size_t ptr_hash(const void *p)
{
    uintptr_t x = (uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

/* Adds `n`; false when it was there already. */
static bool node_set_add(node_set *set, const pr_node *n)
{
    if (2 * (set->count + 1) > set->mask + 1) {
        size_t slots = set->slots ? 2 * (set->mask + 1) : 256;
        const pr_node **t = calloc(slots, sizeof *t);
        if (!t)
            abort();
        for (size_t i = 0; set->slots && i <= set->mask; i++) {
            if (!set->slots[i])
                continue;
            size_t at = ptr_hash(set->slots[i]) & (slots - 1);
            while (t[at])
                at = (at + 1) & (slots - 1);
            t[at] = set->slots[i];
        }
        free(set->slots);
        set->slots = t;
        set->mask = slots - 1;
    }
    size_t at = ptr_hash(n) & set->mask;
    for (; set->slots[at]; at = (at + 1) & set->mask)
        if (set->slots[at] == n)
            return false;
    set->slots[at] = n;
    set->count++;
    return true;
}

void pr_node_unshare(pr_arena *a, pr_node *root)
{
    node_set seen = {0};
    node_set_add(&seen, root);
    pr_node **stack = NULL;
    size_t len = 0, cap = 0;
    pr_node *n = root;
    for (;;) {
        size_t kids = n->kind == PR_MAP ? 2 * (size_t)n->map.len
                      : n->kind == PR_SEQ ? n->seq.len : 0;
        if (len + kids > cap) {
            cap = (len + kids) * 2 + 16;
            stack = realloc(stack, cap * sizeof *stack);
            if (!stack)
                abort();
        }
        for (size_t i = 0; i < kids; i++) {
            pr_node **slot = n->kind == PR_SEQ ? &n->seq.items[i]
                             : i % 2 ? &n->map.items[i / 2].value
                                     : &n->map.items[i / 2].key;
            /* A node met again is replaced by a copy, all of whose nodes
             * are new: nothing below it needs a look. */
            if (!node_set_add(&seen, *slot))
                *slot = pr_node_copy(a, *slot);
            else
                stack[len++] = *slot;
        }
        if (len == 0)
            break;
        n = stack[--len];
    }
    free(stack);
    free(seen.slots);
}

void pr_node_each_in_context(pr_node *root,
                             void (*visit)(pr_node *n, bool in_flow, void *ctx), void *ctx)
{
    typedef struct {
        pr_node *n;
        bool in_flow;
    } item;
    item *stack = NULL;
    size_t len = 0, cap = 0;
    item it = {root, false};
    for (;;) {
        pr_node *n = it.n;
        size_t kids = n->kind == PR_MAP ? n->map.len : n->kind == PR_SEQ ? n->seq.len : 0;
        bool kids_in_flow = it.in_flow || (n->kind != PR_SCALAR && n->style == PR_STYLE_FLOW);
        visit(n, it.in_flow, ctx);
        if (len + kids > cap) {
            cap = (len + kids) * 2 + 16;
            stack = realloc(stack, cap * sizeof *stack);
            if (!stack)
                abort();
        }
        for (size_t i = 0; i < kids; i++)
            stack[len++] = (item){n->kind == PR_MAP ? n->map.items[i].value : n->seq.items[i],
                                  kids_in_flow};
        if (len == 0)
            break;
        it = stack[--len];
    }
    free(stack);
}

typedef struct {
    void (*visit)(pr_node *scalar, void *ctx);
    void *ctx;
} scalar_visit;

static void visit_if_scalar(pr_node *n, bool in_flow, void *ctx)
{
    (void)in_flow;
    const scalar_visit *v = ctx;
    if (n->kind == PR_SCALAR)
        v->visit(n, v->ctx);
}

void pr_node_each_scalar(pr_node *root, void (*visit)(pr_node *scalar, void *ctx), void *ctx)
{
    scalar_visit v = {visit, ctx};
    pr_node_each_in_context(root, visit_if_scalar, &v);
}
