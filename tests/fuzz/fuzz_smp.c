/*
 * libFuzzer target: strategic merge. The input is a YAML stream whose
 * first document is the object and last document the patch.
 */
#include <stdint.h>
#include <stdlib.h>

#include "pleo/smp.h"
#include "pleo/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pr_arena *a = pr_arena_new();
    pr_doclist docs = {0};
    pr_error err;
    pr_error_init(&err);
    if (pr_yaml_parse(a, "fuzz.yaml", (const char *)data, size, &docs, &err) &&
        docs.len >= 2 && docs.docs[0] && docs.docs[docs.len - 1]) {
        bool deleted;
        if (pr_smp_merge(a, docs.docs[0], docs.docs[docs.len - 1], NULL, &deleted, &err)) {
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
