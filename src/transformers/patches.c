/*
 * The `patches` field and the deprecated `patchesJson6902` and
 * `patchesStrategicMerge`. A `patches` entry carries its patch inline
 * (`patch:`) or in a file (`path:`); like kustomize, the content decides
 * the kind: a list of operations is a JSON 6902 patch applied to every
 * object its `target` selects; a stream of objects is a set of strategic
 * merge patches, each applied to the object it names, or (one patch only)
 * to every object `target` selects.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kust/pipeline.h"
#include "yaml/scalar.h"
#include "pleo/json6902.h"
#include "pleo/json_syntax.h"
#include "pleo/selector.h"
#include "pleo/smp.h"
#include "pleo/utf8.h"
#include "pleo/yaml.h"

/* What a strategic merge patch may change of the objects it patches
 * (`options` of a `patches` entry). */
typedef struct {
    bool allow_name_change, allow_kind_change;
} smp_options;

/* The text of an entry's patch: `patch:` itself or the file `path:`
 * names. With `trim` (`patches` entries, not patchesJson6902) an inline
 * patch loses its leading and trailing white space, as kustomize trims it
 * (strings.TrimSpace): a keep-chomped block scalar at its end loses its
 * trailing line breaks, and a patch of white space only is no patch. */
static bool load_patch_text(pr_build_ctx *ctx, const pr_kustomization *k,
                            const pr_node *entry, size_t index, bool trim,
                            const char **name, pr_strbuf *text, pr_error *err)
{
    const pr_node *patch = pr_map_get(entry, "patch");
    const pr_node *path = pr_map_get(entry, "path");
    size_t from = 0, to = 0;
    if (patch && pr_scalar_text(patch)) {
        to = patch->scalar.len;
        if (trim)
            pr_go_trim_space(patch->scalar.text, patch->scalar.len, &from, &to);
    }
    bool has_patch = to > from;
    bool has_path = path && pr_scalar_text(path) && *pr_scalar_text(path);
    if (has_patch == has_path)
        return pr_error_set(err, "%s: patches[%zu]: %s", k->path, index,
                            has_patch ? "patch and path can't be set at the same time"
                                      : "must specify one of patch and path");
    if (has_patch) {
        *name = pr_sprintf(ctx->a, "%s: patches[%zu].patch", k->path, index);
        pr_sb_add(text, patch->scalar.text + from, to - from);
        return true;
    }
    return pr_kustomization_read_file(ctx, k, path->scalar.text, text, name, err) ||
           pr_error_prefix(err, "%s: patches[%zu] path %s", k->path, index, path->scalar.text);
}

/* 2^53: integers from there on may not survive a trip through a float64. */
#define FLOAT64_EXACT_INTS 9007199254740992.0

typedef struct {
    pr_arena *a;
    pr_strbuf number; /* reused for each integer's JSON text */
} json_reread;

/* Whether the YAML writer kustomize turns the patched JSON back into YAML
 * with must quote string `s` (it would read as something else, starts
 * with an indicator, or has spaces or a comment marker where plain text
 * cannot): such a string comes back double-quoted, and a later writer
 * that keeps the field's style (replicas) keeps the quotes. */
static bool yaml_needs_quotes(const char *s, size_t n)
{
    if (n == 0 || pr_resolve_plain(s, n) != PR_TAG_STR || pr_plain_is_nonstring_v2(s, n))
        return true;
    if (strchr("@`!&*|>'\"%#,[]{}", s[0]) ||
        ((s[0] == '-' || s[0] == '?' || s[0] == ':') && (n == 1 || s[1] == ' ')))
        return true;
    if (s[0] == ' ' || s[n - 1] == ' ' || s[0] == '\t' || s[n - 1] == '\t' || s[n - 1] == ':')
        return true;
    for (size_t i = 0; i + 1 < n; i++)
        if ((s[i] == ':' && s[i + 1] == ' ') || (s[i] == ' ' && s[i + 1] == '#'))
            return true;
    return memchr(s, '\n', n) != NULL;
}

static void reread_scalar_as_json(pr_node *n, void *ctx)
{
    json_reread *rr = ctx;
    /* JSONToYAML writes a string that spans lines as a literal block, and
     * one a YAML 1.1 reader would misread quoted; kyaml keeps either. */
    if (n->tag == PR_TAG_STR && memchr(n->scalar.text, '\n', n->scalar.len))
        n->style = PR_STYLE_BLOCK;
    else if (n->tag == PR_TAG_STR && yaml_needs_quotes(n->scalar.text, n->scalar.len))
        n->style = PR_STYLE_QUOTED;
    else
        n->style = PR_STYLE_UNKNOWN;
    if (n->tag != PR_TAG_INT && n->tag != PR_TAG_FLOAT && n->tag != PR_TAG_BOOL &&
        n->tag != PR_TAG_NULL)
        return;
    /* Decoded from JSON, a value keeps its meaning, not its spelling:
     * `0x1F` comes back as 31, `True` as true, `~` as null. That shows
     * where the text is used as a string (annotations). */
    pr_sb_reset(&rr->number);
    if (!pr_scalar_json(n, &rr->number))
        return;
    if (n->tag == PR_TAG_INT && fabs(strtod(rr->number.buf, NULL)) >= FLOAT64_EXACT_INTS) {
        /* a float64 now, written back as YAML writes one
         * (1.2345678901234567e+19), which shows where the text is kept
         * (annotations) */
        n->tag = PR_TAG_FLOAT;
        pr_strbuf g;
        pr_sb_init(&g);
        pr_format_go_g(strtod(rr->number.buf, NULL), &g);
        n->scalar.text = pr_strdup(rr->a, g.buf);
        n->scalar.len = g.len;
        pr_sb_release(&g);
        return;
    }
    if (n->scalar.len != rr->number.len || memcmp(n->scalar.text, rr->number.buf, rr->number.len)) {
        n->scalar.text = pr_strdup(rr->a, rr->number.buf);
        n->scalar.len = rr->number.len;
    }
}

/* The patch sees a JSON rendering of the object, where a timestamp is a
 * string: a time.Time written in RFC 3339 or, in a flow collection (see
 * pr_flow_keeps_text), the text as written. */
static void timestamp_as_json(pr_node *n, bool in_flow, void *ctx)
{
    json_reread *rr = ctx;
    if (n->kind != PR_SCALAR || n->tag != PR_TAG_TIMESTAMP)
        return;
    if (!(in_flow && pr_flow_keeps_text(n))) {
        bool is_string;
        pr_sb_reset(&rr->number);
        pr_scalar_canonical(n, &rr->number, &is_string);
        n->scalar.text = pr_strdup(rr->a, rr->number.buf);
        n->scalar.len = rr->number.len;
    }
    n->tag = PR_TAG_STR;
}

static void timestamps_as_json(pr_arena *a, pr_node *root)
{
    json_reread rr = {.a = a};
    pr_sb_init(&rr.number);
    pr_node_each_in_context(root, timestamp_as_json, &rr);
    pr_sb_release(&rr.number);
}

/* The patched object is decoded from JSON into collections without style. */
static void forget_flow_style(pr_node *n, bool in_flow, void *unused)
{
    (void)in_flow, (void)unused;
    if (n->kind != PR_SCALAR)
        n->style = PR_STYLE_UNKNOWN;
}

/* kustomize applies a JSON patch to a JSON rendering of the object and
 * decodes the result into Go values, where every number is a float64. So
 * every scalar forgets how it was written (which matters to later
 * strategic merges; see pr_style), and integers too large for a float64
 * come back rounded. */
static void reread_as_json(pr_arena *a, pr_node *root)
{
    json_reread rr = {.a = a};
    pr_sb_init(&rr.number);
    pr_node_each_scalar(root, reread_scalar_as_json, &rr);
    pr_node_each_in_context(root, forget_flow_style, NULL);
    pr_sb_release(&rr.number);
}

static void read_scalar_as_yaml11(pr_node *n, void *unused)
{
    (void)unused;
    if (n->tag == PR_TAG_TIMESTAMP) {
        n->tag = PR_TAG_STR; /* even with an explicit !!timestamp */
        return;
    }
    const char *t = n->scalar.text;
    if (n->style != PR_STYLE_PLAIN || n->tag != PR_TAG_STR ||
        pr_resolve_plain_v2(t, n->scalar.len) != PR_TAG_BOOL)
        return;
    bool yes = t[0] == 'y' || t[0] == 'Y' || (n->scalar.len == 2 && (t[1] == 'n' || t[1] == 'N'));
    n->tag = PR_TAG_BOOL;
    n->scalar.text = yes ? "true" : "false";
    n->scalar.len = strlen(n->scalar.text);
}

/* kustomize reads operations written as YAML (not starting with '[') with
 * go-yaml v2, whose YAML 1.1 rules make `yes`, `on`, `n`... booleans and
 * leave timestamps as strings. */
static void read_ops_as_yaml11(pr_node *ops)
{
    pr_node_each_scalar(ops, read_scalar_as_yaml11, NULL);
}

/* Applies `ops` to every object `target` selects. `patches` records the
 * previous id first (the patch may rename); patchesJson6902 does not. */
static bool apply_json6902(pr_build_ctx *ctx, const pr_node *target,
                           const pr_node *ops, bool ops_are_json, bool store_prev_id,
                           pr_resmap *m, pr_error *err)
{
    if (!target || pr_node_is_null(target))
        return pr_error_set(err, "must specify a target for JSON patch");
    pr_selector sel;
    if (!pr_selector_parse(ctx->a, target, &sel, err))
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i < pr_resmap_len(m); i++) {
        pr_resource *r = pr_resmap_at(m, i);
        bool selected;
        if (!(ok = pr_selector_match(ctx->a, &sel, r, &selected, err)))
            break;
        if (!selected)
            continue;
        pr_resid before = pr_resource_id(ctx->a, r);
        if (store_prev_id)
            pr_resource_store_prev_id(ctx->a, r);
        /* the object is converted to JSON for the patch */
        if (!(ok = pr_yaml_check_object(r->obj, r->origin, err)))
            break;
        pr_resource_expose_bookkeeping(ctx->a, r);
        timestamps_as_json(ctx->a, r->obj);
        ok = pr_json6902_apply(ctx->a, r->obj, ops, ops_are_json, err) &&
             pr_obj_check(r->obj, "the patched object", err);
        if (ok) {
            pr_resource_hide_bookkeeping(r);
            pr_obj_normalize_annotations(r->obj);
            /* Decoded afresh, the object shares no value node any more
             * (see set_entries.c). */
            pr_node_unshare(ctx->a, r->obj);
            reread_as_json(ctx->a, r->obj);
        } else {
            pr_error_prefix(err, "applying to %s", pr_resid_string(ctx->a, &before));
        }
    }
    pr_selector_release(&sel);
    pr_resmap_ids_changed(m);
    return ok;
}

static bool check_entry_fields(const pr_kustomization *k, const pr_node *entry,
                               size_t index, pr_error *err)
{
    if (entry->kind != PR_MAP)
        return pr_error_at(err, k->path, entry->mark.line, entry->mark.col, "patches[%zu] must be a mapping", index);
    for (size_t i = 0; i < entry->map.len; i++) {
        const pr_node *key = entry->map.items[i].key;
        if (strcmp(key->scalar.text, "path") && strcmp(key->scalar.text, "patch") &&
            strcmp(key->scalar.text, "target") && strcmp(key->scalar.text, "options"))
            return pr_error_at(err, k->path, key->mark.line, key->mark.col, "invalid Kustomization: json: unknown field \"%s\"", key->scalar.text);
    }
    return true;
}

/* The list under `field`, or NULL when absent (an error when malformed). */
static bool patch_list(const pr_kustomization *k, const char *field,
                       const pr_node **out, pr_error *err)
{
    const pr_node *list = pr_map_get(k->root, field);
    *out = NULL;
    if (!list || pr_node_is_null(list))
        return true;
    if (list->kind != PR_SEQ)
        return pr_error_at(err, k->path, list->mark.line, list->mark.col, "%s must be a list", field);
    *out = list;
    return true;
}

/* How kustomize reads a patch's text as JSON 6902 operations: text whose
 * first byte is '[' as strict JSON, anything else (white space before the
 * '[' too) as YAML with go-yaml v2's rules. */
typedef enum { OPS_AS_YAML, OPS_AS_JSON, OPS_NOT_JSON } ops_syntax;

/* A list of operations: the first document is a sequence of mappings. */
static bool is_json6902(const pr_doclist *docs)
{
    const pr_node *ops = docs->len ? docs->docs[0] : NULL;
    if (!ops || ops->kind != PR_SEQ)
        return false;
    for (size_t i = 0; i < ops->seq.len; i++)
        if (ops->seq.items[i]->kind != PR_MAP && !pr_node_is_null(ops->seq.items[i]))
            return false;
    return true;
}

/* Checks entry `index` of `field` ("patches" or "patchesJson6902") and
 * parses its patch documents: into `docs` as kustomize's resource reader
 * reads them (strategic merge patches), and into `ops_docs` as its JSON
 * 6902 reader does (the same list unless the text is a list of operations
 * written as YAML, whose block scalars sigs.k8s.io/yaml reads without
 * kyaml's changes). */
static bool read_patch(pr_build_ctx *ctx, const pr_kustomization *k, const char *field,
                       const pr_node *entry, size_t index, pr_doclist *docs,
                       pr_doclist *ops_docs, ops_syntax *syntax, pr_error *err)
{
    bool trim = !strcmp(field, "patches");
    if (!check_entry_fields(k, entry, index, err))
        return false;
    pr_strbuf text;
    pr_sb_init(&text);
    const char *name;
    if (!load_patch_text(ctx, k, entry, index, trim, &name, &text, err)) {
        pr_sb_release(&text);
        return false;
    }
    *syntax = text.buf[0] != '['                             ? OPS_AS_YAML
              : pr_json_syntax_valid(text.buf, text.len) ? OPS_AS_JSON
                                                          : OPS_NOT_JSON;
    if (*syntax == OPS_AS_JSON)
        text.len = pr_json_escapes_for_yaml(text.buf, text.len);
    bool ok = pr_yaml_parse(ctx->a, name, text.buf, text.len, docs, err);
    *ops_docs = *docs;
    if (ok && *syntax == OPS_AS_YAML && is_json6902(docs)) {
        *ops_docs = (pr_doclist){0};
        ok = pr_yaml_parse_with(ctx->a, name, text.buf, text.len, PR_YAML_SIGS_YAML,
                                ops_docs, err);
    }
    pr_sb_release(&text);
    return ok || pr_error_prefix(err, "%s: %s[%zu]%s", k->path, field, index,
                                 trim ? ": unable to parse SM or JSON patch" : "");
}

/* The operations of a JSON 6902 patch as kustomize reads them, or NULL
 * when the documents are no such patch. */
static pr_node *json6902_ops(const pr_doclist *docs, ops_syntax syntax)
{
    if (!is_json6902(docs) || syntax == OPS_NOT_JSON)
        return NULL;
    if (syntax == OPS_AS_YAML)
        read_ops_as_yaml11(docs->docs[0]);
    return docs->docs[0];
}

/* Reads `options`: booleans by name. Like kustomize, names it does not
 * know are accepted and ignored. */
static bool read_options(const pr_kustomization *k, const pr_node *entry,
                         size_t index, smp_options *out, pr_error *err)
{
    *out = (smp_options){false, false};
    const pr_node *opts = pr_map_get(entry, "options");
    if (!opts || pr_node_is_null(opts))
        return true;
    if (opts->kind != PR_MAP)
        return pr_error_at(err, k->path, opts->mark.line, opts->mark.col,
                           "patches[%zu].options must be a mapping of booleans", index);
    for (size_t i = 0; i < opts->map.len; i++) {
        const pr_node *key = opts->map.items[i].key, *v = opts->map.items[i].value;
        if (pr_node_is_null(v))
            continue;
        if (v->kind != PR_SCALAR || v->tag != PR_TAG_BOOL)
            return pr_error_at(err, k->path, v->mark.line, v->mark.col,
                               "invalid Kustomization: patches[%zu].options.%s must be true or false",
                               index, key->scalar.text);
        bool on = pr_scalar_is(v, "true") || pr_scalar_is(v, "True") || pr_scalar_is(v, "TRUE");
        if (!strcmp(key->scalar.text, "allowNameChange"))
            out->allow_name_change = on;
        else if (!strcmp(key->scalar.text, "allowKindChange"))
            out->allow_kind_change = on;
    }
    return true;
}

static bool is_empty_doc(const pr_node *doc)
{
    return !doc || pr_node_is_null(doc) ||
           (doc->kind == PR_MAP && doc->map.len == 0) ||
           (doc->kind == PR_SEQ && doc->seq.len == 0);
}

static bool ends_with_list(const char *kind)
{
    size_t n = strlen(kind);
    return n >= 4 && !strcmp(kind + n - 4, "List");
}

static void nodes_append(pr_arena *a, pr_doclist *l, pr_node *n)
{
    l->docs = pr_grow(a, l->docs, sizeof *l->docs, &l->cap, l->len + 1);
    l->docs[l->len++] = n;
}

/* Whether `doc` can be a strategic merge patch: an object with a kind and,
 * unless it is a list, a name. Otherwise `why` says what it lacks, naming
 * the document as `where`. */
static bool is_smp_object(pr_arena *a, const pr_node *doc, const char *where,
                          const char **why)
{
    pr_error scratch;
    pr_error_init(&scratch);
    bool ok = pr_obj_check(doc, "patch", &scratch) && pr_map_get_str(doc, "kind");
    pr_error_release(&scratch);
    if (!ok) {
        *why = pr_sprintf(a, "%s is not an object with a kind", where);
        return false;
    }
    if (!*pr_obj_name(doc) && !ends_with_list(pr_map_get_str(doc, "kind"))) {
        *why = pr_sprintf(a, "%s: missing metadata.name", where);
        return false;
    }
    return true;
}

/* The strategic merge patches in a YAML stream, as kustomize reads them:
 * empty documents skipped, every other one an object with a kind and (but
 * for lists) a name, and `...List` objects replaced by their items, which
 * kustomize queues behind the stream's other documents and holds to the
 * same rules. On failure `why` says which document is not a patch. */
static bool collect_smp(pr_arena *a, const pr_doclist *docs, pr_doclist *out,
                        const char **why)
{
    pr_doclist queue = {0};
    for (size_t i = 0; i < docs->len; i++) {
        pr_node *doc = docs->docs[i];
        if (is_empty_doc(doc))
            continue;
        if (!is_smp_object(a, doc, pr_sprintf(a, "document %zu", i + 1), why))
            return false;
        nodes_append(a, &queue, doc);
    }
    for (size_t i = 0; i < queue.len; i++) {
        pr_node *doc = queue.docs[i];
        const char *kind = pr_map_get_str(doc, "kind");
        const pr_node *items = pr_map_get(doc, "items");
        if (!ends_with_list(kind) || !items) {
            nodes_append(a, out, doc);
            continue;
        }
        if (pr_node_is_null(items))
            continue;
        if (items->kind != PR_SEQ) {
            *why = pr_sprintf(a, "expected array in %s/items", kind);
            return false;
        }
        for (size_t j = 0; j < items->seq.len; j++) {
            pr_node *item = items->seq.items[j];
            if (!is_smp_object(a, item, pr_sprintf(a, "%s/items[%zu]", kind, j), why))
                return false;
            nodes_append(a, &queue, item);
        }
    }
    return true;
}

/* kustomize's id equality: same group, version, kind and name, and the
 * same namespace unless the kind is cluster-scoped ("" is "default"). */
static bool id_matches(const pr_resid *x, const pr_resid *y)
{
    if (strcmp(x->gvk.group, y->gvk.group) || strcmp(x->gvk.version, y->gvk.version) ||
        strcmp(x->gvk.kind, y->gvk.kind) || strcmp(x->name, y->name))
        return false;
    if (pr_kind_is_cluster_scoped(&x->gvk))
        return true;
    const char *nx = *x->namespace ? x->namespace : "default";
    const char *ny = *y->namespace ? y->namespace : "default";
    return !strcmp(nx, ny);
}

/* The one resource whose current or any previous id is the patch's own. */
static bool find_patch_target(pr_build_ctx *ctx, pr_resmap *m, const pr_node *patch,
                              size_t *out, pr_error *err)
{
    pr_resid want = {pr_obj_gvk(ctx->a, patch), pr_obj_name(patch), pr_obj_namespace(patch)};
    size_t found = 0;
    for (size_t i = 0; i < pr_resmap_len(m); i++) {
        pr_resource *r = pr_resmap_at(m, i);
        pr_resid cur = pr_resource_id(ctx->a, r);
        bool match = id_matches(&want, &cur);
        for (size_t j = 0; !match && j < r->nprev; j++)
            match = id_matches(&want, &r->prev_ids[j]);
        if (match && found++ == 0)
            *out = i;
    }
    const char *id = pr_resid_string(ctx->a, &want);
    if (found == 1)
        return true;
    return pr_error_set(err, "%s matches for Id %s; failed to find unique target for patch %s",
                        found ? "multiple" : "no", id, id);
}

/* kustomize copies a patch it applies to selected objects by rewriting
 * the copy's labels and annotations as maps of strings: every value
 * becomes its text ("" for collections, so `null` stays as the string
 * "null"), and an empty map is dropped. */
static void stringify_patch_meta(pr_arena *a, pr_node *patch)
{
    static const char *const fields[] = {"labels", "annotations"};
    pr_node *meta = pr_map_get(patch, "metadata");
    if (!meta || meta->kind != PR_MAP)
        return;
    for (size_t f = 0; f < 2; f++) {
        pr_node *m = pr_map_get(meta, fields[f]);
        if (!m)
            continue;
        if (m->kind != PR_MAP || m->map.len == 0) {
            pr_map_remove(meta, fields[f]);
            continue;
        }
        pr_node *strings = pr_node_map(a);
        for (size_t i = 0; i < m->map.len; i++) {
            const pr_node *v = m->map.items[i].value;
            const pr_node *k = m->map.items[i].key;
            pr_map_set(a, strings, k->scalar.text,
                       v->kind == PR_SCALAR ? pr_node_scalar(a, PR_TAG_STR, v->scalar.text, v->scalar.len)
                                            : pr_node_str(a, ""));
            /* written back unquoted, a key like `1` reads as a number
             * again, and output fails on it as kustomize's does */
            pr_node *key = strings->map.items[strings->map.len - 1].key;
            key->tag = pr_resolve_plain(k->scalar.text, k->scalar.len);
            key->mark = k->mark;
        }
        pr_map_set(a, meta, fields[f], strings);
    }
}

/* The loader turns annotation values into strings, as kustomize's output
 * does; but while kustomize builds, a value written as a plain null is
 * still null, and a strategic merge keeps `~`/`null` and drops an empty
 * one. A plain string whose text reads as null can only come from there,
 * so it is a null again for the merge. */
static void restore_null_annotations(pr_node *obj)
{
    pr_node *annotations = pr_map_get(pr_map_get(obj, "metadata"), "annotations");
    if (!annotations || annotations->kind != PR_MAP)
        return;
    for (size_t i = 0; i < annotations->map.len; i++) {
        pr_node *v = annotations->map.items[i].value;
        if (v->kind == PR_SCALAR && v->tag == PR_TAG_STR &&
            (v->style == PR_STYLE_PLAIN || v->style == PR_STYLE_TAGGED) &&
            pr_resolve_plain(v->scalar.text, v->scalar.len) == PR_TAG_NULL)
            v->tag = PR_TAG_NULL;
    }
}

/* Applies one patch document to `r` as kustomize's Resource.ApplySmPatch
 * does: the object keeps its kind and name unless the options allow a
 * change (then its old id is recorded so references follow), and always
 * keeps its namespace. `as_target` gives the patch the object's
 * apiVersion, as kustomize does for every object a selector picked. */
static bool apply_smp(pr_build_ctx *ctx, pr_resource *r, const pr_node *patch,
                      const smp_options *opt, bool as_target, bool *deleted,
                      pr_error *err)
{
    pr_arena *a = ctx->a;
    pr_node *p = pr_node_copy(a, patch);
    if (as_target) {
        stringify_patch_meta(a, p);
        const pr_node *api = pr_map_get(r->obj, "apiVersion");
        if (api)
            pr_map_set(a, p, "apiVersion", pr_node_copy(a, api));
        else
            pr_map_remove(p, "apiVersion");
    }
    pr_resid before = pr_resource_id(a, r);
    const char *kind = pr_strdup(a, pr_map_get_str(r->obj, "kind"));
    const char *name = pr_strdup(a, pr_obj_name(r->obj));
    const char *ns = pr_strdup(a, pr_obj_namespace(r->obj));
    if (opt->allow_name_change || opt->allow_kind_change)
        pr_resource_store_prev_id(a, r);
    restore_null_annotations(r->obj);
    bool ok = pr_smp_merge_with(a, ctx->openapi, r->obj, p, &ctx->smp_work, deleted, err);
    if (ok && !*deleted) {
        pr_node *meta = pr_map_get(r->obj, "metadata");
        if (meta && meta->kind != PR_MAP && !pr_node_is_null(meta))
            ok = pr_error_set(err, "metadata must be a mapping");
    }
    if (ok && !*deleted) {
        if (!opt->allow_kind_change)
            pr_map_set_str(a, r->obj, "kind", kind);
        if (!opt->allow_name_change)
            pr_obj_set_name(a, r->obj, name);
        if (*ns)
            pr_obj_set_namespace(a, r->obj, ns);
        else
            pr_map_remove(pr_map_get(r->obj, "metadata"), "namespace");
        ok = pr_obj_check(r->obj, "the patched object", err);
        if (ok)
            pr_obj_normalize_annotations(r->obj);
    }
    if (!ok)
        return pr_error_prefix(err, "applying to %s", pr_resid_string(a, &before));
    return true;
}

/* Patches the selected objects (in resource order) with one patch, drops
 * the ones it deleted and, when it may rename, checks that ids stay
 * distinct, as kustomize rebuilds its resource map after such a patch. */
static bool apply_smp_to(pr_build_ctx *ctx, pr_resmap *m, pr_resource **targets,
                         size_t ntargets, const pr_node *patch,
                         const smp_options *opt, pr_error *err)
{
    for (size_t t = 0; t < ntargets; t++) {
        bool deleted;
        if (!apply_smp(ctx, targets[t], patch, opt, true, &deleted, err))
            return false;
        if (!deleted)
            continue;
        for (size_t i = 0; i < pr_resmap_len(m); i++)
            if (pr_resmap_at(m, i) == targets[t]) {
                pr_resmap_remove(m, i);
                break;
            }
    }
    pr_resmap_ids_changed(m);
    if (opt->allow_name_change || opt->allow_kind_change) {
        pr_resmap *check = pr_resmap_new(ctx->a);
        if (!pr_resmap_append_all(check, m, err))
            return false;
    }
    return true;
}

/* A strategic merge `patches` entry: with a target, one patch for every
 * selected object; without, each patch for the object it names. */
static bool apply_smp_entry(pr_build_ctx *ctx, const pr_node *target,
                            const pr_doclist *patches, const smp_options *opt,
                            const char *source, pr_resmap *m, pr_error *err)
{
    if (target && !pr_node_is_null(target)) {
        if (patches->len > 1)
            return pr_error_set(err, "Multiple Strategic-Merge Patches in one `patches` entry "
                                "is not allowed to set `patches.target` field: %s", source);
        pr_selector sel;
        if (!pr_selector_parse(ctx->a, target, &sel, err))
            return false;
        pr_resource **selected = pr_alloc(ctx->a, (pr_resmap_len(m) + 1) * sizeof *selected);
        size_t n = 0;
        for (size_t i = 0; i < pr_resmap_len(m); i++) {
            bool picked;
            if (!pr_selector_match(ctx->a, &sel, pr_resmap_at(m, i), &picked, err)) {
                pr_selector_release(&sel);
                return false;
            }
            if (picked)
                selected[n++] = pr_resmap_at(m, i);
        }
        pr_selector_release(&sel);
        return patches->len == 0 ||
               apply_smp_to(ctx, m, selected, n, patches->docs[0], opt, err);
    }
    if (patches->len == 0)
        return pr_error_set(err, "must specify a target for JSON patch %s", source);
    for (size_t i = 0; i < patches->len; i++) {
        const pr_node *patch = patches->docs[i];
        size_t at;
        if (!find_patch_target(ctx, m, patch, &at, err)) {
            pr_resid id = {pr_obj_gvk(ctx->a, patch), pr_obj_name(patch), pr_obj_namespace(patch)};
            return pr_error_prefix(err, "no resource matches strategic merge patch \"%s\"",
                                   pr_resid_string(ctx->a, &id));
        }
        bool deleted;
        if (!apply_smp(ctx, pr_resmap_at(m, at), patch, opt, false, &deleted, err))
            return false;
        if (deleted)
            pr_resmap_remove(m, at);
        pr_resmap_ids_changed(m);
    }
    return true;
}

static const char *patch_source(pr_build_ctx *ctx, const pr_node *entry)
{
    const char *path = pr_map_get_str(entry, "path");
    if (path && *path)
        return pr_sprintf(ctx->a, "[path: \"%s\"]", path);
    return "[patch]";
}

bool pr_tf_patch_apply(pr_build_ctx *ctx, const pr_kustomization *k, const pr_node *entry,
                       size_t i, pr_resmap *m, pr_error *err)
{
    pr_doclist docs = {0}, ops_docs = {0}, smps = {0};
    smp_options opt;
    ops_syntax syntax;
    if (!read_patch(ctx, k, "patches", entry, i, &docs, &ops_docs, &syntax, err) ||
        !read_options(k, entry, i, &opt, err))
        return false;
    const char *source = patch_source(ctx, entry), *why = NULL;
    pr_node *ops = json6902_ops(&ops_docs, syntax);
    /* kustomize turns the operations into JSON when it reads the entry,
     * before looking for targets: what JSON cannot hold (.inf, .nan) fails
     * even a patch that would select nothing. */
    if (ops && !pr_yaml_check_json(ops, source, err))
        return pr_error_prefix(err, "%s: patches[%zu]: unable to parse SM or JSON patch",
                               k->path, i);
    bool json = ops != NULL;
    bool smp = collect_smp(ctx->a, &docs, &smps, &why);
    if (json && smp)
        return pr_error_set(err, "%s: patches[%zu]: illegally qualifies as both an SM and "
                            "JSON patch: %s", k->path, i, source);
    if (!json && !smp)
        return pr_error_set(err, "%s: patches[%zu]: unable to parse SM or JSON patch from "
                            "%s: %s", k->path, i, source,
                            syntax == OPS_NOT_JSON ? "it starts with '[' but is not JSON" : why);
    const pr_node *target = pr_map_get(entry, "target");
    bool ok = json ? apply_json6902(ctx, target, ops, syntax == OPS_AS_JSON, true, m, err)
                   : apply_smp_entry(ctx, target, &smps, &opt, source, m, err);
    return ok || pr_error_prefix(err, "%s: patches[%zu]", k->path, i);
}

bool pr_tf_patches(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                   pr_error *err)
{
    const pr_node *patches;
    if (!patch_list(k, "patches", &patches, err))
        return false;
    for (size_t i = 0; patches && i < patches->seq.len; i++)
        if (!pr_tf_patch_apply(ctx, k, patches->seq.items[i], i, m, err))
            return false;
    return true;
}

/* An entry of patchesStrategicMerge is the patch itself when it reads as
 * one (kustomize tries that first), else the path of a file holding it. */
static bool load_psm_entry(pr_build_ctx *ctx, const pr_kustomization *k,
                           const pr_node *item, size_t index, pr_doclist *out,
                           pr_strlist *files, pr_error *err)
{
    if (pr_node_is_null(item))
        return true;
    if (item->kind != PR_SCALAR || item->tag != PR_TAG_STR)
        return pr_error_at(err, k->path, item->mark.line, item->mark.col,
                           "invalid Kustomization: patchesStrategicMerge[%zu] must be a string", index);
    const char *why = NULL;
    pr_doclist docs = {0};
    pr_error scratch;
    pr_error_init(&scratch);
    bool inline_ok = pr_yaml_parse(ctx->a, k->path, item->scalar.text, item->scalar.len,
                                   &docs, &scratch) &&
                     collect_smp(ctx->a, &docs, out, &why);
    pr_error_release(&scratch);
    if (inline_ok)
        return true;
    pr_strlist_append(ctx->a, files, item->scalar.text);
    pr_strbuf text;
    pr_sb_init(&text);
    const char *path;
    docs = (pr_doclist){0};
    bool ok = pr_kustomization_read_file(ctx, k, item->scalar.text, &text, &path, err) &&
              pr_yaml_parse(ctx->a, path, text.buf, text.len, &docs, err);
    pr_sb_release(&text);
    if (ok && !collect_smp(ctx->a, &docs, out, &why))
        ok = pr_error_set(err, "%s: %s", path, why);
    return ok || pr_error_prefix(err, "%s: patchesStrategicMerge[%zu]", k->path, index);
}

bool pr_tf_patches_strategic_merge(pr_build_ctx *ctx, const pr_kustomization *k,
                                   pr_resmap *m, pr_error *err)
{
    const pr_node *list;
    if (!patch_list(k, "patchesStrategicMerge", &list, err))
        return false;
    if (!list || list->seq.len == 0)
        return true;
    return pr_tf_psm_apply(ctx, k, list, m, err);
}

bool pr_tf_psm_apply(pr_build_ctx *ctx, const pr_kustomization *k, const pr_node *list,
                     pr_resmap *m, pr_error *err)
{
    pr_doclist patches = {0};
    pr_strlist files = {0};
    for (size_t i = 0; i < list->seq.len; i++)
        if (!load_psm_entry(ctx, k, list->seq.items[i], i, &patches, &files, err))
            return false;
    if (patches.len == 0) {
        pr_error_set(err, "%s: patchesStrategicMerge: patch appears to be empty; files=[", k->path);
        for (size_t i = 0; i < files.len; i++)
            pr_sb_addf(&err->msg, "%s%s", i ? " " : "", files.items[i]);
        pr_sb_adds(&err->msg, "]");
        return false;
    }
    static const smp_options none = {false, false};
    for (size_t i = 0; i < patches.len; i++) {
        size_t at;
        pr_resource *target;
        if (!find_patch_target(ctx, m, patches.docs[i], &at, err))
            return pr_error_prefix(err, "%s: patchesStrategicMerge", k->path);
        target = pr_resmap_at(m, at);
        if (!apply_smp_to(ctx, m, &target, 1, patches.docs[i], &none, err))
            return pr_error_prefix(err, "%s: patchesStrategicMerge", k->path);
    }
    return true;
}

bool pr_tf_patches_json6902(pr_build_ctx *ctx, const pr_kustomization *k,
                            pr_resmap *m, pr_error *err)
{
    const pr_node *patches;
    if (!patch_list(k, "patchesJson6902", &patches, err))
        return false;
    for (size_t i = 0; patches && i < patches->seq.len; i++)
        if (!pr_tf_json6902_apply(ctx, k, patches->seq.items[i], i, m, err))
            return false;
    return true;
}

bool pr_tf_json6902_apply(pr_build_ctx *ctx, const pr_kustomization *k, const pr_node *entry,
                          size_t i, pr_resmap *m, pr_error *err)
{
    const pr_node *target = pr_map_get(entry, "target");
    const char *target_name = pr_map_get_str(target, "name");
    if (entry->kind == PR_MAP && (!target_name || !*target_name))
        return pr_error_set(err, "%s: patchesJson6902[%zu]: must specify the target name",
                            k->path, i);
    pr_doclist docs = {0}, ops_docs = {0};
    ops_syntax syntax;
    if (!read_patch(ctx, k, "patchesJson6902", entry, i, &docs, &ops_docs, &syntax, err))
        return false;
    pr_node *ops = json6902_ops(&ops_docs, syntax);
    if (syntax == OPS_NOT_JSON)
        return pr_error_set(err, "%s: patchesJson6902[%zu]: the patch starts with '[' but "
                            "is not valid JSON", k->path, i);
    if (!ops || ops->seq.len == 0)
        return pr_error_set(err, "%s: patchesJson6902[%zu]: expected a non-empty list of "
                            "operations", k->path, i);
    if (!pr_yaml_check_json(ops, patch_source(ctx, entry), err))
        return pr_error_prefix(err, "%s: patchesJson6902[%zu]", k->path, i);
    if (!apply_json6902(ctx, target, ops, syntax == OPS_AS_JSON, false, m, err))
        return pr_error_prefix(err, "%s: patchesJson6902[%zu]", k->path, i);
    return true;
}
