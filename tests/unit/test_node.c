/* Unit tests for mapping lookups: large mappings go through the key index
 * (node.c), which must agree with a scan after every kind of change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pleo/node.h"
#include "pleo/strbuf.h"

static const char *key_name(pr_arena *a, long i)
{
    return pr_sprintf(a, "key-%ld", i);
}

/* Every key present at its position, and absent keys absent. */
static void assert_lookups(pr_arena *a, const pr_node *map, long n)
{
    assert_int_equal(map->map.len, n);
    for (long i = 0; i < n; i++) {
        const char *k = map->map.items[i].key->scalar.text;
        assert_int_equal(pr_map_index(map, k), i);
    }
    assert_int_equal(pr_map_index(map, key_name(a, -1)), -1);
    assert_int_equal(pr_map_index(map, "key-"), -1);
    assert_null(pr_map_get(map, "absent"));
}

static void large_map_set_get_remove(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_node *map = pr_node_map(a);
    for (long i = 0; i < 5000; i++) {
        pr_map_set_str(a, map, key_name(a, i), key_name(a, i * 3));
        if (i % 997 == 0)
            assert_lookups(a, map, i + 1);
    }
    assert_lookups(a, map, 5000);
    assert_string_equal(pr_map_get_str(map, "key-4321"), "key-12963");
    /* Setting an existing key replaces its value in place. */
    pr_map_set_str(a, map, "key-17", "new");
    assert_int_equal(pr_map_index(map, "key-17"), 17);
    assert_string_equal(pr_map_get_str(map, "key-17"), "new");
    /* Removals shift later positions; the index follows. */
    assert_true(pr_map_remove(map, "key-0"));
    assert_true(pr_map_remove(map, "key-2500"));
    assert_false(pr_map_remove(map, "key-2500"));
    assert_lookups(a, map, 4998);
    assert_int_equal(pr_map_index(map, "key-1"), 0);
    assert_int_equal(pr_map_index(map, "key-4999"), 4997);
    /* Down to a small mapping and back up again. */
    for (long i = 1; i < 4990; i++)
        if (i != 2500)
            assert_true(pr_map_remove(map, key_name(a, i)));
    assert_lookups(a, map, 10);
    for (long i = 0; i < 40; i++)
        pr_map_set_str(a, map, key_name(a, 100000 + i), "x");
    assert_lookups(a, map, 50);
    pr_arena_free(a);
}

static void copy_and_rename(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_node *map = pr_node_map(a);
    for (long i = 0; i < 100; i++)
        pr_map_append(a, map, pr_node_str(a, key_name(a, i)), pr_node_str(a, "v"));
    pr_node *copy = pr_node_copy(a, map);
    assert_lookups(a, copy, 100);
    assert_true(pr_node_equal(map, copy));
    /* The copy is independent of the original. */
    pr_map_set_str(a, copy, "extra", "1");
    assert_int_equal(pr_map_index(copy, "extra"), 100);
    assert_int_equal(pr_map_index(map, "extra"), -1);
    assert_false(pr_node_equal(map, copy));
    /* A renamed key is found under its new name only. */
    pr_map_set_key(a, map, 42, pr_node_str(a, "renamed"));
    assert_int_equal(pr_map_index(map, "renamed"), 42);
    assert_int_equal(pr_map_index(map, "key-42"), -1);
    assert_lookups(a, map, 100);
    pr_arena_free(a);
}

/* A pair array replaced behind node.c's back is still searched right. */
static void items_changed_directly(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_node *map = pr_node_map(a);
    for (long i = 0; i < 64; i++)
        pr_map_append(a, map, pr_node_str(a, key_name(a, i)), pr_node_str(a, "v"));
    pr_node *other = pr_node_map(a);
    for (long i = 0; i < 32; i++)
        pr_map_append(a, other, pr_node_str(a, key_name(a, 1000 + i)), pr_node_str(a, "w"));
    map->map.items = other->map.items;
    map->map.len = other->map.len;
    assert_int_equal(pr_map_index(map, "key-1005"), 5);
    assert_int_equal(pr_map_index(map, "key-5"), -1);
    pr_arena_free(a);
}

/* Keys made first and appended with no allocation between: the arena
 * grows the pair array where it is, and the index must keep up. */
static void appends_growing_in_place(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    enum { N = 3000 };
    pr_node **keys = pr_alloc(a, N * sizeof *keys);
    for (long i = 0; i < N; i++)
        keys[i] = pr_node_str(a, key_name(a, i));
    pr_node *value = pr_node_str(a, "v");
    pr_node *map = pr_node_map(a);
    for (long i = 0; i < N; i++)
        pr_map_append(a, map, keys[i], value);
    assert_lookups(a, map, N);
    assert_int_equal(pr_map_index(map, "key-3000"), -1);
    pr_arena_free(a);
}

/* A node copied as a struct (json6902 replacing a whole document does
 * this) shares its pair array and index; appending to the copy must leave
 * the original's lookups right, whether the array grew where it is or
 * moved, and the original keeps its kind, position and capacity. */
static void struct_copy_then_append(void **state)
{
    (void)state;
    for (long extra = 1; extra <= 200; extra += 199) {
        pr_arena *a = pr_arena_new();
        pr_node *map = pr_node_map(a);
        map->mark.line = 7;
        map->mark.col = 3;
        for (long i = 0; i < 40; i++)
            pr_map_append(a, map, pr_node_str(a, key_name(a, i)), pr_node_str(a, "v"));
        pr_node *copy = pr_alloc(a, sizeof *copy);
        *copy = *map;
        for (long i = 0; i < extra; i++)
            pr_map_append(a, copy, pr_node_str(a, key_name(a, 1000 + i)), pr_node_str(a, "w"));
        assert_lookups(a, copy, 40 + extra);
        assert_lookups(a, map, 40);
        assert_int_equal(pr_map_index(map, "key-1000"), -1);
        assert_int_equal(map->kind, PR_MAP);
        assert_int_equal(map->mark.line, 7);
        assert_int_equal(map->mark.col, 3);
        /* The original still grows correctly on its own. */
        pr_map_set_str(a, map, "mine", "1");
        assert_int_equal(pr_map_index(map, "mine"), 40);
        assert_int_equal(pr_map_index(map, "key-39"), 39);
        pr_arena_free(a);
    }
}

/* Values shared between fields get copies of their own; the rest of the
 * tree keeps its nodes. */
static void unshare_copies_only_what_is_shared(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_node *root = pr_node_map(a);
    pr_node *meta = pr_node_map(a), *sel = pr_node_map(a), *list = pr_node_seq(a);
    pr_node *label = pr_node_str(a, "web");
    pr_node *alone = pr_node_str(a, "x");
    pr_node *shared_map = pr_node_map(a);
    pr_map_set_str(a, shared_map, "k", "v");
    pr_map_set(a, meta, "app", label);
    pr_map_set(a, sel, "app", label);
    pr_map_set(a, root, "metadata", meta);
    pr_map_set(a, root, "selector", sel);
    pr_map_set(a, root, "alone", alone);
    pr_seq_append(a, list, shared_map);
    pr_seq_append(a, list, shared_map);
    pr_seq_append(a, list, label);
    pr_map_set(a, root, "list", list);
    pr_node_unshare(a, root);
    const pr_node *l1 = pr_map_get(meta, "app"), *l2 = pr_map_get(sel, "app");
    const pr_node *l3 = list->seq.items[2];
    assert_true(l1 != l2 && l1 != l3 && l2 != l3);
    assert_true(l1 == label || l2 == label || l3 == label);
    assert_string_equal(pr_scalar_text(l2), "web");
    assert_string_equal(pr_scalar_text(l3), "web");
    assert_ptr_not_equal(list->seq.items[0], list->seq.items[1]);
    assert_true(pr_node_equal(list->seq.items[0], list->seq.items[1]));
    assert_ptr_equal(pr_map_get(root, "alone"), alone);
    assert_ptr_equal(pr_map_get(root, "metadata"), meta);
    /* Changing one in place leaves the others. */
    ((pr_node *)l1)->scalar.text = "changed";
    assert_string_equal(pr_scalar_text(l2), "web");
    pr_map_set_str(a, list->seq.items[0], "k", "other");
    assert_string_equal(pr_map_get_str(list->seq.items[1], "k"), "v");
    pr_arena_free(a);
}

/* Records, for each scalar visited, its text and whether it was in flow. */
static void note_context(pr_node *n, bool in_flow, void *ctx)
{
    pr_strbuf *seen = ctx;
    if (n->kind == PR_SCALAR)
        pr_sb_addf(seen, "%s:%d ", n->scalar.text, in_flow);
}

static void each_in_context_sees_flow_ancestors(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_node *root = pr_node_map(a);
    pr_node *flow = pr_node_map(a), *inner = pr_node_seq(a), *block = pr_node_seq(a);
    flow->style = PR_STYLE_FLOW;
    pr_seq_append(a, inner, pr_node_str(a, "deep"));
    pr_map_append(a, flow, pr_node_str(a, "k"), inner);
    pr_map_append(a, root, pr_node_str(a, "f"), flow);
    pr_seq_append(a, block, pr_node_str(a, "top"));
    pr_map_append(a, root, pr_node_str(a, "b"), block);
    pr_strbuf seen;
    pr_sb_init(&seen);
    pr_node_each_in_context(root, note_context, &seen);
    /* depth first, last child first; keys are not visited */
    assert_string_equal(seen.buf, "top:0 deep:1 ");
    pr_sb_release(&seen);
    pr_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(large_map_set_get_remove),
        cmocka_unit_test(copy_and_rename),
        cmocka_unit_test(items_changed_directly),
        cmocka_unit_test(appends_growing_in_place),
        cmocka_unit_test(struct_copy_then_append),
        cmocka_unit_test(unshare_copies_only_what_is_shared),
        cmocka_unit_test(each_in_context_sees_flow_ancestors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
