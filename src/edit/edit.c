/*
 * The `edit` operations: what each kustomize edit command means, carried
 * out as a series of small structural edits (each one re-parsed before the
 * next, so positions are always fresh), and checked at the end against
 * the meaning intended, computed independently on the project's own
 * pr_node reading of the file.
 */
#include "pleo/edit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "doc.h"
#include "kust/pipeline.h"
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

/* kustomize's annotation key rule for `set annotation`: an optional DNS
 * prefix and '/', then a name of alphanumerics, '-', '_' and '.'. */
static bool valid_annotation_key(const char *k)
{
    const char *slash = strchr(k, '/');
    if (slash) {
        size_t n = (size_t)(slash - k);
        if (n < 1 || n > 253 || !((k[0] >= 'a' && k[0] <= 'z') || (k[0] >= 'A' && k[0] <= 'Z')))
            return false;
        char last = k[n - 1];
        if (!((last >= 'a' && last <= 'z') || (last >= 'A' && last <= 'Z') || (last >= '0' && last <= '9')))
            return false;
        for (size_t i = 0; i < n; i++)
            if (!(strchr("-.", k[i]) || (k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' && k[i] <= 'Z') ||
                  (k[i] >= '0' && k[i] <= '9')))
                return false;
        k = slash + 1;
    }
    size_t n = strlen(k);
    if (n < 1 || n > 63)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = k[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && ((i == 0 || i == n - 1) || !strchr("-_.", c)))
            return false;
    }
    return true;
}

const char *const pr_edit_builtin_plugins[] = {
    "ConfigMapGenerator", "IAMPolicyGenerator", "SecretGenerator", "HelmChartInflationGenerator",
    "AnnotationsTransformer", "HashTransformer", "ImageTagTransformer", "LabelTransformer",
    "NamespaceTransformer", "PatchJson6902Transformer", "PatchStrategicMergeTransformer",
    "PatchTransformer", "PrefixSuffixTransformer", "PrefixTransformer", "SuffixTransformer",
    "ReplicaCountTransformer", "ValueAddTransformer", "ReplacementTransformer", NULL};

static const char *const build_metadata_options[] = {"originAnnotations", "transformerAnnotations",
                                                     "managedByLabel", NULL};

/* The arguments as kustomize's messages print them (Go's %s of a
 * []string): "[a b]". */
static const char *go_strings(pr_arena *a, const pr_edit_request *req)
{
    const char *s = "[";
    for (size_t i = 0; i < req->nargs; i++)
        s = pr_sprintf(a, "%s%s%s", s, i ? " " : "", req->args[i]);
    return pr_sprintf(a, "%s]", s);
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
    case PR_EDIT_ADD_COMPONENT:
    case PR_EDIT_REMOVE_COMPONENT:
    case PR_EDIT_ADD_GENERATOR:
    case PR_EDIT_ADD_TRANSFORMER:
    case PR_EDIT_REMOVE_TRANSFORMER: {
        const char *what = "resource";
        if (req->kind == PR_EDIT_ADD_COMPONENT || req->kind == PR_EDIT_REMOVE_COMPONENT)
            what = "component";
        else if (req->kind == PR_EDIT_ADD_GENERATOR)
            what = "generator";
        else if (req->kind == PR_EDIT_ADD_TRANSFORMER || req->kind == PR_EDIT_REMOVE_TRANSFORMER)
            what = "transformer";
        /* kustomize's add generator|transformer name the plugin file. */
        if (!req->nargs && (req->kind == PR_EDIT_ADD_GENERATOR || req->kind == PR_EDIT_ADD_TRANSFORMER))
            ok = pr_error_set(err, "must specify a yaml file which contains a %s plugin resource",
                              what);
        else if (!req->nargs)
            ok = pr_error_set(err, "must specify a %s file", what);
        for (size_t i = 0; ok && i < req->nargs; i++)
            if (!*req->args[i])
                ok = pr_error_set(err, "a %s path cannot be empty", what);
        break;
    }
    case PR_EDIT_SET_NAMEPREFIX:
    case PR_EDIT_SET_NAMESUFFIX:
        if (req->nargs != 1)
            ok = pr_error_set(err, "must specify exactly one %s value",
                              req->kind == PR_EDIT_SET_NAMEPREFIX ? "prefix" : "suffix");
        break;
    case PR_EDIT_ADD_LABEL:
    case PR_EDIT_ADD_ANNOTATION:
    case PR_EDIT_SET_LABEL:
    case PR_EDIT_SET_ANNOTATION: {
        bool label = req->kind == PR_EDIT_ADD_LABEL || req->kind == PR_EDIT_SET_LABEL;
        const char **keys, **values;
        size_t n;
        if (!req->nargs)
            ok = pr_error_set(err, "must specify %s", label ? "label" : "annotation");
        else if (req->kind == PR_EDIT_ADD_LABEL && req->opts.include_templates &&
                 !req->opts.without_selector)
            ok = pr_error_set(err, "--without-selector flag must be specified for "
                              "--include-templates to work");
        else
            ok = pr_edit_parse_pairs(a, req, &keys, &values, &n, err);
        for (size_t i = 0; ok && req->kind == PR_EDIT_SET_ANNOTATION && i < n; i++)
            if (!valid_annotation_key(keys[i]))
                ok = pr_error_set(err, "invalid annotation key '%s': see the syntax and character "
                                  "set rules at https://kubernetes.io/docs/concepts/overview/"
                                  "working-with-objects/annotations/", keys[i]);
        break;
    }
    case PR_EDIT_REMOVE_LABEL:
    case PR_EDIT_REMOVE_ANNOTATION: {
        const char *what = req->kind == PR_EDIT_REMOVE_LABEL ? "label" : "annotation";
        if (!req->nargs)
            ok = pr_error_set(err, "must specify %s", what);
        else if (req->nargs > 1)
            ok = pr_error_set(err, "%ss must be comma-separated, with no spaces", what);
        else
            for (const char *p = req->args[0]; ok && p; p = strchr(p, ','), p = p ? p + 1 : NULL)
                if (*p == ',' || *p == '\0')
                    ok = pr_error_set(err, "invalid %s: '' (name is empty)", what);
        break;
    }
    case PR_EDIT_ADD_BASE:
        if (req->nargs != 1)
            ok = pr_error_set(err, "must specify a base directory");
        break;
    case PR_EDIT_ADD_BUILDMETADATA:
    case PR_EDIT_SET_BUILDMETADATA:
    case PR_EDIT_REMOVE_BUILDMETADATA:
        if (!req->nargs) {
            ok = pr_error_set(err, "must specify a buildMetadata option");
        } else if (req->nargs > 1) {
            ok = pr_error_set(err, "too many arguments: %s; to provide multiple buildMetadata "
                              "options, please separate options by comma", go_strings(a, req));
        } else {
            for (const char *p = req->args[0]; ok && p;) {
                const char *comma = strchr(p, ',');
                size_t len = comma ? (size_t)(comma - p) : strlen(p);
                bool known = false;
                for (const char *const *o = build_metadata_options; *o; o++)
                    known |= strlen(*o) == len && !strncmp(*o, p, len);
                if (!known)
                    ok = pr_error_set(err, "invalid buildMetadata option: %.*s (one of "
                                      "originAnnotations, transformerAnnotations, managedByLabel)",
                                      (int)len, p);
                p = comma ? comma + 1 : NULL;
            }
        }
        break;
    case PR_EDIT_REMOVE_CONFIGMAP:
    case PR_EDIT_REMOVE_SECRET: {
        const char *what = req->kind == PR_EDIT_REMOVE_CONFIGMAP ? "configmap" : "secret";
        if (!req->nargs) {
            ok = pr_error_set(err, "at least one %s name must be specified", what);
        } else if (req->nargs > 1) {
            ok = pr_error_set(err, "too many arguments: %s; to provide multiple %ss to remove, "
                              "please separate %s names by commas", go_strings(a, req), what, what);
        }
        break;
    }
    case PR_EDIT_ADD_CONFIGMAP:
    case PR_EDIT_ADD_SECRET: {
        const pr_edit_options *o = &req->opts;
        bool env = o->env_file && *o->env_file;
        if (req->nargs != 1)
            ok = pr_error_set(err, "name must be specified once");
        else if (!env && !o->nfiles && !o->nliterals)
            ok = pr_error_set(err, "at least from-env-file, or from-file or from-literal must be set");
        else if (env && (o->nfiles || o->nliterals))
            ok = pr_error_set(err, "from-env-file cannot be combined with from-file or from-literal");
        else if (o->behavior && *o->behavior && strcmp(o->behavior, "create") &&
                 strcmp(o->behavior, "merge") && strcmp(o->behavior, "replace"))
            ok = pr_error_set(err, "invalid behavior: must be one of \"create\", \"merge\", or "
                              "\"replace\"");
        break;
    }
    case PR_EDIT_SET_CONFIGMAP:
    case PR_EDIT_SET_SECRET:
        if (req->nargs != 1)
            ok = pr_error_set(err, "name must be specified once");
        else if (!req->opts.nliterals && !(req->opts.new_namespace && *req->opts.new_namespace))
            ok = pr_error_set(err, "at least one of [--from-literal, --new-namespace] must be specified");
        break;
    case PR_EDIT_ADD_PATCH:
    case PR_EDIT_REMOVE_PATCH: {
        bool path = req->opts.patch_path && *req->opts.patch_path;
        bool text = req->opts.patch_text && *req->opts.patch_text;
        if (req->nargs)
            ok = pr_error_set(err, "unexpected argument '%s'; give the patch with --path or --patch",
                              req->args[0]);
        else if (path && text)
            ok = pr_error_set(err, "patch and path can't be set at the same time");
        else if (req->kind == PR_EDIT_ADD_PATCH && !path && !text)
            ok = pr_error_set(err, "must provide either patch or path");
        break;
    }
    case PR_EDIT_FIX:
        if (req->nargs)
            ok = pr_error_set(err, "fix takes no arguments");
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
    const pr_node *given; /* the file as given */
    pr_strbuf *notes;
    bool (*is_file)(const char *path, void *ctx);
    void *is_file_ctx;
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
            if (strcmp(key->text, "name") != 0 &&
                !pe_check_editable(&e->doc, pr_sprintf(e->a, "'%s'", key->text), val, e->err))
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
        pe_value val = {NULL, item, NULL};
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
            return pe_quote_new(v);
        if (idx + d < list->n && (v = entry_get(list->kids[idx + d], key, &ki)))
            return pe_quote_new(v);
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
    pe_field f = {key, text, is_int, sibling_quote(l, idx, key, pe_quote_new(name))};
    bool ok;
    if (v) {
        ok = pe_set_scalar(e->a, &e->doc, entry->kids[ki], v, &f, &s, e->err);
    } else {
        pe_value val = {&f, NULL, NULL};
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
    return pe_quote_new(v);
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
        pe_item item = {NULL, false, PE_Q_PLAIN, f, nf, NULL};
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
        pe_item item = {NULL, false, PE_Q_PLAIN, f, 2, NULL};
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
        pe_value val = {&f, NULL, NULL};
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
        pe_quote q = l && l->kind == PE_SEQ && l->n ? pe_quote_new(l->kids[l->n - 1]) : PE_Q_PLAIN;
        pr_seq_append(e->a, exp_list(e, "resources"), exp_scalar(e, path, false));
        pe_item item = {path, false, q, NULL, 0, NULL};
        if (!list_append(e, "resources", &item))
            return false;
    }
    return true;
}

/* ---- paths into the file and into its intended meaning ---- */

/* The node at `path` below the root: keys and, for sequences, indices,
 * separated by '/' ("labels/2/pairs"). NULL when something is missing. */
static const pe_node *walk(ed *e, const char *path)
{
    const pe_node *n = e->doc.root;
    while (n && *path) {
        const char *slash = strchr(path, '/');
        size_t len = slash ? (size_t)(slash - path) : strlen(path);
        char *seg = pr_strndup(e->a, path, len);
        if (n->kind == PE_SEQ) {
            size_t i = (size_t)strtoul(seg, NULL, 10);
            n = i < n->n ? n->kids[i] : NULL;
        } else {
            long ki;
            const pe_node *v = entry_get(n, seg, &ki);
            n = v;
        }
        path += len + (slash ? 1 : 0);
    }
    return n;
}

static pr_node *xwalk(ed *e, const char *path)
{
    if (!e->exp)
        e->exp = pr_node_map(e->a);
    pr_node *n = e->exp;
    while (n && *path) {
        const char *slash = strchr(path, '/');
        size_t len = slash ? (size_t)(slash - path) : strlen(path);
        char *seg = pr_strndup(e->a, path, len);
        if (n->kind == PR_SEQ) {
            size_t i = (size_t)strtoul(seg, NULL, 10);
            n = i < n->seq.len ? n->seq.items[i] : NULL;
        } else {
            n = n->kind == PR_MAP ? pr_map_get(n, seg) : NULL;
        }
        path += len + (slash ? 1 : 0);
    }
    return n;
}

static pr_node *str_node(ed *e, const char *s)
{
    return pr_node_str(e->a, s);
}

/* The mapping at `mpath` that a key is added to. A file without one yet
 * (empty, only comments, `---`) is an empty kustomization to kustomize:
 * its root is NULL here, which pe_map_add starts a mapping for. */
static bool map_to_add_to(ed *e, const char *mpath, const pe_node **m)
{
    *m = walk(e, mpath);
    if ((*m && (*m)->kind == PE_MAP) || (!*mpath && !e->doc.root))
        return true;
    return internal(e, "a mapping to edit is missing");
}

/* The quoting of the last scalar value of mapping `m`, for a new one. */
static pe_quote last_value_quote(const pe_node *m)
{
    for (size_t i = m ? m->n : 0; m && m->kind == PE_MAP && i >= 2; i -= 2)
        if (m->kids[i - 1]->kind == PE_SCALAR && !m->kids[i - 1]->empty)
            return pe_quote_new(m->kids[i - 1]);
    return PE_Q_PLAIN;
}

/* Makes key `key` of the mapping at `mpath` hold `val`: a new key, a
 * null value filled, or a scalar replaced. */
static bool put_value(ed *e, const char *mpath, const char *key, const pr_node *val)
{
    const pe_node *m;
    if (!map_to_add_to(e, mpath, &m))
        return false;
    long ki;
    if (!pe_map_find(&e->doc, m, key, &ki, e->err))
        return false;
    pr_node *xm = xwalk(e, mpath);
    pr_map_set(e->a, xm, key, pr_node_copy(e->a, val));
    bool is_scalar = val->kind == PR_SCALAR;
    pe_field f = {key, is_scalar ? val->scalar.text : NULL, is_scalar && val->tag != PR_TAG_STR,
                  last_value_quote(m)};
    pe_value value = {is_scalar ? &f : NULL, NULL, is_scalar ? NULL : val};
    pe_splices s = {0};
    if (ki < 0) {
        if (!pe_map_add(e->a, &e->doc, m, key, &value, &s, e->err))
            return false;
        return commit(e, &s);
    }
    const pe_node *k = m->kids[ki], *v = m->kids[ki + 1];
    if (is_null_scalar(v)) {
        if (!pe_null_init(e->a, &e->doc, m, (size_t)ki, &value, &s, e->err))
            return false;
        return commit(e, &s);
    }
    if (!is_scalar || v->kind != PE_SCALAR)
        return pe_fail(&e->doc, e->err, v->ostart, "'%s' is not a scalar here; edit it by hand", key);
    if (pe_scalar_means(v, f.text, f.is_int))
        return true;
    return pe_set_scalar(e->a, &e->doc, k, v, &f, &s, e->err) && commit(e, &s);
}

/* Removes key `key` of the mapping at `mpath`, if there. */
static bool del_key(ed *e, const char *mpath, const char *key)
{
    const pe_node *m = walk(e, mpath);
    if (!m || m->kind != PE_MAP)
        return true;
    long ki;
    if (!pe_map_find(&e->doc, m, key, &ki, e->err))
        return false;
    if (ki < 0)
        return true;
    pr_node *xm = xwalk(e, mpath);
    if (xm && xm->kind == PR_MAP)
        pr_map_remove(xm, key);
    pe_splices s = {0};
    return pe_map_del(e->a, &e->doc, m, (size_t)ki, &s, e->err) && commit(e, &s);
}

/* Appends `item` to the list under key `key` of the mapping at `mpath`,
 * creating the list when absent or null. */
static bool append_in(ed *e, const char *mpath, const char *key, const pr_node *item)
{
    const pe_node *m;
    if (!map_to_add_to(e, mpath, &m))
        return false;
    long ki;
    if (!pe_map_find(&e->doc, m, key, &ki, e->err))
        return false;
    const pe_node *l = ki >= 0 ? m->kids[ki + 1] : NULL;
    if (l && !is_null_scalar(l) && l->kind != PE_SEQ)
        return pe_fail(&e->doc, e->err, l->ostart, "'%s' must be a list", key);
    if (l && (l->kind == PE_ALIAS || l->anchored || l->tagged))
        return pe_fail(&e->doc, e->err, l->ostart, "'%s' uses an anchor, alias or tag; edit it by hand",
                       key);
    pr_node *xm = xwalk(e, mpath);
    pr_node *xl = pr_map_get(xm, key);
    if (!xl || xl->kind != PR_SEQ) {
        xl = pr_node_seq(e->a);
        pr_map_set(e->a, xm, key, xl);
    }
    pr_seq_append(e->a, xl, pr_node_copy(e->a, item));
    pe_quote q = l && l->kind == PE_SEQ && l->n ? pe_quote_new(l->kids[l->n - 1]) : PE_Q_PLAIN;
    bool is_str = item->kind == PR_SCALAR && item->tag == PR_TAG_STR;
    pe_item it = {is_str ? item->scalar.text : NULL, false, q, NULL, 0, is_str ? NULL : item};
    pe_splices s = {0};
    bool ok;
    if (!l) {
        pr_node *seq = pr_node_seq(e->a);
        pr_seq_append(e->a, seq, (pr_node *)item);
        pe_value v = {NULL, NULL, seq};
        ok = pe_map_add(e->a, &e->doc, m, key, &v, &s, e->err);
    } else if (l->kind == PE_SEQ) {
        ok = pe_seq_add(e->a, &e->doc, l, &it, &s, e->err);
    } else {
        ok = pe_seq_init(e->a, &e->doc, m, (size_t)ki, &it, &s, e->err);
    }
    return ok && commit(e, &s);
}

/* Removes item `idx` of the root list `key`. */
static bool remove_item(ed *e, const char *key, size_t idx)
{
    long ki;
    const pe_node *l = root_value(e, key, &ki);
    if (!l || l->kind != PE_SEQ || idx >= l->n)
        return internal(e, "a list entry to remove is missing");
    pr_node *xl = pr_map_get(e->exp, key);
    if (xl && xl->kind == PR_SEQ && idx < xl->seq.len)
        pr_seq_remove(xl, idx);
    pe_splices s = {0};
    return pe_seq_del(e->a, &e->doc, e->doc.root->kids[ki], l, idx, &s, e->err) && commit(e, &s);
}

/* Rewrites item `i` of the list at `lpath` as the string `text`, in place:
 * its quoting where that can carry the text, and the comments around it,
 * stay. `what` names the item when it cannot be rewritten. */
static bool replace_item(ed *e, const char *lpath, size_t i, const char *text, const char *what)
{
    const pe_node *item = walk(e, pr_sprintf(e->a, "%s/%zu", lpath, i));
    pr_node *xl = xwalk(e, lpath);
    if (!item || !xl || xl->kind != PR_SEQ || i >= xl->seq.len)
        return internal(e, "a list entry to rewrite is missing");
    if (item->empty)
        return pe_fail(&e->doc, e->err, item->ostart, "this %s is empty; edit it by hand", what);
    if (!pe_check_editable(&e->doc, pr_sprintf(e->a, "this %s", what), item, e->err))
        return false;
    xl->seq.items[i] = str_node(e, text);
    pr_strbuf enc;
    pr_sb_init(&enc);
    pe_encode(&enc, text, pe_quote_of(item), item->parent && item->parent->style == PE_FLOW, false);
    pe_splices s = {0};
    pe_splice_add(e->a, &s, item->ostart, item->oend - item->ostart,
                  pr_strndup(e->a, enc.buf, enc.len));
    pr_sb_release(&enc);
    return commit(e, &s);
}

/* A root field that must be a mapping (or absent, or null). */
static bool check_map(ed *e, const char *key)
{
    long ki;
    if (!pe_map_find(&e->doc, e->doc.root, key, &ki, e->err))
        return false;
    if (ki < 0)
        return true;
    const pe_node *k = e->doc.root->kids[ki], *v = e->doc.root->kids[ki + 1];
    if (v->kind == PE_ALIAS || v->anchored || v->tagged)
        return pe_fail(&e->doc, e->err, v->ostart, "'%s' uses an anchor, alias or tag; edit it by hand",
                       key);
    if (is_null_scalar(v) || v->kind == PE_MAP)
        return true;
    return pe_fail(&e->doc, e->err, v->empty ? k->ostart : v->ostart, "'%s' must be a mapping", key);
}

/* ---- removing entries ---- */

/* Whether a list entry (as the build reads it) is one the command removes;
 * `ctx` is the command's. */
typedef bool (*entry_match)(const pr_node *entry, void *ctx);

/* Removes every entry of the root lists `lists` that `match` accepts, as
 * kustomize's remove commands rebuild their lists without them, counting
 * them in `removed`. An entry others alias cannot go without breaking
 * them: one that matches is refused before anything is removed. */
static bool remove_where(ed *e, const char *const *lists, int nlists, entry_match match, void *ctx,
                         size_t *removed)
{
    for (int li = 0; li < nlists; li++) {
        if (!check_list(e, lists[li], NULL, NULL, 0))
            return false;
        long ki;
        const pe_node *l = root_value(e, lists[li], &ki);
        const pr_node *xl = xwalk(e, lists[li]);
        for (size_t i = 0; l && l->kind == PE_SEQ && xl && xl->kind == PR_SEQ && i < l->n &&
                           i < xl->seq.len; i++)
            if (l->kids[i]->anchored && match(xl->seq.items[i], ctx))
                return pe_fail(&e->doc, e->err, l->kids[i]->ostart, "this entry is anchored (&) "
                               "and may be used elsewhere; remove it by hand");
    }
    *removed = 0;
    for (int li = 0; li < nlists; li++) {
        for (size_t idx = 0;;) {
            const pr_node *xl = xwalk(e, lists[li]);
            if (!xl || xl->kind != PR_SEQ)
                break;
            while (idx < xl->seq.len && !match(xl->seq.items[idx], ctx))
                idx++;
            if (idx == xl->seq.len)
                break;
            if (!remove_item(e, lists[li], idx))
                return false;
            (*removed)++;
        }
    }
    return true;
}

/* A string entry, as kustomize's []string fields read one (null is ""). */
static const char *go_string(const pr_node *entry)
{
    if (!entry || entry->kind != PR_SCALAR)
        return NULL;
    return entry->tag == PR_TAG_NULL ? "" : entry->scalar.text;
}

/* Go's filepath.Match as kustomize's remove resource|transformer use it
 * (the patterns were checked first). `ctx` is the request. */
static bool path_matches(const pr_node *entry, void *ctx)
{
    const pr_edit_request *req = ctx;
    const char *text = go_string(entry);
    for (size_t i = 0; text && *text && i < req->nargs; i++)
        if (pr_edit_match(req->args[i], text) == PR_GLOB_MATCH)
            return true;
    return false;
}

/* remove resource|component|transformer: the entries that match one of
 * the patterns (resources also in the deprecated bases). */
static bool op_remove_paths(ed *e, const pr_edit_request *req)
{
    static const char *const resources[] = {"resources", "bases"};
    static const char *const components[] = {"components"};
    static const char *const transformers[] = {"transformers"};
    const char *const *lists = req->kind == PR_EDIT_REMOVE_RESOURCE    ? resources
                               : req->kind == PR_EDIT_REMOVE_COMPONENT ? components
                                                                      : transformers;
    int nlists = lists == resources ? 2 : 1;
    /* kustomize meets a malformed pattern when it compares the first entry;
     * it is refused here even when the list is empty. */
    for (size_t i = 0; i < req->nargs; i++)
        if (pr_edit_match(req->args[i], "") == PR_GLOB_BAD_PATTERN)
            return pe_bad_pattern(req->args[i], e->err);
    size_t removed = 0;
    if (!remove_where(e, lists, nlists, path_matches, (void *)req, &removed))
        return false;
    if (!removed)
        note(e, "%s", pr_sprintf(e->a, "no entry of %s matches %s; nothing removed",
                                 nlists == 2 ? "resources or bases" : lists[0],
                                 req->nargs == 1 ? req->args[0] : "the given patterns"));
    return true;
}

/* The items of a comma-separated argument, as Go's strings.Split gives
 * them (empty ones too). */
static const char **split_commas(ed *e, const char *list, size_t *n)
{
    size_t cap = 1;
    for (const char *p = list; *p; p++)
        cap += *p == ',';
    const char **items = pr_alloc(e->a, cap * sizeof *items);
    *n = 0;
    while (list) {
        const char *comma = strchr(list, ',');
        items[(*n)++] = comma ? pr_strndup(e->a, list, (size_t)(comma - list)) : list;
        list = comma ? comma + 1 : NULL;
    }
    return items;
}

/* ---- set nameprefix / namesuffix ---- */

static bool op_set_root_scalar(ed *e, const char *key, const char *value)
{
    if (!*value) /* kustomize drops an empty field when it writes the file */
        return del_key(e, "", key);
    return put_value(e, "", key, str_node(e, value));
}

/* ---- labels and annotations ---- */

bool pr_edit_parse_pairs(pr_arena *a, const pr_edit_request *req, const char ***keys,
                         const char ***values, size_t *n, pr_error *err)
{
    bool label = req->kind == PR_EDIT_ADD_LABEL || req->kind == PR_EDIT_SET_LABEL;
    const char *what = label ? "label" : "annotation";
    size_t cap = 0;
    for (size_t i = 0; i < req->nargs; i++)
        cap += 1 + strlen(req->args[i]);
    *keys = pr_alloc(a, (cap + 1) * sizeof **keys);
    *values = pr_alloc(a, (cap + 1) * sizeof **values);
    *n = 0;
    for (size_t i = 0; i < req->nargs; i++) {
        const char *arg = req->args[i];
        while (arg) {
            const char *comma = label ? strchr(arg, ',') : NULL;
            const char *in = comma ? pr_strndup(a, arg, (size_t)(comma - arg)) : arg;
            arg = comma ? comma + 1 : NULL;
            const char *colon = strchr(in, ':');
            if (colon == in)
                return pr_error_set(err, "invalid %s: '%s' (need k:v pair where v may be quoted)",
                                    what, in);
            const char *key = colon ? pr_strndup(a, in, (size_t)(colon - in)) : in;
            const char *value = colon ? colon + 1 : "";
            size_t vl = strlen(value);
            if (vl >= 2 && value[0] == '"' && value[vl - 1] == '"')
                value = pr_strndup(a, value + 1, vl - 2);
            size_t j = 0;
            while (j < *n && strcmp((*keys)[j], key) != 0)
                j++;
            (*keys)[j] = key;
            (*values)[j] = value;
            if (j == *n)
                (*n)++;
        }
    }
    return true;
}

/* Whether an existing `labels` entry already carries `pairs` with the
 * flags --without-selector would give it. */
static bool labels_entry_has(ed *e, size_t idx, bool templates, const char **keys,
                             const char **values, size_t n)
{
    pr_node *en = xwalk(e, pr_sprintf(e->a, "labels/%zu", idx));
    if (!en || en->kind != PR_MAP || pr_map_get(en, "fields"))
        return false;
    pr_node *sel = pr_map_get(en, "includeSelectors"), *tpl = pr_map_get(en, "includeTemplates");
    if (sel && !pr_scalar_is(sel, "false"))
        return false;
    if (templates != (tpl && pr_scalar_is(tpl, "true")))
        return false;
    pr_node *pairs = pr_map_get(en, "pairs");
    for (size_t i = 0; i < n; i++) {
        pr_node *v = pairs && pairs->kind == PR_MAP ? pr_map_get(pairs, keys[i]) : NULL;
        if (!v || !pr_scalar_is(v, values[i]))
            return false;
    }
    return true;
}

static bool op_put_metadata(ed *e, const pr_edit_request *req)
{
    bool label = req->kind == PR_EDIT_ADD_LABEL || req->kind == PR_EDIT_SET_LABEL;
    bool add = req->kind == PR_EDIT_ADD_LABEL || req->kind == PR_EDIT_ADD_ANNOTATION;
    const char *what = label ? "label" : "annotation";
    const char **keys, **values;
    size_t n;
    if (!pr_edit_parse_pairs(e->a, req, &keys, &values, &n, e->err))
        return false;
    pr_node *pairs = pr_node_map(e->a);
    for (size_t i = 0; i < n; i++)
        pr_map_set(e->a, pairs, keys[i], str_node(e, values[i]));
    if (label && req->opts.without_selector) {
        /* kustomize appends a new `labels` entry every time; one that
         * already says the same is not repeated, so a second run changes
         * nothing. */
        if (!check_list(e, "labels", NULL, NULL, 0))
            return false;
        pr_node *xl = xwalk(e, "labels");
        for (size_t i = 0; xl && xl->kind == PR_SEQ && i < xl->seq.len; i++)
            if (labels_entry_has(e, i, req->opts.include_templates, keys, values, n))
                return true;
        pr_node *entry = pr_node_map(e->a);
        pr_map_set(e->a, entry, "pairs", pairs);
        if (req->opts.include_templates)
            pr_map_set(e->a, entry, "includeTemplates", pr_node_scalar(e->a, PR_TAG_BOOL, "true", 4));
        return append_in(e, "", "labels", entry);
    }
    const char *field = label ? "commonLabels" : "commonAnnotations";
    if (!check_map(e, field))
        return false;
    const pe_node *m = walk(e, field);
    if (!m || m->kind != PE_MAP)
        return put_value(e, "", field, pairs);
    for (size_t i = 0; i < n; i++) {
        long ki;
        if (!pe_map_find(&e->doc, walk(e, field), keys[i], &ki, e->err))
            return false;
        if (ki >= 0 && add && !req->opts.force)
            return pr_error_set(e->err, "%s: %s %s already in kustomization file (give --force to "
                                "overwrite it)", e->path, what, keys[i]);
        if (!put_value(e, field, keys[i], str_node(e, values[i])))
            return false;
    }
    return true;
}

static bool op_remove_metadata(ed *e, const pr_edit_request *req)
{
    bool label = req->kind == PR_EDIT_REMOVE_LABEL;
    const char *what = label ? "label" : "annotation";
    const char *field = label ? "commonLabels" : "commonAnnotations";
    if (!check_map(e, field))
        return false;
    const pe_node *m = walk(e, field);
    if (!m || m->kind != PE_MAP) {
        if (req->opts.ignore_missing)
            return true;
        return pr_error_set(e->err, "%s: %s is not defined in kustomization file", e->path, field);
    }
    const char *list = req->args[0];
    while (list) {
        const char *comma = strchr(list, ',');
        const char *key = comma ? pr_strndup(e->a, list, (size_t)(comma - list)) : list;
        list = comma ? comma + 1 : NULL;
        long ki;
        if (!pe_map_find(&e->doc, walk(e, field), key, &ki, e->err))
            return false;
        if (ki < 0) {
            if (req->opts.ignore_missing)
                continue;
            return pr_error_set(e->err, "%s: %s %s is not defined in kustomization file", e->path,
                                what, key);
        }
        if (!del_key(e, field, key))
            return false;
    }
    /* An empty map is left out when kustomize writes the file (the last
     * key removed from a block mapping leaves a null). */
    m = walk(e, field);
    if (m && ((m->kind == PE_MAP && m->n == 0) || is_null_scalar(m))) {
        pr_node *x = xwalk(e, field);
        if (x && x->kind == PR_MAP && !x->map.len)
            pr_map_set(e->a, xwalk(e, ""), field, pr_node_scalar(e->a, PR_TAG_NULL, "", 0));
        return del_key(e, "", field);
    }
    return true;
}

/* ---- components, bases, build metadata ---- */

static bool in_list(ed *e, const char *key, const char *text)
{
    pr_node *l = xwalk(e, key);
    for (size_t i = 0; l && l->kind == PR_SEQ && i < l->seq.len; i++)
        if (pr_scalar_is(l->seq.items[i], text))
            return true;
    return false;
}

/* add component|generator|transformer: each path once, as kustomize adds
 * it (one already listed is skipped with its message); the kustomization
 * never lists itself. */
static bool op_add_paths(ed *e, const pr_edit_request *req)
{
    const char *field = req->kind == PR_EDIT_ADD_COMPONENT   ? "components"
                        : req->kind == PR_EDIT_ADD_GENERATOR ? "generators"
                                                             : "transformers";
    if (!check_list(e, field, NULL, NULL, 0))
        return false;
    for (size_t i = 0; i < req->nargs; i++) {
        const char *path = req->args[i];
        if (req->file_name && !strcmp(path, req->file_name))
            continue;
        if (in_list(e, field, path)) {
            /* "components" -> "component %s already ..." */
            note(e, "%s", pr_sprintf(e->a, "%.*s %s already in kustomization file",
                                     (int)strlen(field) - 1, field, path));
            continue;
        }
        if (!append_in(e, "", field, str_node(e, path)))
            return false;
    }
    return true;
}

/* Appends each comma-separated item of `list` to the list `field`; an item
 * already there is kustomize's "already in kustomization file" error,
 * naming it as `what`. */
static bool add_comma_items(ed *e, const char *field, const char *what, const char *list)
{
    if (!check_list(e, field, NULL, NULL, 0))
        return false;
    while (list) {
        const char *comma = strchr(list, ',');
        const char *item = comma ? pr_strndup(e->a, list, (size_t)(comma - list)) : list;
        list = comma ? comma + 1 : NULL;
        if (in_list(e, field, item))
            return pr_error_set(e->err, "%s: %s %s already in kustomization file", e->path,
                                what, item);
        if (!append_in(e, "", field, str_node(e, item)))
            return false;
    }
    return true;
}

static bool op_add_base(ed *e, const pr_edit_request *req)
{
    return add_comma_items(e, "resources", "base", req->args[0]);
}

static bool op_add_buildmetadata(ed *e, const pr_edit_request *req)
{
    return add_comma_items(e, "buildMetadata", "buildMetadata option", req->args[0]);
}

/* Inserts the string `text` as item `at` of root list `key` (its end
 * when `at` is its length). */
static bool insert_item(ed *e, const char *key, size_t at, const char *text)
{
    long ki;
    const pe_node *l = root_value(e, key, &ki);
    pr_node *xl = xwalk(e, key);
    if (!l || l->kind != PE_SEQ || !xl || xl->kind != PR_SEQ || at > xl->seq.len)
        return internal(e, "a list to insert into is missing");
    pr_seq_insert(e->a, xl, at, str_node(e, text));
    pe_item it = {text, false, l->n ? pe_quote_new(l->kids[l->n - 1]) : PE_Q_PLAIN, NULL, 0, NULL};
    pe_splices s = {0};
    return pe_seq_insert(e->a, &e->doc, l, at, &it, &s, e->err) && commit(e, &s);
}

/* set buildmetadata: the list becomes the options given, in their order,
 * as kustomize replaces the field. The longest run of entries already in
 * that order stays where it is, comments and all; the others leave with
 * the comments beside them, and the options missing are added where the
 * order puts them, as add writes them. New ones go in before old ones
 * go, so the list is never emptied on the way. */
static bool op_set_buildmetadata(ed *e, const pr_edit_request *req)
{
    size_t n;
    const char **want = split_commas(e, req->args[0], &n);
    if (!check_list(e, "buildMetadata", NULL, NULL, 0))
        return false;
    long ki;
    const pe_node *l = root_value(e, "buildMetadata", &ki);
    const pr_node *xl = xwalk(e, "buildMetadata");
    size_t have = l && l->kind == PE_SEQ && xl && xl->kind == PR_SEQ ? xl->seq.len : 0;
    if (!have) {
        for (size_t j = 0; j < n; j++)
            if (!append_in(e, "", "buildMetadata", str_node(e, want[j])))
                return false;
        return true;
    }
    /* lcs[i][j]: how many of items i.. and options j.. can stay paired. */
    size_t w = n + 1;
    size_t *lcs = pr_alloc(e->a, (have + 1) * w * sizeof *lcs);
    for (size_t i = have + 1; i-- > 0;)
        for (size_t j = n + 1; j-- > 0;) {
            const char *text = i < have ? go_string(xl->seq.items[i]) : NULL;
            if (i == have || j == n)
                lcs[i * w + j] = 0;
            else if (text && !strcmp(text, want[j]))
                lcs[i * w + j] = lcs[(i + 1) * w + j + 1] + 1;
            else
                lcs[i * w + j] = lcs[(i + 1) * w + j] > lcs[i * w + j + 1] ? lcs[(i + 1) * w + j]
                                                                         : lcs[i * w + j + 1];
        }
    /* pair[i]: the option item i stays as, or -1; kept[j]: option j has one. */
    long *pair = pr_alloc(e->a, have * sizeof *pair);
    bool *kept = pr_alloc(e->a, (n + 1) * sizeof *kept);
    for (size_t i = 0, j = 0; i < have;) {
        const char *text = go_string(xl->seq.items[i]);
        if (j < n && text && !strcmp(text, want[j]) && lcs[i * w + j] == lcs[(i + 1) * w + j + 1] + 1) {
            kept[j] = true;
            pair[i++] = (long)j++;
        } else if (j < n && lcs[i * w + j + 1] > lcs[(i + 1) * w + j]) {
            j++;
        } else {
            pair[i++] = -1;
        }
    }
    for (size_t i = 0; i < have; i++)
        if (pair[i] < 0 && l->kids[i]->anchored)
            return pe_fail(&e->doc, e->err, l->kids[i]->ostart, "this entry is anchored (&) and may "
                           "be used elsewhere; remove it by hand");
    /* origin[k]: which old item is now item k, -1 for a new one. */
    long *origin = pr_alloc(e->a, (have + n) * sizeof *origin);
    size_t len = have;
    for (size_t i = 0; i < have; i++)
        origin[i] = (long)i;
    for (size_t j = 0; j < n; j++) {
        if (kept[j])
            continue;
        /* Before the first item that stays as a later option. */
        size_t at = 0;
        while (at < len && !(origin[at] >= 0 && pair[origin[at]] > (long)j))
            at++;
        if (!insert_item(e, "buildMetadata", at, want[j]))
            return false;
        memmove(origin + at + 1, origin + at, (len - at) * sizeof *origin);
        origin[at] = -1;
        len++;
    }
    for (size_t k = len; k-- > 0;)
        if (origin[k] >= 0 && pair[origin[k]] < 0 && !remove_item(e, "buildMetadata", k))
            return false;
    return true;
}

typedef struct {
    const char **items;
    size_t n;
} string_set;

static bool option_listed(const pr_node *entry, void *ctx)
{
    const string_set *set = ctx;
    const char *text = go_string(entry);
    return text && named(text, set->items, set->n);
}

/* remove buildmetadata: every entry naming one of the options; none is
 * not an error, as in kustomize. */
static bool op_remove_buildmetadata(ed *e, const pr_edit_request *req)
{
    static const char *const lists[] = {"buildMetadata"};
    string_set set;
    set.items = split_commas(e, req->args[0], &set.n);
    size_t removed = 0;
    if (!remove_where(e, lists, 1, option_listed, &set, &removed))
        return false;
    if (!removed)
        note(e, "buildMetadata has none of %s; nothing removed", req->args[0]);
    return true;
}

/* ---- patches ---- */

/* The patch the flags describe, as kustomize's types.Patch marshals it
 * (an empty target is no target). */
static pr_node *flag_patch(ed *e, const pr_edit_options *o)
{
    pr_node *p = pr_node_map(e->a);
    if (o->patch_path && *o->patch_path)
        pr_map_set(e->a, p, "path", str_node(e, o->patch_path));
    if (o->patch_text && *o->patch_text)
        pr_map_set(e->a, p, "patch", str_node(e, o->patch_text));
    static const char *const keys[] = {"group", "version", "kind", "name", "namespace",
                                       "annotationSelector", "labelSelector"};
    const char *vals[] = {o->group, o->version, o->kind, o->name, o->namespace,
                          o->annotation_selector, o->label_selector};
    pr_node *t = pr_node_map(e->a);
    for (int i = 0; i < 7; i++)
        if (vals[i] && *vals[i])
            pr_map_set(e->a, t, keys[i], str_node(e, vals[i]));
    if (t->map.len)
        pr_map_set(e->a, p, "target", t);
    return p;
}

/* kustomize's Patch.Equals on what the file says: the same path, patch
 * text, target fields and options (the flags never give options). Empty
 * strings count as absent, as Go's zero values do. */
static bool same_string_field(const pr_node *x, const pr_node *y, const char *key)
{
    const char *a = pr_scalar_text(pr_map_get(x, key)), *b = pr_scalar_text(pr_map_get(y, key));
    return !strcmp(a ? a : "", b ? b : "");
}

static bool patch_equals(const pr_node *file, const pr_node *want)
{
    if (!file || file->kind != PR_MAP)
        return false;
    if (!same_string_field(file, want, "path") || !same_string_field(file, want, "patch"))
        return false;
    pr_node *opt = pr_map_get(file, "options");
    if (opt && !pr_node_is_null(opt))
        return false;
    pr_node *ft = pr_map_get(file, "target"), *wt = pr_map_get(want, "target");
    if (ft && pr_node_is_null(ft))
        ft = NULL;
    if (!ft || !wt)
        return !ft && !wt;
    static const char *const keys[] = {"group", "version", "kind", "name", "namespace",
                                       "annotationSelector", "labelSelector"};
    for (int i = 0; i < 7; i++)
        if (!same_string_field(ft, wt, keys[i]))
            return false;
    return true;
}

static const char *patch_label(ed *e, const pr_edit_options *o)
{
    if (o->patch_path && *o->patch_path)
        return pr_sprintf(e->a, "with path %s", o->patch_path);
    return "with the given text";
}

static bool op_add_patch(ed *e, const pr_edit_request *req)
{
    if (!check_list(e, "patches", NULL, NULL, 0))
        return false;
    pr_node *p = flag_patch(e, &req->opts);
    pr_node *xl = xwalk(e, "patches");
    for (size_t i = 0; xl && xl->kind == PR_SEQ && i < xl->seq.len; i++)
        if (patch_equals(xl->seq.items[i], p)) {
            note(e, "patch %s already in kustomization file", patch_label(e, &req->opts));
            return true;
        }
    return append_in(e, "", "patches", p);
}

static bool patch_matches(const pr_node *entry, void *ctx)
{
    return patch_equals(entry, ctx);
}

static bool op_remove_patch(ed *e, const pr_edit_request *req)
{
    static const char *const lists[] = {"patches"};
    size_t removed = 0;
    if (!remove_where(e, lists, 1, patch_matches, flag_patch(e, &req->opts), &removed))
        return false;
    if (!removed)
        note(e, "patch %s doesn't exist in kustomization file", patch_label(e, &req->opts));
    return true;
}

/* ---- configMapGenerator and secretGenerator ---- */

static bool namespace_equal(const char *x, const char *y)
{
    /* No namespace is the default one, as kustomize's NamespaceEqual. */
    return !strcmp(x && *x ? x : "default", y && *y ? y : "default");
}

/* Index of the generator entry named `name` in `namespace`, or -1. */
static long find_generator(ed *e, const char *list, const char *name, const char *namespace)
{
    pr_node *xl = xwalk(e, list);
    for (size_t i = 0; xl && xl->kind == PR_SEQ && i < xl->seq.len; i++) {
        pr_node *g = xl->seq.items[i];
        if (g->kind != PR_MAP)
            continue;
        const char *n = pr_scalar_text(pr_map_get(g, "name"));
        if (n && !strcmp(n, name) && namespace_equal(pr_scalar_text(pr_map_get(g, "namespace")), namespace))
            return (long)i;
    }
    return -1;
}

static bool check_literal(ed *e, const char *lit)
{
    const char *eq = strchr(lit, '=');
    if (!eq || eq == lit)
        return pr_error_set(e->err, "invalid literal source %s, expected key=value", lit);
    return true;
}

/* The data key a literal (KEY=VALUE) or file source ([KEY=]PATH, else
 * the file's base name) gives. */
static const char *source_key(ed *e, const char *src, bool file)
{
    const char *eq = strchr(src, '=');
    if (eq && (!file || !strchr(eq + 1, '=')))
        return pr_strndup(e->a, src, (size_t)(eq - src));
    const char *slash = strrchr(src, '/');
    return slash ? slash + 1 : src;
}

static bool op_add_generator(ed *e, const pr_edit_request *req)
{
    bool secret = req->kind == PR_EDIT_ADD_SECRET;
    const char *list = secret ? "secretGenerator" : "configMapGenerator";
    const pr_edit_options *o = &req->opts;
    for (size_t i = 0; i < o->nliterals; i++)
        if (!check_literal(e, o->literals[i]))
            return false;
    if (!check_list(e, list, NULL, NULL, 0))
        return false;
    const char *name = req->args[0];
    long gi = find_generator(e, list, name, o->namespace);
    if (gi < 0) {
        pr_node *g = pr_node_map(e->a);
        pr_map_set(e->a, g, "name", str_node(e, name));
        if (o->namespace && *o->namespace)
            pr_map_set(e->a, g, "namespace", str_node(e, o->namespace));
        if (o->behavior && *o->behavior)
            pr_map_set(e->a, g, "behavior", str_node(e, o->behavior));
        const char *const *srcs[] = {o->literals, o->files, &o->env_file};
        size_t ns[] = {o->nliterals, o->nfiles, o->env_file && *o->env_file ? 1 : 0};
        static const char *const keys[] = {"literals", "files", "envs"};
        for (int k = 0; k < 3; k++) {
            if (!ns[k])
                continue;
            pr_node *l = pr_node_seq(e->a);
            for (size_t j = 0; j < ns[k]; j++)
                pr_seq_append(e->a, l, str_node(e, srcs[k][j]));
            pr_map_set(e->a, g, keys[k], l);
        }
        if (o->disable_hash) {
            pr_node *opts = pr_node_map(e->a);
            pr_map_set(e->a, opts, "disableNameSuffixHash", pr_node_scalar(e->a, PR_TAG_BOOL, "true", 4));
            pr_map_set(e->a, g, "options", opts);
        }
        if (secret)
            pr_map_set(e->a, g, "type", str_node(e, o->secret_type ? o->secret_type : "Opaque"));
        return append_in(e, "", list, g);
    }
    /* An existing entry gains the new sources, as kustomize merges the
     * flags into it; a key it already has is an error there, as when
     * kustomize generates the object. */
    const char *at = pr_sprintf(e->a, "%s/%ld", list, gi);
    pr_node *xg = xwalk(e, at);
    static const char *const src_lists[] = {"literals", "files"};
    for (int k = 0; k < 2; k++) {
        pr_node *l = xg && xg->kind == PR_MAP ? pr_map_get(xg, src_lists[k]) : NULL;
        for (size_t i = 0; l && l->kind == PR_SEQ && i < l->seq.len; i++) {
            const char *old = pr_scalar_text(l->seq.items[i]);
            if (!old)
                continue;
            const char *const *news = k ? o->files : o->literals;
            size_t nn = k ? o->nfiles : o->nliterals;
            for (size_t j = 0; j < nn; j++)
                if (!strcmp(source_key(e, old, k == 1), source_key(e, news[j], k == 1)))
                    return pr_error_set(e->err, "%s: %s %s illegally repeats the key `%s`", e->path,
                                        secret ? "secret" : "configmap", name,
                                        source_key(e, news[j], k == 1));
        }
    }
    const pe_node *entry = walk(e, at);
    if (!entry || entry->kind != PE_MAP)
        return pe_fail(&e->doc, e->err, entry ? entry->ostart : 0, "this %s entry is not a mapping",
                       list);
    for (size_t j = 0; j < o->nliterals; j++)
        if (!append_in(e, at, "literals", str_node(e, o->literals[j])))
            return false;
    for (size_t j = 0; j < o->nfiles; j++)
        if (!append_in(e, at, "files", str_node(e, o->files[j])))
            return false;
    if (o->env_file && *o->env_file && !append_in(e, at, "envs", str_node(e, o->env_file)))
        return false;
    if (o->disable_hash) {
        /* kustomize replaces the entry's options with this one flag. */
        pr_node *opts = pr_node_map(e->a);
        pr_map_set(e->a, opts, "disableNameSuffixHash", pr_node_scalar(e->a, PR_TAG_BOOL, "true", 4));
        pr_node *cur = xwalk(e, pr_sprintf(e->a, "%s/options", at));
        if (!cur || !pr_node_equal(cur, opts)) {
            if (!del_key(e, at, "options") || !put_value(e, at, "options", opts))
                return false;
        }
    }
    if (o->behavior && *o->behavior && !put_value(e, at, "behavior", str_node(e, o->behavior)))
        return false;
    return true;
}

/* KEY=VALUE with exactly one '=', as kustomize's set configmap wants. */
static bool split_literal(ed *e, const char *lit, const char **key, const char **value)
{
    const char *eq = strchr(lit, '=');
    if (!eq || strchr(eq + 1, '='))
        return pr_error_set(e->err, "failed to update resource: invalid format: literal values must "
                            "be specified in the key=value format (%s)", lit);
    *key = pr_strndup(e->a, lit, (size_t)(eq - lit));
    *value = eq + 1;
    return true;
}

static bool op_set_generator(ed *e, const pr_edit_request *req)
{
    bool secret = req->kind == PR_EDIT_SET_SECRET;
    const char *list = secret ? "secretGenerator" : "configMapGenerator";
    const char *kind = secret ? "Secret" : "ConfigMap";
    const pr_edit_options *o = &req->opts;
    if (!check_list(e, list, NULL, NULL, 0))
        return false;
    const char *name = req->args[0];
    long gi = find_generator(e, list, name, o->namespace);
    if (gi < 0)
        return pr_error_set(e->err, "%s: could not set new %s value: unable to find %s with name "
                            "\"%s\"", e->path, kind, kind, name);
    const char *at = pr_sprintf(e->a, "%s/%ld", list, gi);
    const char *lits = pr_sprintf(e->a, "%s/literals", at);
    pr_node *xl = xwalk(e, lits);
    size_t have = xl && xl->kind == PR_SEQ ? xl->seq.len : 0;
    for (size_t i = 0; i < have; i++) {
        const char *k = NULL, *v = NULL;
        if (!pr_scalar_text(xl->seq.items[i]) ||
            !split_literal(e, pr_scalar_text(xl->seq.items[i]), &k, &v))
            return false;
    }
    for (size_t j = 0; j < o->nliterals; j++) {
        const char *k = NULL, *v = NULL;
        if (!split_literal(e, o->literals[j], &k, &v))
            return false;
        bool found = false;
        for (size_t i = 0; i < have; i++) {
            const char *ek = NULL, *ev = NULL;
            split_literal(e, pr_scalar_text(xl->seq.items[i]), &ek, &ev);
            if (strcmp(ek, k) != 0)
                continue;
            found = true;
            if (!strcmp(ev, v))
                continue;
            if (!replace_item(e, lits, i, pr_sprintf(e->a, "%s=%s", k, v), "literal"))
                return false;
            xl = xwalk(e, lits);
        }
        if (!found)
            return pr_error_set(e->err, "%s: failed to update literal sources: key '%s' not found "
                                "in resource", e->path, k);
    }
    if (o->new_namespace && *o->new_namespace &&
        !put_value(e, at, "namespace", str_node(e, o->new_namespace)))
        return false;
    return true;
}

/* The entries remove configmap|secret takes: those whose name is one of
 * `names`, in `namespace` (none is default); `found` marks the names that
 * matched. */
typedef struct {
    string_set names;
    bool *found;
    const char *namespace;
} generator_names;

static bool generator_named(const pr_node *entry, void *ctx)
{
    generator_names *g = ctx;
    if (!entry || entry->kind != PR_MAP ||
        !namespace_equal(go_string(pr_map_get(entry, "namespace")), g->namespace))
        return false;
    const char *name = go_string(pr_map_get(entry, "name"));
    bool hit = false;
    for (size_t i = 0; i < g->names.n; i++)
        if (!strcmp(g->names.items[i], name ? name : "")) {
            g->found[i] = true;
            hit = true;
        }
    return hit;
}

static bool op_remove_generator(ed *e, const pr_edit_request *req)
{
    bool secret = req->kind == PR_EDIT_REMOVE_SECRET;
    const char *what = secret ? "secret" : "configmap";
    const char *const lists[] = {secret ? "secretGenerator" : "configMapGenerator"};
    generator_names g = {{NULL, 0}, NULL, req->opts.namespace};
    g.names.items = split_commas(e, req->args[0], &g.names.n);
    g.found = pr_alloc(e->a, g.names.n * sizeof *g.found);
    size_t removed = 0;
    if (!remove_where(e, lists, 1, generator_named, &g, &removed))
        return false;
    if (!removed)
        return pr_error_set(e->err, "%s: no specified %s(s) were found in the kustomization file "
                            "(looked in namespace %s; check the names, and give --namespace for "
                            "an entry in another namespace)", e->path, what,
                            req->opts.namespace && *req->opts.namespace ? req->opts.namespace
                                                                        : "default");
    for (size_t i = 0; i < g.names.n; i++)
        if (!g.found[i])
            note(e, "%s", pr_sprintf(e->a, "%s %s doesn't exist in kustomization file", what,
                                     g.names.items[i]));
    return true;
}

/* ---- fix ---- */

/* Adds `key: value` as the first pair of the root mapping (where
 * kustomize writes apiVersion and kind), after any comments above it. */
static bool put_first(ed *e, const char *key, const char *value)
{
    const pe_node *r = e->doc.root;
    pr_map_set(e->a, xwalk(e, ""), key, str_node(e, value));
    if (!r || r->style != PE_BLOCK || !r->n || pe_ls(&e->doc, r->kids[0]->ostart) != r->kids[0]->ostart) {
        pe_field f = {key, value, false, PE_Q_PLAIN};
        pe_value v = {&f, NULL, NULL};
        pe_splices s = {0};
        return pe_map_add(e->a, &e->doc, r, key, &v, &s, e->err) && commit(e, &s);
    }
    pr_strbuf o;
    pr_sb_init(&o);
    pr_sb_adds(&o, key);
    pr_sb_adds(&o, ": ");
    pe_encode(&o, value, pe_quote_new(r->kids[1]), false, false);
    pr_sb_adds(&o, pe_eol(&e->doc, r->kids[0]->ostart));
    pe_splices s = {0};
    pe_splice_add(e->a, &s, r->kids[0]->ostart, 0, pr_strndup(e->a, o.buf, o.len));
    pr_sb_release(&o);
    return commit(e, &s);
}

/* Moves the items of deprecated root field `from` to the end of `to`
 * (kustomize appends them), converted by `conv` when given; `from` goes.
 * When `to` is absent, `from` takes its place in the file. */
static bool move_items(ed *e, const char *from, const char *to,
                       pr_node *(*conv)(ed *e, const pr_node *item))
{
    long fi, ti;
    const pe_node *fv = root_value(e, from, &fi);
    if (fi < 0)
        return true;
    if (!check_list(e, from, NULL, NULL, 0) || !check_list(e, to, NULL, NULL, 0))
        return false;
    pr_node *items = xwalk(e, from);
    note(e, "%s", pr_sprintf(e->a, "fixed: %s -> %s", from, to));
    if (is_null_scalar(fv) || !items || items->kind != PR_SEQ)
        return del_key(e, "", from);
    pr_node *converted = pr_node_seq(e->a);
    for (size_t i = 0; i < items->seq.len; i++)
        pr_seq_append(e->a, converted, conv ? conv(e, items->seq.items[i]) : items->seq.items[i]);
    const pe_node *tv = root_value(e, to, &ti);
    pe_splices s = {0};
    if (ti < 0) {
        pr_node *root = xwalk(e, "");
        pr_map_remove(root, from);
        pr_map_set(e->a, root, to, converted);
        if (!conv)
            return pe_rename_key(e->a, &e->doc, e->doc.root->kids[fi], to, &s, e->err) && commit(e, &s);
        pe_value v = {NULL, NULL, converted};
        return pe_map_replace_pair(e->a, &e->doc, e->doc.root, (size_t)fi, to, &v, &s, e->err) &&
               commit(e, &s);
    }
    (void)tv;
    for (size_t i = 0; i < converted->seq.len; i++)
        if (!append_in(e, "", to, converted->seq.items[i]))
            return false;
    return del_key(e, "", from);
}

static pr_node *psm_to_patch(ed *e, const pr_node *item)
{
    pr_node *p = pr_node_map(e->a);
    const char *text = pr_scalar_text(item);
    if (!text || item->kind != PR_SCALAR)
        return NULL;
    bool file = e->is_file && e->is_file(text, e->is_file_ctx);
    pr_map_set(e->a, p, file ? "path" : "patch", str_node(e, text));
    return p;
}

static bool op_fix(ed *e, const pr_edit_request *req)
{
    (void)req;
    pr_node *root = xwalk(e, "");
    const char *kind = pr_scalar_text(pr_map_get(root, "kind"));
    if (!kind || !*kind) {
        kind = "Kustomization";
        if (!del_key(e, "", "kind") || !put_first(e, "kind", kind))
            return false;
    }
    const char *api = pr_scalar_text(pr_map_get(xwalk(e, ""), "apiVersion"));
    if (!api || !*api) {
        const char *v = !strcmp(kind, "Component") ? "kustomize.config.k8s.io/v1alpha1"
                                                   : "kustomize.config.k8s.io/v1beta1";
        if (!del_key(e, "", "apiVersion") || !put_first(e, "apiVersion", v))
            return false;
    }
    if (!move_items(e, "bases", "resources", NULL) || !move_items(e, "imageTags", "images", NULL))
        return false;
    /* A generator's single `env` joins its `envs`. */
    static const char *const gens[] = {"configMapGenerator", "secretGenerator"};
    for (int g = 0; g < 2; g++) {
        pr_node *xl = xwalk(e, gens[g]);
        for (size_t i = 0; xl && xl->kind == PR_SEQ && i < xl->seq.len; i++) {
            const char *at = pr_sprintf(e->a, "%s/%zu", gens[g], i);
            const char *env = pr_scalar_text(pr_map_get(xl->seq.items[i], "env"));
            if (!env)
                continue;
            if (*env && !append_in(e, at, "envs", str_node(e, env)))
                return false;
            if (!del_key(e, at, "env"))
                return false;
            xl = xwalk(e, gens[g]);
        }
    }
    if (!move_items(e, "patchesJson6902", "patches", NULL))
        return false;
    pr_node *psm = xwalk(e, "patchesStrategicMerge");
    for (size_t i = 0; psm && psm->kind == PR_SEQ && i < psm->seq.len; i++)
        if (psm->seq.items[i]->kind != PR_SCALAR)
            return pr_error_set(e->err, "%s: entry %zu of patchesStrategicMerge is not a string; "
                                "convert it by hand", e->path, i + 1);
    if (!move_items(e, "patchesStrategicMerge", "patches", psm_to_patch))
        return false;
    /* commonLabels become a `labels` entry that includes selectors. */
    pr_node *cl = xwalk(e, "commonLabels");
    if (cl) {
        if (!check_map(e, "commonLabels"))
            return false;
        if (cl->kind == PR_MAP && cl->map.len) {
            pr_node *labels = xwalk(e, "labels");
            for (size_t i = 0; labels && labels->kind == PR_SEQ && i < labels->seq.len; i++) {
                pr_node *pairs = pr_map_get(labels->seq.items[i], "pairs");
                for (size_t j = 0; pairs && pairs->kind == PR_MAP && j < pairs->map.len; j++)
                    if (pr_map_get(cl, pairs->map.items[j].key->scalar.text))
                        return pr_error_set(e->err, "%s: label name '%s' exists in both commonLabels "
                                            "and labels", e->path, pairs->map.items[j].key->scalar.text);
            }
            pr_node *entry = pr_node_map(e->a);
            pr_map_set(e->a, entry, "pairs", pr_node_copy(e->a, cl));
            pr_map_set(e->a, entry, "includeSelectors", pr_node_scalar(e->a, PR_TAG_BOOL, "true", 4));
            long li, ci;
            root_value(e, "labels", &li);
            note(e, "%s", "fixed: commonLabels -> labels");
            if (li < 0) {
                root_value(e, "commonLabels", &ci);
                pr_node *seq = pr_node_seq(e->a);
                pr_seq_append(e->a, seq, entry);
                pr_map_remove(xwalk(e, ""), "commonLabels");
                pr_map_set(e->a, xwalk(e, ""), "labels", seq);
                pe_value v = {NULL, NULL, seq};
                pe_splices s = {0};
                if (!pe_map_replace_pair(e->a, &e->doc, e->doc.root, (size_t)ci, "labels", &v, &s,
                                         e->err) ||
                    !commit(e, &s))
                    return false;
            } else if (!append_in(e, "", "labels", entry) || !del_key(e, "", "commonLabels")) {
                return false;
            }
        } else if (!del_key(e, "", "commonLabels")) {
            return false;
        }
    }
    if (xwalk(e, "vars"))
        note(e, "%s", "vars are left as they are (kustomize converts them to replacements only "
             "with --vars, which pleo-render does not offer)");
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


/* Pairs of keys of one mapping that differ only in case, anywhere in `n`;
 * the first found goes to `pair` when it is still empty. kustomize decodes
 * such keys into one field (the last sorted wins), so an edit must not
 * make one. */
static size_t case_twins(const pr_node *n, const pr_node *pair[2])
{
    size_t count = 0;
    if (n && n->kind == PR_MAP) {
        for (size_t i = 0; i < n->map.len; i++) {
            const pr_node *k = n->map.items[i].key;
            for (size_t j = i + 1; k->kind == PR_SCALAR && j < n->map.len; j++) {
                const pr_node *o = n->map.items[j].key;
                if (o->kind != PR_SCALAR || strcasecmp(k->scalar.text, o->scalar.text) != 0 ||
                    !strcmp(k->scalar.text, o->scalar.text))
                    continue;
                count++;
                if (!pair[0]) {
                    pair[0] = k;
                    pair[1] = o;
                }
            }
            count += case_twins(n->map.items[i].value, pair);
        }
    } else if (n && n->kind == PR_SEQ) {
        for (size_t i = 0; i < n->seq.len; i++)
            count += case_twins(n->seq.items[i], pair);
    }
    return count;
}

/* Whether a mapping anywhere in `n` has the key `key`. */
static bool has_key(const pr_node *n, const char *key)
{
    if (n && n->kind == PR_MAP) {
        for (size_t i = 0; i < n->map.len; i++)
            if (pr_scalar_is(n->map.items[i].key, key) || has_key(n->map.items[i].value, key))
                return true;
    } else if (n && n->kind == PR_SEQ) {
        for (size_t i = 0; i < n->seq.len; i++)
            if (has_key(n->seq.items[i], key))
                return true;
    }
    return false;
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
    /* No document at all reads as an empty kustomization. */
    bool none = (!e->exp || (e->exp->kind == PR_MAP && !e->exp->map.len)) &&
                (!after || (after->kind == PR_MAP && !after->map.len));
    if (!none && !pr_node_equal(e->exp, after))
        return internal(e, "the edited file does not mean what was intended");
    const pr_node *pair[2] = {NULL, NULL}, *before[2] = {NULL, NULL};
    if (case_twins(after, pair) > case_twins(e->given, before)) {
        const char *old = pair[0]->scalar.text, *added = pair[1]->scalar.text;
        if (!has_key(e->given, old)) {
            old = added;
            added = pair[0]->scalar.text;
        }
        return pr_error_set(e->err, "%s: the edit would write '%s' beside '%s', which kustomize "
                            "reads as the same field (names match ignoring case): rename '%s' "
                            "to '%s' and run the edit again; the file was not changed", e->path,
                            added, old, old, added);
    }
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
    ed e = {.a = a, .path = path, .err = err, .notes = notes, .is_file = req->is_file,
            .is_file_ctx = req->is_file_ctx};
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
    /* kustomize's kustfile.Read decodes the file as the build does, unknown
     * fields and wrong types refused, before it edits anything. */
    pr_node *typed = docs.len ? pr_node_copy(a, docs.docs[0]) : NULL;
    if (typed && !pr_kustomization_decode(a, path, &typed, err))
        goto done;
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
    e.given = docs.len ? docs.docs[0] : NULL;
    switch (req->kind) {
    case PR_EDIT_SET_IMAGE: ok = op_set_image(&e, req); break;
    case PR_EDIT_SET_NAMESPACE: ok = op_set_namespace(&e, req); break;
    case PR_EDIT_SET_REPLICAS: ok = op_set_replicas(&e, req); break;
    case PR_EDIT_ADD_RESOURCE: ok = op_add_resource(&e, req); break;
    case PR_EDIT_REMOVE_RESOURCE:
    case PR_EDIT_REMOVE_COMPONENT:
    case PR_EDIT_REMOVE_TRANSFORMER: ok = op_remove_paths(&e, req); break;
    case PR_EDIT_SET_NAMEPREFIX: ok = op_set_root_scalar(&e, "namePrefix", req->args[0]); break;
    case PR_EDIT_SET_NAMESUFFIX: ok = op_set_root_scalar(&e, "nameSuffix", req->args[0]); break;
    case PR_EDIT_ADD_LABEL:
    case PR_EDIT_ADD_ANNOTATION:
    case PR_EDIT_SET_LABEL:
    case PR_EDIT_SET_ANNOTATION: ok = op_put_metadata(&e, req); break;
    case PR_EDIT_REMOVE_LABEL:
    case PR_EDIT_REMOVE_ANNOTATION: ok = op_remove_metadata(&e, req); break;
    case PR_EDIT_ADD_COMPONENT:
    case PR_EDIT_ADD_GENERATOR:
    case PR_EDIT_ADD_TRANSFORMER: ok = op_add_paths(&e, req); break;
    case PR_EDIT_ADD_BASE: ok = op_add_base(&e, req); break;
    case PR_EDIT_ADD_BUILDMETADATA: ok = op_add_buildmetadata(&e, req); break;
    case PR_EDIT_SET_BUILDMETADATA: ok = op_set_buildmetadata(&e, req); break;
    case PR_EDIT_REMOVE_BUILDMETADATA: ok = op_remove_buildmetadata(&e, req); break;
    case PR_EDIT_ADD_CONFIGMAP:
    case PR_EDIT_ADD_SECRET: ok = op_add_generator(&e, req); break;
    case PR_EDIT_SET_CONFIGMAP:
    case PR_EDIT_SET_SECRET: ok = op_set_generator(&e, req); break;
    case PR_EDIT_REMOVE_CONFIGMAP:
    case PR_EDIT_REMOVE_SECRET: ok = op_remove_generator(&e, req); break;
    case PR_EDIT_ADD_PATCH: ok = op_add_patch(&e, req); break;
    case PR_EDIT_REMOVE_PATCH: ok = op_remove_patch(&e, req); break;
    case PR_EDIT_FIX: ok = op_fix(&e, req); break;
    }
    ok = ok && verify(&e);
    if (ok)
        pr_sb_add(out, e.buf.buf, e.buf.len);
done:
    pr_sb_release(&e.buf);
    pr_arena_free(a);
    return ok;
}
