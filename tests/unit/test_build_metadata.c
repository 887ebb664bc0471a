/* Unit tests for buildMetadata's origins (src/kust/build_metadata.c): paths
 * joined as Go's filepath.Join joins them, annotation texts as go-yaml v3
 * marshals kustomize's Origin, and transformations appended to what an
 * object already records. Expected texts follow kustomize v5.5.0's
 * api/resource/origin.go. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kust/pipeline.h"
#include "pleo/yaml.h"

static void test_append_joins_like_filepath_join(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_origin *o = pr_origin_append(a, NULL, "service.yaml");
    assert_string_equal(o->path, "service.yaml");
    o = pr_origin_append(a, pr_origin_append(a, NULL, "../base"), "./x/../svc.yaml");
    assert_string_equal(o->path, "../base/svc.yaml");
    /* an absolute entry does not replace the path, unlike pr_path_join */
    o = pr_origin_append(a, pr_origin_append(a, NULL, "base"), "/abs/svc.yaml");
    assert_string_equal(o->path, "base/abs/svc.yaml");
    pr_arena_free(a);
}

static void test_origin_text_in_struct_order(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_error err;
    pr_error_init(&err);
    pr_origin o = {.path = NULL, .configured_in = "../base/kustomization.yaml",
                   .by_api_version = "builtin", .by_kind = "ConfigMapGenerator"};
    const char *text = pr_origin_string(a, &o, &err);
    assert_non_null(text);
    assert_string_equal(text, "configuredIn: ../base/kustomization.yaml\n"
                              "configuredBy:\n"
                              "  apiVersion: builtin\n"
                              "  kind: ConfigMapGenerator\n");
    pr_origin p = {.path = "a: b.yaml"};
    text = pr_origin_string(a, &p, &err);
    assert_non_null(text);
    assert_string_equal(text, "path: 'a: b.yaml'\n");
    pr_error_release(&err);
    pr_arena_free(a);
}

static pr_resource *resource(pr_arena *a, const char *yaml)
{
    pr_doclist docs = {0};
    pr_error err;
    pr_error_init(&err);
    assert_true(pr_yaml_parse(a, "test.yaml", yaml, strlen(yaml), &docs, &err));
    pr_error_release(&err);
    return pr_resource_new(a, docs.docs[0], "test.yaml");
}

static void test_transformations_append_and_origin_first(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_error err;
    pr_error_init(&err);
    pr_build_ctx ctx = {.a = a};
    pr_origin root = {0};
    ctx.origin = &root;
    pr_kustomization k = {.path = "dir/kustomization.yaml"};
    pr_resmap *m = pr_resmap_new(a);
    pr_resource *r = resource(a, "kind: ConfigMap\nmetadata:\n  name: x\n");
    assert_true(pr_resmap_append(m, r, &err));
    /* no origin yet: the first transformer becomes the origin */
    assert_true(pr_resmap_add_transformation(&ctx, &k, m, "PrefixTransformer", 1, &err));
    pr_origin got;
    assert_int_equal(pr_resource_get_origin(a, r, &got, &err), 1);
    assert_string_equal(got.by_kind, "PrefixTransformer");
    assert_string_equal(got.configured_in, "kustomization.yaml");
    assert_true(pr_resmap_add_transformation(&ctx, &k, m, "LabelTransformer", 2, &err));
    const pr_node *anno = pr_map_get(pr_map_get(r->obj, "metadata"), "annotations");
    const char *t = pr_map_get_str(anno, PR_TRANSFORMATIONS_ANNOTATION);
    assert_non_null(t);
    assert_string_equal(t, "- configuredIn: kustomization.yaml\n"
                           "  configuredBy:\n"
                           "    apiVersion: builtin\n"
                           "    kind: LabelTransformer\n"
                           "- configuredIn: kustomization.yaml\n"
                           "  configuredBy:\n"
                           "    apiVersion: builtin\n"
                           "    kind: LabelTransformer\n");
    /* not tracking: nothing is written */
    ctx.origin = NULL;
    pr_resource *q = resource(a, "kind: ConfigMap\nmetadata:\n  name: y\n");
    pr_resmap *m2 = pr_resmap_new(a);
    assert_true(pr_resmap_append(m2, q, &err));
    assert_true(pr_resmap_add_transformation(&ctx, &k, m2, "PrefixTransformer", 1, &err));
    assert_int_equal(pr_resource_get_origin(a, q, &got, &err), 0);
    pr_error_release(&err);
    pr_arena_free(a);
}

static void test_malformed_origin_is_an_error(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_error err;
    pr_error_init(&err);
    pr_resource *r = resource(a, "kind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n"
                                 "    config.kubernetes.io/origin: '[1, 2]'\n");
    pr_origin got;
    assert_int_equal(pr_resource_get_origin(a, r, &got, &err), -1);
    assert_non_null(strstr(pr_error_text(&err), "cannot unmarshal array"));
    /* AddOriginAnnotation skips such an object, as kustomize does */
    pr_origin o = {.path = "p.yaml"};
    assert_true(pr_resource_add_origin(a, r, &o, &err));
    pr_error_release(&err);
    pr_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_joins_like_filepath_join),
        cmocka_unit_test(test_origin_text_in_struct_order),
        cmocka_unit_test(test_transformations_append_and_origin_first),
        cmocka_unit_test(test_malformed_origin_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
