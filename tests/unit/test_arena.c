/* Unit tests for the arena: what pr_alloc hands out is zero even when the
 * memory is not cleared per request, and pr_grow keeps an array's items,
 * growing the latest allocation where it is without disturbing others. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pleo/arena.h"

static bool all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

static void test_allocations_are_zero(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    /* Enough small and large requests to span several blocks, each
     * dirtied after the check so a reused byte would show. */
    for (size_t i = 0; i < 5000; i++) {
        size_t n = i % 7 == 0 ? 40000 + i : 1 + i % 300;
        unsigned char *p = pr_alloc(a, n);
        assert_true(all_zero(p, n));
        memset(p, 0xab, n);
    }
    pr_arena_free(a);
}

static void test_grow_keeps_items_and_neighbours(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    size_t cap = 0, other_cap = 0;
    int *items = NULL, *other = NULL;
    for (int i = 0; i < 10000; i++) {
        items = pr_grow(a, items, sizeof *items, &cap, (size_t)i + 1);
        items[i] = i;
        if (i % 100 == 0) { /* interleaved growth: neither is always last */
            other = pr_grow(a, other, sizeof *other, &other_cap, (size_t)i / 100 + 1);
            other[i / 100] = -i;
        }
        char *s = pr_alloc(a, 3);
        assert_true(all_zero((unsigned char *)s, 3));
        memcpy(s, "xyz", 3);
    }
    assert_true(cap >= 10000);
    for (int i = 0; i < 10000; i++)
        assert_int_equal(items[i], i);
    for (int i = 0; i < 100; i++)
        assert_int_equal(other[i], -i * 100);
    /* Room past the items is zero. */
    assert_true(all_zero((unsigned char *)(items + 10000), (cap - 10000) * sizeof *items));
    pr_arena_free(a);
}

static void test_grow_in_place_leaves_earlier_copies(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    size_t cap = 0;
    long *items = pr_grow(a, NULL, sizeof *items, &cap, 4);
    for (int i = 0; i < 4; i++)
        items[i] = i + 1;
    /* A struct copy sharing the items still sees its four after the
     * original grows. */
    long *shared = items;
    size_t shared_cap = cap;
    items = pr_grow(a, items, sizeof *items, &cap, 5);
    items[4] = 5;
    assert_int_equal(shared_cap, 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(shared[i], i + 1);
    size_t used = pr_arena_used(a);
    /* The latest allocation grows where it is: nothing is copied. */
    long *again = pr_grow(a, items, sizeof *items, &cap, 64);
    assert_ptr_equal(again, items);
    assert_true(pr_arena_used(a) - used == (64 - 8) * sizeof *items);
    pr_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allocations_are_zero),
        cmocka_unit_test(test_grow_keeps_items_and_neighbours),
        cmocka_unit_test(test_grow_in_place_leaves_earlier_copies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
