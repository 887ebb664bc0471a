/*
 * `pleo-render edit`: the changes `kustomize edit` makes to a
 * kustomization file, made byte-minimally. kustomize re-marshals the whole
 * file and loses comments, blank lines, key order and quoting; here only
 * the bytes of the scalars, entries and keys that change are rewritten,
 * and new entries copy the layout of their neighbours.
 *
 * The engine is pure (bytes in, bytes out, no I/O) so it can be unit
 * tested and fuzzed; src/cli/edit.c finds the file, expands globs and
 * writes the result.
 */
#ifndef PLEO_EDIT_H
#define PLEO_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "pleo/arena.h"
#include "pleo/error.h"
#include "pleo/strbuf.h"

typedef enum {
    PR_EDIT_SET_IMAGE,       /* args: NAME[=NEWNAME][:TAG][@DIGEST] */
    PR_EDIT_SET_NAMESPACE,   /* args: exactly one namespace */
    PR_EDIT_SET_REPLICAS,    /* args: NAME=COUNT */
    PR_EDIT_ADD_RESOURCE,    /* args: paths, already glob-expanded */
    PR_EDIT_REMOVE_RESOURCE, /* args: patterns matched against entries */
} pr_edit_kind;

typedef struct {
    pr_edit_kind kind;
    const char *const *args;
    size_t nargs;
    /* Base name of the kustomization file; `add resource` never adds the
     * file to itself (a glob like `*.yaml` matches it). May be NULL. */
    const char *file_name;
} pr_edit_request;

/* One parsed `set image` argument. A NULL field is absent (removed from an
 * existing entry, as kustomize replaces the whole entry); "*" keeps the
 * value the file has. */
typedef struct {
    const char *name;
    const char *new_name;
    const char *new_tag;
    const char *digest;
} pr_edit_image;

/* Parses a `set image` argument exactly as kustomize v5.5.0 does, strings
 * allocated in `a`. Returns false with kustomize's message when invalid. */
bool pr_edit_parse_image(pr_arena *a, const char *arg, pr_edit_image *out,
                         pr_error *err);

/* Parses a `set replicas` argument NAME=COUNT (COUNT a base-10 int64, as
 * Go's strconv.ParseInt reads it). `*name` is allocated in `a`. */
bool pr_edit_parse_replica(pr_arena *a, const char *arg, const char **name,
                           long long *count, pr_error *err);

/* Checks the request's arguments without looking at any file: a false
 * return is a usage error (the caller exits 2). */
bool pr_edit_check_args(const pr_edit_request *req, pr_error *err);

/* Applies `req` to the kustomization bytes `src` (named `path` in
 * messages, which carry path:line:col when the file is at fault) and
 * stores the edited bytes in `out` (cleared first; equal to `src` when
 * nothing changes). Informational messages, such as a resource that is
 * already listed, are appended to `notes` one per line. The result is
 * re-parsed and compared with the intended meaning before it is returned;
 * on any failure returns false and `out` must not be used. */
bool pr_edit_apply(const pr_edit_request *req, const char *path,
                   const char *src, size_t len, pr_strbuf *out,
                   pr_strbuf *notes, pr_error *err);

#endif
