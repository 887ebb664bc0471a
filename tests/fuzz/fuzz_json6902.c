/*
 * libFuzzer target: JSON 6902 patches. The input is a YAML stream whose
 * first document is the object and second the list of operations.
 */
#include <stdint.h>
#include <stdlib.h>

#include "pleo/json6902.h"
#include "pleo/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pr_arena *a = pr_arena_new();
    pr_doclist docs = {0};
    pr_error err;
    pr_error_init(&err);
    if (pr_yaml_parse(a, "fuzz.yaml", (const char *)data, size, &docs, &err) &&
        docs.len >= 2 && docs.docs[0] && docs.docs[1]) {
        if (pr_json6902_apply(a, docs.docs[0], docs.docs[1], size % 2 == 1, &err)) {
            pr_strbuf out;
            pr_sb_init(&out);
            pr_yaml_emit(docs.docs[0], &out, &err);
            pr_sb_release(&out);
        } else if (!pr_error_isset(&err)) {
            abort();
        }
    }
    pr_error_release(&err);
    pr_arena_free(a);
    return 0;
}
