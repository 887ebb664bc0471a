/*
 * kyaml field paths: the dotted paths `replacements` and `vars` name
 * fields with, such as `spec.template.spec.containers.[name=app].image`
 * or `metadata.annotations.[example.com/x]`.
 *
 * Text is split as kyaml's SmarterPathSplitter splits it: on '.', where
 * `\.` is a literal dot and a segment opening with '[' runs to the next
 * segment ending in ']' even across dots (kept with its brackets when it
 * holds '=', a list-item selector, else unwrapped into a plain key).
 *
 * kustomize reads such paths with two engines whose rules differ, and so
 * does this module:
 *  - pr_fieldpath_get and pr_fieldpath_lookup follow kyaml's PathGetter
 *    (Lookup): segments are trimmed and empty ones dropped; a number is an
 *    index (negative ones are errors), `-` the last item, `[k=v]` the
 *    first item whose field k is exactly v, `*` an error.
 *  - pr_fieldpath_visit follows kyaml's PathMatcher, which replacement
 *    targets use: a non-negative number is an index, `*` every item of a
 *    list, and `[k=v]` every item whose k matches v as an unanchored Go
 *    regular expression (so `[name=app]` also picks `myapp`).
 * Everything lives in the arena passed in.
 */
#ifndef PLEO_FIELDPATH_H
#define PLEO_FIELDPATH_H

#include <stdbool.h>
#include <stddef.h>

#include "pleo/arena.h"
#include "pleo/error.h"
#include "pleo/node.h"

/* A split path; `segs[i]` is segment i exactly as the splitter left it. */
typedef struct {
    const char *text; /* the path as written, for messages */
    const char **segs;
    size_t len;
} pr_fieldpath;

/* Splits `text` as kyaml's SmarterPathSplitter does; segments live in
 * arena `a`. kyaml accepts every text (a segment it cannot use fails when
 * the path is followed), so this fails only on a NULL text. */
bool pr_fieldpath_parse(pr_arena *a, const char *text, pr_fieldpath *out, pr_error *err);

/* The node `path` names in `obj` by kyaml's PathGetter rules (no
 * wildcards, no creation); it may be a null scalar. NULL when a field or
 * item is absent (err untouched); NULL with err set when a segment is
 * malformed (`*`, a negative index, `[x]` without '=') or the path crosses
 * a node of the wrong kind (a scalar where a mapping must be), as kyaml
 * errors there. */
pr_node *pr_fieldpath_get(pr_arena *a, pr_node *obj, const pr_fieldpath *path, pr_error *err);

/* Rewrites `name[N]` segments (N decimal digits) into `name` and `N`, and
 * `[N]` into `N`, as kyaml's convertSliceIndex does before
 * RNode.GetFieldValue looks a path up. Replacements do not do this. */
void pr_fieldpath_convert_slice_index(pr_arena *a, pr_fieldpath *path);

/* The path handling of kyaml's RNode.GetFieldValue, which `vars` use:
 * pr_fieldpath_parse, pr_fieldpath_convert_slice_index (so
 * `spec.ports[0].port` works), then pr_fieldpath_get. */
pr_node *pr_fieldpath_lookup(pr_arena *a, pr_node *obj, const char *path, pr_error *err);

/* What pr_fieldpath_visit creates for a missing final field (kyaml's
 * PathMatcher.Create: the kind of the value about to be stored there).
 * Missing fields on the way become mappings, or lists when the next
 * segment is an index or a `[k=v]` selector. */
typedef enum {
    PR_FIELDPATH_FIND,          /* create nothing */
    PR_FIELDPATH_CREATE_SCALAR, /* an empty scalar, its type left open */
    PR_FIELDPATH_CREATE_MAP,
    PR_FIELDPATH_CREATE_SEQ,
} pr_fieldpath_create;

/* Called for each field the path reaches, in document order: `*slot` is
 * its node, which the visitor may edit or replace. `created` is true when
 * the walk has just made this final field (an empty scalar whose type, as
 * in kyaml, comes from the text stored in it). Return false with err set
 * to stop. */
typedef bool (*pr_fieldpath_visitor)(pr_arena *a, pr_node **slot, bool created, void *ctx,
                                     pr_error *err);

/* Paths longer than this are refused by pr_fieldpath_visit. */
#define PR_FIELDPATH_MAX_SEGMENTS 1000

/* Visits every field `path` reaches in `*root` by kyaml's PathMatcher
 * rules, creating what is missing as `create` says: a missing field, an
 * index one past the end of a list, a `[k=v]` item no item matches (added
 * as {k: v}, or v for `[=v]`). `*matches` receives the number of fields
 * visited; 0 is not an error here. Fails, with kyaml's reason, when the
 * path crosses a node of the wrong kind, an index lies beyond the end, a
 * selector lacks '=' or its value is not a valid regular expression, or
 * the path has more than PR_FIELDPATH_MAX_SEGMENTS segments. */
bool pr_fieldpath_visit(pr_arena *a, pr_node **root, const pr_fieldpath *path,
                        pr_fieldpath_create create, pr_fieldpath_visitor visit, void *ctx,
                        size_t *matches, pr_error *err);

/* Go's strconv.Atoi on a whole segment: optional sign, decimal digits,
 * within a 64-bit int. kyaml decides with it whether a segment is an
 * index. */
bool pr_fieldpath_atoi(const char *s, long long *out);

#endif
