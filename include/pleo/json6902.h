/*
 * RFC 6902 JSON Patch applied to pr_node trees, as kustomize applies the
 * operations of a JSON 6902 patch to each selected object.
 */
#ifndef PLEO_JSON6902_H
#define PLEO_JSON6902_H

#include <stdbool.h>

#include "pleo/arena.h"
#include "pleo/error.h"
#include "pleo/node.h"

/* Applies the operations in `ops` (a sequence of mappings with op, path,
 * value, from) to `doc` in place. Values are copied, never shared with
 * `ops`. `ops_are_json` says the operations were written as JSON text:
 * kustomize's json-patch library then compares a `test` value's text as
 * written with Go's JSON of the document's value, so `1.0` does not equal
 * 1 and a string holding &, <, > (which Go escapes) equals nothing. On
 * failure returns false with a message naming the operation's index, op
 * and path; `doc` may then be partly patched. */
bool pr_json6902_apply(pr_arena *a, pr_node *doc, const pr_node *ops, bool ops_are_json,
                       pr_error *err);

#endif
