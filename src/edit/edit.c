/*
 * The `edit` operations: what each kustomize edit command means, carried
 * out as a series of small structural edits (each one re-parsed before the
 * next, so positions are always fresh), and checked at the end against
 * the meaning intended, computed independently on the project's own
 * pr_node reading of the file.
 */
#include "pleo/edit.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "pleo/node.h"
#include "pleo/utf8.h"
#include "pleo/yaml.h"

/* ---- arguments ---- */

static const char image_usage[] =
    "invalid format of image, use one of the following options:\n"
    "- <image>=<newimage>:<newtag>\n"
    "- <image>=<newimage>@<digest>\n"
    "- <image>=<newimage>:<newtag>@<digest>\n"
    "- <image>=<newimage>\n"
    "- <image>:<newtag>\n"
    "- <image>:<newtag>@<digest>\n"
    "- <image>@<digest>";

static const char *nonempty(pr_arena *a, const char *s, size_t n)
{
    return n ? pr_strndup(a, s, n) : NULL;
}

/* kustomize's image.Split: a ':' or '@' before the first '/' belongs to
 * a registry host, not to a tag or digest. */
static void split_image(pr_arena *a, const char *s, const char **name, const char **tag,
                        const char **digest)
{
    size_t n = strlen(s);
    const char *slash = strchr(s, '/');
    size_t from = slash && slash > s ? (size_t)(slash - s) : 0;
    const char *at = strchr(s + from, '@'), *colon = strchr(s + from, ':');
    *tag = *digest = NULL;
    if (!at && !colon) {
        *name = pr_strdup(a, s);
    } else if (at && (!colon || at < colon)) {
        *name = pr_strndup(a, s, (size_t)(at - s));
        *digest = nonempty(a, at + 1, n - (size_t)(at - s) - 1);
    } else if (at) {
        *name = pr_strndup(a, s, (size_t)(colon - s));
        *tag = nonempty(a, colon + 1, (size_t)(at - colon) - 1);
        *digest = nonempty(a, at + 1, n - (size_t)(at - s) - 1);
    } else {
        *name = pr_strndup(a, s, (size_t)(colon - s));
        *tag = nonempty(a, colon + 1, n - (size_t)(colon - s) - 1);
    }
}

bool pr_edit_parse_image(pr_arena *a, const char *arg, pr_edit_image *out, pr_error *err)
{
    memset(out, 0, sizeof *out);
    const char *eq = strchr(arg, '=');
    const char *key = eq ? pr_strndup(a, arg, (size_t)(eq - arg)) : "";
    const char *value = eq ? eq + 1 : arg;
    const char *name, *tag, *digest;
    split_image(a, value, &name, &tag, &digest);
    if (!strcmp(name, arg))
        return pr_error_set(err, "%s", image_usage);
    out->new_tag = tag;
    out->digest = digest;
    if (!*key) {
        out->name = name;
    } else {
        out->name = key;
        out->new_name = *name ? name : NULL;
    }
    /* kustomize would write an entry without a name, which matches no
     * image; refuse it instead. */
    if (!*out->name)
        return pr_error_set(err, "image argument '%s' has an empty image name", arg);
    return true;
}

bool pr_edit_parse_replica(pr_arena *a, const char *arg, const char **name, long long *count,
                           pr_error *err)
{
    static const char usage[] = "invalid format of replica, use the following format: <name>=<count>";
    const char *eq = strchr(arg, '=');
    if (!eq || strchr(eq + 1, '='))
        return pr_error_set(err, "%s", usage);
    /* strconv.ParseInt(s, 10, 64): an optional sign and decimal digits. */
    const char *p = eq + 1;
    if (*p == '+' || *p == '-')
        p++;
    if (!*p || strspn(p, "0123456789") != strlen(p))
        return pr_error_set(err, "%s", usage);
    errno = 0;
    long long v = strtoll(eq + 1, NULL, 10);
    if (errno == ERANGE)
        return pr_error_set(err, "%s", usage);
    if (eq == arg)
        return pr_error_set(err, "replicas argument '%s' has an empty name", arg);
    *name = pr_strndup(a, arg, (size_t)(eq - arg));
    *count = v;
    return true;
}

/* A Kubernetes namespace name is an RFC 1123 label. (kustomize v5.5.0's
 * validator accepts anything; the API server would not.) */
static bool valid_namespace(const char *ns)
{
    size_t n = strlen(ns);
    if (n == 0 || n > 63 || ns[0] == '-' || ns[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((ns[i] >= 'a' && ns[i] <= 'z') || (ns[i] >= '0' && ns[i] <= '9') || ns[i] == '-'))
            return false;
    return true;
}

bool pr_edit_check_args(const pr_edit_request *req, pr_error *err)
{
    for (size_t i = 0; i < req->nargs; i++)
        if (!pr_utf8_valid(req->args[i], strlen(req->args[i])))
            return pr_error_set(err, "argument %zu is not valid UTF-8", i + 1);
    pr_arena *a = pr_arena_new();
    bool ok = true;
    switch (req->kind) {
    case PR_EDIT_SET_IMAGE:
        if (!req->nargs)
            ok = pr_error_set(err, "no image specified");
        for (size_t i = 0; ok && i < req->nargs; i++) {
            pr_edit_image img;
            ok = pr_edit_parse_image(a, req->args[i], &img, err);
        }
        break;
    case PR_EDIT_SET_NAMESPACE:
        if (req->nargs != 1)
            ok = pr_error_set(err, "must specify exactly one namespace value");
        else if (!valid_namespace(req->args[0]))
            ok = pr_error_set(err,
                              "\"%s\" is not a valid namespace name: a lowercase RFC 1123 label must "
                              "consist of lower case alphanumeric characters or '-', start and end "
                              "with an alphanumeric character, and be at most 63 characters",
                              req->args[0]);
        break;
    case PR_EDIT_SET_REPLICAS:
        if (!req->nargs)
            ok = pr_error_set(err, "no replicas specified");
        for (size_t i = 0; ok && i < req->nargs; i++) {
            const char *name;
            long long count;
            ok = pr_edit_parse_replica(a, req->args[i], &name, &count, err);
        }
        break;
    case PR_EDIT_ADD_RESOURCE:
    case PR_EDIT_REMOVE_RESOURCE:
        if (!req->nargs)
            ok = pr_error_set(err, "must specify a resource file");
        for (size_t i = 0; ok && i < req->nargs; i++)
            if (!*req->args[i])
                ok = pr_error_set(err, "a resource path cannot be empty");
        break;
    default:
        ok = pr_error_set(err, "unknown edit");
    }
    pr_arena_free(a);
    return ok;
}

/* ---- the editing session ---- */

typedef struct {
    pr_arena *a;
    const char *path;
    pr_strbuf buf; /* the file as edited so far */
    pe_doc doc;    /* buf, parsed */
    pr_error *err;
    pr_node *exp; /* what the file should mean when done */
    pr_strbuf *notes;
} ed;

static bool internal(ed *e, const char *what)
{
    pr_error_prefix(e->err, "%s: internal error (%s); the file was not changed. "
                    "Please report this with the file", e->path, what);
    return false;
}

/* Applies one structural edit and parses the result for the next. */
static bool commit(ed *e, pe_splices *s)
{
    if (!s->n)
        return true;
    pr_strbuf out;
    pr_sb_init(&out);
    pe_splice_apply(&e->doc, s, &out);
    pr_sb_release(&e->buf);
    e->buf = out;
    if (!pe_parse(e->a, e->path, e->buf.buf, e->buf.len, &e->doc, e->err))
        return internal(e, "an edit produced invalid YAML");
    return true;
}

static pe_node *root_value(ed *e, const char *key, long *ki)
{
    *ki = -1;
    if (!e->doc.root || !pe_map_find(&e->doc, e->doc.root, key, ki, NULL) || *ki < 0)
        return NULL;
    return e->doc.root->kids[*ki + 1];
}

static bool is_null_scalar(const pe_node *n)
{
    if (n->kind != PE_SCALAR || n->tagged || n->style != PE_PLAIN)
        return false;
    return n->empty || !strcmp(n->text, "") || !strcmp(n->text, "~") || !strcmp(n->text, "null") ||
           !strcmp(n->text, "Null") || !strcmp(n->text, "NULL");
}

/* The value of a mapping entry `key`, when the entry is a mapping. */
static const pe_node *entry_get(const pe_node *entry, const char *key, long *ki)
{
    *ki = -1;
    if (entry->kind != PE_MAP)
        return NULL;
    for (size_t i = 0; i + 1 < entry->n; i += 2)
        if (entry->kids[i]->kind == PE_SCALAR && !strcmp(entry->kids[i]->text, key)) {
            *ki = (long)i;
            return entry->kids[i + 1];
        }
    return NULL;
}

static const char *entry_name(const pe_node *entry);

static bool named(const char *name, const char *const *names, size_t n)
{
    for (size_t i = 0; name && i < n; i++)
        if (!strcmp(names[i], name))
            return true;
    return false;
}

/* Checks, on the file as given (so positions are the user's), that root
 * field `list` is a list (or null) and that its entries named in
 * `names` are mappings of editable scalars under the keys in `keys`.
 * Other entries are left alone, as the edit leaves them. */
static bool check_list(ed *e, const char *list, const char *const *keys,
                       const char *const *names, size_t nnames)
{
    long ki;
    if (!pe_map_find(&e->doc, e->doc.root, list, &ki, e->err))
        return false;
    if (ki < 0)
        return true;
    const pe_node *k = e->doc.root->kids[ki], *v = e->doc.root->kids[ki + 1];
    if (v->kind == PE_ALIAS || v->anchored || v->tagged)
        return pe_fail(&e->doc, e->err, v->ostart, "'%s' uses an anchor, alias or tag; edit it by hand",
                       list);
    if (is_null_scalar(v))
        return true;
    if (v->kind != PE_SEQ)
        return pe_fail(&e->doc, e->err, v->empty ? k->ostart : v->ostart, "'%s' must be a list", list);
    for (size_t i = 0; keys && i < v->n; i++) {
        const pe_node *it = v->kids[i];
        if (!named(entry_name(it), names, nnames))
            continue;
        if (it->anchored || it->tagged)
            return pe_fail(&e->doc, e->err, it->ostart,
                           "entry %zu of '%s' has an anchor or tag; edit it by hand", i + 1, list);
        for (size_t j = 0; j + 1 < it->n; j += 2) {
            const pe_node *key = it->kids[j], *val = it->kids[j + 1];
            if (key->kind != PE_SCALAR || key->style == PE_LITERAL || key->style == PE_FOLDED)
                return pe_fail(&e->doc, e->err, key->ostart,
                               "entry %zu of '%s' has a key that is not a string", i + 1, list);
            bool known = false;
            for (const char *const *kk = keys; *kk; kk++)
                known |= !strcmp(*kk, key->text);
            if (!known)
                return pe_fail(&e->doc, e->err, key->ostart, "unknown field \"%s\" in entry %zu of '%s'",
                               key->text, i + 1, list);
            long dup;
            if (!pe_map_find(&e->doc, it, key->text, &dup, e->err))
                return false;
            if (strcmp(key->text, "name") != 0 && !pe_check_editable(&e->doc, key, val, e->err))
                return false;
        }
    }
    return true;
}

/* The expected-meaning list `key`, created (empty) when absent or null. */
static pr_node *exp_list(ed *e, const char *key)
{
    if (!e->exp)
        e->exp = pr_node_map(e->a);
    pr_node *l = pr_map_get(e->exp, key);
    if (!l || l->kind != PR_SEQ) {
        l = pr_node_seq(e->a);
        pr_map_set(e->a, e->exp, key, l);
    }
    return l;
}

static pr_node *exp_scalar(ed *e, const char *text, bool is_int)
{
    return pr_node_scalar(e->a, is_int ? pr_resolve_plain(text, strlen(text)) : PR_TAG_STR, text,
                          strlen(text));
}

/* Appends `item` to root list `key`, creating the list (or the key)
 * when needed. */
static bool list_append(ed *e, const char *key, const pe_item *item)
{
    long ki;
    pe_node *v = root_value(e, key, &ki);
    pe_splices s = {0};
    bool ok;
    if (ki < 0) {
        pe_value val = {NULL, item};
        ok = pe_map_add(e->a, &e->doc, e->doc.root, key, &val, &s, e->err);
    } else if (v->kind == PE_SEQ) {
        ok = pe_seq_add(e->a, &e->doc, v, item, &s, e->err);
    } else {
        ok = pe_seq_init(e->a, &e->doc, e->doc.root, (size_t)ki, item, &s, e->err);
    }
    return ok && commit(e, &s);
}

/* The quoting of the value of `key` in the entry nearest to entry `idx`
 * of `list` that has it, else `fallback`. */
static pe_quote sibling_quote(const pe_node *list, size_t idx, const char *key, pe_quote fallback)
{
    if (!list || list->kind != PE_SEQ)
        return fallback;
    for (size_t d = 1; d <= list->n; d++) {
        long ki;
        const pe_node *v;
        if (idx >= d && idx - d < list->n && (v = entry_get(list->kids[idx - d], key, &ki)))
            return pe_quote_of(v);
        if (idx + d < list->n && (v = entry_get(list->kids[idx + d], key, &ki)))
            return pe_quote_of(v);
    }
    return fallback;
}

/* Makes field `key` of entry `idx` of root list `list` hold `text`
 * (NULL: absent). */
static bool set_field(ed *e, const char *list, size_t idx, const char *key, const char *text,
                      bool is_int)
{
    long li, ki;
    const pe_node *l = root_value(e, list, &li);
    const pe_node *entry = l->kids[idx];
    const pe_node *v = entry_get(entry, key, &ki);
    pe_splices s = {0};
    if (!text) {
        if (!v)
            return true;
        return pe_map_del(e->a, &e->doc, entry, (size_t)ki, &s, e->err) && commit(e, &s);
    }
    if (v && pe_scalar_means(v, text, is_int))
        return true;
    long ni;
    const pe_node *name = entry_get(entry, "name", &ni);
    pe_field f = {key, text, is_int, sibling_quote(l, idx, key, pe_quote_of(name))};
    bool ok;
    if (v) {
        ok = pe_set_scalar(e->a, &e->doc, entry->kids[ki], v, &f, &s, e->err);
    } else {
        pe_value val = {&f, NULL};
        ok = pe_map_add(e->a, &e->doc, entry, key, &val, &s, e->err);
    }
    return ok && commit(e, &s);
}

static const char *entry_name(const pe_node *entry)
{
    long ki;
    const pe_node *n = entry_get(entry, "name", &ki);
    return n && n->kind == PE_SCALAR ? n->text : NULL;
}

/* Quoting for the fields of a new entry, copied from the list's last
 * entry: the same field's, else its name's. */
static pe_quote template_quote(const pe_node *list, const char *key)
{
    if (!list || list->kind != PE_SEQ || !list->n)
        return PE_Q_PLAIN;
    const pe_node *last = list->kids[list->n - 1];
    long ki;
    const pe_node *v = entry_get(last, key, &ki);
    if (!v)
        v = entry_get(last, "name", &ki);
    return pe_quote_of(v);
}

/* ---- set image ---- */

static const char *const image_keys[] = {"name", "newName", "newTag", "digest", "tagSuffix", NULL};

static bool update_image(ed *e, const char *list, size_t idx, const pr_edit_image *img)
{
    static const char *const fields[] = {"newName", "newTag", "digest"};
    const char *args[] = {img->new_name, img->new_tag, img->digest};
    const char *want[3];
    long li, ki;
    const pe_node *entry = root_value(e, list, &li)->kids[idx];
    for (int i = 0; i < 3; i++) {
        want[i] = args[i];
        if (args[i] && !strcmp(args[i], "*")) {
            /* "*" keeps what the file has. */
            const pe_node *v = entry_get(entry, fields[i], &ki);
            want[i] = v && v->len ? pr_strdup(e->a, v->text) : NULL;
        }
    }
    pr_node *xe = pr_map_get(e->exp, list)->seq.items[idx];
    pr_map_remove(xe, "tagSuffix");
    for (int i = 0; i < 3; i++) {
        pr_map_remove(xe, fields[i]);
        if (want[i])
            pr_map_set(e->a, xe, fields[i], exp_scalar(e, want[i], false));
    }
    /* Values replaced in place first, then removals, then additions, so
     * an entry never loses the key its `-` line holds before it has a
     * successor. kustomize replaces the whole entry: a tagSuffix goes. */
    for (int i = 0; i < 3; i++) {
        entry = root_value(e, list, &li)->kids[idx];
        if (want[i] && entry_get(entry, fields[i], &ki) &&
            !set_field(e, list, idx, fields[i], want[i], false))
            return false;
    }
    if (!set_field(e, list, idx, "tagSuffix", NULL, false))
        return false;
    for (int i = 0; i < 3; i++)
        if (!want[i] && !set_field(e, list, idx, fields[i], NULL, false))
            return false;
    for (int i = 0; i < 3; i++)
        if (want[i] && !set_field(e, list, idx, fields[i], want[i], false))
            return false;
    return true;
}

static bool op_set_image(ed *e, const pr_edit_request *req)
{
    pr_edit_image *imgs = pr_alloc(e->a, (req->nargs + 1) * sizeof *imgs);
    const char **names = pr_alloc(e->a, (req->nargs + 1) * sizeof *names);
    for (size_t i = 0; i < req->nargs; i++) {
        if (!pr_edit_parse_image(e->a, req->args[i], &imgs[i], e->err))
            return false;
        names[i] = imgs[i].name;
    }
    if (!check_list(e, "images", image_keys, names, req->nargs) ||
        !check_list(e, "imageTags", image_keys, names, req->nargs))
        return false;
    for (size_t i = 0; i < req->nargs; i++) {
        bool later = false; /* kustomize keeps the last argument per name */
        for (size_t j = i + 1; j < req->nargs; j++)
            later |= !strcmp(imgs[i].name, imgs[j].name);
        if (later)
            continue;
        const pr_edit_image *img = &imgs[i];
        bool matched = false;
        static const char *const lists[] = {"images", "imageTags"};
        for (int li = 0; li < 2; li++) {
            for (size_t idx = 0;; idx++) {
                long ki;
                const pe_node *l = root_value(e, lists[li], &ki);
                if (!l || l->kind != PE_SEQ || idx >= l->n)
                    break;
                const char *name = entry_name(l->kids[idx]);
                if (!name || strcmp(name, img->name) != 0)
                    continue;
                matched = true;
                if (!update_image(e, lists[li], idx, img))
                    return false;
            }
        }
        if (matched)
            continue;
        long ki;
        const pe_node *l = root_value(e, "images", &ki);
        const char *keys[] = {"name", "newName", "newTag", "digest"};
        const char *vals[] = {img->name, img->new_name, img->new_tag, img->digest};
        pe_field *f = pr_alloc(e->a, 4 * sizeof *f);
        size_t nf = 0;
        pr_node *xe = pr_node_map(e->a);
        for (int k = 0; k < 4; k++) {
            /* "*" keeps nothing in a new entry; a name is never "kept". */
            if (!vals[k] || (k > 0 && !strcmp(vals[k], "*")))
                continue;
            f[nf++] = (pe_field){keys[k], vals[k], false, template_quote(l, keys[k])};
            pr_map_set(e->a, xe, keys[k], exp_scalar(e, vals[k], false));
        }
        pr_seq_append(e->a, exp_list(e, "images"), xe);
        pe_item item = {NULL, false, PE_Q_PLAIN, f, nf};
        if (!list_append(e, "images", &item))
            return false;
    }
    return true;
}

/* ---- set replicas ---- */

static const char *const replica_keys[] = {"name", "count", NULL};

static bool op_set_replicas(ed *e, const pr_edit_request *req)
{
    const char **names = pr_alloc(e->a, (req->nargs + 1) * sizeof *names);
    long long *counts = pr_alloc(e->a, (req->nargs + 1) * sizeof *counts);
    for (size_t i = 0; i < req->nargs; i++)
        if (!pr_edit_parse_replica(e->a, req->args[i], &names[i], &counts[i], e->err))
            return false;
    if (!check_list(e, "replicas", replica_keys, names, req->nargs))
        return false;
    for (size_t i = 0; i < req->nargs; i++) {
        bool later = false;
        for (size_t j = i + 1; j < req->nargs; j++)
            later |= !strcmp(names[i], names[j]);
        if (later)
            continue;
        const char *count = pr_sprintf(e->a, "%lld", counts[i]);
        bool matched = false;
        for (size_t idx = 0;; idx++) {
            long ki;
            const pe_node *l = root_value(e, "replicas", &ki);
            if (!l || l->kind != PE_SEQ || idx >= l->n)
                break;
            const char *name = entry_name(l->kids[idx]);
            if (!name || strcmp(name, names[i]) != 0)
                continue;
            matched = true;
            pr_map_set(e->a, pr_map_get(e->exp, "replicas")->seq.items[idx], "count",
                       exp_scalar(e, count, true));
            if (!set_field(e, "replicas", idx, "count", count, true))
                return false;
        }
        if (matched)
            continue;
        long ki;
        const pe_node *l = root_value(e, "replicas", &ki);
        pe_field *f = pr_alloc(e->a, 2 * sizeof *f);
        f[0] = (pe_field){"name", names[i], false, template_quote(l, "name")};
        f[1] = (pe_field){"count", count, true, PE_Q_PLAIN};
        pr_node *xe = pr_node_map(e->a);
        pr_map_set(e->a, xe, "name", exp_scalar(e, names[i], false));
        pr_map_set(e->a, xe, "count", exp_scalar(e, count, true));
        pr_seq_append(e->a, exp_list(e, "replicas"), xe);
        pe_item item = {NULL, false, PE_Q_PLAIN, f, 2};
        if (!list_append(e, "replicas", &item))
            return false;
    }
    return true;
}

/* ---- set namespace ---- */

static bool op_set_namespace(ed *e, const pr_edit_request *req)
{
    const char *ns = req->args[0];
    long ki;
    if (!pe_map_find(&e->doc, e->doc.root, "namespace", &ki, e->err))
        return false;
    if (!e->exp)
        e->exp = pr_node_map(e->a);
    pr_map_set(e->a, e->exp, "namespace", exp_scalar(e, ns, false));
    pe_splices s = {0};
    pe_field f = {"namespace", ns, false, PE_Q_PLAIN};
    if (ki < 0) {
        pe_value val = {&f, NULL};
        return pe_map_add(e->a, &e->doc, e->doc.root, "namespace", &val, &s, e->err) && commit(e, &s);
    }
    const pe_node *v = e->doc.root->kids[ki + 1];
    if (pe_scalar_means(v, ns, false))
        return true;
    return pe_set_scalar(e->a, &e->doc, e->doc.root->kids[ki], v, &f, &s, e->err) && commit(e, &s);
}

/* ---- resources ---- */

static bool listed(ed *e, const char *path)
{
    static const char *const lists[] = {"resources", "bases"};
    for (int li = 0; li < 2; li++) {
        long ki;
        const pe_node *l = root_value(e, lists[li], &ki);
        for (size_t i = 0; l && l->kind == PE_SEQ && i < l->n; i++)
            if (l->kids[i]->kind == PE_SCALAR && !strcmp(l->kids[i]->text, path))
                return true;
    }
    return false;
}

static void note(ed *e, const char *fmt, const char *arg)
{
    if (!e->notes)
        return;
    pr_sb_addf(e->notes, fmt, arg);
    pr_sb_addc(e->notes, '\n');
}

static bool op_add_resource(ed *e, const pr_edit_request *req)
{
    if (!check_list(e, "resources", NULL, NULL, 0) || !check_list(e, "bases", NULL, NULL, 0))
        return false;
    for (size_t i = 0; i < req->nargs; i++) {
        const char *path = req->args[i];
        if (req->file_name && !strcmp(path, req->file_name))
            continue;
        if (listed(e, path)) {
            note(e, "resource %s already in kustomization file", path);
            continue;
        }
        long ki;
        const pe_node *l = root_value(e, "resources", &ki);
        pe_quote q = l && l->kind == PE_SEQ && l->n ? pe_quote_of(l->kids[l->n - 1]) : PE_Q_PLAIN;
        pr_seq_append(e->a, exp_list(e, "resources"), exp_scalar(e, path, false));
        pe_item item = {path, false, q, NULL, 0};
        if (!list_append(e, "resources", &item))
            return false;
    }
    return true;
}

/* Go's filepath.Match as kustomize uses it: '*' stops at '/'. */
static bool matches_any(const pr_edit_request *req, const char *text)
{
    for (size_t i = 0; i < req->nargs; i++)
        if (fnmatch(req->args[i], text, FNM_PATHNAME) == 0)
            return true;
    return false;
}

static bool op_remove_resource(ed *e, const pr_edit_request *req)
{
    if (!check_list(e, "resources", NULL, NULL, 0) || !check_list(e, "bases", NULL, NULL, 0))
        return false;
    static const char *const lists[] = {"resources", "bases"};
    /* An entry others alias cannot go without breaking them. */
    for (int li = 0; li < 2; li++) {
        long ki;
        const pe_node *l = root_value(e, lists[li], &ki);
        for (size_t i = 0; l && l->kind == PE_SEQ && i < l->n; i++) {
            const pe_node *it = l->kids[i];
            if (it->kind == PE_SCALAR && !it->empty && it->anchored && matches_any(req, it->text))
                return pe_fail(&e->doc, e->err, it->ostart, "this entry is anchored (&) and may be "
                               "used elsewhere; remove it by hand");
        }
    }
    size_t removed = 0;
    for (int li = 0; li < 2; li++) {
        for (;;) {
            long ki;
            const pe_node *l = root_value(e, lists[li], &ki);
            if (!l || l->kind != PE_SEQ)
                break;
            size_t idx = 0;
            while (idx < l->n && !(l->kids[idx]->kind == PE_SCALAR && !l->kids[idx]->empty &&
                                   matches_any(req, l->kids[idx]->text)))
                idx++;
            if (idx == l->n)
                break;
            pr_seq_remove(pr_map_get(e->exp, lists[li]), idx);
            pe_splices s = {0};
            if (!pe_seq_del(e->a, &e->doc, e->doc.root->kids[ki], l, idx, &s, e->err) || !commit(e, &s))
                return false;
            removed++;
        }
    }
    if (!removed)
        note(e, "no entry of resources or bases matches %s; nothing removed",
             req->nargs == 1 ? req->args[0] : "the given patterns");
    return true;
}

/* ---- entry point ---- */

static bool has_aliases(const pe_node *n)
{
    if (!n)
        return false;
    if (n->kind == PE_ALIAS || n->anchored)
        return true;
    for (size_t i = 0; i < n->n; i++)
        if (has_aliases(n->kids[i]))
            return true;
    return false;
}

/* Whether libfyaml's reading (`p`) has the shape of kustomize's (`n`,
 * read as `build` reads it). libfyaml 0.7.12 does not always agree: it
 * reads lines indented like their key as the content of an empty block
 * scalar above them (found by fuzz_edit). Files with anchors are not
 * compared (the build's reader expands aliases and merge keys). */
static bool same_reading(const pe_node *p, const pr_node *n)
{
    if (!p || !n)
        return !p && !n;
    switch (p->kind) {
    case PE_SCALAR:
        /* Block scalars' text is not compared: the build reads some as
         * go-yaml does (folded and keep-chomped quirks), and edits never
         * touch them. */
        return n->kind == PR_SCALAR && (p->style == PE_LITERAL || p->style == PE_FOLDED ||
                                        !strcmp(p->text, n->scalar.text));
    case PE_SEQ:
        if (n->kind != PR_SEQ || n->seq.len != p->n)
            return false;
        for (size_t i = 0; i < p->n; i++)
            if (!same_reading(p->kids[i], n->seq.items[i]))
                return false;
        return true;
    case PE_MAP: {
        /* A key written twice counts once, with its last value, as the
         * build reads it (an edit that touches it says so itself). */
        if (n->kind != PR_MAP)
            return false;
        size_t distinct = 0;
        for (size_t i = 0; i + 1 < p->n; i += 2) {
            const pe_node *key = p->kids[i];
            bool later = false;
            for (size_t j = i + 2; j + 1 < p->n && !later; j += 2)
                later = key->kind == PE_SCALAR && p->kids[j]->kind == PE_SCALAR &&
                        !strcmp(key->text, p->kids[j]->text);
            if (later)
                continue;
            distinct++;
            if (key->kind != PE_SCALAR ||
                !same_reading(p->kids[i + 1], pr_map_get(n, key->text)))
                return false;
        }
        return distinct == n->map.len;
    }
    default:
        return true;
    }
}


static bool verify(ed *e)
{
    pr_doclist docs = {0};
    pr_error perr;
    pr_error_init(&perr);
    bool ok = pr_yaml_parse_with(e->a, e->path, e->buf.buf, e->buf.len, PR_YAML_LAST_KEY_WINS,
                                 &docs, &perr);
    pr_error_release(&perr);
    if (!ok || docs.len > 1)
        return internal(e, "the edited file does not parse");
    const pr_node *after = docs.len ? docs.docs[0] : NULL;
    if (!pr_node_equal(e->exp, after))
        return internal(e, "the edited file does not mean what was intended");
    /* The next edit must be able to read what this one wrote. */
    pe_doc reread;
    if (!pe_parse(e->a, e->path, e->buf.buf, e->buf.len, &reread, e->err) ||
        (reread.root && after && !has_aliases(reread.root) && !same_reading(reread.root, after)))
        return internal(e, "the edited file would be misread by the next edit");
    return true;
}

bool pr_edit_apply(const pr_edit_request *req, const char *path, const char *src, size_t len,
                   pr_strbuf *out, pr_strbuf *notes, pr_error *err)
{
    pr_sb_reset(out);
    if (!pr_edit_check_args(req, err))
        return false;
    pr_arena *a = pr_arena_new();
    ed e = {.a = a, .path = path, .err = err, .notes = notes};
    pr_sb_init(&e.buf);
    pr_sb_add(&e.buf, src, len);
    bool ok = false;
    pr_doclist docs = {0};
    /* Read the file first as `build` reads it, so a broken kustomization
     * gets the same message either way. */
    if (!pr_yaml_parse_with(a, path, src, len, PR_YAML_LAST_KEY_WINS, &docs, err))
        goto done;
    if (docs.len > 1) {
        pr_error_set(err, "%s: a kustomization file holds one YAML document, found %zu", path,
                     docs.len);
        goto done;
    }
    if (!pe_parse(a, path, e.buf.buf, e.buf.len, &e.doc, err))
        goto done;
    if ((e.doc.root && e.doc.root->kind != PE_MAP) ||
        (docs.len && docs.docs[0] && docs.docs[0]->kind != PR_MAP)) {
        pe_fail(&e.doc, err, e.doc.root ? e.doc.root->ostart : 0, "a kustomization must be a mapping");
        goto done;
    }
    if (e.doc.root && docs.len && docs.docs[0] && !has_aliases(e.doc.root) &&
        !same_reading(e.doc.root, docs.docs[0])) {
        pr_error_set(err, "%s: libfyaml, which edits keep layout with, reads this file differently "
                     "from kustomize (an empty block scalar followed by lines at its key's "
                     "indentation?); edit it by hand", path);
        goto done;
    }
    if (e.doc.root && e.doc.root->anchored) {
        pe_fail(&e.doc, err, e.doc.root->ostart, "the kustomization is anchored; edit it by hand");
        goto done;
    }
    e.exp = docs.len ? pr_node_copy(a, docs.docs[0]) : NULL;
    switch (req->kind) {
    case PR_EDIT_SET_IMAGE: ok = op_set_image(&e, req); break;
    case PR_EDIT_SET_NAMESPACE: ok = op_set_namespace(&e, req); break;
    case PR_EDIT_SET_REPLICAS: ok = op_set_replicas(&e, req); break;
    case PR_EDIT_ADD_RESOURCE: ok = op_add_resource(&e, req); break;
    case PR_EDIT_REMOVE_RESOURCE: ok = op_remove_resource(&e, req); break;
    }
    ok = ok && verify(&e);
    if (ok)
        pr_sb_add(out, e.buf.buf, e.buf.len);
done:
    pr_sb_release(&e.buf);
    pr_arena_free(a);
    return ok;
}
