/* Unit tests for strategic merge (pr_smp_merge). Every expected document is
 * what kubectl kustomize (v5.5) prints for the same object and patch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pleo/smp.h"
#include "pleo/yaml.h"
#include "unit_support.h"

/* Merges `patch` into `obj`; on success compares with `want` (NULL: the
 * object is deleted), on failure checks that the message contains `want`. */
static void check(const char *obj, const char *patch, bool ok, const char *want)
{
    pr_arena *a = pr_arena_new();
    pr_node *o = ut_parse(a, obj);
    pr_error err;
    pr_error_init(&err);
    bool deleted = false;
    bool result = pr_smp_merge(a, o, ut_parse(a, patch), NULL, &deleted, &err);
    if (result != ok)
        fail_msg("expected %s, got %s (%s)", ok ? "success" : "failure",
                 result ? "success" : "failure", pr_error_text(&err));
    if (ok && !want) {
        assert_true(deleted);
    } else if (ok) {
        assert_false(deleted);
        ut_assert_emits(o, want);
    } else if (!strstr(pr_error_text(&err), want)) {
        fail_msg("'%s' lacks '%s'", pr_error_text(&err), want);
    }
    pr_error_release(&err);
    pr_arena_free(a);
}

#define DEPLOYMENT "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"

static void test_maps_and_null(void **state)
{
    (void)state;
    check(DEPLOYMENT "spec: {replicas: 1, paused: ~, minReadySeconds: , strategy: {type: A, x: 1}}\n",
          DEPLOYMENT "spec: {replicas: null, strategy: {type: B}, revisionHistoryLimit: 3}\n",
          true,
          "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
          "  paused: null\n  revisionHistoryLimit: 3\n  strategy:\n    type: B\n    x: 1\n");
}

static void test_list_merged_by_key_patch_items_first(void **state)
{
    (void)state;
    check(DEPLOYMENT "spec:\n  template:\n    spec:\n      containers:\n"
                     "      - {name: a, image: a1}\n      - {name: b, image: b1}\n",
          DEPLOYMENT "spec:\n  template:\n    spec:\n      containers:\n"
                     "      - {name: c, image: c1}\n      - {name: b, image: b2}\n",
          true,
          "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
          "  template:\n    spec:\n      containers:\n"
          "      - image: c1\n        name: c\n"
          "      - image: b2\n        name: b\n"
          "      - image: a1\n        name: a\n");
}

static void test_several_merge_keys(void **state)
{
    (void)state;
    /* ports are keyed by containerPort and protocol; kyaml moves the
     * object's matched items behind the others */
    check(DEPLOYMENT "spec:\n  template:\n    spec:\n      containers:\n      - name: a\n"
                     "        ports: [{containerPort: 80}, {containerPort: 81, protocol: UDP}]\n",
          DEPLOYMENT "spec:\n  template:\n    spec:\n      containers:\n      - name: a\n"
                     "        ports: [{containerPort: 82}, {containerPort: 80, name: http}]\n",
          true,
          "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
          "  template:\n    spec:\n      containers:\n      - name: a\n        ports:\n"
          "        - containerPort: 82\n"
          "        - containerPort: 80\n          name: http\n"
          "        - containerPort: 81\n          protocol: UDP\n");
}

static void test_primitive_list_union(void **state)
{
    (void)state;
    check("apiVersion: v1\nkind: Pod\nmetadata: {name: p, finalizers: [a, b]}\n"
          "spec: {containers: [{name: c, args: [x, y]}]}\n",
          "apiVersion: v1\nkind: Pod\nmetadata: {name: p, finalizers: [c, a]}\n"
          "spec: {containers: [{name: c, args: [z]}]}\n",
          true,
          "apiVersion: v1\nkind: Pod\nmetadata:\n  finalizers:\n  - c\n  - a\n  - b\n"
          "  name: p\nspec:\n  containers:\n  - args:\n    - z\n    name: c\n");
}

static void test_unknown_kind_replaces_lists(void **state)
{
    (void)state;
    check("apiVersion: x.io/v1\nkind: Foo\nmetadata: {name: f}\n"
          "spec: {items: [{name: a, v: 1}], m: {k: 1}}\n",
          "apiVersion: x.io/v1\nkind: Foo\nmetadata: {name: f}\n"
          "spec: {items: [{name: b}], m: {j: 2}}\n",
          true,
          "apiVersion: x.io/v1\nkind: Foo\nmetadata:\n  name: f\nspec:\n  items:\n  - name: b\n"
          "  m:\n    j: 2\n    k: 1\n");
}

static void test_embedded_object_brings_its_schema(void **state)
{
    (void)state;
    check("apiVersion: x.io/v1\nkind: Foo\nmetadata: {name: f}\n"
          "spec: {template: {apiVersion: v1, kind: Pod, spec: {containers: [{name: a}]}}}\n",
          "apiVersion: x.io/v1\nkind: Foo\nmetadata: {name: f}\n"
          "spec: {template: {spec: {containers: [{name: b}]}}}\n",
          true,
          "apiVersion: x.io/v1\nkind: Foo\nmetadata:\n  name: f\nspec:\n  template:\n"
          "    apiVersion: v1\n    kind: Pod\n    spec:\n      containers:\n"
          "      - name: b\n      - name: a\n");
}

static void test_patch_directives(void **state)
{
    (void)state;
    check(DEPLOYMENT "spec:\n  selector: {matchLabels: {a: b, c: d}}\n  template:\n    spec:\n"
                     "      containers: [{name: a}, {name: b}]\n      volumes: [{name: v}]\n",
          DEPLOYMENT "spec:\n  selector: {matchLabels: {$patch: replace, x: y}}\n  template:\n"
                     "    spec:\n      containers: [{name: a, $patch: delete}]\n"
                     "      volumes: [{$patch: replace}, {name: w}]\n",
          true,
          "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
          "  selector:\n    matchLabels:\n      x: \"y\"\n  template:\n    spec:\n"
          "      containers:\n      - name: b\n      volumes:\n      - name: w\n");
    check(DEPLOYMENT "spec: {replicas: 1}\n", DEPLOYMENT "$patch: delete\n", true, NULL);
    /* kustomize keeps the object when the patch replaces it at the top */
    check(DEPLOYMENT "spec: {replicas: 1}\n", DEPLOYMENT "$patch: replace\nspec: {paused: true}\n",
          true, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n");
    check(DEPLOYMENT "spec: {replicas: 1}\n", DEPLOYMENT "spec: {$patch: bogus}\n", false,
          "at spec: unknown patch strategy 'bogus'");
}

static void test_other_directives_are_data(void **state)
{
    (void)state;
    check("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, args: [x]}]}\n",
          "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
          "spec: {$setElementOrder/containers: [{name: a}], containers: [{name: a, "
          "$deleteFromPrimitiveList/args: [x]}]}\n",
          true,
          "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
          "  $setElementOrder/containers:\n  - name: a\n  containers:\n"
          "  - $deleteFromPrimitiveList/args:\n    - x\n    args:\n    - x\n    name: a\n");
}

static void test_quoted_style_makes_strings(void **state)
{
    (void)state;
    check("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: \"x\", b: x, c: \"true\"}\n",
          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: 1, b: 2, c: false}\n",
          true,
          "apiVersion: v1\ndata:\n  a: \"1\"\n  b: 2\n  c: \"false\"\nkind: ConfigMap\nmetadata:\n"
          "  name: c\n");
}

static void test_wrong_node_kind(void **state)
{
    (void)state;
    check(DEPLOYMENT "spec: {replicas: 1}\n", DEPLOYMENT "spec: {replicas: {n: 2}}\n", false,
          "at spec.replicas: wrong node kind: expected ScalarNode but got MappingNode");
    check(DEPLOYMENT "spec: {template: {spec: {containers: [3]}}}\n",
          DEPLOYMENT "spec: {template: {spec: {containers: [{name: a}]}}}\n", false,
          "wrong node kind: expected MappingNode but got ScalarNode");
}

static void test_schema_lookup(void **state)
{
    (void)state;
    assert_true(pr_smp_schema_for("apps/v1", "Deployment") >= 0);
    assert_true(pr_smp_schema_for("v1", "Service") >= 0);
    assert_int_equal(pr_smp_schema_for("example.com/v1", "Widget"), -1);
    assert_int_equal(pr_smp_schema_for("apps/v1", "Widget"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_maps_and_null),
        cmocka_unit_test(test_list_merged_by_key_patch_items_first),
        cmocka_unit_test(test_several_merge_keys),
        cmocka_unit_test(test_primitive_list_union),
        cmocka_unit_test(test_unknown_kind_replaces_lists),
        cmocka_unit_test(test_embedded_object_brings_its_schema),
        cmocka_unit_test(test_patch_directives),
        cmocka_unit_test(test_other_directives_are_data),
        cmocka_unit_test(test_quoted_style_makes_strings),
        cmocka_unit_test(test_wrong_node_kind),
        cmocka_unit_test(test_schema_lookup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
