/*
 * The `replacements` field: copy a value from one field of one object (the
 * source) into fields of the objects each target selects, as kustomize
 * v5.5.0's ReplacementTransformer does. kustomize runs it last among a
 * kustomization's builtin transformers.
 *
 * Entries are decoded as kustomize decodes them into its Go types, by the
 * one typed decoder (src/kust/kustomization_decode.c): inline entries
 * strictly with the rest of the kustomization, entries in `path:` files
 * leniently (unknown keys ignored, numbers and booleans taken as text).
 *
 * Matching follows kustomize's ResId.IsSelectedBy, not the regular
 * expressions of patch targets: each set field must equal the object's,
 * and the object's previous ids (before prefixes, suffixes, namespaces)
 * count as well as its current one. A name changed here is not recorded
 * as a previous id, so the final name-reference pass follows it only if
 * an earlier rename had already recorded the old name, as in kustomize.
 */
#include <stdlib.h>
#include <string.h>

#include "kust/pipeline.h"
#include "pleo/fieldpath.h"
#include "pleo/label_selector.h"
#include "pleo/replacement.h"
#include "pleo/yaml.h"

/* ------------------------------------------------------------------ */
/* kustomize's types                                                   */

typedef struct {
    const char *delimiter;
    long long index;
    bool create;
    bool given; /* the options mapping was present */
} field_options;

typedef struct {
    pr_resid id; /* fields not given are "" */
    const char *annotation_selector, *label_selector;
} selector;

typedef struct {
    pr_resid id;
    const char *field_path;
    field_options options;
} source_selector;

typedef struct {
    selector *select; /* NULL when not given */
    selector **reject;
    size_t nreject;
    const char **field_paths;
    size_t npaths;
    field_options options;
} target_selector;

typedef struct {
    source_selector *source; /* NULL when not given */
    target_selector **targets;
    size_t ntargets;
    bool targets_given; /* a list, even an empty one, was given */
    const char *path;   /* `path:` of an entry in the kustomization */
    const char *where;  /* the entry, for messages */
    bool from_file;     /* read from a `path:` file */
} replacement;

/* ------------------------------------------------------------------ */
/* Reading replacements from their decoded form                        */

/* Entries are decoded and type-checked before they get here: inline ones
 * with the kustomization (kustomization_decode.c), `path:` files by
 * pr_replacement_decode. So every field is absent or of its type. */

static const char *string_field(const pr_node *map, const char *key)
{
    const char *s = pr_map_get_str(map, key);
    return s ? s : "";
}

static void read_resid(const pr_node *map, pr_resid *id)
{
    id->gvk.group = string_field(map, "group");
    id->gvk.version = string_field(map, "version");
    id->gvk.kind = string_field(map, "kind");
    id->name = string_field(map, "name");
    id->namespace = string_field(map, "namespace");
}

static void read_options(const pr_node *map, field_options *out)
{
    if (!map || map->kind != PR_MAP)
        return;
    out->given = true;
    out->delimiter = pr_map_get_str(map, "delimiter");
    const char *index = pr_map_get_str(map, "index");
    out->index = index ? strtoll(index, NULL, 10) : 0;
    out->create = pr_scalar_is(pr_map_get(map, "create"), "true");
}

static selector *read_selector(pr_arena *a, const pr_node *map)
{
    selector *s = pr_alloc(a, sizeof *s);
    read_resid(map, &s->id);
    s->annotation_selector = string_field(map, "annotationSelector");
    s->label_selector = string_field(map, "labelSelector");
    return s;
}

static bool read_target(pr_arena *a, const char *file, const pr_node *item, target_selector *t,
                        pr_error *err)
{
    if (item->kind != PR_MAP) /* a nil *TargetSelector, which crashes kustomize */
        return pr_error_at(err, file, item->mark.line, item->mark.col,
                           "a replacement target is null: give it a `select`");
    const pr_node *select = pr_map_get(item, "select");
    if (select && select->kind == PR_MAP)
        t->select = read_selector(a, select);
    const pr_node *reject = pr_map_get(item, "reject");
    if (reject && reject->kind == PR_SEQ) {
        t->reject = pr_alloc(a, (reject->seq.len + 1) * sizeof *t->reject);
        for (size_t i = 0; i < reject->seq.len; i++)
            if (reject->seq.items[i]->kind == PR_MAP) /* a nil selector is skipped */
                t->reject[t->nreject++] = read_selector(a, reject->seq.items[i]);
    }
    const pr_node *paths = pr_map_get(item, "fieldPaths");
    if (paths && paths->kind == PR_SEQ) {
        t->field_paths = pr_alloc(a, (paths->seq.len + 1) * sizeof *t->field_paths);
        for (size_t i = 0; i < paths->seq.len; i++)
            t->field_paths[t->npaths++] = paths->seq.items[i]->scalar.text;
    }
    read_options(pr_map_get(item, "options"), &t->options);
    return true;
}

/* One decoded replacement mapping: ReplacementField (with `path`) in a
 * kustomization, Replacement in a `path:` file. */
static bool read_replacement(pr_arena *a, const char *file, const pr_node *v, replacement *r,
                             pr_error *err)
{
    r->path = string_field(v, "path");
    const pr_node *source = pr_map_get(v, "source");
    if (source && source->kind == PR_MAP) {
        source_selector *s = r->source = pr_alloc(a, sizeof *s);
        read_resid(source, &s->id);
        s->field_path = string_field(source, "fieldPath");
        read_options(pr_map_get(source, "options"), &s->options);
    }
    const pr_node *targets = pr_map_get(v, "targets");
    if (!targets || targets->kind != PR_SEQ)
        return true;
    r->targets_given = true;
    r->targets = pr_alloc(a, (targets->seq.len + 1) * sizeof *r->targets);
    for (size_t i = 0; i < targets->seq.len; i++) {
        target_selector *t = r->targets[r->ntargets++] = pr_alloc(a, sizeof *t);
        if (!read_target(a, file, targets->seq.items[i], t, err))
            return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Reading the entries                                                 */

typedef struct {
    replacement **items;
    size_t len, cap;
} replacement_list;

static void list_push(pr_arena *a, replacement_list *l, replacement *r)
{
    l->items = pr_grow(a, l->items, sizeof *l->items, &l->cap, l->len + 1);
    l->items[l->len++] = r;
}

/* A `path:` file holds one replacement or a list of them (only its first
 * YAML document counts, as sigs.k8s.io/yaml reads it). */
static bool read_path_entry(pr_build_ctx *ctx, const pr_kustomization *k, const replacement *entry,
                            replacement_list *out, pr_error *err)
{
    pr_strbuf text;
    pr_sb_init(&text);
    const char *file;
    pr_doclist docs = {0};
    bool ok = pr_kustomization_read_file(ctx, k, entry->path, &text, &file, err) &&
              pr_yaml_parse_with(ctx->a, file, text.buf, text.len,
                                 PR_YAML_FIRST_DOCUMENT | PR_YAML_SIGS_YAML, &docs, err);
    pr_sb_release(&text);
    if (!ok)
        return false;
    pr_node *root = docs.len ? docs.docs[0] : NULL;
    if (root && root->kind == PR_MAP) {
        replacement *r = pr_alloc(ctx->a, sizeof *r);
        r->where = pr_sprintf(ctx->a, "%s (from %s)", entry->where, file);
        r->from_file = true;
        list_push(ctx->a, out, r);
        return pr_replacement_decode(ctx->a, file, &root, err) &&
               read_replacement(ctx->a, file, root, r, err);
    }
    if (!root || root->kind != PR_SEQ) {
        const char *type = !root || pr_node_is_null(root) ? "invalid"
                           : root->tag == PR_TAG_INT || root->tag == PR_TAG_FLOAT ? "float64"
                           : root->tag == PR_TAG_BOOL                            ? "bool"
                                                                                  : "string";
        return pr_error_set(err, "%s: unsupported replacement type encountered within replacement "
                            "path: %s (a replacement file holds a mapping or a list of them)",
                            file, type);
    }
    for (size_t i = 0; i < root->seq.len; i++) {
        pr_node *item = root->seq.items[i];
        replacement *r = pr_alloc(ctx->a, sizeof *r);
        r->where = pr_sprintf(ctx->a, "%s (item %zu of %s)", entry->where, i, file);
        r->from_file = true;
        list_push(ctx->a, out, r);
        if (pr_node_is_null(item))
            continue;
        if (!pr_replacement_decode(ctx->a, file, &item, err) ||
            !read_replacement(ctx->a, file, item, r, err))
            return false;
    }
    return true;
}

/* Decodes the kustomization's entries, then loads the files they name,
 * as kustomize does before running anything. */
static bool read_replacements(pr_build_ctx *ctx, const pr_kustomization *k, const pr_node *list,
                              replacement_list *out, pr_error *err)
{
    replacement **entries = pr_alloc(ctx->a, (list->seq.len + 1) * sizeof *entries);
    for (size_t i = 0; i < list->seq.len; i++) {
        replacement *r = entries[i] = pr_alloc(ctx->a, sizeof *r);
        r->where = pr_sprintf(ctx->a, "%s: replacements[%zu]", k->path, i);
        if (!read_replacement(ctx->a, k->path, list->seq.items[i], r, err))
            return false;
    }
    for (size_t i = 0; i < list->seq.len; i++) {
        replacement *r = entries[i];
        if (!*r->path) {
            list_push(ctx->a, out, r);
            continue;
        }
        const pr_node *at = list->seq.items[i];
        if (r->source || r->ntargets)
            return pr_error_at(err, k->path, at->mark.line, at->mark.col,
                               "replacements[%zu]: cannot specify both path and inline replacement "
                               "(move the source and targets into %s, or drop `path`)",
                               i, r->path);
        if (!read_path_entry(ctx, k, r, out, err))
            return pr_error_prefix(err, "%s: path %s", r->where, r->path);
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Selecting objects                                                   */

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

/* kustomize's replacement ids carry no scope, so every empty namespace
 * counts as "default", cluster-scoped kinds included. */
static const char *effective_namespace(const char *ns)
{
    return !ns || !*ns ? "default" : ns;
}

/* ResId.IsSelectedBy: every field the selector sets must be equal. */
static bool id_selected_by(const pr_resid *id, const pr_resid *sel)
{
    return (!*sel->name || !strcmp(sel->name, or_empty(id->name))) &&
           (!*sel->namespace ||
            !strcmp(effective_namespace(sel->namespace), effective_namespace(id->namespace))) &&
           (!*sel->gvk.group || !strcmp(sel->gvk.group, or_empty(id->gvk.group))) &&
           (!*sel->gvk.version || !strcmp(sel->gvk.version, or_empty(id->gvk.version))) &&
           (!*sel->gvk.kind || !strcmp(sel->gvk.kind, or_empty(id->gvk.kind)));
}

static bool resid_is_empty(const pr_resid *id)
{
    return !*id->name && !*id->namespace && !*id->gvk.group && !*id->gvk.version &&
           !*id->gvk.kind;
}

typedef struct {
    pr_resid *items;
    size_t len;
} id_list;

/* Splits a comma-separated history annotation. */
static const char **split_commas(pr_arena *a, const char *s, size_t *n)
{
    size_t count = 1;
    for (const char *p = s; *p; p++)
        count += *p == ',';
    const char **parts = pr_alloc(a, count * sizeof *parts);
    *n = 0;
    for (;;) {
        const char *comma = strchr(s, ',');
        parts[(*n)++] = pr_strndup(a, s, comma ? (size_t)(comma - s) : strlen(s));
        if (!comma)
            break;
        s = comma + 1;
    }
    return parts;
}

/* The object's current id and its previous ones (kustomize's MakeResIds).
 * Previous ids written into the object's own history annotations count
 * too, as kustomize keeps its history there. */
static bool object_ids(pr_arena *a, const pr_resource *r, id_list *out, pr_error *err)
{
    pr_resid cur = pr_resource_id(a, r);
    const pr_node *ann = pr_map_get(pr_map_get(r->obj, "metadata"), "annotations");
    const char *names = pr_map_get_str(ann, "internal.config.kubernetes.io/previousNames");
    size_t nwritten = 0, nns = 0, nkinds = 0;
    const char **wnames = NULL, **wns = NULL, **wkinds = NULL;
    if (names && !r->nprev) {
        wnames = split_commas(a, names, &nwritten);
        wns = split_commas(a, or_empty(pr_map_get_str(ann, "internal.config.kubernetes.io/previousNamespaces")), &nns);
        wkinds = split_commas(a, or_empty(pr_map_get_str(ann, "internal.config.kubernetes.io/previousKinds")), &nkinds);
        if (nns != nwritten || nkinds != nwritten)
            return pr_error_set(err, "%s: number of previous names, number of previous namespaces, "
                                "number of previous kinds not equal", pr_resid_string(a, &cur));
    }
    out->items = pr_alloc(a, (1 + r->nprev + nwritten) * sizeof *out->items);
    out->items[0] = cur;
    out->len = 1;
    for (size_t i = 0; i < r->nprev; i++) {
        pr_resid id = r->prev_ids[i];
        id.gvk.group = cur.gvk.group; /* kustomize keeps only previous kinds */
        id.gvk.version = cur.gvk.version;
        out->items[out->len++] = id;
    }
    for (size_t i = 0; i < nwritten; i++) {
        pr_resid id = cur;
        id.gvk.kind = wkinds[i];
        id.name = wnames[i];
        id.namespace = wns[i];
        out->items[out->len++] = id;
    }
    return true;
}

static bool any_selected(const id_list *ids, const pr_resid *sel)
{
    for (size_t i = 0; i < ids->len; i++)
        if (id_selected_by(&ids->items[i], sel))
            return true;
    return false;
}

/* Resource.MatchesLabelSelector / MatchesAnnotationSelector: an empty
 * selector matches everything; a malformed one is an error. */
static bool metadata_matches(pr_arena *a, const char *text, const char *which,
                             const pr_node *obj, bool *matched, pr_error *err)
{
    *matched = true;
    if (!*text)
        return true;
    const pr_label_selector *sel = pr_label_selector_parse(a, text, err);
    if (!sel)
        return pr_error_prefix(err, "%sSelector \"%s\"", which, text);
    const pr_node *meta = pr_map_get(obj, "metadata");
    *matched = pr_label_selector_matches(sel, pr_map_get(meta, !strcmp(which, "label") ? "labels" : "annotations"));
    return true;
}

static bool anno_and_label_match(pr_arena *a, const selector *s, const pr_node *obj,
                                 bool *matched, pr_error *err)
{
    bool anno, label;
    if (!metadata_matches(a, s->annotation_selector, "annotation", obj, &anno, err) ||
        !metadata_matches(a, s->label_selector, "label", obj, &label, err))
        return false;
    *matched = anno && label;
    return true;
}

/* kustomize's FieldOptions.String(). */
static const char *options_string(pr_arena *a, const field_options *o)
{
    if (!o->given || (!o->delimiter && !o->create))
        return "";
    return pr_sprintf(a, "%s(%lld), create=%s", or_empty(o->delimiter), o->index,
                      o->create ? "true" : "false");
}

/* kustomize's SourceSelector.String(), which its messages show. */
static const char *source_string(pr_arena *a, const source_selector *s)
{
    const char *text = pr_resid_string(a, &s->id);
    if (*s->field_path)
        text = pr_sprintf(a, "%s:%s", text, s->field_path);
    const char *opts = options_string(a, &s->options);
    if (*opts)
        text = pr_sprintf(a, "%s:%s", text, opts);
    return text;
}

/* ------------------------------------------------------------------ */
/* The source value                                                    */

static bool empty_value(const pr_node *n)
{
    return !n || pr_node_is_null(n) || (n->kind == PR_MAP && !n->map.len) ||
           (n->kind == PR_SEQ && !n->seq.len);
}

/* Go's strings.Split with a non-empty separator. */
static const char **split_text(pr_arena *a, const char *s, const char *sep, size_t *n)
{
    size_t seplen = strlen(sep), count = 1;
    for (const char *p = strstr(s, sep); p; p = strstr(p + seplen, sep))
        count++;
    const char **parts = pr_alloc(a, count * sizeof *parts);
    *n = 0;
    for (;;) {
        const char *at = strstr(s, sep);
        parts[(*n)++] = pr_strndup(a, s, at ? (size_t)(at - s) : strlen(s));
        if (!at)
            break;
        s = at + seplen;
    }
    return parts;
}

const char *pr_delimited_part(pr_arena *a, const char *value, const char *delimiter,
                              long long index)
{
    size_t n;
    const char **parts = split_text(a, value, delimiter, &n);
    return index < 0 || (unsigned long long)index >= n ? NULL : parts[index];
}

const char *pr_delimited_splice(pr_arena *a, const char *target, const char *delimiter,
                                long long index, const char *part)
{
    size_t n;
    const char **parts = split_text(a, target, delimiter, &n);
    size_t at = index < 0 ? 0 : (unsigned long long)index >= n ? n : (size_t)index;
    bool replace = index >= 0 && (unsigned long long)index < n;
    pr_strbuf joined;
    pr_sb_init(&joined);
    for (size_t i = 0, out = 0; i <= n; i++) {
        if (i == at) {
            if (out++)
                pr_sb_adds(&joined, delimiter);
            pr_sb_adds(&joined, part);
            if (replace)
                continue;
        }
        if (i == n)
            break;
        if (out++)
            pr_sb_adds(&joined, delimiter);
        pr_sb_adds(&joined, parts[i]);
    }
    const char *text = pr_strndup(a, joined.buf ? joined.buf : "", joined.len);
    pr_sb_release(&joined);
    return text;
}

/* `tmp` holds what selecting objects needs for a moment (their ids). */
static bool source_value(pr_arena *a, pr_arena *tmp, const pr_resmap *m, source_selector *s,
                         pr_node **out, pr_error *err)
{
    pr_resource *found = NULL;
    for (size_t i = 0; i < pr_resmap_len(m); i++) {
        pr_resource *r = pr_resmap_at(m, i);
        id_list ids;
        pr_arena_pos pos = pr_arena_mark(tmp);
        bool have_ids = object_ids(tmp, r, &ids, err);
        bool selected = have_ids && any_selected(&ids, &s->id);
        pr_arena_release(tmp, pos);
        if (!have_ids)
            return false;
        if (!selected)
            continue;
        if (found)
            return pr_error_set(err, "multiple matches for selector %s (narrow the source with "
                                "kind, name or namespace)", source_string(a, s));
        found = r;
    }
    if (!found)
        return pr_error_set(err, "nothing selected by %s", source_string(a, s));
    const char *text = *s->field_path ? s->field_path : "metadata.name";
    pr_fieldpath path;
    if (!pr_fieldpath_parse(a, text, &path, err))
        return false;
    pr_node *n = pr_fieldpath_get(a, found->obj, &path, err);
    if (pr_error_isset(err))
        return pr_error_prefix(err, "error looking up replacement source");
    if (empty_value(n))
        return pr_error_set(err, "fieldPath `%s` is missing for replacement source %s", text,
                            pr_resid_string(a, &s->id));
    if (!s->options.delimiter || !*s->options.delimiter) {
        *out = n;
        return true;
    }
    if (n->kind != PR_SCALAR)
        return pr_error_set(err, "delimiter option can only be used with scalar nodes (source "
                            "fieldPath `%s` holds a %s)", text, n->kind == PR_MAP ? "mapping" : "list");
    const char *text_part = pr_delimited_part(a, n->scalar.text, s->options.delimiter,
                                              s->options.index);
    if (!text_part)
        return pr_error_set(err, "options.index %lld is out of bounds for value %s",
                            s->options.index, n->scalar.text);
    /* The part keeps the source's type, as kustomize edits a copy. */
    pr_node *part = pr_node_scalar(a, n->tag, text_part, strlen(text_part));
    part->style = n->style;
    *out = part;
    return true;
}

/* ------------------------------------------------------------------ */
/* Writing targets                                                     */

static const char *tag_name(pr_tag t)
{
    static const char *const names[] = {"str", "null", "bool", "int", "float", "timestamp", "binary"};
    return names[t];
}

typedef struct {
    const pr_node *value;
    const field_options *options;
    bool failed; /* the error is about the value written, not the path */
} write_ctx;

/* A scalar target keeps its type and takes only the new text, as kyaml
 * sets a node's Value; the YAML reader kustomize later decodes it with
 * fails when the text cannot be of that type. A field just created has
 * no type yet and takes the one its text reads as. */
static bool set_scalar(pr_arena *a, pr_node **slot, const char *text, bool created,
                       pr_error *err)
{
    const pr_node *old = *slot;
    pr_tag tag = old->tag;
    pr_tag read = pr_resolve_plain(text, strlen(text));
    if (created)
        tag = read;
    else if (pr_style_is_quoted(old->style) || tag == PR_TAG_STR || tag == PR_TAG_BINARY)
        ; /* text of any kind */
    else if (tag == PR_TAG_FLOAT && read == PR_TAG_INT)
        ;
    else if (tag != read)
        return pr_error_set(err, "yaml: cannot decode !!%s `%s` as a !!%s (a replacement keeps "
                            "the type of the field it writes; quote the target's value or pick "
                            "a source of its type)", tag_name(read), text, tag_name(tag));
    pr_node *n = pr_node_scalar(a, tag, text, strlen(text));
    n->style = created ? PR_STYLE_UNKNOWN : old->style;
    n->mark = old->mark;
    *slot = n;
    return true;
}

static bool write_value(pr_arena *a, pr_node **slot, bool created, write_ctx *ctx, pr_error *err)
{
    const pr_node *value = ctx->value;
    const char *text = value->kind == PR_SCALAR ? value->scalar.text : "";
    const field_options *o = ctx->options;
    if (o->delimiter && *o->delimiter) {
        if ((*slot)->kind != PR_SCALAR)
            return pr_error_set(err, "delimiter option can only be used with scalar nodes (the "
                                "target field holds a %s)", (*slot)->kind == PR_MAP ? "mapping" : "list");
        text = pr_delimited_splice(a, (*slot)->scalar.text, o->delimiter, o->index, text);
    }
    if ((*slot)->kind == PR_SCALAR)
        return set_scalar(a, slot, text, created, err);
    *slot = pr_node_copy(a, value);
    return true;
}

static bool write_target(pr_arena *a, pr_node **slot, bool created, void *ctx_, pr_error *err)
{
    write_ctx *ctx = ctx_;
    ctx->failed = !write_value(a, slot, created, ctx, err);
    return !ctx->failed;
}

static bool write_fields(pr_arena *a, pr_resource *r, const target_selector *t,
                         const pr_node *value, pr_error *err)
{
    static const char *const default_paths[] = {"metadata.name"};
    const char *const *paths = t->npaths ? t->field_paths : default_paths;
    size_t npaths = t->npaths ? t->npaths : 1;
    pr_fieldpath_create create = !t->options.create      ? PR_FIELDPATH_FIND
                                 : value->kind == PR_MAP ? PR_FIELDPATH_CREATE_MAP
                                 : value->kind == PR_SEQ ? PR_FIELDPATH_CREATE_SEQ
                                                         : PR_FIELDPATH_CREATE_SCALAR;
    write_ctx wctx = {value, &t->options, false};
    for (size_t i = 0; i < npaths; i++) {
        const char *what = create != PR_FIELDPATH_FIND ? "find or create" : "find";
        pr_fieldpath path;
        size_t matches = 0;
        if (!pr_fieldpath_parse(a, paths[i], &path, err))
            return false;
        if (!pr_fieldpath_visit(a, &r->obj, &path, create, write_target, &wctx, &matches, err))
            return wctx.failed ? pr_error_prefix(err, "field \"%s\"", paths[i]) : pr_error_prefix(err, "unable to %s field \"%s\" in replacement target", what,
                                   paths[i]);
        if (!matches)
            return pr_error_set(err, "unable to %s field \"%s\" in replacement target%s", what,
                                paths[i],
                                create == PR_FIELDPATH_FIND ? " (set options.create to add it)" : "");
    }
    if (!pr_obj_check(r->obj, "the object a replacement changed", err))
        return false;
    if (!*pr_obj_name(r->obj))
        return pr_error_set(err, "missing metadata.name in object (a replacement left it empty)");
    /* kustomize keeps annotations as strings once it has rewritten them,
     * which it does to every object before output. */
    pr_obj_normalize_annotations(r->obj);
    return true;
}

/* The replacement's target `t` on one object: its ids and what selecting
 * it takes are temporaries in `tmp`. */
static bool apply_to_object(pr_arena *a, pr_arena *tmp, pr_resource *r, const target_selector *t,
                            const pr_node *value, pr_error *err)
{
    id_list ids;
    if (!object_ids(tmp, r, &ids, err))
        return false;
    bool matched;
    if (!anno_and_label_match(tmp, t->select, r->obj, &matched, err))
        return false;
    for (size_t j = 0; matched && j < t->nreject; j++) {
        const selector *rej = t->reject[j];
        if (!*rej->annotation_selector && !*rej->label_selector)
            continue;
        bool rejected;
        if (!anno_and_label_match(tmp, rej, r->obj, &rejected, err))
            return false;
        matched = !rejected;
    }
    if (!matched || !any_selected(&ids, &t->select->id))
        return true;
    for (size_t j = 0; matched && j < t->nreject; j++)
        if (!resid_is_empty(&t->reject[j]->id) && any_selected(&ids, &t->reject[j]->id))
            matched = false;
    if (!matched)
        return true;
    pr_resid id = ids.items[0];
    if (!write_fields(a, r, t, value, err))
        return pr_error_prefix(err, "%s", pr_resid_string(a, &id));
    return true;
}

static bool apply_target(pr_arena *a, pr_arena *tmp, pr_resmap *m, const target_selector *t,
                         const pr_node *value, pr_error *err)
{
    if (!t->select)
        return pr_error_set(err, "target must specify resources to select");
    for (size_t i = 0; i < pr_resmap_len(m); i++) {
        pr_arena_pos pos = pr_arena_mark(tmp);
        bool ok = apply_to_object(a, tmp, pr_resmap_at(m, i), t, value, err);
        pr_arena_release(tmp, pos);
        if (!ok)
            return false;
    }
    return true;
}

bool pr_tf_replacements(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                        pr_error *err)
{
    const pr_node *list = pr_map_get(k->root, "replacements");
    if (!list || pr_node_is_null(list))
        return true;
    return pr_tf_replacements_apply(ctx, k, list, m, err);
}

bool pr_tf_replacements_apply(pr_build_ctx *ctx, const pr_kustomization *k,
                              const pr_node *list, pr_resmap *m, pr_error *err)
{
    replacement_list all = {0};
    if (!read_replacements(ctx, k, list, &all, err))
        return false;
    bool ok = true;
    pr_arena *tmp = ctx->tmp;
    for (size_t i = 0; ok && i < all.len; i++) {
        replacement *r = all.items[i];
        pr_node *value = NULL;
        /* kustomize hands inline entries over re-encoded, which drops an
         * empty list of targets; a file's empty list stays a list. */
        if (!r->source || !r->targets_given || (!r->from_file && !r->ntargets)) {
            ok = pr_error_set(err, "replacements must specify a source and at least one target");
        } else {
            ok = source_value(ctx->a, tmp, m, r->source, &value, err);
            for (size_t j = 0; ok && j < r->ntargets; j++)
                ok = apply_target(ctx->a, tmp, m, r->targets[j], value, err);
        }
        if (!ok)
            pr_error_prefix(err, "%s", r->where);
    }
    pr_resmap_ids_changed(m);
    return ok;
}
