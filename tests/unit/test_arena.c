/* Unit tests for the arena: what pr_alloc hands out is zero even when the
 * memory is not cleared per request, and pr_grow keeps an array's items,
 * growing the latest allocation where it is without disturbing others;
 * strings packed between objects leave the objects aligned, and interned
 * strings are shared exactly when their bytes are equal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

static void test_strings_leave_objects_aligned(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    char *texts[3000];
    for (size_t i = 0; i < 3000; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "t%zu", i * 7919);
        texts[i] = pr_strdup(a, buf);
        size_t n = 1 + i % 97;
        unsigned char *p = pr_alloc(a, n);
        assert_true(((uintptr_t)p & 15) == 0);
        assert_true(all_zero(p, n));
        memset(p, 0xcd, n);
    }
    /* Neither the objects nor later strings overwrote a string. */
    for (size_t i = 0; i < 3000; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "t%zu", i * 7919);
        assert_string_equal(texts[i], buf);
    }
    pr_arena_free(a);
}

static void test_intern_shares_equal_bytes_only(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    char key[] = "metadata";
    const char *first = pr_strintern(a, key, 8);
    key[0] = 'M'; /* the arena kept a copy */
    assert_string_equal(first, "metadata");
    assert_ptr_equal(pr_strintern(a, "metadata", 8), first);
    assert_ptr_equal(pr_strintern(a, "metadata: x", 8), first); /* a prefix, by length */
    assert_ptr_not_equal(pr_strintern(a, "metadat", 7), first);
    assert_string_equal(pr_strintern(a, "metadat", 7), "metadat");
    /* Embedded NULs count as bytes; the copy is still NUL-terminated. */
    const char *nul = pr_strintern(a, "a\0b", 3);
    assert_memory_equal(nul, "a\0b", 4);
    assert_ptr_not_equal(pr_strintern(a, "a\0c", 3), nul);
    assert_ptr_equal(pr_strintern(a, "a\0b", 3), nul);
    assert_string_equal(pr_strintern(a, "", 0), "");
    /* Thousands of distinct strings: the table grows and keeps them all. */
    const char *kept[5000];
    for (int i = 0; i < 5000; i++) {
        char buf[32];
        int n = snprintf(buf, sizeof buf, "value-%d", i);
        kept[i] = pr_strintern(a, buf, (size_t)n);
    }
    for (int i = 0; i < 5000; i++) {
        char buf[32];
        int n = snprintf(buf, sizeof buf, "value-%d", i);
        assert_ptr_equal(pr_strintern(a, buf, (size_t)n), kept[i]);
        assert_string_equal(kept[i], buf);
    }
    assert_ptr_equal(pr_strintern(a, "metadata", 8), first);
    /* A long text is copied but not shared. */
    char long_text[400];
    memset(long_text, 'x', sizeof long_text);
    const char *l1 = pr_strintern(a, long_text, sizeof long_text);
    const char *l2 = pr_strintern(a, long_text, sizeof long_text);
    assert_memory_equal(l1, long_text, sizeof long_text);
    assert_int_equal(l1[sizeof long_text], 0);
    assert_memory_equal(l2, long_text, sizeof long_text);
    assert_ptr_not_equal(l1, l2);
    /* Another arena has its own copies. */
    pr_arena *b = pr_arena_new();
    assert_ptr_not_equal(pr_strintern(b, "metadata", 8), first);
    pr_arena_free(b);
    pr_arena_free(a);
}

/* Marks and releases nest; what was allocated before a mark survives its
 * release, and what is handed out again afterwards is zero. */
static void test_release_takes_back_what_came_after_the_mark(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    char *kept = pr_strdup(a, "kept");
    unsigned char *obj = pr_alloc(a, 40);
    memset(obj, 0x11, 40);
    size_t used = pr_arena_used(a);
    for (int round = 0; round < 3; round++) {
        pr_arena_pos outer = pr_arena_mark(a);
        unsigned char *t = pr_alloc(a, 100);
        memset(t, 0x22, 100);
        pr_arena_pos inner = pr_arena_mark(a);
        /* enough to need new blocks, dedicated ones too */
        for (int i = 0; i < 200; i++)
            memset(pr_alloc(a, i % 10 == 0 ? 60000 : 500), 0x33, i % 10 == 0 ? 60000 : 500);
        memset(pr_strdup(a, "temporary text"), 'x', 5);
        pr_arena_release(a, inner);
        assert_true(t[99] == 0x22);
        pr_arena_release(a, outer);
        assert_int_equal(pr_arena_used(a), used);
        unsigned char *again = pr_alloc(a, 4000);
        assert_true(all_zero(again, 4000));
        char *s = pr_strdup(a, "again");
        assert_string_equal(s, "again");
        pr_arena_release(a, outer);
    }
    assert_string_equal(kept, "kept");
    for (int i = 0; i < 40; i++)
        assert_int_equal(obj[i], 0x11);
    /* A block of its own made before the mark stays, and the current
     * block still gives back what it handed out after the mark. */
    unsigned char *large = pr_alloc(a, 200000);
    memset(large, 0x44, 200000);
    pr_arena_pos pos = pr_arena_mark(a);
    unsigned char *first = pr_alloc(a, 64);
    memset(first, 0x55, 64);
    pr_arena_release(a, pos);
    unsigned char *reused = pr_alloc(a, 64);
    assert_ptr_equal(reused, first);
    assert_true(all_zero(reused, 64));
    assert_true(large[199999] == 0x44);
    pr_arena_free(a);
}

/* A block given back by a release is used again for the next block the
 * arena needs; whatever was written in it reads as zero again, objects
 * and strings alike. */
static void test_block_given_back_is_zero_when_used_again(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    for (int round = 0; round < 4; round++) {
        pr_arena_pos pos = pr_arena_mark(a);
        /* past the first block: a new one is needed every round */
        for (int i = 0; i < 300; i++) {
            memset(pr_alloc(a, 300), 0x66, 300);
            memset(pr_strndup(a, "0123456789abcdef", 16), 'y', 16);
        }
        pr_arena_release(a, pos);
        for (int i = 0; i < 300; i++) {
            unsigned char *o = pr_alloc(a, 300);
            assert_true(all_zero(o, 300));
            char *t = pr_strndup(a, "zz", 2);
            assert_string_equal(t, "zz");
        }
        pr_arena_release(a, pos);
    }
    pr_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allocations_are_zero),
        cmocka_unit_test(test_grow_keeps_items_and_neighbours),
        cmocka_unit_test(test_grow_in_place_leaves_earlier_copies),
        cmocka_unit_test(test_strings_leave_objects_aligned),
        cmocka_unit_test(test_intern_shares_equal_bytes_only),
        cmocka_unit_test(test_release_takes_back_what_came_after_the_mark),
        cmocka_unit_test(test_block_given_back_is_zero_when_used_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
