/*
 * Many build roots in one process: finding the roots of a tree, taking a
 * stable share of them, and rendering them in parallel.
 *
 * Each root is rendered exactly as pr_build_render (or pr_build_resources)
 * renders it alone (its own arena, its own warnings and error), so the
 * output of a root never depends on which other roots run beside it.
 * Bases several roots include are built once (pr_base_cache). `pleo-render
 * build ROOT... -o OUTDIR`, `build --all DIR -o OUTDIR`, `--shard I/N` and
 * `pleo-render diff` (both sides, directories or git revisions) are built
 * on this.
 */
#ifndef PLEO_ROOTS_H
#define PLEO_ROOTS_H

#include <stdbool.h>
#include <stddef.h>

#include "pleo/arena.h"
#include "pleo/build.h"
#include "pleo/error.h"
#include "pleo/fs.h"
#include "pleo/strbuf.h"

typedef struct {
    const char *dir;  /* the kustomization directory to render */
    const char *name; /* its name: path relative to the tree searched */
    /* The options this root renders with; NULL: those pr_roots_render
     * gets. Lets one run render roots read through different pr_fs
     * (diff's two sides). */
    const pr_build_options *opts;
    bool ok;            /* set by pr_roots_render */
    pr_strbuf out;      /* the rendered stream, when ok (not in objects mode) */
    pr_strbuf warnings; /* deprecation warnings, as pr_build_render gives them */
    pr_error err;       /* why it failed, when not ok */
    /* Objects mode (pr_roots_run.objects): the objects, as
     * pr_build_resources hands them over, allocated in `arena` (which
     * pr_roots_release frees). */
    pr_arena *arena;
    pr_rendered *objects;
    size_t nobjects;
} pr_root;

/* How pr_roots_find searches. A zeroed struct (or NULL) is what `build
 * --all` does. */
typedef struct {
    const pr_fs *fs; /* NULL: the disk */
    /* The name of the searched directory itself when it is a root; NULL:
     * the last segment of its canonical path ("root" for "/"). */
    const char *top_name;
    /* A kustomization file that cannot be read or parsed: false makes it
     * an error (build --all); true lets it include nothing, so it stays a
     * root whose render reports the problem (diff). */
    bool lenient;
    /* When given, a path (relative to the searched directory, a directory
     * ending in '/') for which it returns true is left out with all below
     * it, as if absent (diff's work tree: .gitignore). */
    bool (*ignored)(const char *rel, void *ctx);
    void *ignored_ctx;
} pr_roots_find_options;

/* The roots under `dir`: every directory below it (hidden ones and
 * symlinked directories skipped) holding a kustomization file that no
 * other kustomization under `dir` lists in `resources`, `bases` or
 * `components` (entries resolved to canonical paths, field names matched
 * ignoring case as kustomize decodes them) and that is no kind: Component,
 * sorted by name. Directories are listed and files read through `o->fs`.
 * `*roots` is allocated in `a`, each root's buffers initialized (call
 * pr_roots_release when done). Errors: `dir` is no directory, a directory
 * cannot be listed, or (unless `o->lenient`) a kustomization file cannot
 * be read or parsed; the message names the path. */
bool pr_roots_find(pr_arena *a, const char *dir, const pr_roots_find_options *o,
                   pr_root **roots, size_t *n, pr_error *err);

/* Initializes a root that was not found by pr_roots_find (a ROOT given on
 * the command line): `dir` and `name` as given, everything else empty. */
void pr_root_init(pr_root *r, const char *dir, const char *name);

/* Keeps, in order, the roots of shard `index` (0-based) of `count`: a root
 * belongs to the shard its name hashes to, so adding or removing a root
 * never moves another one to a different shard. Returns the number kept. */
size_t pr_roots_shard(pr_root *roots, size_t n, unsigned index, unsigned count);

/* Called after each root finishes, from the thread that rendered it, one
 * call at a time. */
typedef void (*pr_roots_progress)(size_t done, size_t total, void *ctx);

/* How pr_roots_render runs. A zeroed struct (or NULL): streams, one
 * thread per core, no progress. */
typedef struct {
    unsigned threads; /* 0: one per available core */
    /* Hand each root's objects over (pr_build_resources) instead of its
     * stream: the root's `arena`, `objects` and `nobjects` are set. */
    bool objects;
    pr_roots_progress progress;
    void *progress_ctx;
} pr_roots_run;

/* Renders every root (with its own options, else `opts`, which may be
 * NULL) on the threads `run` asks for, filling ok, out or objects,
 * warnings and err of each; results never depend on the number of threads
 * or the order roots finish in. Bases several roots include are built
 * once: through the base_cache of the root's options, else of `opts`,
 * else (streams only) through a cache made for this call. Objects may
 * point into the base cache, so in objects mode give one
 * (pr_base_cache_new) and free it only after pr_roots_release. */
void pr_roots_render(pr_root *roots, size_t n, const pr_build_options *opts,
                     const pr_roots_run *run);

/* Releases the buffers, arenas and errors of the roots (the array itself
 * is the arena's of pr_roots_find or the caller's). */
void pr_roots_release(pr_root *roots, size_t n);

#endif
