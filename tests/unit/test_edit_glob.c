/* Unit tests for the path patterns of the edit commands (src/edit/glob.c):
 * Go's path/filepath.Match, whose table of cases in Go's match_test.go
 * documents it, and kustomize's fSys.Glob (Go's filepath.Glob without
 * hidden files) over an in-memory tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pleo/edit.h"

#define BAD PR_GLOB_BAD_PATTERN
#define YES PR_GLOB_MATCH
#define NO PR_GLOB_NO_MATCH

static void test_match_go_table(void **state)
{
    (void)state;
    static const struct {
        const char *pattern, *name;
        pr_glob_result want;
    } cases[] = {
        {"abc", "abc", YES},
        {"*", "abc", YES},
        {"*c", "abc", YES},
        {"a*", "a", YES},
        {"a*", "abc", YES},
        {"a*", "ab/c", NO},
        {"a*/b", "abc/b", YES},
        {"a*/b", "a/c/b", NO},
        {"a*b*c*d*e*/f", "axbxcxdxe/f", YES},
        {"a*b*c*d*e*/f", "axbxcxdxexxx/f", YES},
        {"a*b*c*d*e*/f", "axbxcxdxe/xxx/f", NO},
        {"a*b*c*d*e*/f", "axbxcxdxexxx/fff", NO},
        {"a*b?c*x", "abxbbxdbxebxczzx", YES},
        {"a*b?c*x", "abxbbxdbxebxczzy", NO},
        {"ab[c]", "abc", YES},
        {"ab[b-d]", "abc", YES},
        {"ab[e-g]", "abc", NO},
        {"ab[^c]", "abc", NO},
        {"ab[^b-d]", "abc", NO},
        {"ab[^e-g]", "abc", YES},
        {"a\\*b", "a*b", YES},
        {"a\\*b", "ab", NO},
        {"a?b", "a\xe2\x98\xba" "b", YES},     /* '?' takes one rune, not one byte */
        {"a[^a]b", "a\xe2\x98\xba" "b", YES},
        {"a???b", "a\xe2\x98\xba" "b", NO},
        {"a[^a][^a][^a]b", "a\xe2\x98\xba" "b", NO},
        {"[a-\xce\xb6]*", "\xce\xb1", YES},    /* [a-zeta] holds alpha */
        {"*[a-\xce\xb6]", "A", NO},
        {"a?b", "a/b", NO},
        {"a*b", "a/b", NO},
        {"[\\]a]", "]", YES},
        {"[\\-]", "-", YES},
        {"[x\\-]", "x", YES},
        {"[x\\-]", "-", YES},
        {"[x\\-]", "z", NO},
        {"[\\-x]", "x", YES},
        {"[\\-x]", "-", YES},
        {"[\\-x]", "a", NO},
        {"[]a]", "]", BAD},
        {"[-]", "-", BAD},
        {"[x-]", "x", BAD},
        {"[x-]", "-", BAD},
        {"[x-]", "z", BAD},
        {"[-x]", "x", BAD},
        {"[-x]", "-", BAD},
        {"[-x]", "a", BAD},
        {"\\", "a", BAD},
        {"[a-b-c]", "a", BAD},
        {"[", "a", BAD},
        {"[^", "a", BAD},
        {"[^bc", "a", BAD},
        {"a[", "a", BAD},
        {"a[", "ab", BAD},
        {"a[", "x", BAD},
        {"a/b[", "x", BAD},
        {"*x", "xxx", YES},
        /* Where fnmatch differs: '!' negates nothing in Go, `[!l]` is the
         * set of '!' and 'l'. */
        {"[!l]*", "labels.yaml", YES},
        {"[!l]*", "!x", YES},
        {"[!l]*", "ann.yaml", NO},
        {"tr/[^l]*", "tr/ann.yaml", YES},
        {"tr/[^l]*", "tr/labels.yaml", NO},
        /* A malformed pattern is reported whatever the name, even after a
         * mismatch or when the bad part is never reached. */
        {"x[", "abc", BAD},
        {"*[", "", BAD},
        {"a*[", "a", BAD},
        {"", "", YES},
        {"", "a", NO},
        {"*", "", YES},
        {"*/", "a/", YES},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pr_glob_result got = pr_edit_match(cases[i].pattern, cases[i].name);
        if (got != cases[i].want)
            fail_msg("Match(`%s`, `%s`) = %d, want %d", cases[i].pattern, cases[i].name, got,
                     cases[i].want);
    }
}

/* Globs `pattern` in directory "k" of the tree and compares the matches,
 * joined by spaces, with `want` (NULL: a syntax error). */
static void glob_is(const pr_fs *fs, const char *pattern, const char *want)
{
    pr_arena *a = pr_arena_new();
    pr_error err;
    pr_error_init(&err);
    const char **m;
    size_t n;
    bool ok = pr_edit_glob(a, fs, "k", pattern, &m, &n, &err);
    if (!want) {
        if (ok)
            fail_msg("glob `%s` succeeded; want a syntax error", pattern);
        assert_non_null(strstr(pr_error_text(&err), "syntax error in pattern"));
    } else {
        if (!ok)
            fail_msg("glob `%s`: %s", pattern, pr_error_text(&err));
        pr_strbuf got;
        pr_sb_init(&got);
        for (size_t i = 0; i < n; i++)
            pr_sb_addf(&got, "%s%s", i ? " " : "", m[i]);
        pr_sb_addc(&got, '\0');
        if (strcmp(got.buf, want) != 0)
            fail_msg("glob `%s` = [%s], want [%s]", pattern, got.buf, want);
        pr_sb_release(&got);
    }
    pr_error_release(&err);
    pr_arena_free(a);
}

static void test_glob(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_fs_memory *m = pr_fs_memory_new(a);
    static const char *const files[] = {
        "k/kustomization.yaml", "k/deploy.yaml", "k/gen/cm.yaml", "k/gen/cm2.yaml",
        "k/tr/labels.yaml",     "k/tr/ann.yaml", "k/.hidden.yaml", "k/.git/config",
        "k/tr/.x.yaml",         "k/b[1].yaml",   "base/a.yaml",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        pr_fs_memory_add(m, files[i], "", 0);
    const pr_fs *fs = pr_fs_memory_fs(m);

    glob_is(fs, "*.yaml", "b[1].yaml deploy.yaml kustomization.yaml");
    glob_is(fs, "*/*.yaml", "gen/cm.yaml gen/cm2.yaml tr/ann.yaml tr/labels.yaml");
    /* Go cleans what it joins, and never yields "." or "..": a pattern
     * ending in '/' with a wildcard matches nothing. */
    glob_is(fs, "./gen/*.yaml", "gen/cm.yaml gen/cm2.yaml");
    glob_is(fs, "*/*/", "");
    glob_is(fs, "*/", "");
    glob_is(fs, "../base/*", "../base/a.yaml");
    /* Without a wildcard the path comes back as given, when it exists. */
    glob_is(fs, "gen/", "gen/");
    glob_is(fs, "./deploy.yaml", "./deploy.yaml");
    glob_is(fs, "nope.yaml", "");
    glob_is(fs, "b\\[1\\].yaml", "b[1].yaml");
    /* Hidden files only when the pattern's last element is hidden. */
    glob_is(fs, "*", "b[1].yaml deploy.yaml gen kustomization.yaml tr");
    glob_is(fs, ".*", ".git .hidden.yaml");
    glob_is(fs, "tr/.*", "tr/.x.yaml");
    /* Go's classes: '^' negates, '!' is a member. */
    glob_is(fs, "tr/[!l]*", "tr/labels.yaml");
    glob_is(fs, "tr/[^l]*", "tr/ann.yaml");
    /* Malformed patterns, also a directory part cut inside a class. */
    glob_is(fs, "[", NULL);
    glob_is(fs, "tr/[]a]*", NULL);
    glob_is(fs, "g[/]n/*", NULL);
    pr_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match_go_table),
        cmocka_unit_test(test_glob),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
