/*
 * The one in-memory YAML node type used by the whole pipeline.
 *
 * Ownership: every node, and every string a node points to, lives in the
 * arena it was created with; nothing is freed individually. Mutating
 * helpers take that arena for any allocation they need.
 *
 * Scalars keep their source text together with the tag resolved when they
 * were read (YAML 1.2 core rules as kustomize's parser applies them), so
 * later stages compare text while the emitter knows whether `5` is the
 * integer 5 or the string "5". Mapping entries keep their input order; the
 * emitter sorts keys.
 */
#ifndef PLEO_NODE_H
#define PLEO_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pleo/arena.h"

typedef enum { PR_SCALAR, PR_MAP, PR_SEQ } pr_kind;

typedef enum {
    PR_TAG_STR,
    PR_TAG_NULL,
    PR_TAG_BOOL,
    PR_TAG_INT,
    PR_TAG_FLOAT,
    PR_TAG_TIMESTAMP,
    PR_TAG_BINARY,
} pr_tag;

/* How a scalar was written, as far as the renderer knows. kustomize keeps
 * a field's style when a strategic merge patch replaces its value, and a
 * quoted style makes the new value a string; scalars the renderer creates
 * itself have no recorded style. A mapping or sequence records only
 * whether it was written in flow style, which kustomize (kyaml) keeps too
 * and which changes how it writes some scalars inside (see emit.c). */
typedef enum {
    PR_STYLE_UNKNOWN,
    PR_STYLE_PLAIN,  /* plain */
    PR_STYLE_TAGGED, /* plain or quoted, with an explicit tag */
    PR_STYLE_QUOTED, /* single or double quoted */
    PR_STYLE_FLOW,   /* mappings and sequences: `{...}` or `[...]` */
    PR_STYLE_BLOCK,  /* literal or folded: kustomize writes it back as a block */
} pr_style;

/* kyaml's name for a node kind (MappingNode, SequenceNode, ScalarNode),
 * as kustomize's "wrong node kind" errors print it; a static string. */
const char *pr_kind_kyaml_name(pr_kind kind);

/* Whether a scalar was written in a style that makes it a string whatever
 * its text (quoted, literal or folded), as kustomize's merges see it. */
bool pr_style_is_quoted(pr_style style);

/* A position in a source file, 1-based; line 0 means "generated". */
typedef struct {
    int line;
    int col;
} pr_mark;

typedef struct pr_node pr_node;

typedef struct {
    pr_node *key; /* always a scalar */
    pr_node *value;
} pr_pair;

/* Every node is 32 bytes (on 64-bit systems): hundreds of thousands of
 * them make up a large build. Its kind, tag and style take a byte each,
 * lengths are 32 bits (the reader stops long before: no stream has more
 * than PR_YAML_MAX_NODES nodes, and no file read is over 256 MiB, so no
 * scalar nears 4 GiB). The fields every kind has open each member of the
 * union, so `n->kind` or `n->mark` reads the same bytes whichever member
 * was written. */
#define PR_NODE_HEAD_                                                 \
    pr_kind kind : 8;                                                 \
    pr_tag tag : 8;      /* meaningful for scalars only */            \
    pr_style style : 8;  /* scalars; collections: flow or not */      \
    unsigned flags_ : 8; /* node.c's bookkeeping */                   \
    pr_mark mark

struct pr_node {
    union {
        struct {
            PR_NODE_HEAD_;
        };
        struct {
            PR_NODE_HEAD_;
            uint32_t len;
            const char *text; /* NUL-terminated; may contain NULs before len */
        } scalar;
        struct {
            PR_NODE_HEAD_;
            uint32_t len;
            pr_pair *items;
            /* Mappings of many keys get a hash index of their keys
             * (node.c), kept in step by the functions below, which holds
             * the capacity of `items` then; a mapping whose items were
             * changed behind their back is searched linearly. */
            union {
                uint32_t cap;
                struct pr_map_keyindex *index;
            };
        } map;
        struct {
            PR_NODE_HEAD_;
            uint32_t len, cap;
            pr_node **items;
        } seq;
    };
};

/* Creates a scalar holding a copy of `len` bytes of `text` (interned:
 * scalar text is never modified in place, so equal texts share a copy). */
pr_node *pr_node_scalar(pr_arena *a, pr_tag tag, const char *text, size_t len);

/* Creates a string scalar holding a copy of `s`. */
pr_node *pr_node_str(pr_arena *a, const char *s);

/* Creates an empty mapping. */
pr_node *pr_node_map(pr_arena *a);

/* Creates an empty sequence. */
pr_node *pr_node_seq(pr_arena *a);

/* Deep copy of `n` into arena `a`. */
pr_node *pr_node_copy(pr_arena *a, const pr_node *n);

/* Structural equality: same kinds, same scalar text and tag, same keys with
 * equal values (in any order), equal items in order. */
bool pr_node_equal(const pr_node *x, const pr_node *y);

/* True when `n` is a scalar whose text is exactly `s`. */
bool pr_scalar_is(const pr_node *n, const char *s);

/* The text of a scalar, or NULL when `n` is NULL or not a scalar. */
const char *pr_scalar_text(const pr_node *n);

/* The value stored under `key` in mapping `map`, or NULL (also when `map`
 * is NULL or not a mapping). */
pr_node *pr_map_get(const pr_node *map, const char *key);

/* Text of the scalar under `key`, or NULL when absent or not a scalar. */
const char *pr_map_get_str(const pr_node *map, const char *key);

/* Index of `key` in `map`, or -1. Mappings of many keys are looked up
 * through a hash index, so a lookup does not scan; lookups never modify
 * the node, so threads may read one tree at once. */
long pr_map_index(const pr_node *map, const char *key);

/* Sets `key` to `value`, replacing an existing entry in place or appending
 * a new one. */
void pr_map_set(pr_arena *a, pr_node *map, const char *key, pr_node *value);

/* Sets `key` to a string scalar holding a copy of `value`. */
void pr_map_set_str(pr_arena *a, pr_node *map, const char *key,
                    const char *value);

/* Appends a pair without checking for an existing key (parsers use this
 * after their own duplicate check). */
void pr_map_append(pr_arena *a, pr_node *map, pr_node *key, pr_node *value);

/* Gives the empty mapping `map` the `len` pairs at `pairs` (keys distinct),
 * copied into an array of exactly `len` (readers collect a mapping's
 * entries first so that it takes no more room than it needs). */
void pr_map_set_items(pr_arena *a, pr_node *map, const pr_pair *pairs, size_t len);

/* Gives the empty sequence `seq` the `len` items at `items`, copied into an
 * array of exactly `len`. */
void pr_seq_set_items(pr_arena *a, pr_node *seq, pr_node *const *items, size_t len);

/* Replaces the key of the pair at position `i` of `map` with the scalar
 * `key` (which must not be present elsewhere in `map`). */
void pr_map_set_key(pr_arena *a, pr_node *map, size_t i, pr_node *key);

/* Removes `key`; returns whether it was present. */
bool pr_map_remove(pr_node *map, const char *key);

/* The mapping under `key`, created (empty) when absent or null. Returns
 * NULL when the key holds something that is not a mapping. */
pr_node *pr_map_ensure_map(pr_arena *a, pr_node *map, const char *key);

/* Appends `item` to sequence `seq`. */
void pr_seq_append(pr_arena *a, pr_node *seq, pr_node *item);

/* Inserts `item` at position `index` (0..len) of `seq`. */
void pr_seq_insert(pr_arena *a, pr_node *seq, size_t index, pr_node *item);

/* Removes the item at `index` of `seq`. */
void pr_seq_remove(pr_node *seq, size_t index);

/* True for a null scalar (explicit `null`, `~` or an empty value). */
bool pr_node_is_null(const pr_node *n);

/* Gives every node that `root` reaches more than once (a value shared by
 * several fields, as labels share theirs: see set_entries.c) a copy of
 * its own in `a`, so that changing one of those fields in place leaves the
 * others; what is reached once stays where it is. For a tree decoded
 * afresh, as kustomize decodes an object after a JSON patch, without
 * copying all of it. */
void pr_node_unshare(pr_arena *a, pr_node *root);

/* Calls `visit` on every scalar in `root` that is a mapping value or a
 * sequence item (keys are not visited), and on `root` if it is a scalar.
 * Iterative, so documents may nest as deeply as the reader allows. */
void pr_node_each_scalar(pr_node *root, void (*visit)(pr_node *scalar, void *ctx), void *ctx);

/* Calls `visit` on `root` and on every mapping value and sequence item in
 * it, collections included, with `in_flow` true when some collection
 * around the node has PR_STYLE_FLOW (whatever `visit` does to that
 * style). Iterative, like pr_node_each_scalar. */
void pr_node_each_in_context(pr_node *root,
                             void (*visit)(pr_node *n, bool in_flow, void *ctx), void *ctx);

#endif
