/*
 * `pleo-render diff`: what a change does to the rendered manifests.
 *
 * Two renders of one kustomization root are compared object by object:
 * objects are paired by identity (group, kind, namespace, name), and a
 * generated ConfigMap or Secret whose name changed only by its content
 * hash is one changed object, not a removal and an addition. Each changed
 * object gets a unified diff of its rendered YAML (libgit2's diff), with
 * Secret values masked unless asked otherwise. Reports come as text,
 * markdown (for pull-request comments) or JSON (schema in the README).
 *
 * Everything is allocated in the arena given; nothing is freed on its own.
 */
#ifndef PLEO_DIFF_H
#define PLEO_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "pleo/arena.h"
#include "pleo/build.h"
#include "pleo/error.h"
#include "pleo/fs.h"
#include "pleo/strbuf.h"

typedef enum { PR_DIFF_ADDED, PR_DIFF_REMOVED, PR_DIFF_CHANGED } pr_diff_status;

/* One object that differs between the two sides. */
typedef struct {
    pr_diff_status status;
    const char *api_version; /* the new side's (the old one's when removed) */
    const char *group, *kind, *namespace, *name; /* "" when absent */
    const char *old_name; /* changed objects whose name changed, else NULL */
    const char *diff;     /* unified diff with "---"/"+++" headers */
} pr_diff_entry;

typedef enum {
    PR_ROOT_UNCHANGED,
    PR_ROOT_CHANGED,
    PR_ROOT_ADDED,   /* a kustomization root only the new side has */
    PR_ROOT_REMOVED, /* one only the old side has */
    PR_ROOT_FAILED,  /* a side failed to render */
} pr_root_status;

/* One kustomization root and how its render changed. */
typedef struct {
    const char *root;   /* as the user sees it, e.g. "environments/prod" */
    pr_root_status status;
    pr_diff_entry *entries;
    size_t len;
    /* PR_ROOT_FAILED: the message of each side that failed, else NULL. */
    const char *old_error, *new_error;
} pr_diff_root;

typedef struct {
    int context;       /* lines of context in unified diffs (-U) */
    bool show_secrets; /* print Secret data and stringData as they are */
} pr_diff_options;

/* Compares two renders of `root` (either side may be NULL: the root does
 * not exist there, so everything is added or removed) and fills `out`.
 * Unchanged objects are left out. Entries list the new render's objects
 * in output order, then the removed ones in the old render's order. */
void pr_diff_compare(pr_arena *a, const char *root, const pr_rendered *old, size_t old_len,
                     const pr_rendered *new_, size_t new_len, const pr_diff_options *o,
                     pr_diff_root *out);

/* "Kind[.group] [namespace/]name", how reports name an object. */
const char *pr_diff_identity(pr_arena *a, const char *group, const char *kind,
                             const char *namespace, const char *name);

/* Totals over all roots. */
typedef struct {
    size_t added, removed, changed; /* objects */
    size_t roots, roots_changed, roots_failed;
} pr_diff_summary;

pr_diff_summary pr_diff_summarize(const pr_diff_root *roots, size_t len);

/* Reports, appended to `out`. Text is one "=== root: counts" line per
 * root that differs followed by its diffs, nothing when nothing differs;
 * `color` adds git's ANSI colours. */
void pr_diff_format_text(const pr_diff_root *roots, size_t len, bool color, pr_strbuf *out);

/* Markdown for a pull-request comment: a summary, then per root a heading,
 * its counts and each object's diff in a fenced `diff` block, inside a
 * collapsed <details> when longer than PR_DIFF_MARKDOWN_FOLD lines. */
#define PR_DIFF_MARKDOWN_FOLD 30
void pr_diff_format_markdown(const pr_diff_root *roots, size_t len, pr_strbuf *out);

/* The JSON document described in the README ("roots", "summary"). */
void pr_diff_format_json(const pr_diff_root *roots, size_t len, pr_strbuf *out);

#endif
