/*
 * libFuzzer target: `pleo-render edit`. The input's first line is the
 * command as typed after `edit` (`set image a:1 b@sha256:x`), the rest is
 * the kustomization file. A crash, a sanitizer report, or a successful
 * edit that a second run changes again is a failure. The engine checks
 * every result against the meaning intended and refuses (an "internal
 * error", the file untouched) when it does not hold; with PLEO_FUZZ_STRICT
 * set in the environment those refusals count as failures too. They are
 * bugs, but safe ones, and odd enough inputs still produce them (a quoted
 * scalar written before a last line of blanks and a tab, which no YAML
 * reader here accepts), so the bounded CI run leaves them out.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pleo/edit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* How the engine's own failures begin (other messages quote the input,
 * which may contain anything). */
static const char internal[] = "kustomization.yaml: internal error (";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *nl = memchr(data, '\n', size);
    if (!nl)
        return 0;
    size_t head = (size_t)(nl - (const char *)data);
    char *line = malloc(head + 1);
    memcpy(line, data, head);
    line[head] = '\0';
    const char *args[16];
    size_t n = 0;
    for (char *tok = strtok(line, " "); tok && n < 16; tok = strtok(NULL, " "))
        args[n++] = tok;
    static const struct {
        const char *verb, *noun;
        pr_edit_kind kind;
    } kinds[] = {
        {"set", "image", PR_EDIT_SET_IMAGE},         {"set", "namespace", PR_EDIT_SET_NAMESPACE},
        {"set", "replicas", PR_EDIT_SET_REPLICAS},   {"add", "resource", PR_EDIT_ADD_RESOURCE},
        {"remove", "resource", PR_EDIT_REMOVE_RESOURCE},
        {"add", "generator", PR_EDIT_ADD_GENERATOR}, {"remove", "transformer", PR_EDIT_REMOVE_TRANSFORMER},
        {"set", "buildmetadata", PR_EDIT_SET_BUILDMETADATA},
        {"remove", "buildmetadata", PR_EDIT_REMOVE_BUILDMETADATA},
    };
    for (size_t k = 0; n >= 2 && k < sizeof kinds / sizeof kinds[0]; k++) {
        if (strcmp(args[0], kinds[k].verb) || strcmp(args[1], kinds[k].noun))
            continue;
        pr_edit_request req = {.kind = kinds[k].kind, .args = args + 2, .nargs = n - 2, .file_name = "kustomization.yaml"};
        const char *src = nl + 1;
        size_t len = size - head - 1;
        pr_strbuf out, again;
        pr_error err;
        pr_sb_init(&out);
        pr_sb_init(&again);
        pr_error_init(&err);
        if (pr_edit_apply(&req, "kustomization.yaml", src, len, &out, NULL, &err)) {
            if (!pr_edit_apply(&req, "kustomization.yaml", out.buf, out.len, &again, NULL, &err) ||
                again.len != out.len || memcmp(again.buf, out.buf, out.len) != 0)
                abort();
        } else if (!pr_error_isset(&err) ||
                   (getenv("PLEO_FUZZ_STRICT") &&
                    !strncmp(pr_error_text(&err), internal, sizeof internal - 1))) {
            abort();
        }
        pr_sb_release(&out);
        pr_sb_release(&again);
        pr_error_release(&err);
    }
    free(line);
    return 0;
}
