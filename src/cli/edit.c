/*
 * `pleo-render edit`: kustomize's edit commands, changing only the bytes
 * that must change. This file finds the kustomization, expands `add
 * resource` globs and replaces the file atomically; src/edit/ decides
 * the new bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "pleo/build.h"
#include "pleo/edit.h"
#include "pleo/fs.h"
#include "pleo/node.h"
#include "pleo/yaml.h"

/* The edit commands: synopsis, what they do, and the options each takes. */
enum {
    O_NO_VERIFY = 1u << 0,
    O_FORCE = 1u << 1,
    O_WITHOUT_SELECTOR = 1u << 2,
    O_INCLUDE_TEMPLATES = 1u << 3,
    O_IGNORE = 1u << 4,
    O_PATCH = 1u << 5,     /* --path --patch and the target selector */
    O_GEN_ADD = 1u << 6,   /* --from-* --behavior --disableNameSuffixHash --namespace */
    O_GEN_SET = 1u << 7,   /* --from-literal --namespace --new-namespace */
    O_TYPE = 1u << 8,
    O_VARS = 1u << 9,
    O_NAMESPACE = 1u << 10, /* --namespace alone */
};

typedef struct {
    const char *verb, *noun, *alias;
    pr_edit_kind kind;
    unsigned opts;
    const char *synopsis;
    const char *help;
} edit_cmd;

static const char remove_generator_help[] =
    "Removes the configMapGenerator (or secretGenerator) entries NAME in\n"
    "namespace NS (none means default). An error when none is there; a\n"
    "warning for each name missing.\n";

static const edit_cmd commands[] = {
    {"set", "image", NULL, PR_EDIT_SET_IMAGE, 0, "set image NAME[=NEWNAME][:TAG][@DIGEST]...",
     "Sets the images entry named NAME: a new name, tag or digest. The argument\n"
     "replaces the whole entry (give NAME=*:TAG to keep the file's newName).\n"
     "Warns when NAME:TAG drops a newName, and when no container of the\n"
     "rendered tree uses the image.\n"},
    {"set", "namespace", NULL, PR_EDIT_SET_NAMESPACE, 0, "set namespace NAMESPACE",
     "Sets the namespace field.\n"},
    {"set", "replicas", NULL, PR_EDIT_SET_REPLICAS, 0, "set replicas NAME=COUNT...",
     "Sets the count of the replicas entry named NAME, or adds one.\n"},
    {"set", "nameprefix", NULL, PR_EDIT_SET_NAMEPREFIX, 0, "set nameprefix [--] PREFIX",
     "Sets the namePrefix field (`--` before a prefix starting with '-').\n"},
    {"set", "namesuffix", NULL, PR_EDIT_SET_NAMESUFFIX, 0, "set namesuffix [--] SUFFIX",
     "Sets the nameSuffix field (`--` before a suffix starting with '-').\n"},
    {"set", "label", NULL, PR_EDIT_SET_LABEL, 0, "set label KEY:VALUE...",
     "Sets commonLabels entries, adding or overwriting them.\n"},
    {"set", "annotation", NULL, PR_EDIT_SET_ANNOTATION, 0, "set annotation KEY:VALUE...",
     "Sets commonAnnotations entries, adding or overwriting them.\n"},
    {"set", "buildmetadata", NULL, PR_EDIT_SET_BUILDMETADATA, 0, "set buildmetadata OPTION[,OPTION]...",
     "Replaces the buildMetadata options with those given: originAnnotations,\n"
     "transformerAnnotations, managedByLabel.\n"},
    {"set", "configmap", NULL, PR_EDIT_SET_CONFIGMAP, O_GEN_SET,
     "set configmap NAME [--from-literal=KEY=VALUE]... [--namespace=NS] [--new-namespace=NS]",
     "Changes literals that exist in the configMapGenerator entry NAME (in\n"
     "namespace NS; none means default), or moves it to a new namespace.\n"},
    {"set", "secret", NULL, PR_EDIT_SET_SECRET, O_GEN_SET,
     "set secret NAME [--from-literal=KEY=VALUE]... [--namespace=NS] [--new-namespace=NS]",
     "Changes literals that exist in the secretGenerator entry NAME (in\n"
     "namespace NS; none means default), or moves it to a new namespace.\n"},
    {"add", "resource", NULL, PR_EDIT_ADD_RESOURCE, O_NO_VERIFY, "add resource [--no-verify] PATH...",
     "Adds resources; each PATH is a glob in the kustomization's directory.\n"},
    {"add", "component", NULL, PR_EDIT_ADD_COMPONENT, 0, "add component PATH...",
     "Adds components; each PATH is a glob in the kustomization's directory.\n"},
    {"add", "base", NULL, PR_EDIT_ADD_BASE, 0, "add base PATH[,PATH]...",
     "Adds existing directories to resources (kustomize's deprecated bases).\n"},
    {"add", "label", NULL, PR_EDIT_ADD_LABEL, O_FORCE | O_WITHOUT_SELECTOR | O_INCLUDE_TEMPLATES,
     "add label [-f|--force] [--without-selector [--include-templates]] KEY:VALUE[,KEY:VALUE]...",
     "Adds commonLabels entries; an existing key is an error without --force.\n"
     "--without-selector adds a `labels` entry that leaves selectors alone\n"
     "(--include-templates: and labels pod templates too).\n"},
    {"add", "annotation", NULL, PR_EDIT_ADD_ANNOTATION, O_FORCE,
     "add annotation [-f|--force] KEY:VALUE...",
     "Adds commonAnnotations entries; an existing key is an error without --force.\n"},
    {"add", "buildmetadata", NULL, PR_EDIT_ADD_BUILDMETADATA, 0, "add buildmetadata OPTION[,OPTION]...",
     "Adds buildMetadata options: originAnnotations, transformerAnnotations,\n"
     "managedByLabel.\n"},
    {"add", "configmap", NULL, PR_EDIT_ADD_CONFIGMAP, O_GEN_ADD,
     "add configmap NAME [--from-literal=KEY=VALUE]... [--from-file=[KEY=]PATH[,...]]...\n"
     "          [--from-env-file=PATH] [--behavior=create|merge|replace]\n"
     "          [--disableNameSuffixHash] [--namespace=NS]",
     "Adds a configMapGenerator entry, or adds the sources to the entry NAME.\n"},
    {"add", "secret", NULL, PR_EDIT_ADD_SECRET, O_GEN_ADD | O_TYPE,
     "add secret NAME [--from-literal=KEY=VALUE]... [--from-file=[KEY=]PATH[,...]]...\n"
     "          [--from-env-file=PATH] [--type=TYPE] [--behavior=create|merge|replace]\n"
     "          [--disableNameSuffixHash] [--namespace=NS]",
     "Adds a secretGenerator entry (type Opaque unless --type), or adds the\n"
     "sources to the entry NAME.\n"},
    {"add", "patch", NULL, PR_EDIT_ADD_PATCH, O_PATCH,
     "add patch (--path=FILE | --patch=TEXT) [--group=G] [--version=V] [--kind=K]\n"
     "          [--name=N] [--namespace=NS] [--label-selector=S] [--annotation-selector=S]",
     "Adds a patches entry, unless an equal one is there.\n"},
    {"add", "generator", NULL, PR_EDIT_ADD_GENERATOR, 0, "add generator PATH...",
     "Adds generators (files or directories of generator plugin configurations);\n"
     "each PATH is a glob in the kustomization's directory. A PATH matching\n"
     "nothing is reported and skipped, as kustomize does.\n"},
    {"add", "transformer", NULL, PR_EDIT_ADD_TRANSFORMER, 0, "add transformer PATH...",
     "Adds transformers (files or directories of transformer plugin\n"
     "configurations); each PATH is a glob in the kustomization's directory. A\n"
     "PATH matching nothing is reported and skipped, as kustomize does.\n"},
    {"remove", "resource", NULL, PR_EDIT_REMOVE_RESOURCE, 0, "remove resource PATTERN...",
     "Removes resources and bases entries matching a pattern.\n"},
    {"remove", "component", NULL, PR_EDIT_REMOVE_COMPONENT, 0, "remove component PATTERN...",
     "Removes components entries matching a pattern (kustomize v5.5 has no\n"
     "such command).\n"},
    {"remove", "transformer", NULL, PR_EDIT_REMOVE_TRANSFORMER, 0, "remove transformer PATTERN...",
     "Removes transformers entries matching a pattern.\n"},
    {"remove", "buildmetadata", NULL, PR_EDIT_REMOVE_BUILDMETADATA, 0,
     "remove buildmetadata OPTION[,OPTION]...",
     "Removes options from buildMetadata; one that is not there is no error.\n"},
    {"remove", "configmap", NULL, PR_EDIT_REMOVE_CONFIGMAP, O_NAMESPACE,
     "remove configmap NAME[,NAME]... [--namespace=NS]", remove_generator_help},
    {"remove", "secret", NULL, PR_EDIT_REMOVE_SECRET, O_NAMESPACE,
     "remove secret NAME[,NAME]... [--namespace=NS]", remove_generator_help},
    {"remove", "label", NULL, PR_EDIT_REMOVE_LABEL, O_IGNORE,
     "remove label [-i|--ignore-non-existence] KEY[,KEY]...",
     "Removes commonLabels entries; a missing one is an error without -i.\n"},
    {"remove", "annotation", NULL, PR_EDIT_REMOVE_ANNOTATION, O_IGNORE,
     "remove annotation [-i|--ignore-non-existence] KEY[,KEY]...",
     "Removes commonAnnotations entries; a missing one is an error without -i.\n"},
    {"remove", "patch", NULL, PR_EDIT_REMOVE_PATCH, O_PATCH,
     "remove patch [--path=FILE | --patch=TEXT] [--group=G] [--version=V] [--kind=K]\n"
     "          [--name=N] [--namespace=NS] [--label-selector=S] [--annotation-selector=S]",
     "Removes the patches entries equal to the one the flags describe.\n"},
    {"fix", NULL, NULL, PR_EDIT_FIX, O_VARS, "fix",
     "Rewrites deprecated fields as kustomize's fix does: bases -> resources,\n"
     "imageTags -> images, patchesJson6902 and patchesStrategicMerge ->\n"
     "patches, commonLabels -> labels (with includeSelectors), a generator's\n"
     "env -> envs; adds apiVersion and kind when missing. vars are left\n"
     "(--vars is not supported). Warns when the tree then renders differently.\n"},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])
#define LISTBUILTIN ((pr_edit_kind)-1)

static void print_usage(FILE *out)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "%s pleo-render edit [-C DIR]... %s\n", i ? "      " : "usage:",
                commands[i].synopsis);
    fputs("       pleo-render edit listbuiltin\n"
          "\n"
          "Changes the kustomization file (kustomization.yaml, kustomization.yml or\n"
          "Kustomization) in DIR, default the current directory, as `kustomize edit`\n"
          "would, but rewrites only the bytes that change: comments, blank lines,\n"
          "indentation, quoting and line endings stay as they are.\n"
          "`pleo-render edit VERB NOUN --help` describes one command.\n"
          "\n"
          "  -C DIR       work in DIR (several -C accumulate, as with git)\n"
          "\n"
          "exit status: 0 success (or nothing to change), 1 the file could not be\n"
          "edited (it is left untouched), 2 usage error\n",
          out);
}

static void print_command_help(const edit_cmd *c)
{
    printf("usage: pleo-render edit [-C DIR]... %s\n\n%s", c->synopsis, c->help);
}

/* A usage error and one hint: the help of the command `c` is about, or
 * of edit itself when it is NULL. */
static int usage_error(const edit_cmd *c, const char *fmt, const char *arg)
{
    fputs("pleo-render: ", stderr);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see pleo-render edit%s%s%s%s --help)\n", c ? " " : "", c ? c->verb : "",
            c && c->noun ? " " : "", c && c->noun ? c->noun : "");
    return PR_EXIT_USAGE;
}

/* -C DIR relative to the previous -C, as git does it. */
static char *join_dir(char *dir, const char *next)
{
    char *joined;
    if (!*next)
        return dir;
    if (!dir || next[0] == '/') {
        joined = strdup(next);
    } else {
        size_t n = strlen(dir) + strlen(next) + 2;
        joined = malloc(n);
        if (joined)
            snprintf(joined, n, "%s/%s", dir, next);
    }
    free(dir);
    if (!joined) {
        perror("pleo-render");
        exit(PR_EXIT_RENDER_ERROR);
    }
    return joined;
}

static char *path_in(const char *dir, const char *name)
{
    if (!dir || !strcmp(dir, "."))
        return strdup(name);
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    size_t len = n + strlen(name) + 2;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%.*s%s%s", (int)n, dir, dir[n - 1] == '/' ? "" : "/", name);
    return p;
}

/* The one kustomization file in `dir`, as kustomize picks it. */
static char *find_kustomization(const char *dir, const char **base)
{
    static const char *const names[] = {"kustomization.yaml", "kustomization.yml", "Kustomization"};
    char *found = NULL, *broken = NULL;
    const char *found_names[3];
    int n = 0, broken_errno = 0;
    for (int i = 0; i < 3; i++) {
        char *p = path_in(dir, names[i]);
        struct stat st;
        if (p && stat(p, &st) != 0 && !broken) {
            /* kustomize sees no file behind a dangling link; say why. */
            int e = errno;
            if (lstat(p, &st) == 0 && S_ISLNK(st.st_mode)) {
                broken = p;
                broken_errno = e;
                continue;
            }
        }
        if (p && stat(p, &st) == 0) {
            found_names[n++] = names[i];
            if (!found) {
                found = p;
                *base = names[i];
                if (S_ISDIR(st.st_mode)) {
                    pr_cli_error("%s should be a file", p);
                    free(p);
                    free(broken);
                    return NULL;
                }
                continue;
            }
        }
        free(p);
    }
    struct stat dir_st;
    if (n == 0 && dir && stat(dir, &dir_st) != 0) {
        pr_cli_error("'%s': no such directory (given with -C)", dir);
    } else if (n == 0 && broken) {
        char target[4096];
        ssize_t tl = readlink(broken, target, sizeof target - 1);
        target[tl > 0 ? tl : 0] = '\0';
        pr_cli_error("%s is a broken symlink: its target '%s' %s; point it at the kustomization "
                     "file, or replace it with one", broken, target,
                     broken_errno == ELOOP ? "leads to a loop of links" : "does not exist");
    } else if (n == 0) {
        pr_cli_error("missing kustomization file 'kustomization.yaml' in %s (create one, or give "
                     "the directory that holds it with -C)", dir ? dir : ".");
    } else if (n > 1) {
        pr_cli_error("found multiple kustomization files in %s: %s, %s%s%s", dir ? dir : ".",
                     found_names[0], found_names[1], n > 2 ? ", " : "", n > 2 ? found_names[2] : "");
        free(found);
        found = NULL;
    }
    free(broken);
    return found;
}

static void sync_dir(const char *file)
{
    char *copy = strdup(file);
    if (!copy)
        return;
    char *slash = strrchr(copy, '/');
    const char *dir = ".";
    if (slash) {
        *slash = '\0';
        dir = slash == copy ? "/" : copy;
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        /* The rename is durable once the directory is. */
        fsync(fd);
        close(fd);
    }
    free(copy);
}

/* Whether `path`, relative to the kustomization's directory, names a
 * readable regular file (fix: a patchesStrategicMerge entry that does is
 * a `path` patch). */
static bool readable_file(const char *path, void *ctx)
{
    char *p = path[0] == '/' ? strdup(path) : path_in((const char *)ctx, path);
    struct stat st;
    bool ok = p && stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, R_OK) == 0;
    free(p);
    return ok;
}

static bool exists_in(const char *dir, const char *path)
{
    char *p = path[0] == '/' ? strdup(path) : path_in(dir, path);
    struct stat st;
    bool ok = p && stat(p, &st) == 0;
    free(p);
    return ok;
}

/* A string array that grows; freed with the command. */
typedef struct {
    char **v;
    size_t n, cap;
} strs;

static void strs_add(strs *s, const char *v)
{
    if (s->n + 1 >= s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        if (!s->v) {
            perror("pleo-render");
            exit(PR_EXIT_RENDER_ERROR);
        }
    }
    s->v[s->n++] = strdup(v);
    s->v[s->n] = NULL;
}

static void strs_free(strs *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
}

/* kustomize's fSys.Glob of `pattern` in the kustomization's directory
 * (pr_edit_glob), appended to `out`; `*added` counts the matches. A
 * pattern matching nothing fails when `hint` says what to do about it;
 * without one it is reported and skipped (kustomize's add
 * generator|transformer). */
static bool expand(const char *dir, const char *pattern, const char *hint, strs *out,
                   size_t *added)
{
    pr_arena *a = pr_arena_new();
    pr_error err;
    pr_error_init(&err);
    const char **m;
    size_t n = 0;
    bool ok = pr_edit_glob(a, pr_fs_disk(), dir, pattern, &m, &n, &err);
    if (!ok)
        pr_cli_error("%s", pr_error_text(&err));
    for (size_t i = 0; i < n; i++)
        strs_add(out, m[i]);
    *added = n;
    if (ok && n == 0 && !hint)
        pr_cli_error("%s has no match; skipped", pattern);
    else if (ok && n == 0) {
        pr_cli_error("%s has no match (paths are relative to the kustomization's directory%s%s%s)",
                     pattern, dir ? ", " : "", dir ? dir : "", hint);
        ok = false;
    }
    pr_error_release(&err);
    pr_arena_free(a);
    return ok;
}

/* Remote targets kustomize's loader would fetch: not checked here. */
static bool looks_remote(const char *p)
{
    return strstr(p, "://") || !strncmp(p, "github.com/", 11) || !strncmp(p, "git@", 4);
}

/* --from-file sources: [KEY=]PATTERN, each pattern a glob; a keyed one
 * must match exactly one file, as kustomize's ExpandFileSource wants. */
static bool expand_file_sources(const char *dir, const strs *in, strs *out)
{
    bool ok = true;
    for (size_t i = 0; ok && i < in->n; i++) {
        const char *src = in->v[i], *eq = strchr(src, '=');
        bool keyed = eq && !strchr(eq + 1, '=');
        strs m = {0};
        size_t n = 0;
        ok = expand(dir, keyed ? eq + 1 : src, "", &m, &n);
        if (ok && keyed && n != 1) {
            pr_cli_error("pattern '%s' catches %zu files, should catch only one", src, n);
            ok = false;
        }
        for (size_t j = 0; ok && j < n; j++) {
            if (!keyed) {
                strs_add(out, m.v[j]);
                continue;
            }
            size_t len = (size_t)(eq - src) + 1 + strlen(m.v[j]) + 1;
            char *k = malloc(len);
            if (k) {
                snprintf(k, len, "%.*s=%s", (int)(eq - src), src, m.v[j]);
                strs_add(out, k);
            }
            free(k);
        }
        strs_free(&m);
    }
    return ok;
}

/* The image names of containers in a rendered stream: every `image:`
 * value under a `containers`, `initContainers` or `ephemeralContainers`
 * list, compared on the name without tag or digest. */
static bool image_used(const char *stream, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = strstr(stream, "image: "); p; p = strstr(p + 1, "image: ")) {
        if (p != stream && p[-1] != ' ' && p[-1] != '-' && p[-1] != '\n')
            continue;
        const char *v = p + 7;
        if (*v == '"' || *v == '\'')
            v++;
        if (strncmp(v, name, nl) != 0)
            continue;
        char c = v[nl];
        if (c == ':' || c == '@' || c == '\n' || c == '"' || c == '\'' || c == '\0')
            return true;
    }
    return false;
}

/* Release-workflow guards for `set image`, warnings only: an argument
 * NAME:TAG that drops the newName of the file's entry, and a name no
 * container of the rendered tree uses (checked after the edit). */
static void warn_dropped_newname(const pr_edit_request *req, const char *src, size_t len)
{
    pr_arena *a = pr_arena_new();
    pr_doclist docs = {0};
    pr_error err;
    pr_error_init(&err);
    if (pr_yaml_parse_with(a, "kustomization", src, len, PR_YAML_LAST_KEY_WINS, &docs, &err) &&
        docs.len == 1 && docs.docs[0] && docs.docs[0]->kind == PR_MAP) {
        static const char *const lists[] = {"images", "imageTags"};
        for (size_t i = 0; i < req->nargs; i++) {
            pr_edit_image img;
            if (!pr_edit_parse_image(a, req->args[i], &img, &err) || img.new_name)
                continue;
            for (int li = 0; li < 2; li++) {
                const pr_node *l = pr_map_get(docs.docs[0], lists[li]);
                for (size_t j = 0; l && l->kind == PR_SEQ && j < l->seq.len; j++) {
                    const pr_node *en = l->seq.items[j];
                    const char *n = en->kind == PR_MAP ? pr_map_get_str(en, "name") : NULL;
                    const char *nn = en->kind == PR_MAP ? pr_map_get_str(en, "newName") : NULL;
                    if (n && nn && *nn && !strcmp(n, img.name))
                        fprintf(stderr, "pleo-render: warning: set image %s drops newName %s of "
                                "image %s (kustomize replaces the whole entry); give %s=%s%s%s%s%s "
                                "to keep it\n", req->args[i], nn, n, n, nn,
                                img.new_tag ? ":" : "", img.new_tag ? img.new_tag : "",
                                img.digest ? "@" : "", img.digest ? img.digest : "");
                }
            }
        }
    }
    pr_error_release(&err);
    pr_arena_free(a);
}

static void warn_unused_images(const pr_edit_request *req, const char *dir, const char *kust)
{
    pr_strbuf out, warnings;
    pr_sb_init(&out);
    pr_sb_init(&warnings);
    pr_error err;
    pr_error_init(&err);
    pr_build_options bo = {0};
    pr_arena *a = pr_arena_new();
    if (pr_build_render(dir ? dir : ".", &bo, &out, &warnings, &err)) {
        pr_sb_addc(&out, '\0');
        /* The name the rendered containers carry: the entry's newName, or
         * the name itself. */
        pr_doclist docs = {0};
        pr_strbuf src;
        pr_sb_init(&src);
        const pr_node *k = NULL;
        if (pr_fs_disk()->read_file(pr_fs_disk(), kust, &src, &err) &&
            pr_yaml_parse_with(a, kust, src.buf, src.len, PR_YAML_LAST_KEY_WINS, &docs, &err) &&
            docs.len == 1)
            k = docs.docs[0];
        for (size_t i = 0; i < req->nargs; i++) {
            pr_edit_image img;
            if (!pr_edit_parse_image(a, req->args[i], &img, &err))
                continue;
            const char *now = img.name;
            const pr_node *l = k && k->kind == PR_MAP ? pr_map_get(k, "images") : NULL;
            for (size_t j = 0; l && l->kind == PR_SEQ && j < l->seq.len; j++) {
                const pr_node *en = l->seq.items[j];
                const char *n = en->kind == PR_MAP ? pr_map_get_str(en, "name") : NULL;
                const char *nn = en->kind == PR_MAP ? pr_map_get_str(en, "newName") : NULL;
                if (n && !strcmp(n, img.name) && nn && *nn)
                    now = nn;
            }
            if (!image_used(out.buf, now))
                fprintf(stderr, "pleo-render: warning: no container of the rendered tree uses "
                        "image %s; check the name (set image matches names exactly)\n", img.name);
        }
        pr_sb_release(&src);
    }
    pr_arena_free(a);
    pr_error_release(&err);
    pr_sb_release(&out);
    pr_sb_release(&warnings);
}

/* `fix` warns, as kustomize's does, when the fixed tree renders
 * differently or no longer renders. */
static bool render_dir(const char *dir, pr_strbuf *out, pr_error *err)
{
    pr_strbuf warnings;
    pr_sb_init(&warnings);
    pr_build_options bo = {0};
    bool ok = pr_build_render(dir ? dir : ".", &bo, out, &warnings, err);
    pr_sb_release(&warnings);
    return ok;
}

int pr_cmd_edit(int argc, char **argv)
{
    char *dir = NULL;
    int i = 1;
    while (i < argc) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            print_usage(stdout);
            free(dir);
            return PR_EXIT_OK;
        }
        if (!strcmp(argv[i], "-C")) {
            if (i + 1 >= argc) {
                free(dir);
                return usage_error(NULL, "%s needs a directory", "-C");
            }
            dir = join_dir(dir, argv[i + 1]);
            i += 2;
        } else if (!strncmp(argv[i], "-C", 2)) {
            dir = join_dir(dir, argv[i] + 2);
            i++;
        } else {
            break;
        }
    }
    if (i < argc && argv[i][0] == '-') {
        free(dir);
        return usage_error(NULL, "unknown option '%s'", argv[i]);
    }
    if (i >= argc) {
        free(dir);
        print_usage(stderr);
        return PR_EXIT_USAGE;
    }
    const char *verb = argv[i];
    if (!strcmp(verb, "listbuiltin") || !strcmp(verb, "alpha-list-builtin-plugin")) {
        free(dir);
        if (i + 1 < argc && (!strcmp(argv[i + 1], "-h") || !strcmp(argv[i + 1], "--help"))) {
            puts("usage: pleo-render edit listbuiltin\n\nLists kustomize's builtin plugins.");
            return PR_EXIT_OK;
        }
        if (i + 1 < argc)
            return usage_error(NULL, "listbuiltin takes no arguments ('%s')", argv[i + 1]);
        fputs("Builtin plugins:\n\n", stdout);
        for (const char *const *p = pr_edit_builtin_plugins; *p; p++)
            printf(" * %s\n", *p);
        return PR_EXIT_OK;
    }
    const edit_cmd *cmd = NULL;
    bool one_word = !strcmp(verb, "fix");
    const char *noun = one_word ? NULL : (i + 1 < argc ? argv[i + 1] : NULL);
    for (size_t c = 0; c < NCOMMANDS && !cmd; c++)
        if (!strcmp(commands[c].verb, verb) &&
            ((!noun && !commands[c].noun) || (noun && commands[c].noun && !strcmp(commands[c].noun, noun))))
            cmd = &commands[c];
    if (!cmd) {
        free(dir);
        if (noun && (!strcmp(noun, "-h") || !strcmp(noun, "--help"))) {
            print_usage(stdout);
            return PR_EXIT_OK;
        }
        fprintf(stderr, "pleo-render: unknown edit command '%s%s%s'\n", verb, noun ? " " : "",
                noun ? noun : "");
        print_usage(stderr);
        return PR_EXIT_USAGE;
    }
    pr_edit_request req = {0};
    req.kind = cmd->kind;
    strs args = {0}, literals = {0}, file_args = {0}, files = {0}, expanded = {0};
    bool options = true;
    int rc = PR_EXIT_USAGE;
    bool no_verify = false;
    pr_edit_options *o = &req.opts;
    /* Values of string options point into argv. */
    for (int j = i + (one_word ? 1 : 2); j < argc; j++) {
        const char *arg = argv[j];
        if (!options || arg[0] != '-' || !arg[1]) {
            strs_add(&args, arg);
            continue;
        }
        if (!strcmp(arg, "--")) {
            options = false;
            continue;
        }
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            print_command_help(cmd);
            rc = PR_EXIT_OK;
            goto out;
        }
        /* --name=value or --name value; booleans take =true|false. */
        char name[64];
        const char *value = NULL, *eq = strchr(arg, '=');
        size_t nl = eq ? (size_t)(eq - arg) : strlen(arg);
        if (nl >= sizeof name) {
            rc = usage_error(cmd, "unknown option '%s'", arg);
            goto out;
        }
        memcpy(name, arg, nl);
        name[nl] = '\0';
        if (eq)
            value = eq + 1;
        static const struct {
            const char *name, *alt;
            unsigned set;
            bool takes_value;
        } known[] = {
            {"--no-verify", NULL, O_NO_VERIFY, false},
            {"--force", "-f", O_FORCE, false},
            {"--without-selector", NULL, O_WITHOUT_SELECTOR, false},
            {"--include-templates", NULL, O_INCLUDE_TEMPLATES, false},
            {"--ignore-non-existence", "-i", O_IGNORE, false},
            {"--path", NULL, O_PATCH, true},
            {"--patch", NULL, O_PATCH, true},
            {"--group", NULL, O_PATCH, true},
            {"--version", NULL, O_PATCH, true},
            {"--kind", NULL, O_PATCH, true},
            {"--name", NULL, O_PATCH, true},
            {"--namespace", NULL, O_PATCH | O_GEN_ADD | O_GEN_SET | O_NAMESPACE, true},
            {"--label-selector", NULL, O_PATCH, true},
            {"--annotation-selector", NULL, O_PATCH, true},
            {"--from-literal", NULL, O_GEN_ADD | O_GEN_SET, true},
            {"--from-file", NULL, O_GEN_ADD, true},
            {"--from-env-file", NULL, O_GEN_ADD, true},
            {"--behavior", NULL, O_GEN_ADD, true},
            {"--disableNameSuffixHash", NULL, O_GEN_ADD, false},
            {"--type", NULL, O_TYPE, true},
            {"--new-namespace", NULL, O_GEN_SET, true},
            {"--vars", NULL, O_VARS, false},
        };
        size_t k = 0, nk = sizeof known / sizeof known[0];
        while (k < nk && strcmp(known[k].name, name) != 0 && !(known[k].alt && !strcmp(known[k].alt, name)))
            k++;
        if (k == nk || !(known[k].set & cmd->opts)) {
            rc = usage_error(cmd, "unknown option '%s'", arg);
            goto out;
        }
        bool on = true;
        if (known[k].takes_value) {
            if (!value) {
                if (j + 1 >= argc) {
                    rc = usage_error(cmd, "%s needs a value", name);
                    goto out;
                }
                value = argv[++j];
            }
        } else if (value) {
            if (!strcmp(value, "true") || !strcmp(value, "1"))
                on = true;
            else if (!strcmp(value, "false") || !strcmp(value, "0"))
                on = false;
            else {
                rc = usage_error(cmd, "%s takes true or false", name);
                goto out;
            }
        }
        const char *n = known[k].name;
        if (!strcmp(n, "--no-verify")) no_verify = on;
        else if (!strcmp(n, "--force")) o->force = on;
        else if (!strcmp(n, "--without-selector")) o->without_selector = on;
        else if (!strcmp(n, "--include-templates")) o->include_templates = on;
        else if (!strcmp(n, "--ignore-non-existence")) o->ignore_missing = on;
        else if (!strcmp(n, "--disableNameSuffixHash")) o->disable_hash = on;
        else if (!strcmp(n, "--vars")) {
            if (on) {
                pr_cli_error("fix --vars (converting vars to replacements) is not supported: "
                             "kustomize's conversion rewrites the resource files too and may "
                             "change the output; convert them by hand");
                rc = PR_EXIT_USAGE;
                goto out;
            }
        }
        else if (!strcmp(n, "--path")) o->patch_path = value;
        else if (!strcmp(n, "--patch")) o->patch_text = value;
        else if (!strcmp(n, "--group")) o->group = value;
        else if (!strcmp(n, "--version")) o->version = value;
        else if (!strcmp(n, "--kind")) o->kind = value;
        else if (!strcmp(n, "--name")) o->name = value;
        else if (!strcmp(n, "--namespace")) o->namespace = value;
        else if (!strcmp(n, "--label-selector")) o->label_selector = value;
        else if (!strcmp(n, "--annotation-selector")) o->annotation_selector = value;
        else if (!strcmp(n, "--from-literal")) strs_add(&literals, value);
        else if (!strcmp(n, "--from-env-file")) o->env_file = value;
        else if (!strcmp(n, "--behavior")) o->behavior = value;
        else if (!strcmp(n, "--type")) o->secret_type = value;
        else if (!strcmp(n, "--new-namespace")) o->new_namespace = value;
        else if (!strcmp(n, "--from-file")) {
            /* A string slice, as cobra reads it: comma-separated. */
            char *copy = strdup(value), *save = NULL;
            for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save))
                strs_add(&file_args, t);
            free(copy);
        }
    }
    if (cmd->kind == PR_EDIT_ADD_SECRET && !o->secret_type)
        o->secret_type = "Opaque";
    req.args = (const char *const *)args.v;
    req.nargs = args.n;
    o->literals = (const char *const *)literals.v;
    o->nliterals = literals.n;
    pr_error err;
    pr_error_init(&err);
    char *path = NULL, *real = NULL;
    pr_strbuf src, out, notes, before;
    pr_sb_init(&src);
    pr_sb_init(&out);
    pr_sb_init(&notes);
    pr_sb_init(&before);
    rc = PR_EXIT_RENDER_ERROR;
    /* Sources are expanded before the arguments are checked, as kustomize
     * does, so a pattern matching nothing is reported first. */
    if (file_args.n && !expand_file_sources(dir, &file_args, &files))
        goto done;
    o->files = (const char *const *)files.v;
    o->nfiles = files.n;
    if (!pr_edit_check_args(&req, &err)) {
        pr_cli_error("%s", pr_error_text(&err));
        rc = PR_EXIT_USAGE;
        goto done;
    }
    path = find_kustomization(dir, &req.file_name);
    if (!path)
        goto done;
    bool plugins = req.kind == PR_EDIT_ADD_GENERATOR || req.kind == PR_EDIT_ADD_TRANSFORMER;
    if ((req.kind == PR_EDIT_ADD_RESOURCE && !no_verify) || req.kind == PR_EDIT_ADD_COMPONENT ||
        plugins) {
        const char *hint = plugins ? NULL
                           : req.kind == PR_EDIT_ADD_RESOURCE ? "; for a remote resource, add --no-verify"
                                                              : "";
        for (size_t j = 0; j < args.n; j++) {
            size_t n;
            if (req.kind == PR_EDIT_ADD_COMPONENT && looks_remote(args.v[j]))
                strs_add(&expanded, args.v[j]);
            else if (!expand(dir, args.v[j], hint, &expanded, &n))
                goto done;
        }
        req.args = (const char *const *)expanded.v;
        req.nargs = expanded.n;
        if (!req.nargs) { /* every pattern skipped: kustomize leaves the file */
            rc = PR_EXIT_OK;
            goto done;
        }
    }
    if (req.kind == PR_EDIT_ADD_BASE) {
        char *copy = strdup(args.v[0]), *save = NULL;
        for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save))
            if (!exists_in(dir, t)) {
                pr_cli_error("%s does not exist", t);
                free(copy);
                goto done;
            }
        free(copy);
    }
    if (o->patch_path && *o->patch_path && req.kind == PR_EDIT_ADD_PATCH &&
        !looks_remote(o->patch_path) && !exists_in(dir, o->patch_path)) {
        pr_cli_error("patch file %s does not exist", o->patch_path);
        goto done;
    }
    if (o->env_file && *o->env_file && !exists_in(dir, o->env_file)) {
        pr_cli_error("env file %s does not exist", o->env_file);
        goto done;
    }
    req.is_file = readable_file;
    req.is_file_ctx = dir;
    if (!pr_fs_disk()->read_file(pr_fs_disk(), path, &src, &err)) {
        pr_cli_report(&err);
        goto done;
    }
    bool rendered_before = false;
    if (req.kind == PR_EDIT_FIX) {
        pr_error rerr;
        pr_error_init(&rerr);
        rendered_before = render_dir(dir, &before, &rerr);
        pr_error_release(&rerr);
    }
    if (!pr_edit_apply(&req, path, src.buf, src.len, &out, &notes, &err)) {
        pr_cli_report(&err);
        goto done;
    }
    if (req.kind == PR_EDIT_SET_IMAGE)
        warn_dropped_newname(&req, src.buf, src.len);
    for (char *line = notes.buf, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        pr_cli_error("%.*s", (int)(nl - line), line);
    }
    rc = PR_EXIT_OK;
    if (out.len == src.len && !memcmp(out.buf, src.buf, src.len))
        goto checks; /* nothing changed: leave the file, and its mtime, alone */
    /* Write through a symlink to the file it names, keeping the link. A
     * file its owner made read-only stays as it is, as kustomize (which
     * opens it for writing) leaves it; a replacement beside it would not. */
    real = realpath(path, NULL);
    if (access(real ? real : path, W_OK) != 0 && (errno == EACCES || errno == EROFS)) {
        pr_cli_write_error("the kustomization file", path, errno);
        rc = PR_EXIT_RENDER_ERROR;
        goto done;
    }
    if (pr_cli_write_file(real ? real : path, "the kustomization file", out.buf, out.len) != 0) {
        rc = PR_EXIT_RENDER_ERROR;
        goto done;
    }
    sync_dir(real ? real : path);
checks:
    if (req.kind == PR_EDIT_SET_IMAGE)
        warn_unused_images(&req, dir, path);
    if (req.kind == PR_EDIT_FIX && rendered_before) {
        pr_strbuf after;
        pr_sb_init(&after);
        pr_error rerr;
        pr_error_init(&rerr);
        if (!render_dir(dir, &after, &rerr))
            fprintf(stderr, "pleo-render: warning: the fixed kustomization no longer renders: %s\n",
                    pr_error_text(&rerr));
        else if (after.len != before.len || memcmp(after.buf, before.buf, after.len) != 0)
            fprintf(stderr, "pleo-render: warning: the fixed kustomization renders differently "
                    "(patch order or label selectors changed); compare `pleo-render build` "
                    "before and after\n");
        pr_error_release(&rerr);
        pr_sb_release(&after);
    }
done:
    free(real);
    free(path);
    pr_sb_release(&src);
    pr_sb_release(&out);
    pr_sb_release(&notes);
    pr_sb_release(&before);
    pr_error_release(&err);
out:
    strs_free(&args);
    strs_free(&literals);
    strs_free(&file_args);
    strs_free(&files);
    strs_free(&expanded);
    free(dir);
    return rc;
}
