/* Unit tests for the UTF-8 helpers: Go's validity rules and Go's
 * strings.TrimSpace, which kustomize applies to inline patches. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pleo/utf8.h"

/* What pr_go_trim_space leaves of `s`, as offsets. */
static void assert_trimmed(const char *s, size_t want_from, size_t want_to)
{
    size_t from = 99, to = 99;
    pr_go_trim_space(s, strlen(s), &from, &to);
    assert_int_equal(from, want_from);
    assert_int_equal(to, want_to);
}

static void test_trim_space_cuts_go_white_space_at_both_ends(void **state)
{
    (void)state;
    assert_trimmed("  a: b\n\n\n", 2, 6);
    assert_trimmed("\t\v\f\r\na b\n", 5, 8);
    assert_trimmed("a", 0, 1);
    /* U+0085, U+00A0, U+2028 and U+3000 are white space to Go */
    assert_trimmed("\xC2\x85" "a" "\xC2\xA0", 2, 3);
    assert_trimmed("\xE2\x80\xA8" "a b" "\xE3\x80\x80", 3, 6);
    /* U+200B (zero width space) is not */
    assert_trimmed("\xE2\x80\x8B" "a", 0, 4);
}

static void test_trim_space_of_white_space_only_is_empty(void **state)
{
    (void)state;
    assert_trimmed("", 0, 0);
    assert_trimmed(" \n\t ", 4, 4);
}

static void test_trim_space_keeps_invalid_utf8(void **state)
{
    (void)state;
    /* a lone continuation byte is no white space, even at the end */
    assert_trimmed(" a\x80 ", 1, 3);
    assert_trimmed("\xC2", 0, 1);
}

static void test_go_is_space(void **state)
{
    (void)state;
    assert_true(pr_go_is_space(' '));
    assert_true(pr_go_is_space(0x2000));
    assert_true(pr_go_is_space(0x200A));
    assert_false(pr_go_is_space(0x200B));
    assert_false(pr_go_is_space('a'));
    assert_false(pr_go_is_space(0xFEFF));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trim_space_cuts_go_white_space_at_both_ends),
        cmocka_unit_test(test_trim_space_of_white_space_only_is_empty),
        cmocka_unit_test(test_trim_space_keeps_invalid_utf8),
        cmocka_unit_test(test_go_is_space),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
