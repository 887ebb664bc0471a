/*
 * Bump allocator over a chain of blocks. Small requests are carved from the
 * current block; requests larger than a quarter block get a block of their
 * own so they do not waste the tail of the current one.
 */
#include "pleo/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_SIZE (64 * 1024)
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
    block *b = xmalloc(sizeof *b + size);
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
    if (rounded > BLOCK_SIZE / 4) {
        /* Dedicated block, linked behind the current one. */
        block *b = new_block(rounded);
        b->used = rounded;
        if (arena->head) {
            b->next = arena->head->next;
            arena->head->next = b;
        } else {
            arena->head = b;
        }
        memset(b->data, 0, rounded);
        return b->data;
    }
    if (!arena->head || arena->head->size - arena->head->used < rounded) {
        block *b = new_block(BLOCK_SIZE);
        b->next = arena->head;
        arena->head = b;
    }
    void *p = arena->head->data + arena->head->used;
    arena->head->used += rounded;
    memset(p, 0, rounded);
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
