/*
 * The edit engine's view of a kustomization file: a tree that remembers
 * where every node sits in the original bytes (libfyaml's event marks),
 * helpers that reason about the lines around those positions, scalar
 * quoting, and splices that rewrite byte ranges. Private to src/edit/.
 */
#ifndef PLEO_EDIT_DOC_H
#define PLEO_EDIT_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "pleo/arena.h"
#include "pleo/error.h"
#include "pleo/node.h"
#include "pleo/strbuf.h"

typedef enum { PE_SCALAR, PE_MAP, PE_SEQ, PE_ALIAS } pe_kind;

typedef enum {
    PE_PLAIN,
    PE_SINGLE,
    PE_DOUBLE,
    PE_LITERAL,
    PE_FOLDED,
    PE_BLOCK, /* block collection */
    PE_FLOW,  /* flow collection */
} pe_style;

typedef struct pe_node pe_node;
struct pe_node {
    pe_kind kind;
    pe_style style;
    /* Scalars: the text between the quotes. Flow collections: from the
     * opening to past the closing bracket. Block collections: from the
     * first `-` or key to the end of the last item or value. */
    size_t start, end;
    /* Like start/end but including quotes, anchor and tag. */
    size_t ostart, oend;
    bool empty;    /* a null written as nothing at all: `key:` */
    bool anchored; /* other nodes may alias it: editing it edits them */
    bool tagged;
    const char *text; /* scalars: the value, NUL-terminated */
    size_t len;
    /* Sequences: the items. Mappings: key, value, key, value... */
    pe_node **kids;
    size_t n, cap;
    pe_node *parent;
};

typedef struct {
    const char *path;
    const char *src;
    size_t len;
    pe_node *root; /* NULL for a file without a document or an empty one */
    size_t ndocs;
    bool root_empty_doc; /* a document that holds nothing (`---` alone) */
    size_t doc_end;      /* start of an explicit `...`, or `len` */
} pe_doc;

/* Parses `len` bytes into `doc`; positions refer to `src`, which must
 * outlive `doc`. Errors carry path:line:col. */
bool pe_parse(pr_arena *a, const char *path, const char *src, size_t len,
              pe_doc *doc, pr_error *err);

/* 1-based line and column (in characters) of byte `pos`. */
void pe_linecol(const pe_doc *d, size_t pos, int *line, int *col);

/* pr_error_at at byte `pos` of the document. Returns false. */
bool pe_fail(const pe_doc *d, pr_error *err, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Key `key` of mapping `map`: index of the key among map->kids (values
 * follow at index+1), or -1. A key written twice is an error (kustomize
 * would silently use one of them; an edit must not guess which). */
bool pe_map_find(const pe_doc *d, const pe_node *map, const char *key,
                 long *index, pr_error *err);

/* The scalar text of a value, or NULL when it is not a scalar. */
const char *pe_text(const pe_node *n);

/* Lines. A line ends at \n, \r\n or \r. */
size_t pe_ls(const pe_doc *d, size_t pos);        /* start of pos's line */
size_t pe_le(const pe_doc *d, size_t pos);        /* its end, before the break */
size_t pe_next_line(const pe_doc *d, size_t pos); /* past its break, or len */
/* The line break ending pos's line; else the file's first; else "\n". */
const char *pe_eol(const pe_doc *d, size_t pos);
/* True when only blanks stand between the start of pos's line and pos. */
bool pe_first_on_line(const pe_doc *d, size_t pos);
/* Past the line break of the last line `n` occupies (its trailing
 * comment included), or len. */
size_t pe_tail(const pe_doc *d, const pe_node *n);

/* Scalar quoting: plain where the text allows it (else double quotes),
 * single or double quotes, or plain where the text allows it and else
 * single quotes. */
typedef enum { PE_Q_PLAIN, PE_Q_SINGLE, PE_Q_DOUBLE, PE_Q_PLAIN_OR_SINGLE } pe_quote;

/* The quoting of the scalar `n`, which a rewrite of it keeps. */
pe_quote pe_quote_of(const pe_node *n);

/* The quoting for a new scalar written next to `n`: plain where its text
 * allows (a neighbour's quotes are not copied where they are not needed),
 * else the kind of quotes `n` uses. */
pe_quote pe_quote_new(const pe_node *n);

/* True when `s` can be written plain and reads back as the same string,
 * for both of kustomize's YAML readers (YAML 1.1 and 1.2 rules). */
bool pe_plain_ok(const char *s, bool flow);

/* Appends `s` as a scalar in the style `want`, falling back to double
 * quotes when that style cannot carry it. `is_int` writes it plain. */
void pe_encode(pr_strbuf *out, const char *s, pe_quote want, bool flow,
               bool is_int);

/* True when the scalar `n` already reads as the string `s` (a plain `1.0`
 * does not read as the string "1.0"). */
bool pe_scalar_means(const pe_node *n, const char *s, bool is_int);

/* Byte-range rewrites of the current document, applied together. */
typedef struct {
    size_t at, del;
    const char *text;
} pe_splice;

typedef struct {
    pe_splice *v;
    size_t n, cap;
} pe_splices;

void pe_splice_add(pr_arena *a, pe_splices *s, size_t at, size_t del,
                   const char *text);

/* Writes `d`'s bytes with the splices applied to `out` (cleared first).
 * Splices must not overlap. */
void pe_splice_apply(const pe_doc *d, pe_splices *s, pr_strbuf *out);

/* Structural edits. Each adds splices for one change to the current
 * document; the caller applies them and parses again before the next. */

/* A new scalar: its text, whether it is an integer (written plain), and
 * the quoting to copy when the text allows it. */
typedef struct {
    const char *key; /* for mapping entries */
    const char *text;
    bool is_int;
    pe_quote quote;
} pe_field;

/* A new sequence item: a scalar (`text` set), a mapping of scalars, or
 * any tree (`node` set: string scalars take `quote` where it can carry
 * them, other scalars are written plain; a multi-line string in block
 * context becomes a literal block scalar, as kustomize writes patches). */
typedef struct {
    const char *text;
    bool is_int;
    pe_quote quote;
    const pe_field *fields;
    size_t nfields;
    const pr_node *node;
} pe_item;

/* A new value for a mapping key: a scalar, a sequence of one item, or any
 * tree (`node`, written as pe_item's). */
typedef struct {
    const pe_field *scalar;
    const pe_item *seq_item;
    const pr_node *node;
} pe_value;

/* Checks that `v` is a scalar this engine may rewrite: not an alias,
 * not anchored or tagged, not a block scalar. Errors say why, naming the
 * value as `what` ("'newTag'"). */
bool pe_check_editable(const pe_doc *d, const char *what, const pe_node *v, pr_error *err);

/* Replaces the value `v` of key `k` (a scalar, possibly empty) by `f`. */
bool pe_set_scalar(pr_arena *a, const pe_doc *d, const pe_node *k, const pe_node *v,
                   const pe_field *f, pe_splices *s, pr_error *err);

/* Adds `key: value` at the end of mapping `map`, or of the document when
 * `map` is NULL (a file without a mapping yet). */
bool pe_map_add(pr_arena *a, const pe_doc *d, const pe_node *map, const char *key,
                const pe_value *value, pe_splices *s, pr_error *err);

/* Removes the pair whose key is map->kids[ki]. */
bool pe_map_del(pr_arena *a, const pe_doc *d, const pe_node *map, size_t ki,
                pe_splices *s, pr_error *err);

/* Appends `item` to sequence `seq`. */
bool pe_seq_add(pr_arena *a, const pe_doc *d, const pe_node *seq, const pe_item *item,
                pe_splices *s, pr_error *err);

/* Inserts `item` before item `at` of sequence `seq` (appends when `at`
 * is its length), above the comment lines right above that item. */
bool pe_seq_insert(pr_arena *a, const pe_doc *d, const pe_node *seq, size_t at,
                   const pe_item *item, pe_splices *s, pr_error *err);

/* Replaces the null value of key map->kids[ki] by a sequence of `item`. */
bool pe_seq_init(pr_arena *a, const pe_doc *d, const pe_node *map, size_t ki,
                 const pe_item *item, pe_splices *s, pr_error *err);

/* Replaces the null value of key map->kids[ki] by `value` (a mapping
 * under `commonLabels:` left empty, say). */
bool pe_null_init(pr_arena *a, const pe_doc *d, const pe_node *map, size_t ki,
                  const pe_value *value, pe_splices *s, pr_error *err);

/* Replaces the pair map->kids[ki] by `key: value`, in place: comments
 * before and after it stay. Inside the pair's value they go. */
bool pe_map_replace_pair(pr_arena *a, const pe_doc *d, const pe_node *map, size_t ki,
                         const char *key, const pe_value *value, pe_splices *s, pr_error *err);

/* Renames the key `k`, keeping its quoting and everything around it. */
bool pe_rename_key(pr_arena *a, const pe_doc *d, const pe_node *k, const char *key, pe_splices *s,
                   pr_error *err);

/* Removes item `i` of sequence `seq`, the value of key `k`. The last item
 * leaves `[]` behind rather than a null. */
bool pe_seq_del(pr_arena *a, const pe_doc *d, const pe_node *k, const pe_node *seq,
                size_t i, pe_splices *s, pr_error *err);

/* Fails with kustomize's "syntax error in pattern" for `pattern`, and
 * what the syntax is. Returns false. */
bool pe_bad_pattern(const char *pattern, pr_error *err);

#endif
