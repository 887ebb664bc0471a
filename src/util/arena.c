/*
 * Bump allocator over a chain of blocks. Small requests are carved from the
 * current block; requests larger than a quarter block get a block of their
 * own so they do not waste the tail of the current one.
 *
 * Blocks come zeroed from calloc (fresh pages from the system are not
 * written to at all) and a block is never reused, so what is handed out is
 * zero without clearing it again. Blocks grow with the arena, and an array
 * that was the last allocation grows in place, so appending to it does not
 * leave its old copies behind.
 */
#include "pleo/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_SIZE (64 * 1024)      /* the first block */
#define MAX_BLOCK_SIZE (1024 * 1024) /* blocks grow to this with the arena */
#define ALIGNMENT 16

typedef struct block {
    struct block *next;
    size_t size;
    size_t used;
    _Alignas(ALIGNMENT) unsigned char data[];
} block;

struct pr_arena {
    block *head;
    size_t total;
    size_t block_size; /* of the next shared block */
    void *last;        /* the latest allocation carved from head */
};

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fputs("pleo-render: out of memory\n", stderr);
        abort();
    }
    return p;
}

pr_arena *pr_arena_new(void)
{
    pr_arena *a = xmalloc(sizeof *a);
    a->head = NULL;
    a->total = 0;
    a->block_size = BLOCK_SIZE;
    a->last = NULL;
    return a;
}

void pr_arena_free(pr_arena *arena)
{
    if (!arena)
        return;
    block *b = arena->head;
    while (b) {
        block *next = b->next;
        free(b);
        b = next;
    }
    free(arena);
}

static block *new_block(size_t size)
{
    block *b = calloc(1, sizeof *b + size);
    if (!b) {
        fputs("pleo-render: out of memory\n", stderr);
        abort();
    }
    b->size = size;
    b->used = 0;
    b->next = NULL;
    return b;
}

void *pr_alloc(pr_arena *arena, size_t size)
{
    size_t rounded = (size + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1);
    if (rounded == 0)
        rounded = ALIGNMENT;
    arena->total += rounded;
    if (rounded > arena->block_size / 4) {
        /* Dedicated block, linked behind the current one. */
        block *b = new_block(rounded);
        b->used = rounded;
        if (arena->head) {
            b->next = arena->head->next;
            arena->head->next = b;
        } else {
            arena->head = b;
        }
        return b->data;
    }
    if (!arena->head || arena->head->size - arena->head->used < rounded) {
        block *b = new_block(arena->block_size);
        b->next = arena->head;
        arena->head = b;
        if (arena->block_size < MAX_BLOCK_SIZE && arena->total >= 4 * arena->block_size)
            arena->block_size *= 2;
    }
    void *p = arena->head->data + arena->head->used;
    arena->head->used += rounded;
    arena->last = p;
    return p;
}

char *pr_strndup(pr_arena *arena, const char *s, size_t len)
{
    char *p = pr_alloc(arena, len + 1);
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *pr_strdup(pr_arena *arena, const char *s)
{
    return pr_strndup(arena, s, strlen(s));
}

char *pr_sprintf(pr_arena *arena, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = pr_alloc(arena, (size_t)n + 1);
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
    /* The latest allocation of the current block grows where it is: the
     * bytes after it were never handed out, so they are still zero. */
    block *h = arena->head;
    if (items && *cap && items == arena->last) {
        size_t old = ((*cap * elem) + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1);
        size_t want = ((ncap * elem) + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1);
        size_t start = (size_t)((unsigned char *)items - h->data);
        if (start + old == h->used && h->size - start >= want) {
            h->used = start + want;
            arena->total += want - old;
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

size_t pr_arena_used(const pr_arena *arena)
{
    return arena->total;
}
