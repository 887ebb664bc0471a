/* Unit tests for generated-name hashes. Expected suffixes were produced by
 * kubectl kustomize (kustomize v5.5.0) for the same objects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pleo/hash.h"
#include "pleo/yaml.h"
#include "unit_support.h"

static void expect_configmap_hash(const char *yaml, const char *want)
{
    pr_arena *a = pr_arena_new();
    char got[11];
    assert_true(pr_hash_configmap(ut_parse(a, yaml), got));
    assert_string_equal(got, want);
    pr_arena_free(a);
}

static void test_configmap_hashes_match_kustomize(void **state)
{
    (void)state;
    expect_configmap_hash("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bob\n"
                          "data:\n  a: b\n", "4h2mbtbbt6");
    expect_configmap_hash("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bob\n",
                          "6ct58987ht");
    /* Key order in the input does not matter; values are hashed as text. */
    expect_configmap_hash("apiVersion: v1\nkind: ConfigMap\ndata:\n  two: 2\n  one: \"\"\n"
                          "  three: 3\n", "7757f9kkct");
}

static void test_name_does_not_change_the_hash(void **state)
{
    (void)state;
    /* kustomize hashes an empty name, whatever the object is called. */
    expect_configmap_hash("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n"
                          "data:\n  a: b\n", "4h2mbtbbt6");
}

static void expect_secret_hash(const char *yaml, const char *want)
{
    pr_arena *a = pr_arena_new();
    char got[11];
    assert_true(pr_hash_secret(ut_parse(a, yaml), got));
    assert_string_equal(got, want);
    pr_arena_free(a);
}

static void test_secret_hashes_include_the_type(void **state)
{
    (void)state;
    expect_secret_hash("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n"
                       "type: Opaque\ndata:\n  a: Yg==\n", "k695gkmbtk");
    expect_secret_hash("apiVersion: v1\nkind: Secret\nmetadata:\n  name: t\n"
                       "type: kubernetes.io/tls\ndata:\n  x: PCY+\n", "8b8f9kk42t");
}

static void expect_json(const char *in, size_t len, const char *want)
{
    pr_strbuf out;
    pr_sb_init(&out);
    pr_json_append_string(&out, in, len);
    assert_string_equal(out.buf, want);
    pr_sb_release(&out);
}

static void test_json_strings_are_escaped_like_go(void **state)
{
    (void)state;
    expect_json("plain", 5, "\"plain\"");
    expect_json("<&>", 3, "\"\\u003c\\u0026\\u003e\"");
    expect_json("a\"b\\c\n\t\r", 8, "\"a\\\"b\\\\c\\n\\t\\r\"");
    expect_json("\x01", 1, "\"\\u0001\"");
    expect_json("\xe2\x80\xa8", 3, "\"\\u2028\"");
    expect_json("caf\xc3\xa9", 5, "\"caf\xc3\xa9\"");
    expect_json("bad\xff", 4, "\"bad\\ufffd\"");
}

static void test_digest_encoding_swaps_characters(void **state)
{
    (void)state;
    unsigned char digest[32] = {0x01, 0x3a, 0xe2, 0x45, 0x67, 0x89, 0xbc, 0xdf, 0, 0};
    char out[11];
    pr_hash_encode(digest, out);
    assert_string_equal(out, "ghkmt24567");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_configmap_hashes_match_kustomize),
        cmocka_unit_test(test_name_does_not_change_the_hash),
        cmocka_unit_test(test_secret_hashes_include_the_type),
        cmocka_unit_test(test_json_strings_are_escaped_like_go),
        cmocka_unit_test(test_digest_encoding_swaps_characters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
