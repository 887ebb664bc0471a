/*
 * Pairing two renders of one root and diffing each pair.
 *
 * Objects pair by (group, kind, namespace, name): the version is left out
 * so moving a Deployment from apps/v1beta2 to apps/v1 is a change of one
 * object, as the API server sees it. Objects left over pair a second time
 * by the name they had before a generator's hash suffix, so a ConfigMap
 * that was renamed only because its content changed is one changed object
 * with its old name. Secret values never reach the diff text unless asked:
 * each one is replaced by a marker that says only whether the key was
 * added, removed or changed.
 */
#include <git2.h>
#include <string.h>

#include "pleo/diff.h"
#include "pleo/strmap.h"
#include "pleo/yaml.h"

/* The markers standing for Secret values. */
#define MASK_SAME "<masked>"
#define MASK_OLD "<masked old value>"
#define MASK_NEW "<masked new value>"
#define MASK_ADDED "<masked added>"
#define MASK_REMOVED "<masked removed>"

typedef struct {
    size_t *idx;
    size_t len, cap;
} index_list;

const char *pr_diff_identity(pr_arena *a, const char *group, const char *kind,
                             const char *namespace, const char *name)
{
    return pr_sprintf(a, "%s%s%s %s%s%s", kind, *group ? "." : "", group, namespace,
                      *namespace ? "/" : "", name);
}

/* The pairing key; `generated` keys a generated object by its name
 * before the hash suffix. The separator cannot occur in a name. */
static const char *pair_key(pr_arena *a, const pr_rendered *r, bool generated)
{
    const char *name = generated && r->generated_name ? r->generated_name : r->name;
    return pr_sprintf(a, "%s\x1f%s\x1f%s\x1f%s", r->group, r->kind, r->namespace, name);
}

static void index_add(pr_arena *a, pr_strmap *m, const char *key, size_t i)
{
    void **slot = pr_strmap_slot(m, key);
    if (!*slot)
        *slot = pr_alloc(a, sizeof(index_list));
    index_list *l = *slot;
    l->idx = pr_grow(a, l->idx, sizeof *l->idx, &l->cap, l->len + 1);
    l->idx[l->len++] = i;
}

/* Pairs each unpaired new object with an unpaired old one of the same
 * key, preferring one with the same apiVersion. */
static void pair_by(pr_arena *a, const pr_rendered *old, size_t old_len, long *old_pair,
                    const pr_rendered *new_, size_t new_len, long *new_pair, bool generated)
{
    pr_strmap *m = pr_strmap_new(a);
    for (size_t i = 0; i < old_len; i++)
        if (old_pair[i] < 0)
            index_add(a, m, pair_key(a, &old[i], generated), i);
    for (size_t j = 0; j < new_len; j++) {
        if (new_pair[j] >= 0)
            continue;
        index_list *l = pr_strmap_get(m, pair_key(a, &new_[j], generated));
        long best = -1;
        for (size_t k = 0; l && k < l->len; k++) {
            size_t i = l->idx[k];
            if (old_pair[i] >= 0)
                continue;
            const char *ov = old[i].api_version, *nv = new_[j].api_version;
            bool same_version = ov && nv && !strcmp(ov, nv);
            if (best < 0 || same_version)
                best = (long)i;
            if (same_version)
                break;
        }
        if (best >= 0) {
            old_pair[best] = (long)j;
            new_pair[j] = best;
        }
    }
}

static bool is_secret(const pr_rendered *r)
{
    return r && !*r->group && !strcmp(r->kind, "Secret");
}

static const char *marker(const pr_node *value, const pr_node *other, bool has_other,
                          bool is_old)
{
    if (!has_other)
        return is_old ? MASK_REMOVED : MASK_ADDED;
    if (other && pr_node_equal(value, other))
        return MASK_SAME;
    if (!other)
        return is_old ? MASK_REMOVED : MASK_ADDED;
    return is_old ? MASK_OLD : MASK_NEW;
}

/* `self`'s document with every value of data and stringData replaced by a
 * marker comparing it with `other` (the object on the other side, or
 * NULL when there is none). */
static const char *masked_yaml(pr_arena *a, const pr_rendered *self, const pr_rendered *other,
                               bool is_old, size_t *len)
{
    static const char *const fields[] = {"data", "stringData"};
    pr_node *copy = pr_node_copy(a, self->obj);
    for (size_t f = 0; f < 2; f++) {
        long at = pr_map_index(copy, fields[f]);
        if (at < 0)
            continue;
        pr_node *v = copy->map.items[at].value;
        const pr_node *ov = other ? pr_map_get(other->obj, fields[f]) : NULL;
        if (v->kind != PR_MAP) {
            /* Not a mapping (kustomize lets it through): mask it whole. */
            if (!pr_node_is_null(v))
                copy->map.items[at].value =
                    pr_node_str(a, marker(v, ov, other != NULL, is_old));
            continue;
        }
        for (size_t i = 0; i < v->map.len; i++) {
            const char *key = pr_scalar_text(v->map.items[i].key);
            const pr_node *o = ov && ov->kind == PR_MAP && key ? pr_map_get(ov, key) : NULL;
            v->map.items[i].value =
                pr_node_str(a, marker(v->map.items[i].value, o, other != NULL, is_old));
        }
    }
    pr_strbuf out;
    pr_sb_init(&out);
    /* The object emitted before; strings in place of values cannot make
     * it fail, but never fall back to the real text. */
    if (!pr_yaml_emit(copy, &out, NULL)) {
        pr_sb_reset(&out);
        pr_sb_adds(&out, "# (this Secret could not be shown masked)\n");
    }
    const char *s = pr_strndup(a, out.buf, out.len);
    *len = out.len;
    pr_sb_release(&out);
    return s;
}

/* The text a side contributes to the diff. */
static const char *side_text(pr_arena *a, const pr_rendered *self, const pr_rendered *other,
                             bool is_old, const pr_diff_options *o, size_t *len)
{
    if (!self) {
        *len = 0;
        return "";
    }
    if (is_secret(self) && !o->show_secrets)
        return masked_yaml(a, self, other, is_old, len);
    *len = self->yaml_len;
    return self->yaml;
}

/* A unified diff of two texts, with diff(1)'s headers and libgit2's
 * hunks; NULL when the texts are the same. */
static const char *unified(pr_arena *a, const char *old, size_t old_len, const char *new_,
                           size_t new_len, const char *old_label, const char *new_label,
                           int context)
{
    if (old_len == new_len && !memcmp(old, new_, old_len))
        return NULL;
    git_diff_options opts;
    /* The macro's partial initializer trips -Wmissing-field-initializers. */
    git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
    opts.context_lines = context < 0 ? 0 : (uint32_t)context;
    opts.interhunk_lines = 0;
    opts.flags |= GIT_DIFF_FORCE_TEXT;
    git_patch *patch = NULL;
    pr_strbuf out;
    pr_sb_init(&out);
    pr_sb_addf(&out, "--- %s\n+++ %s\n", old_label, new_label);
    if (git_patch_from_buffers(&patch, old, old_len, NULL, new_, new_len, NULL, &opts) != 0) {
        const git_error *e = git_error_last();
        pr_sb_addf(&out, "# (no diff: %s)\n", e && e->message ? e->message : "libgit2 failed");
    }
    size_t hunks = patch ? git_patch_num_hunks(patch) : 0;
    for (size_t h = 0; h < hunks; h++) {
        const git_diff_hunk *hunk;
        size_t lines;
        if (git_patch_get_hunk(&hunk, &lines, patch, h) != 0)
            break;
        /* Plain diff(1) hunk headers: no section heading after "@@". */
        pr_sb_addf(&out, "@@ -%d", hunk->old_start);
        if (hunk->old_lines != 1)
            pr_sb_addf(&out, ",%d", hunk->old_lines);
        pr_sb_addf(&out, " +%d", hunk->new_start);
        if (hunk->new_lines != 1)
            pr_sb_addf(&out, ",%d", hunk->new_lines);
        pr_sb_adds(&out, " @@\n");
        for (size_t l = 0; l < lines; l++) {
            const git_diff_line *line;
            if (git_patch_get_line_in_hunk(&line, patch, h, l) != 0)
                break;
            switch (line->origin) {
            case GIT_DIFF_LINE_CONTEXT:
            case GIT_DIFF_LINE_ADDITION:
            case GIT_DIFF_LINE_DELETION:
                pr_sb_addc(&out, line->origin);
                pr_sb_add(&out, line->content, line->content_len);
                if (line->content_len == 0 || line->content[line->content_len - 1] != '\n')
                    pr_sb_addc(&out, '\n');
                break;
            default: /* the *_EOFNL markers */
                pr_sb_adds(&out, "\\ No newline at end of file\n");
                break;
            }
        }
    }
    git_patch_free(patch);
    const char *s = pr_strndup(a, out.buf, out.len);
    pr_sb_release(&out);
    return s;
}

static const char *label(pr_arena *a, const pr_rendered *r)
{
    return r ? pr_diff_identity(a, r->group, r->kind, r->namespace, r->name) : "/dev/null";
}

/* Adds the entry for the pair (old, new_), either of which may be NULL;
 * nothing when the two render the same. */
static void add_entry(pr_arena *a, pr_diff_root *out, size_t *cap, const pr_rendered *old,
                      const pr_rendered *new_, const pr_diff_options *o)
{
    if (old && new_ && old->yaml_len == new_->yaml_len &&
        !memcmp(old->yaml, new_->yaml, old->yaml_len))
        return;
    size_t old_len, new_len;
    const char *old_text = side_text(a, old, new_, true, o, &old_len);
    const char *new_text = side_text(a, new_, old, false, o, &new_len);
    const char *diff = unified(a, old_text, old_len, new_text, new_len, label(a, old),
                               label(a, new_), o->context);
    if (!diff)
        return;
    const pr_rendered *r = new_ ? new_ : old;
    out->entries = pr_grow(a, out->entries, sizeof *out->entries, cap, out->len + 1);
    pr_diff_entry *e = &out->entries[out->len++];
    e->status = !old ? PR_DIFF_ADDED : !new_ ? PR_DIFF_REMOVED : PR_DIFF_CHANGED;
    e->api_version = r->api_version;
    e->group = r->group;
    e->kind = r->kind;
    e->namespace = r->namespace;
    e->name = r->name;
    e->old_name = old && new_ && strcmp(old->name, new_->name) ? old->name : NULL;
    e->diff = diff;
}

void pr_diff_compare(pr_arena *a, const char *root, const pr_rendered *old, size_t old_len,
                     const pr_rendered *new_, size_t new_len, const pr_diff_options *o,
                     pr_diff_root *out)
{
    memset(out, 0, sizeof *out);
    out->root = root;
    git_libgit2_init();
    long *old_pair = pr_alloc(a, (old_len + 1) * sizeof *old_pair);
    long *new_pair = pr_alloc(a, (new_len + 1) * sizeof *new_pair);
    for (size_t i = 0; i < old_len; i++)
        old_pair[i] = -1;
    for (size_t j = 0; j < new_len; j++)
        new_pair[j] = -1;
    pair_by(a, old, old_len, old_pair, new_, new_len, new_pair, false);
    pair_by(a, old, old_len, old_pair, new_, new_len, new_pair, true);
    size_t cap = 0;
    for (size_t j = 0; j < new_len; j++)
        add_entry(a, out, &cap, new_pair[j] >= 0 ? &old[new_pair[j]] : NULL, &new_[j], o);
    for (size_t i = 0; i < old_len; i++)
        if (old_pair[i] < 0)
            add_entry(a, out, &cap, &old[i], NULL, o);
    git_libgit2_shutdown();
    out->status = !old ? PR_ROOT_ADDED : !new_ ? PR_ROOT_REMOVED
                  : out->len ? PR_ROOT_CHANGED : PR_ROOT_UNCHANGED;
}

pr_diff_summary pr_diff_summarize(const pr_diff_root *roots, size_t len)
{
    pr_diff_summary s = {0};
    s.roots = len;
    for (size_t r = 0; r < len; r++) {
        if (roots[r].status == PR_ROOT_FAILED)
            s.roots_failed++;
        else if (roots[r].status != PR_ROOT_UNCHANGED)
            s.roots_changed++;
        for (size_t i = 0; i < roots[r].len; i++) {
            switch (roots[r].entries[i].status) {
            case PR_DIFF_ADDED: s.added++; break;
            case PR_DIFF_REMOVED: s.removed++; break;
            case PR_DIFF_CHANGED: s.changed++; break;
            }
        }
    }
    return s;
}
