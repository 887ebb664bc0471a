/* Unit tests for generator key/value sources: literals, env files and
 * file sources, read with kustomize's rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pleo/kv.h"

static void test_literals(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_kv_list kvs = {0};
    assert_true(pr_kv_add_literal(a, &kvs, "a=b", NULL));
    assert_true(pr_kv_add_literal(a, &kvs, "eq=x=y", NULL));
    assert_true(pr_kv_add_literal(a, &kvs, "quoted=\"b c\"", NULL));
    assert_true(pr_kv_add_literal(a, &kvs, "single='it'", NULL));
    assert_true(pr_kv_add_literal(a, &kvs, "mixed=\"x'", NULL));
    assert_true(pr_kv_add_literal(a, &kvs, "empty=", NULL));
    assert_int_equal(kvs.len, 6);
    assert_string_equal(kvs.items[0].value, "b");
    assert_string_equal(kvs.items[1].value, "x=y");
    assert_string_equal(kvs.items[2].value, "b c");
    assert_string_equal(kvs.items[3].value, "it");
    assert_string_equal(kvs.items[4].value, "\"x'");
    assert_string_equal(kvs.items[5].value, "");
    pr_error err;
    pr_error_init(&err);
    assert_false(pr_kv_add_literal(a, &kvs, "=b", &err));
    assert_non_null(strstr(pr_error_text(&err), "expected key=value"));
    assert_false(pr_kv_add_literal(a, &kvs, "novalue", &err));
    pr_error_release(&err);
    pr_arena_free(a);
}

static void test_env_files(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_kv_list kvs = {0};
    const char *env = "\xEF\xBB\xBF# comment\r\n\n   A=1\r\nB=x \nC\nD=with=eq\n  # indented comment\n";
    assert_true(pr_kv_add_env_file(a, &kvs, "app.env", env, strlen(env), NULL));
    assert_int_equal(kvs.len, 4);
    assert_string_equal(kvs.items[0].key, "A");
    assert_string_equal(kvs.items[0].value, "1");
    assert_string_equal(kvs.items[1].value, "x "); /* trailing spaces are kept */
    assert_string_equal(kvs.items[2].key, "C");
    assert_string_equal(kvs.items[2].value, "");
    assert_string_equal(kvs.items[3].value, "with=eq");
    pr_arena_free(a);
}

/* kubectl kustomize's key validator accepts anything: keys are the text
 * before the first '=', spaces included, and a line with an empty key is
 * skipped as a comment would be. */
static void test_env_keys_as_kubectl_reads_them(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_kv_list kvs = {0};
    const char *env = "B = x\nexport D=4\n1X=2\n=skipped\n";
    assert_true(pr_kv_add_env_file(a, &kvs, "x.env", env, strlen(env), NULL));
    assert_int_equal(kvs.len, 3);
    assert_string_equal(kvs.items[0].key, "B ");
    assert_string_equal(kvs.items[0].value, " x");
    assert_string_equal(kvs.items[1].key, "export D");
    assert_string_equal(kvs.items[2].key, "1X");
    pr_arena_free(a);
}

static void test_file_sources(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    const char *key, *path;
    assert_true(pr_kv_parse_file_source(a, "dir/app.properties", &key, &path, NULL));
    assert_string_equal(key, "app.properties");
    assert_string_equal(path, "dir/app.properties");
    assert_true(pr_kv_parse_file_source(a, "nobles=nobility.txt", &key, &path, NULL));
    assert_string_equal(key, "nobles");
    assert_string_equal(path, "nobility.txt");
    pr_error err;
    pr_error_init(&err);
    assert_false(pr_kv_parse_file_source(a, "=x", &key, &path, &err));
    assert_false(pr_kv_parse_file_source(a, "k=", &key, &path, &err));
    assert_false(pr_kv_parse_file_source(a, "k=a=b", &key, &path, &err));
    pr_error_release(&err);
    pr_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literals),
        cmocka_unit_test(test_env_files),
        cmocka_unit_test(test_env_keys_as_kubectl_reads_them),
        cmocka_unit_test(test_file_sources),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
