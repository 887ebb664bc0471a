/*
 * Many build roots in one process: finding the roots of a tree, taking a
 * stable share of them, and rendering them in parallel.
 *
 * Each root is rendered exactly as pr_build_render renders it alone (its
 * own arena, its own warnings and error), so the output of a root never
 * depends on which other roots run beside it. `pleo-render build ROOT...
 * -o OUTDIR`, `build --all DIR -o OUTDIR` and `--shard I/N` are built on
 * this.
 */
#ifndef PLEO_ROOTS_H
#define PLEO_ROOTS_H

#include <stdbool.h>
#include <stddef.h>

#include "pleo/arena.h"
#include "pleo/build.h"
#include "pleo/error.h"
#include "pleo/strbuf.h"

typedef struct {
    const char *dir;     /* the kustomization directory to render */
    const char *name;    /* its output name: path relative to the tree, no ".yaml" */
    bool ok;             /* set by pr_roots_render */
    pr_strbuf out;       /* the rendered stream, when ok */
    pr_strbuf warnings;  /* deprecation warnings, as pr_build_render gives them */
    pr_error err;        /* why it failed, when not ok */
} pr_root;

/* The roots under `dir`: every directory below it (hidden ones and
 * symlinked directories skipped) holding a kustomization file that no
 * other kustomization under `dir` lists in `resources`, `bases` or
 * `components`, sorted by name. `*roots` is allocated in `a` (call
 * pr_roots_release when done); a kustomization file that cannot be read
 * or parsed is an error naming it. */
bool pr_roots_find(pr_arena *a, const char *dir, pr_root **roots, size_t *n,
                   pr_error *err);

/* Keeps, in order, the roots of shard `index` (0-based) of `count`: a root
 * belongs to the shard its name hashes to, so adding or removing a root
 * never moves another one to a different shard. Returns the number kept. */
size_t pr_roots_shard(pr_root *roots, size_t n, unsigned index, unsigned count);

/* Called after each root finishes, from the thread that rendered it, one
 * call at a time. */
typedef void (*pr_roots_progress)(size_t done, size_t total, void *ctx);

/* Renders every root with pr_build_render on `threads` threads (0: one
 * per available core), filling ok/out/warnings/err of each. */
void pr_roots_render(pr_root *roots, size_t n, const pr_build_options *opts,
                     unsigned threads, pr_roots_progress progress, void *ctx);

/* Releases the buffers and errors of the roots (the array is the arena's). */
void pr_roots_release(pr_root *roots, size_t n);

#endif
