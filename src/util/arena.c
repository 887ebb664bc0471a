/*
 * Bump allocator over a chain of blocks. Objects are carved from the bottom
 * of the current block, 16-byte aligned; strings from its top, packed
 * without alignment, so the many short texts of a build (keys, names,
 * numbers) cost their bytes and nothing more. Requests larger than a
 * quarter block get a block of their own so they do not waste the tail of
 * the current one.
 *
 * Blocks come zeroed from calloc (fresh pages from the system are not
 * written to at all) and a block is never reused, so what is handed out is
 * zero without clearing it again. Blocks grow with the arena, and an array
 * that was the last allocation grows in place, so appending to it does not
 * leave its old copies behind.
 *
 * Interned strings (pr_strintern) are kept once per arena: the same key or
 * value read from thousands of objects shares one copy. A scratch arena
 * interns in the arena that owns it, so it can go without taking along
 * the texts that were read from its trees.
 *
 * Under AddressSanitizer the parts of a block not handed out are poisoned,
 * so reading or writing past an object is reported as it would be for
 * malloc'd memory (to the granule for strings, which are packed).
 */
#include "pleo/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define BLOCK_SIZE (64 * 1024)      /* the first block */
#define SCRATCH_BLOCK_SIZE (4 * 1024) /* the first block of a scratch arena */
#define MAX_BLOCK_SIZE (1024 * 1024) /* blocks grow to this with the arena */
#define ALIGNMENT 16
/* Longer strings are seldom repeated and would only cost hashing. */
#define INTERN_MAX 128

typedef struct block {
    struct block *next;
    uint64_t serial; /* blocks made earlier have smaller ones */
    size_t size;
    size_t used; /* objects: [0, used) */
    size_t top;  /* strings: [top, size) */
    _Alignas(ALIGNMENT) unsigned char data[];
} block;

typedef struct {
    const char *text; /* NULL: empty slot */
    uint32_t hash;
    uint32_t len;
} intern_slot;

struct pr_arena {
    block *head;
    size_t total;
    size_t block_size; /* of the next shared block */
    void *last;        /* the latest object carved from head, or NULL */
    pr_arena *owner;   /* scratch arenas: where interned strings go */
    uint64_t serials;  /* blocks made so far */
    block *spare;      /* a block given back by pr_arena_release, kept for reuse */
    intern_slot *interned; /* open addressing; heap, not arena */
    size_t intern_mask;    /* slots - 1 */
    size_t intern_count;
};

static void out_of_memory(void)
{
    fputs("pleo-render: out of memory\n", stderr);
    abort();
}

pr_arena *pr_arena_new(void)
{
    pr_arena *a = calloc(1, sizeof *a);
    if (!a)
        out_of_memory();
    a->block_size = BLOCK_SIZE;
    return a;
}

pr_arena *pr_arena_new_scratch(pr_arena *owner)
{
    pr_arena *a = pr_arena_new();
    a->owner = owner;
    /* Scratch arenas are many and mostly small: they start small and
     * grow like the others. */
    a->block_size = SCRATCH_BLOCK_SIZE;
    return a;
}

void pr_arena_free(pr_arena *arena)
{
    if (!arena)
        return;
    block *b = arena->head;
    while (b) {
        block *next = b->next;
        UNPOISON(b->data, b->size);
        free(b);
        b = next;
    }
    if (arena->spare) {
        UNPOISON(arena->spare->data, arena->spare->size);
        free(arena->spare);
    }
    free(arena->interned);
    free(arena);
}

static block *new_block(pr_arena *arena, size_t size)
{
    block *b = arena->spare;
    if (b && b->size >= size && b->size <= 4 * size) {
        /* Zero again only what was handed out before it was given back. */
        arena->spare = NULL;
        UNPOISON(b->data, b->size);
        memset(b->data, 0, b->used);
        memset(b->data + b->top, 0, b->size - b->top);
        b->serial = ++arena->serials;
        b->used = 0;
        b->top = b->size;
        b->next = NULL;
        POISON(b->data, b->size);
        return b;
    }
    b = calloc(1, sizeof *b + size);
    if (!b)
        out_of_memory();
    b->serial = ++arena->serials;
    b->size = size;
    b->used = 0;
    b->top = size;
    b->next = NULL;
    POISON(b->data, size);
    return b;
}

/* A block holding one large request, linked behind the current one so the
 * current one keeps its room. */
static void *dedicated(pr_arena *arena, size_t size)
{
    block *b = new_block(arena, size);
    b->used = size;
    if (arena->head) {
        b->next = arena->head->next;
        arena->head->next = b;
    } else {
        arena->head = b;
    }
    return b->data;
}

/* Makes sure the current block has `size` bytes between its two ends. */
static block *room(pr_arena *arena, size_t size)
{
    block *h = arena->head;
    if (h && h->top - h->used >= size)
        return h;
    h = new_block(arena, arena->block_size);
    h->next = arena->head;
    arena->head = h;
    arena->last = NULL;
    if (arena->block_size < MAX_BLOCK_SIZE && arena->total >= 4 * arena->block_size)
        arena->block_size *= 2;
    return h;
}

void *pr_alloc(pr_arena *arena, size_t size)
{
    size_t rounded = (size + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1);
    if (rounded == 0)
        rounded = ALIGNMENT;
    arena->total += rounded;
    void *p;
    if (rounded > arena->block_size / 4) {
        p = dedicated(arena, rounded);
    } else {
        block *h = room(arena, rounded);
        p = h->data + h->used;
        h->used += rounded;
        arena->last = p;
    }
    UNPOISON(p, size ? size : 1);
    return p;
}

/* `size` bytes with no alignment, from the top of the current block. */
static char *alloc_text(pr_arena *arena, size_t size)
{
    arena->total += size;
    char *p;
    if (size > arena->block_size / 4) {
        p = dedicated(arena, size);
    } else {
        block *h = room(arena, size);
        h->top -= size;
        p = (char *)h->data + h->top;
    }
    UNPOISON(p, size);
    return p;
}

static char *copy_text(pr_arena *arena, const char *s, size_t len)
{
    char *p = alloc_text(arena, len + 1);
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *pr_strndup(pr_arena *arena, const char *s, size_t len)
{
    return copy_text(arena, s, len);
}

char *pr_strdup(pr_arena *arena, const char *s)
{
    return copy_text(arena, s, strlen(s));
}

static uint32_t text_hash(const char *s, size_t len)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return (uint32_t)(h ^ (h >> 32));
}

static void intern_grow(pr_arena *arena)
{
    size_t slots = arena->interned ? 2 * (arena->intern_mask + 1) : 1024;
    intern_slot *t = calloc(slots, sizeof *t);
    if (!t)
        out_of_memory();
    for (size_t i = 0; arena->interned && i <= arena->intern_mask; i++) {
        const intern_slot *s = &arena->interned[i];
        if (!s->text)
            continue;
        size_t at = s->hash & (slots - 1);
        while (t[at].text)
            at = (at + 1) & (slots - 1);
        t[at] = *s;
    }
    free(arena->interned);
    arena->interned = t;
    arena->intern_mask = slots - 1;
}

const char *pr_strintern(pr_arena *arena, const char *s, size_t len)
{
    if (arena->owner)
        return pr_strintern(arena->owner, s, len);
    if (len > INTERN_MAX)
        return copy_text(arena, s, len);
    if (2 * (arena->intern_count + 1) > (arena->interned ? arena->intern_mask + 1 : 0))
        intern_grow(arena);
    uint32_t h = text_hash(s, len);
    size_t at = h & arena->intern_mask;
    for (intern_slot *t = &arena->interned[at]; t->text;
         at = (at + 1) & arena->intern_mask, t = &arena->interned[at])
        if (t->hash == h && t->len == len && memcmp(t->text, s, len) == 0)
            return t->text;
    const char *copy = copy_text(arena, s, len);
    arena->interned[at] = (intern_slot){copy, h, (uint32_t)len};
    arena->intern_count++;
    return copy;
}

char *pr_sprintf(pr_arena *arena, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = alloc_text(arena, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

void *pr_grow(pr_arena *arena, void *items, size_t elem, size_t *cap,
              size_t need)
{
    if (need <= *cap)
        return items;
    size_t ncap = *cap ? *cap * 2 : 4;
    while (ncap < need)
        ncap *= 2;
    /* The latest object of the current block grows where it is: the bytes
     * after it were never handed out, so they are still zero. */
    block *h = arena->head;
    if (items && *cap && items == arena->last) {
        size_t old = ((*cap * elem) + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1);
        size_t want = ((ncap * elem) + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1);
        size_t start = (size_t)((unsigned char *)items - h->data);
        if (start + old == h->used && h->top - start >= want) {
            h->used = start + want;
            arena->total += want - old;
            UNPOISON(items, ncap * elem);
            *cap = ncap;
            return items;
        }
    }
    void *n = pr_alloc(arena, ncap * elem);
    if (*cap)
        memcpy(n, items, *cap * elem);
    *cap = ncap;
    return n;
}

pr_arena_pos pr_arena_mark(const pr_arena *arena)
{
    const block *h = arena->head;
    return (pr_arena_pos){arena->serials, h ? h->serial : 0, h ? h->used : 0, h ? h->top : 0,
                          arena->total};
}

void pr_arena_release(pr_arena *arena, pr_arena_pos pos)
{
    block **link = &arena->head;
    while (*link) {
        block *b = *link;
        if (b->serial <= pos.serials) {
            link = &b->next;
            continue;
        }
        *link = b->next;
        /* A scratch arena marked at a full block would otherwise get and
         * free a block (calloc zeroing all of it) for every object it
         * serves: the largest block given back waits for the next. */
        if (!arena->spare || arena->spare->size < b->size) {
            block *old = arena->spare;
            arena->spare = b;
            POISON(b->data, b->size);
            b = old;
        }
        if (b) {
            UNPOISON(b->data, b->size);
            free(b);
        }
    }
    /* What the current block handed out since goes back, zeroed again, as
     * pr_alloc promises zeroed memory. */
    block *h = arena->head;
    if (h && h->serial == pos.head) {
        UNPOISON(h->data + pos.used, h->used - pos.used);
        memset(h->data + pos.used, 0, h->used - pos.used);
        UNPOISON(h->data + h->top, pos.top - h->top);
        memset(h->data + h->top, 0, pos.top - h->top);
        h->used = pos.used;
        h->top = pos.top;
        POISON(h->data + h->used, h->top - h->used);
    }
    arena->last = NULL;
    arena->total = pos.total;
}

size_t pr_arena_used(const pr_arena *arena)
{
    return arena->total;
}
