/* Unit tests for git URL parsing (kustomize's RepoSpec): what is cloned,
 * which directory of the clone is built, and the query parameters. The
 * expectations follow kustomize v5.5's documented URL forms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kust/remote.h"

static void expect_repo(const char *url, const char *clone, const char *dir, const char *ref)
{
    pr_arena *a = pr_arena_new();
    pr_repo_spec rs;
    pr_error err;
    pr_error_init(&err);
    if (!pr_repo_spec_parse(a, url, NULL, &rs, &err))
        fail_msg("%s: %s", url, pr_error_text(&err));
    assert_string_equal(pr_repo_spec_clone_url(a, &rs), clone);
    assert_string_equal(rs.kust_root, dir);
    assert_string_equal(rs.ref, ref);
    pr_error_release(&err);
    pr_arena_free(a);
}

static void expect_not_repo(const char *url, const char *why)
{
    pr_arena *a = pr_arena_new();
    pr_repo_spec rs;
    pr_error err;
    pr_error_init(&err);
    assert_false(pr_repo_spec_parse(a, url, NULL, &rs, &err));
    if (!strstr(pr_error_text(&err), why))
        fail_msg("%s: '%s' lacks '%s'", url, pr_error_text(&err), why);
    pr_error_release(&err);
    pr_arena_free(a);
}

static void test_hosts_and_schemes(void **state)
{
    (void)state;
    /* Two path segments are the repository unless a marker says otherwise. */
    expect_repo("https://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo/somedir?ref=b",
                "https://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo", "somedir", "b");
    /* github.com is always fetched over https, or ssh with a user. */
    expect_repo("http://github.com/someorg/somerepo/somedir", "https://github.com/someorg/somerepo",
                "somedir", "");
    expect_repo("github.com/someorg/somerepo/a/b", "https://github.com/someorg/somerepo", "a/b", "");
    expect_repo("git@github.com:someorg/somerepo/somedir", "git@github.com:someorg/somerepo",
                "somedir", "");
    expect_repo("ssh://git@github.com/someorg/somerepo", "git@github.com:someorg/somerepo", "", "");
    expect_repo("git@bitbucket.org:company/project.git//path?ref=branch",
                "git@bitbucket.org:company/project.git", "path", "branch");
    expect_repo("ssh://git@bitbucket.org/company/project.git//path?ref=branch",
                "ssh://git@bitbucket.org/company/project.git", "path", "branch");
    /* git:: is dropped. */
    expect_repo("git::https://example.org/org/repo//d", "https://example.org/org/repo", "d", "");
}

static void test_markers(void **state)
{
    (void)state;
    expect_repo("https://itfs.mycompany.com/collection/project/_git/somerepos/somedir?version=v1",
                "https://itfs.mycompany.com/collection/project/_git/somerepos", "somedir", "v1");
    expect_repo("https://example.org/path/to/repo//examples/dev",
                "https://example.org/path/to/repo", "examples/dev", "");
    expect_repo("https://example.org/path/to/repo.git/examples/dev",
                "https://example.org/path/to/repo.git", "examples/dev", "");
    /* file:// takes the whole path as the repository without a marker. */
    expect_repo("file:///a/b/c/someRepo", "file:///a/b/c/someRepo", "", "");
    expect_repo("file:///a/b/c/someRepo//somepath?ref=v2", "file:///a/b/c/someRepo", "somepath", "v2");
}

static void test_query(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_repo_spec rs;
    /* ref wins over version; bad timeouts and submodules keep the defaults. */
    assert_true(pr_repo_spec_parse(a, "github.com/o/r?version=v1&ref=v2&timeout=61&submodules=false",
                                   NULL, &rs, NULL));
    assert_string_equal(rs.ref, "v2");
    assert_int_equal(rs.timeout_ms, 61000);
    assert_false(rs.submodules);
    assert_true(pr_repo_spec_parse(a, "github.com/o/r?timeout=2m&submodules=maybe", NULL, &rs, NULL));
    assert_int_equal(rs.timeout_ms, 120000);
    assert_true(rs.submodules);
    assert_true(pr_repo_spec_parse(a, "github.com/o/r?timeout=-3", NULL, &rs, NULL));
    assert_int_equal(rs.timeout_ms, 27000);
    pr_arena_free(a);
}

static void test_not_repositories(void **state)
{
    (void)state;
    /* Local paths are no URLs: the build reads them as directories. */
    expect_not_repo("base", "failed to parse scheme");
    expect_not_repo("../overlays/dev", "failed to parse scheme");
    expect_not_repo("/abs/path", "uri looks like abs path");
    expect_not_repo("ftp://example.org/o/r", "failed to parse scheme");
    expect_not_repo("https://example.org", "failed to parse repo path segment");
    expect_not_repo("file:///srv/repo//../etc", "url path exits repo");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hosts_and_schemes),
        cmocka_unit_test(test_markers),
        cmocka_unit_test(test_query),
        cmocka_unit_test(test_not_repositories),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
