/*
 * Path patterns as kustomize's edit commands read them: Go's
 * path/filepath.Match (what `remove resource|component|transformer` test
 * entries with) and kustomize's fSys.Glob, which is Go's filepath.Glob with
 * hidden files left out (what `add resource|component|generator|
 * transformer` and `--from-file` expand). fnmatch(3) and glob(3) differ
 * where users notice: `[!x]` is not a negation in Go (only `[^x]` is),
 * `[]a]` is malformed there, and glob(3) with a trailing `/` yields `.`
 * and `..`, which Go never does. A malformed pattern is an error whatever
 * the name, as in Go since it validates the whole pattern.
 */
#include <stdint.h>
#include <string.h>

#include "doc.h"
#include "pleo/edit.h"
#include "pleo/utf8.h"

typedef enum { CHUNK_OK, CHUNK_FAIL, CHUNK_BAD } chunk_result;

/* The rune at s[0..n) and its width; an invalid byte reads as U+FFFD of
 * width 1, as Go's utf8.DecodeRuneInString gives it. */
static size_t rune_at(const char *s, size_t n, uint32_t *r)
{
    size_t w = pr_utf8_decode(s, n, 0, r);
    if (w == 0) {
        *r = 0xFFFD;
        w = 1;
    }
    return w;
}

/* One character of a class, possibly escaped by '\'. A class character
 * must be valid UTF-8, not '-' or ']' unescaped, and be followed by
 * more of the class. */
static bool class_char(const char *c, size_t cn, size_t *ci, uint32_t *r)
{
    if (*ci >= cn || c[*ci] == '-' || c[*ci] == ']')
        return false;
    if (c[*ci] == '\\' && ++*ci >= cn)
        return false;
    size_t w = pr_utf8_decode(c + *ci, cn - *ci, 0, r);
    if (w == 0)
        return false;
    *ci += w;
    return *ci < cn;
}

/* Whether the chunk (literals, classes and '?', no '*') matches the start
 * of s; `*used` is how much of s it took. The whole chunk is read even
 * after a mismatch, so a malformed one is always reported. */
static chunk_result match_chunk(const char *c, size_t cn, const char *s, size_t sn, size_t *used)
{
    bool failed = false;
    size_t ci = 0, si = 0;
    while (ci < cn) {
        if (!failed && si == sn)
            failed = true;
        /* An escaped character is a literal, whatever it is. */
        bool escaped = c[ci] == '\\';
        if (escaped && ++ci == cn)
            return CHUNK_BAD;
        switch (escaped ? 0 : c[ci]) {
        case '[': {
            uint32_t r = 0;
            if (!failed)
                si += rune_at(s + si, sn - si, &r);
            ci++;
            bool negated = ci < cn && c[ci] == '^';
            if (negated)
                ci++;
            bool hit = false;
            for (size_t nrange = 0;; nrange++) {
                if (ci < cn && c[ci] == ']' && nrange > 0) {
                    ci++;
                    break;
                }
                uint32_t lo, hi;
                if (!class_char(c, cn, &ci, &lo))
                    return CHUNK_BAD;
                hi = lo;
                if (c[ci] == '-') {
                    ci++;
                    if (!class_char(c, cn, &ci, &hi))
                        return CHUNK_BAD;
                }
                hit |= lo <= r && r <= hi;
            }
            if (hit == negated)
                failed = true;
            break;
        }
        case '?':
            if (!failed) {
                uint32_t r;
                failed = s[si] == '/';
                si += rune_at(s + si, sn - si, &r);
            }
            ci++;
            break;
        default:
            if (!failed) {
                failed = c[ci] != s[si];
                si++;
            }
            ci++;
            break;
        }
    }
    if (failed)
        return CHUNK_FAIL;
    *used = si;
    return CHUNK_OK;
}

/* Splits off the next chunk of `p`: leading stars (`*star`), then up to
 * the next '*' outside a class. Returns where the rest starts. */
static const char *scan_chunk(const char *p, bool *star, size_t *len)
{
    *star = false;
    while (*p == '*') {
        p++;
        *star = true;
    }
    bool in_class = false;
    size_t i = 0;
    for (; p[i]; i++) {
        if (p[i] == '\\' && p[i + 1])
            i++;
        else if (p[i] == '[')
            in_class = true;
        else if (p[i] == ']')
            in_class = false;
        else if (p[i] == '*' && !in_class)
            break;
    }
    *len = i;
    return p;
}

pr_glob_result pr_edit_match(const char *pattern, const char *name)
{
    size_t nn = strlen(name);
    const char *p = pattern;
    while (*p) {
        bool star;
        size_t clen, used;
        const char *chunk = scan_chunk(p, &star, &clen);
        p = chunk + clen;
        if (star && clen == 0) /* a final '*' takes the rest, but no '/' */
            return memchr(name, '/', nn) ? PR_GLOB_NO_MATCH : PR_GLOB_MATCH;
        chunk_result r = match_chunk(chunk, clen, name, nn, &used);
        if (r == CHUNK_OK && (used == nn || *p)) {
            name += used;
            nn -= used;
            continue;
        }
        if (r == CHUNK_BAD)
            return PR_GLOB_BAD_PATTERN;
        bool moved = false;
        for (size_t i = 0; star && !moved && i < nn && name[i] != '/'; i++) {
            r = match_chunk(chunk, clen, name + i + 1, nn - i - 1, &used);
            if (r == CHUNK_BAD)
                return PR_GLOB_BAD_PATTERN;
            if (r == CHUNK_OK && (*p || used == nn - i - 1)) {
                name += i + 1 + used;
                nn -= i + 1 + used;
                moved = true;
            }
        }
        if (moved)
            continue;
        /* No match; the rest of the pattern must still be well formed. */
        while (*p) {
            chunk = scan_chunk(p, &star, &clen);
            p = chunk + clen;
            if (match_chunk(chunk, clen, "", 0, &used) == CHUNK_BAD)
                return PR_GLOB_BAD_PATTERN;
        }
        return PR_GLOB_NO_MATCH;
    }
    return nn == 0 ? PR_GLOB_MATCH : PR_GLOB_NO_MATCH;
}

bool pe_bad_pattern(const char *pattern, pr_error *err)
{
    return pr_error_set(err, "syntax error in pattern '%s' (Go's filepath.Match syntax: '*' and "
                        "'?' within a path element, classes [a-z] and [^a-z], '\\' escapes)",
                        pattern);
}

/* ---- Glob ---- */

static bool has_meta(const char *p)
{
    return strpbrk(p, "*?[\\") != NULL;
}

/* Go's filepath.Base: the last element, trailing slashes ignored. */
static const char *go_base(pr_arena *a, const char *p)
{
    size_t n = strlen(p);
    if (n == 0)
        return ".";
    while (n > 1 && p[n - 1] == '/')
        n--;
    if (n == 1 && p[0] == '/')
        return "/";
    size_t s = n;
    while (s > 0 && p[s - 1] != '/')
        s--;
    return pr_strndup(a, p + s, n - s);
}

typedef struct {
    pr_arena *a;
    const pr_fs *fs;
    const char *base; /* the directory relative patterns are read in */
    const char **v;
    size_t n, cap;
} globber;

/* Where the file system finds `p`, which Go would open relative to the
 * working directory: `base` stands for it. */
static const char *fs_path(const globber *g, const char *p)
{
    if (p[0] == '/' || !g->base || !strcmp(g->base, "."))
        return p;
    return pr_sprintf(g->a, "%s/%s", g->base, p);
}

static void add_match(globber *g, const char *m)
{
    if (g->n == g->cap)
        g->v = pr_grow(g->a, g->v, sizeof *g->v, &g->cap, g->n + 1);
    g->v[g->n++] = m;
}

/* Go's os.Lstat succeeding: the path exists, or is a (dangling) link. */
static bool lexists(const globber *g, const char *p)
{
    const char *f = fs_path(g, p);
    if (g->fs->path_info) {
        pr_path_info info = g->fs->path_info(g->fs, f);
        return info.type != PR_PATH_MISSING || info.is_link;
    }
    return g->fs->path_type(g->fs, f) != PR_PATH_MISSING;
}

/* The names in directory `dir` that `pattern` matches, joined to it and
 * cleaned as Go's filepath.Join does; an unreadable directory has none. */
static bool glob_in(globber *g, const char *dir, const char *pattern)
{
    const char *f = fs_path(g, dir);
    if (g->fs->path_type(g->fs, f) != PR_PATH_DIR || !g->fs->list_dir)
        return true;
    pr_dir_entry *entries;
    size_t len;
    pr_error ignored;
    pr_error_init(&ignored);
    bool listed = g->fs->list_dir(g->fs, g->a, f, &entries, &len, &ignored);
    pr_error_release(&ignored);
    for (size_t i = 0; listed && i < len; i++) {
        pr_glob_result r = pr_edit_match(pattern, entries[i].name);
        if (r == PR_GLOB_BAD_PATTERN)
            return false;
        if (r == PR_GLOB_MATCH)
            add_match(g, pr_path_join(g->a, dir, entries[i].name));
    }
    return true;
}

/* Go's filepath.Glob: the directory part is itself globbed first. */
static bool go_glob(globber *g, const char *pattern, int depth)
{
    if (depth > 10000) /* Go's limit on separators (CVE-2022-30632) */
        return false;
    if (!has_meta(pattern)) {
        if (lexists(g, pattern))
            add_match(g, pattern);
        return true;
    }
    const char *slash = strrchr(pattern, '/');
    const char *file = slash ? slash + 1 : pattern;
    size_t dl = (size_t)(file - pattern);
    /* The directory without its final '/' ("" is ".", "/" stays). */
    const char *dir = dl == 0 ? "." : dl == 1 ? "/" : pr_strndup(g->a, pattern, dl - 1);
    if (!has_meta(dir))
        return glob_in(g, dir, file);
    size_t from = g->n;
    if (!go_glob(g, dir, depth + 1))
        return false;
    /* The directories matched are taken off the list and searched. */
    size_t to = g->n;
    const char **dirs = pr_alloc(g->a, (to - from + 1) * sizeof *dirs);
    memcpy(dirs, g->v + from, (to - from) * sizeof *dirs);
    g->n = from;
    for (size_t i = 0; i < to - from; i++)
        if (!glob_in(g, dirs[i], file))
            return false;
    return true;
}

bool pr_edit_glob(pr_arena *a, const pr_fs *fs, const char *base, const char *pattern,
                  const char ***matches, size_t *n, pr_error *err)
{
    globber g = {a, fs, base, NULL, 0, 0};
    *matches = NULL;
    *n = 0;
    /* Go checks the whole pattern first; a directory part cut inside a
     * class (`a[/]b`) is malformed on its own, also as in Go. */
    if (pr_edit_match(pattern, "") == PR_GLOB_BAD_PATTERN || !go_glob(&g, pattern, 0))
        return pe_bad_pattern(pattern, err);
    /* kustomize leaves hidden files out unless the pattern names one. */
    bool keep_hidden = go_base(a, pattern)[0] == '.';
    size_t k = 0;
    for (size_t i = 0; i < g.n; i++)
        if (keep_hidden || go_base(a, g.v[i])[0] != '.')
            g.v[k++] = g.v[i];
    *matches = g.v;
    *n = k;
    return true;
}
