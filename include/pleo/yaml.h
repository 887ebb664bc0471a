/*
 * Reading YAML streams into pr_node trees and writing pr_node trees as
 * YAML exactly as kustomize prints them (its output path is go-yaml v3
 * decode -> JSON -> go-yaml v2 encode, whose emitter is libyaml's).
 */
#ifndef PLEO_YAML_H
#define PLEO_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include "pleo/arena.h"
#include "pleo/error.h"
#include "pleo/node.h"
#include "pleo/strbuf.h"

/* The documents of one YAML stream, in order. Empty documents are kept as
 * NULL entries so callers can tell `---\n---` from a missing file. */
typedef struct {
    pr_node **docs;
    size_t len, cap;
} pr_doclist;

/* Limits that keep hostile input bounded. */
#define PR_YAML_MAX_DEPTH 10000       /* nesting levels, as go-yaml allows */
#define PR_YAML_MAX_NODES 10000000     /* nodes in one stream */
#define PR_YAML_MAX_ALIAS_NODES 1000000 /* nodes copied by aliases and merges */
#define PR_YAML_MAX_DOCUMENTS 100000   /* documents in one stream */

/* Parses `len` bytes of `data` (named `filename` in messages) into `out`.
 * Duplicate mapping keys, anchors used before definition and runaway alias
 * expansion are errors. On failure returns false with
 * "filename:line:col: message" in `err`. */
bool pr_yaml_parse(pr_arena *a, const char *filename, const char *data,
                   size_t len, pr_doclist *out, pr_error *err);

/* Parser options for pr_yaml_parse_with. */
enum {
    /* A repeated mapping key replaces the earlier value instead of being an
     * error (kustomize reads kustomization files this way). */
    PR_YAML_LAST_KEY_WINS = 1,
    /* Only the first document is read; what follows its end is never
     * looked at (go-yaml's Unmarshal reads transformer configs this way). */
    PR_YAML_FIRST_DOCUMENT = 2,
    /* Block scalars get the value the YAML text gives them, as
     * sigs.k8s.io/yaml (go-yaml v2) reads what kustomize decodes into Go
     * values: kustomization files, JSON 6902 operations written as YAML,
     * replacement and transformer configuration files. Without it, folded
     * and keep-chomped scalars are changed as kustomize's resource reader
     * (kyaml, go-yaml v3) changes them by writing and re-reading them. */
    PR_YAML_SIGS_YAML = 4,
};

/* pr_yaml_parse with option flags. */
bool pr_yaml_parse_with(pr_arena *a, const char *filename, const char *data,
                        size_t len, int flags, pr_doclist *out, pr_error *err);

/* Rejects what kustomize cannot convert to JSON on its way to output:
 * non-string mapping keys, infinities and NaN, and characters go-yaml's
 * reader refuses. Errors are "filename:line:col: message". */
bool pr_yaml_check_json(const pr_node *doc, const char *filename, pr_error *err);

/* pr_yaml_check_json for a resource, which kustomize also writes out and
 * reads back through kyaml first: a multi-line string that kyaml writes
 * as a block scalar starting with a tab fails there (see jsoncheck.c). */
bool pr_yaml_check_object(const pr_node *obj, const char *filename, pr_error *err);

/* Appends `doc` to `out` as one YAML document, formatted as kustomize
 * formats resources: keys sorted go-yaml style, two-space indent, values
 * quoted only where a YAML 1.1 reader would mistake them. `doc` must pass
 * pr_yaml_check_json: keys are written as strings, so `.inf` and `.INF`,
 * or `1` and `0x1`, would come out as one key written twice. */
bool pr_yaml_emit(const pr_node *doc, pr_strbuf *out, pr_error *err);

/* True when scalar `n`, inside a collection with PR_STYLE_FLOW, is read
 * back by kustomize as a string keeping its text: a timestamp with a time
 * of day and no explicit tag, which go-yaml v3 must quote there (':' is a
 * flow indicator). Elsewhere it becomes a time.Time written in RFC 3339. The
 * emitter applies this; so must any step that turns objects into JSON. */
bool pr_flow_keeps_text(const pr_node *n);

/* pr_yaml_emit with mapping keys written in the node's order, as go-yaml
 * marshals a Go struct's fields (kustomize's origin annotations). */
bool pr_yaml_emit_ordered(const pr_node *doc, pr_strbuf *out, pr_error *err);

/* Resolves the tag of a plain (unquoted, untagged) scalar as kustomize's
 * reader does. */
pr_tag pr_resolve_plain(const char *s, size_t len);

/* Resolves a plain scalar as go-yaml v2 does when it decodes into Go
 * values, the way kustomize reads JSON 6902 operations written as YAML:
 * YAML 1.1 booleans (`yes`, `on`, `n`, ...), and timestamps stay strings. */
pr_tag pr_resolve_plain_v2(const char *s, size_t len);

/* True when go-yaml v2 would read the plain scalar `s` as anything other
 * than a string (so the emitter must quote it). */
bool pr_plain_is_nonstring_v2(const char *s, size_t len);

/* go-yaml v2's mapping key order: a negative, zero or positive result. */
int pr_key_compare(const char *a, size_t alen, const char *b, size_t blen);

#endif
