/* Unit tests for the many-roots engine (pleo/roots.h): root discovery
 * through a pr_fs (what `build --all` and `diff` find), directory listing
 * of the in-memory file system, and rendering: the base cache never hands
 * one file system's base to a build reading another, objects outlive the
 * run, and results do not depend on the number of threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pleo/roots.h"

typedef struct {
    const char *path, *text;
} file;

static const pr_fs *tree(pr_arena *a, const file *files, size_t n)
{
    pr_fs_memory *m = pr_fs_memory_new(a);
    for (size_t i = 0; i < n; i++)
        pr_fs_memory_add(m, files[i].path, files[i].text, strlen(files[i].text));
    return pr_fs_memory_fs(m);
}

static const file repo[] = {
    {"base/kustomization.yaml", "resources:\n- d.yaml\n"},
    {"base/d.yaml", ""},
    {"comp/kustomization.yaml", "kind: Component\n"},
    {"old/Kustomization", "resources:\n- ../../outside\n"},
    {"envs/a/kustomization.yml", "bases:\n- ../../base\ncomponents:\n- ../../comp/\n"},
    {"envs/b/kustomization.yaml", "resources:\n- ../../base\n- ./sub\n"},
    {"envs/b/sub/kustomization.yaml", "resources: []\n"},
    /* Field names are matched ignoring case, as kustomize decodes them. */
    {"envs/c/kustomization.yaml", "RESOURCES:\n- ../../shared\n"},
    {"shared/kustomization.yaml", "resources: []\n"},
    /* Listing itself leaves it a root (its build reports the cycle). */
    {"self/kustomization.yaml", "resources:\n- .\n"},
    /* Hidden directories are not searched. */
    {".github/kustomization.yaml", "resources: []\n"},
    {"broken/kustomization.yaml", "resources: [\n"},
    {"kustomization.yaml", "resources:\n- envs/a\n- https://example.com/x\n"},
};

static void assert_names(const pr_root *roots, size_t n, const char *const *want, size_t nwant)
{
    assert_int_equal(n, nwant);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(roots[i].name, want[i]);
}

static void test_discovery_leniently_as_diff_does(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_roots_find_options o = {.fs = tree(a, repo, sizeof repo / sizeof *repo),
                               .top_name = ".", .lenient = true};
    pr_root *roots;
    size_t n;
    pr_error err;
    pr_error_init(&err);
    assert_true(pr_roots_find(a, ".", &o, &roots, &n, &err));
    static const char *const want[] = {".", "broken", "envs/b", "envs/c", "old", "self"};
    assert_names(roots, n, want, sizeof want / sizeof *want);
    assert_string_equal(roots[2].dir, "envs/b");
    assert_string_equal(roots[0].dir, ".");
    pr_roots_release(roots, n);
    pr_error_release(&err);
    pr_arena_free(a);
}

static void test_discovery_strictly_names_the_broken_file(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_roots_find_options o = {.fs = tree(a, repo, sizeof repo / sizeof *repo)};
    pr_root *roots;
    size_t n;
    pr_error err;
    pr_error_init(&err);
    assert_false(pr_roots_find(a, ".", &o, &roots, &n, &err));
    assert_non_null(strstr(pr_error_text(&err), "finding the roots under ."));
    assert_non_null(strstr(pr_error_text(&err), "broken/kustomization.yaml"));
    pr_error_release(&err);
    pr_arena_free(a);
}

static bool ignore_b_and_old(const char *rel, void *ctx)
{
    int *calls = ctx;
    ++*calls;
    return !strcmp(rel, "envs/b/") || !strcmp(rel, "old/Kustomization");
}

static void test_ignored_paths_are_absent(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    int calls = 0;
    pr_roots_find_options o = {.fs = tree(a, repo, sizeof repo / sizeof *repo),
                               .top_name = ".", .lenient = true,
                               .ignored = ignore_b_and_old, .ignored_ctx = &calls};
    pr_root *roots;
    size_t n;
    assert_true(pr_roots_find(a, ".", &o, &roots, &n, NULL));
    /* envs/b and what is below it are gone: its base is still included
     * by envs/a, and envs/b/sub is not found at all. */
    static const char *const want[] = {".", "broken", "envs/c", "self"};
    assert_names(roots, n, want, sizeof want / sizeof *want);
    assert_true(calls > 0);
    pr_arena_free(a);
}

static void test_top_is_named_after_its_directory(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_roots_find_options o = {.fs = tree(a, repo, sizeof repo / sizeof *repo)};
    pr_root *roots;
    size_t n;
    assert_true(pr_roots_find(a, "envs/b", &o, &roots, &n, NULL));
    static const char *const want[] = {"b"};
    assert_names(roots, n, want, 1);
    pr_error err;
    pr_error_init(&err);
    assert_false(pr_roots_find(a, "base/d.yaml", &o, &roots, &n, &err));
    assert_non_null(strstr(pr_error_text(&err), "not a directory"));
    pr_error_release(&err);
    pr_arena_free(a);
}

static void test_memory_directories_list(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    const pr_fs *fs = tree(a, repo, sizeof repo / sizeof *repo);
    pr_dir_entry *e;
    size_t n;
    assert_true(fs->list_dir(fs, a, "envs/b/..", &e, &n, NULL));
    assert_int_equal(n, 3);
    assert_string_equal(e[0].name, "a");
    assert_string_equal(e[2].name, "c");
    assert_true(e[0].is_dir);
    assert_true(fs->list_dir(fs, a, "/envs/b", &e, &n, NULL));
    assert_int_equal(n, 2);
    assert_string_equal(e[0].name, "kustomization.yaml");
    assert_false(e[0].is_dir);
    assert_string_equal(e[1].name, "sub");
    assert_true(e[1].is_dir);
    pr_error err;
    pr_error_init(&err);
    assert_false(fs->list_dir(fs, a, "base/d.yaml", &e, &n, &err));
    assert_non_null(strstr(pr_error_text(&err), "Not a directory"));
    assert_false(fs->list_dir(fs, a, "nowhere", &e, &n, NULL));
    pr_error_release(&err);
    pr_arena_free(a);
}

/* Two trees with the same paths, as two git revisions are: the base's
 * ConfigMap says "one" in the first and "two" in the second. */
static const char app[] = "resources:\n- ../base\nnamePrefix: p-\n";
static const char base_k[] = "resources:\n- cm.yaml\n";
static const char cm_one[] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
                             "data:\n  k: one\n";
static const char cm_two[] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
                             "data:\n  k: two\n";

static void revisions(pr_arena *a, pr_build_options opts[2])
{
    const file one[] = {{"app/kustomization.yaml", app}, {"other/kustomization.yaml", app},
                        {"base/kustomization.yaml", base_k}, {"base/cm.yaml", cm_one}};
    const file two[] = {{"app/kustomization.yaml", app}, {"other/kustomization.yaml", app},
                        {"base/kustomization.yaml", base_k}, {"base/cm.yaml", cm_two}};
    memset(opts, 0, 2 * sizeof *opts);
    opts[0].fs = tree(a, one, 4);
    opts[1].fs = tree(a, two, 4);
}

static void test_cache_keeps_file_systems_apart(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_build_options opts[2];
    revisions(a, opts);
    /* One thread, so the first tree's base is kept before the second
     * tree's roots look for it. */
    pr_root roots[4];
    for (int i = 0; i < 4; i++) {
        pr_root_init(&roots[i], i % 2 ? "other" : "app", i % 2 ? "other" : "app");
        roots[i].opts = &opts[i / 2];
    }
    pr_roots_run run = {.threads = 1};
    pr_roots_render(roots, 4, NULL, &run);
    const char *want[] = {"k: one", "k: one", "k: two", "k: two"};
    for (int i = 0; i < 4; i++) {
        assert_true(roots[i].ok);
        assert_non_null(strstr(roots[i].out.buf, want[i]));
        assert_non_null(strstr(roots[i].out.buf, "name: p-c"));
    }
    pr_roots_release(roots, 4);
    pr_arena_free(a);
}

static void test_objects_outlive_the_run(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_build_options opts[2];
    revisions(a, opts);
    for (unsigned threads = 1; threads <= 4; threads *= 4) {
        pr_base_cache *cache = pr_base_cache_new();
        pr_build_options shared = {.base_cache = cache};
        pr_root roots[8];
        for (int i = 0; i < 8; i++) {
            pr_root_init(&roots[i], i % 2 ? "other" : "app", "r");
            roots[i].opts = &opts[i / 4];
        }
        pr_roots_run run = {.threads = threads, .objects = true};
        pr_roots_render(roots, 8, &shared, &run);
        for (int i = 0; i < 8; i++) {
            assert_true(roots[i].ok);
            assert_non_null(roots[i].arena);
            assert_int_equal(roots[i].nobjects, 1);
            const pr_rendered *o = &roots[i].objects[0];
            assert_string_equal(o->kind, "ConfigMap");
            assert_string_equal(o->name, "p-c");
            assert_non_null(strstr(o->yaml, i < 4 ? "k: one" : "k: two"));
        }
        pr_roots_release(roots, 8);
        pr_base_cache_free(cache);
    }
    pr_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_discovery_leniently_as_diff_does),
        cmocka_unit_test(test_discovery_strictly_names_the_broken_file),
        cmocka_unit_test(test_ignored_paths_are_absent),
        cmocka_unit_test(test_top_is_named_after_its_directory),
        cmocka_unit_test(test_memory_directories_list),
        cmocka_unit_test(test_cache_keeps_file_systems_apart),
        cmocka_unit_test(test_objects_outlive_the_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
