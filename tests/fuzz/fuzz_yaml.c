/*
 * libFuzzer target: the YAML reader and writer. Any input must either be
 * rejected with a message or parse into documents; those that pass the
 * JSON check (as every resource must before it is written) must emit
 * cleanly, and what the emitter writes must parse again.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "pleo/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pr_arena *a = pr_arena_new();
    pr_doclist docs = {0};
    pr_error err;
    pr_error_init(&err);
    if (pr_yaml_parse(a, "fuzz.yaml", (const char *)data, size, &docs, &err)) {
        for (size_t i = 0; i < docs.len; i++) {
            if (!docs.docs[i])
                continue;
            pr_error not_json;
            pr_error_init(&not_json);
            bool json = pr_yaml_check_json(docs.docs[i], "fuzz.yaml", &not_json);
            pr_error_release(&not_json);
            if (!json)
                continue;
            pr_strbuf out;
            pr_sb_init(&out);
            if (pr_yaml_emit(docs.docs[i], &out, &err)) {
                pr_doclist again = {0};
                if (!pr_yaml_parse(a, "emitted.yaml", out.buf, out.len, &again, &err))
                    abort(); /* the emitter wrote something unreadable */
            }
            pr_sb_release(&out);
        }
    }
    pr_error_release(&err);
    pr_arena_free(a);
    return 0;
}
