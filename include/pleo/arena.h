/*
 * Arena allocation: every node, string and table built while rendering one
 * kustomization tree lives in that build's arena and is released at once by
 * pr_arena_free. No function that takes an arena ever frees individual
 * objects, so ownership questions never arise inside the pipeline.
 */
#ifndef PLEO_ARENA_H
#define PLEO_ARENA_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pr_arena pr_arena;

/* Creates an empty arena; aborts the process if memory is exhausted. */
pr_arena *pr_arena_new(void);

/* Creates an arena for trees that die before `owner` (a kustomization
 * file's, say) whose interned strings, and so the text of every scalar
 * made in it, are kept in `owner`: a string read from such a tree stays
 * valid once the tree is gone. It must be freed before `owner`, and used
 * by the thread that uses `owner`. */
pr_arena *pr_arena_new_scratch(pr_arena *owner);

/* Releases the arena and everything allocated from it. NULL is ignored. */
void pr_arena_free(pr_arena *arena);

/* Returns `size` zeroed bytes aligned for any object type. */
void *pr_alloc(pr_arena *arena, size_t size);

/* Returns a NUL-terminated copy of the `len` bytes at `s`. */
char *pr_strndup(pr_arena *arena, const char *s, size_t len);

/* Returns a NUL-terminated copy of `s`. */
char *pr_strdup(pr_arena *arena, const char *s);

/* Returns a NUL-terminated copy of the `len` bytes at `s` that the arena
 * shares between all equal strings interned in it (short ones; a long one
 * gets a copy of its own): it must never be modified. Like every arena
 * function, not for concurrent use of one arena. */
const char *pr_strintern(pr_arena *arena, const char *s, size_t len);

/* Returns a newly formatted string, printf-style. */
char *pr_sprintf(pr_arena *arena, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Grows an arena array of `elem` sized items so it holds at least `need`
 * items, copying the old contents; `*cap` is updated. Returns the array. */
void *pr_grow(pr_arena *arena, void *items, size_t elem, size_t *cap,
              size_t need);

/* A point in an arena's life, to go back to: pr_arena_release(a, pos)
 * takes back everything allocated after pr_arena_mark(a) returned `pos`
 * (later marks included), for arenas that hold temporaries in nested
 * scopes. Nothing allocated since may be used afterwards. */
typedef struct {
    uint64_t serials, head; /* blocks made then; the current one */
    size_t used, top, total;
} pr_arena_pos;

pr_arena_pos pr_arena_mark(const pr_arena *arena);
void pr_arena_release(pr_arena *arena, pr_arena_pos pos);

/* Total bytes handed out by the arena (for memory benchmarks and limits). */
size_t pr_arena_used(const pr_arena *arena);

#endif
