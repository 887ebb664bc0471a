/* Unit tests for the strict JSON syntax check (pr_json_syntax_valid),
 * which decides, as Go's encoding/json does, whether a patch that starts
 * with '[' is JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pleo/json_syntax.h"

static void expect(const char *text, bool want)
{
    if (pr_json_syntax_valid(text, strlen(text)) != want)
        fail_msg("'%s' should be %s", text, want ? "valid" : "invalid");
}

static void test_valid_documents(void **state)
{
    (void)state;
    expect("[]", true);
    expect(" \t\r\n[ ] \n", true);
    expect("[{\"op\": \"add\", \"path\": \"/a\", \"value\": {\"b\": [1, -2.5e+3, 0, true, false, null]}}]", true);
    expect("{}", true);
    expect("\"\\u00e9\\n\\t\\\"\\\\\\/\"", true);
    expect("-0.0E-7", true);
    expect("[[[[[]]]],{}]", true);
}

static void test_yaml_that_is_not_json(void **state)
{
    (void)state;
    expect("[{op: add}]", false);
    expect("['a']", false);
    expect("[1,]", false);
    expect("[1 2]", false);
    expect("{\"a\" 1}", false);
    expect("{\"a\": 1,}", false);
    expect("{1: 2}", false);
    expect("[1] # comment", false);
    expect("[1] [2]", false);
    expect("[01]", false);
    expect("[.5]", false);
    expect("[1.]", false);
    expect("[+1]", false);
    expect("[True]", false);
    expect("[\"a\tb\"]", false); /* a raw tab inside a string */
    expect("[\"\\x\"]", false);
    expect("[\"\\u12\"]", false);
    expect("[\"open", false);
    expect("[", false);
    expect("", false);
    expect("[\f]", false); /* form feed is not JSON white space */
}

static void test_deep_nesting_is_not_recursive(void **state)
{
    (void)state;
    size_t depth = 1000000;
    char *text = malloc(2 * depth + 1);
    memset(text, '[', depth);
    memset(text + depth, ']', depth);
    text[2 * depth] = '\0';
    expect(text, true);
    text[2 * depth - 1] = '\0';
    expect(text, false);
    free(text);
}

static void drops(const char *text, const char *want)
{
    char *copy = strdup(text);
    size_t len = pr_json_escapes_for_yaml(copy, strlen(copy));
    assert_int_equal(len, strlen(want));
    assert_string_equal(copy, want);
    free(copy);
}

static void test_solidus_escapes(void **state)
{
    (void)state;
    drops("[\"\\/a\\/b\"]", "[\"/a/b\"]");
    /* An escaped backslash before '/' stays; so do other escapes. */
    drops("[\"a\\\\/b\"]", "[\"a\\\\/b\"]");
    drops("[\"\\\"\\/\\n\"]", "[\"\\\"/\\n\"]");
    drops("[\"/\", 1]", "[\"/\", 1]");
}

static void test_surrogate_escapes(void **state)
{
    (void)state;
    /* a pair becomes one code point, in either case of hex digits */
    drops("[\"a \\ud83d\\ude80 b\"]", "[\"a \\U0001F680 b\"]");
    drops("[\"\\uD83D\\uDE80\"]", "[\"\\U0001F680\"]");
    /* lone halves are the replacement character, as Go decodes them */
    drops("[\"\\ud83dx\"]", "[\"\\uFFFDx\"]");
    drops("[\"\\ude80\\ud83d\"]", "[\"\\uFFFD\\uFFFD\"]");
    /* other \\u escapes and text outside strings stay */
    drops("[\"\\u00e9\", \"\\\\ud83d\"]", "[\"\\u00e9\", \"\\\\ud83d\"]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_documents),
        cmocka_unit_test(test_yaml_that_is_not_json),
        cmocka_unit_test(test_deep_nesting_is_not_recursive),
        cmocka_unit_test(test_solidus_escapes),
        cmocka_unit_test(test_surrogate_escapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
