/* Unit tests for the edit engine (pr_edit_apply and its argument parsers):
 * bytes in, bytes out, byte for byte. Expected meanings follow kustomize
 * v5.5.0's edit commands (kustomize/commands/edit). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <libfyaml.h>

#include "edit/doc.h"
#include "pleo/edit.h"
#include "pleo/node.h"
#include "pleo/yaml.h"

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static size_t count(const char *const *args)
{
    size_t n = 0;
    while (args[n])
        n++;
    return n;
}

/* Runs the edit; on success compares with `want`, on failure checks that
 * the message contains `want`. */
static void check_notes(pr_edit_kind kind, const char *const *args, const char *in, bool ok,
                        const char *want, const char *want_notes)
{
    pr_edit_request req = {.kind = kind, .args = args, .nargs = count(args), .file_name = "kustomization.yaml"};
    pr_strbuf out, notes;
    pr_error err;
    pr_sb_init(&out);
    pr_sb_init(&notes);
    pr_error_init(&err);
    bool result = pr_edit_apply(&req, "kustomization.yaml", in, strlen(in), &out, &notes, &err);
    if (result != ok)
        fail_msg("expected %s, got %s (%s) for:\n%s", ok ? "success" : "failure",
                 result ? "success" : "failure", pr_error_text(&err), in);
    if (ok) {
        assert_string_equal(out.buf, want);
        /* Applying the same edit again changes nothing. */
        pr_strbuf again;
        pr_sb_init(&again);
        assert_true(pr_edit_apply(&req, "kustomization.yaml", out.buf, out.len, &again, NULL, &err));
        assert_string_equal(again.buf, out.buf);
        pr_sb_release(&again);
        if (want_notes)
            assert_string_equal(notes.buf, want_notes);
    } else if (!strstr(pr_error_text(&err), want)) {
        fail_msg("'%s' lacks '%s'", pr_error_text(&err), want);
    }
    pr_sb_release(&out);
    pr_sb_release(&notes);
    pr_error_release(&err);
}

static void check(pr_edit_kind kind, const char *const *args, const char *in, bool ok,
                  const char *want)
{
    check_notes(kind, args, in, ok, want, NULL);
}

/* Runs an edit with options; returns the output or NULL, error in `msg`. */
static char *apply_opts(pr_edit_kind kind, const char *const *args, const pr_edit_options *o,
                        const char *in, char *msg, size_t msglen)
{
    pr_edit_request req = {.kind = kind, .args = args, .nargs = count(args),
                           .file_name = "kustomization.yaml"};
    if (o)
        req.opts = *o;
    pr_strbuf out;
    pr_error err;
    pr_sb_init(&out);
    pr_error_init(&err);
    char *res = NULL;
    if (pr_edit_apply(&req, "kustomization.yaml", in, strlen(in), &out, NULL, &err))
        res = strdup(out.buf);
    else
        snprintf(msg, msglen, "%s", pr_error_text(&err));
    pr_sb_release(&out);
    pr_error_release(&err);
    return res;
}

static void image(const char *arg, const char *name, const char *new_name, const char *tag,
                  const char *digest)
{
    pr_arena *a = pr_arena_new();
    pr_edit_image img;
    pr_error err;
    pr_error_init(&err);
    if (!pr_edit_parse_image(a, arg, &img, &err))
        fail_msg("%s: %s", arg, pr_error_text(&err));
    const char *got[] = {img.name, img.new_name, img.new_tag, img.digest};
    const char *want[] = {name, new_name, tag, digest};
    for (int i = 0; i < 4; i++) {
        if (!want[i])
            assert_null(got[i]);
        else
            assert_string_equal(got[i], want[i]);
    }
    pr_error_release(&err);
    pr_arena_free(a);
}

static void test_parse_image(void **state)
{
    (void)state;
    image("nginx:1.25", "nginx", NULL, "1.25", NULL);
    image("nginx@sha256:abc", "nginx", NULL, NULL, "sha256:abc");
    image("nginx:1.25@sha256:abc", "nginx", NULL, "1.25", "sha256:abc");
    image("app=reg.io/app:v2", "app", "reg.io/app", "v2", NULL);
    image("app=reg.io/app@sha256:abc", "app", "reg.io/app", NULL, "sha256:abc");
    image("app=reg.io/app:v2@sha256:abc", "app", "reg.io/app", "v2", "sha256:abc");
    image("app=reg.io/app", "app", "reg.io/app", NULL, NULL);
    /* A port belongs to the registry, not to a tag. */
    image("app=reg.io:5000/team/app", "app", "reg.io:5000/team/app", NULL, NULL);
    image("reg.io:5000/team/app:7", "reg.io:5000/team/app", NULL, "7", NULL);
    /* "*" keeps what the file has; it is passed through. */
    image("app=*:v2", "app", "*", "v2", NULL);
    image("app:*", "app", NULL, "*", NULL);
    /* An empty tag is no tag (kustomize's omitempty). */
    image("app:", "app", NULL, NULL, NULL);

    pr_arena *a = pr_arena_new();
    pr_edit_image img;
    pr_error err;
    pr_error_init(&err);
    assert_false(pr_edit_parse_image(a, "nginx", &img, &err));
    assert_non_null(strstr(pr_error_text(&err), "invalid format of image"));
    assert_false(pr_edit_parse_image(a, ":1.0", &img, &err));
    assert_non_null(strstr(pr_error_text(&err), "empty image name"));
    pr_error_release(&err);
    pr_arena_free(a);
}

static void test_parse_replica(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_error err;
    pr_error_init(&err);
    const char *name;
    long long n;
    assert_true(pr_edit_parse_replica(a, "app=3", &name, &n, &err));
    assert_string_equal(name, "app");
    assert_int_equal(n, 3);
    assert_true(pr_edit_parse_replica(a, "app=+7", &name, &n, &err));
    assert_int_equal(n, 7);
    assert_true(pr_edit_parse_replica(a, "app=9223372036854775807", &name, &n, &err));
    assert_true(n == 9223372036854775807LL);
    const char *bad[] = {"app", "app=", "app=x", "app=1.5", "app=1_000", "a=1=2",
                         "app=9223372036854775808", "=3", NULL};
    for (int i = 0; bad[i]; i++)
        if (pr_edit_parse_replica(a, bad[i], &name, &n, &err))
            fail_msg("'%s' was accepted", bad[i]);
    pr_error_release(&err);
    pr_arena_free(a);
}

static void test_check_args(void **state)
{
    (void)state;
    pr_error err;
    pr_error_init(&err);
    pr_edit_request req = {.kind = PR_EDIT_SET_NAMESPACE, .args = ARGS("prod"), .nargs = 1};
    assert_true(pr_edit_check_args(&req, &err));
    req.args = ARGS("Prod");
    assert_false(pr_edit_check_args(&req, &err));
    req.args = ARGS("-prod");
    assert_false(pr_edit_check_args(&req, &err));
    req.args = ARGS("a", "b");
    req.nargs = 2;
    assert_false(pr_edit_check_args(&req, &err));
    assert_non_null(strstr(pr_error_text(&err), "exactly one namespace"));
    req = (pr_edit_request){.kind = PR_EDIT_SET_IMAGE, .args = ARGS("app:\xff"), .nargs = 1};
    assert_false(pr_edit_check_args(&req, &err));
    assert_non_null(strstr(pr_error_text(&err), "UTF-8"));
    req = (pr_edit_request){.kind = PR_EDIT_SET_IMAGE};
    assert_false(pr_edit_check_args(&req, &err));
    assert_string_equal(pr_error_text(&err), "no image specified");
    pr_error_release(&err);
}

static void test_set_image(void **state)
{
    (void)state;
    /* The tag changes; its comment, and everything else, stays. */
    check(PR_EDIT_SET_IMAGE, ARGS("app:v2"),
          "images:\n  - name: app # the app\n    newTag: v1 # pinned\n",
          true, "images:\n  - name: app # the app\n    newTag: v2 # pinned\n");
    /* kustomize replaces the whole entry: unnamed fields go... */
    check(PR_EDIT_SET_IMAGE, ARGS("app:v2"),
          "images:\n- name: app\n  newName: reg/app\n  newTag: v1\n  tagSuffix: -x\n",
          true, "images:\n- name: app\n  newTag: v2\n");
    /* ...unless "*" keeps them. */
    check(PR_EDIT_SET_IMAGE, ARGS("app=*:v2"),
          "images:\n- name: app\n  newName: reg/app\n  newTag: v1\n",
          true, "images:\n- name: app\n  newName: reg/app\n  newTag: v2\n");
    /* A digest replaces the tag and vice versa. */
    check(PR_EDIT_SET_IMAGE, ARGS("app@sha256:ab"),
          "images:\n- name: app\n  newTag: v1\n",
          true, "images:\n- name: app\n  digest: sha256:ab\n");
    check(PR_EDIT_SET_IMAGE, ARGS("app:v3"),
          "images:\n- name: app\n  digest: sha256:ab\n",
          true, "images:\n- name: app\n  newTag: v3\n");
    /* "*" for a field the entry lacks leaves it out. */
    check(PR_EDIT_SET_IMAGE, ARGS("app=*:v2"), "images:\n- name: app\n  newTag: v1\n",
          true, "images:\n- name: app\n  newTag: v2\n");
    /* The first key of an entry, on the '-' line, can go: the next moves up. */
    check(PR_EDIT_SET_IMAGE, ARGS("app=reg/app"),
          "images:\n- newTag: v1 # old\n  name: app\n",
          true, "images:\n- name: app\n  newName: reg/app\n");
    /* Values that would read as numbers, booleans or nulls are quoted. */
    check(PR_EDIT_SET_IMAGE, ARGS("a:1.0", "b:yes", "c:1e3", "d:null", "e:0x1F", "f:2024-01-01"),
          "images:\n- name: z\n  newTag: v1\n", true,
          "images:\n- name: z\n  newTag: v1\n"
          "- name: a\n  newTag: \"1.0\"\n- name: b\n  newTag: \"yes\"\n"
          "- name: c\n  newTag: \"1e3\"\n- name: d\n  newTag: \"null\"\n"
          "- name: e\n  newTag: \"0x1F\"\n- name: f\n  newTag: \"2024-01-01\"\n");
    /* A plain number where kustomize wants a string fails its decoding of
     * the file, before any edit, with the build's words. */
    check(PR_EDIT_SET_IMAGE, ARGS("app:1.1"), "images:\n- name: app\n  newTag: 1.0\n", false,
          "kustomization.yaml:3:11: invalid Kustomization: json: cannot unmarshal number into Go "
          "struct field Image.images.newTag of type string; quote the value");
    /* Quoting styles stay; single quotes double an apostrophe. */
    check(PR_EDIT_SET_IMAGE, ARGS("app:it's", "b:\"q\""),
          "images:\n- name: app\n  newTag: 'v1'\n- name: b\n  newTag: \"v1\"\n", true,
          "images:\n- name: app\n  newTag: 'it''s'\n- name: b\n  newTag: \"\\\"q\\\"\"\n");
    /* A new entry is quoted only where it needs it, then in the kind of
     * quotes its neighbour uses; needless quotes are not copied. */
    check(PR_EDIT_SET_IMAGE, ARGS("b:v2", "c:2.0", "d:it's"),
          "images:\n- name: 'a'\n  newTag: \"v1\"\n", true,
          "images:\n- name: 'a'\n  newTag: \"v1\"\n- name: b\n  newTag: v2\n"
          "- name: c\n  newTag: \"2.0\"\n- name: d\n  newTag: \"it's\"\n");
    check(PR_EDIT_SET_IMAGE, ARGS("b:2.0"), "images:\n- name: a\n  newTag: '1.0'\n", true,
          "images:\n- name: a\n  newTag: '1.0'\n- name: b\n  newTag: '2.0'\n");
    check(PR_EDIT_ADD_TRANSFORMER, ARGS("tr/labels.yaml", "tr/b 1.yaml"),
          "transformers:\n- \"tr/b[1].yaml\"\n- \"tr/ann.yaml\"\n", true,
          "transformers:\n- \"tr/b[1].yaml\"\n- \"tr/ann.yaml\"\n- tr/labels.yaml\n"
          "- \"tr/b 1.yaml\"\n");
    /* Non-ASCII and control characters are written double-quoted. */
    check(PR_EDIT_SET_IMAGE, ARGS("app:v\xc3\xa9", "b:a\tb"),
          "images: []\n", true,
          "images: [{name: app, newTag: \"v\xc3\xa9\"}, {name: b, newTag: \"a\\tb\"}]\n");
    /* Found by fuzz_edit: "*" as a name is a name (and "*" fields of a
     * new entry are left out). */
    check(PR_EDIT_SET_IMAGE, ARGS("=*@sha256:ab", "b=*:*"), "", true,
          "images:\n- name: \"*\"\n  digest: sha256:ab\n- name: b\n");
    /* The last argument for a name wins, as in kustomize. */
    check(PR_EDIT_SET_IMAGE, ARGS("app:v2", "app:v3"), "images:\n- name: app\n  newTag: v1\n",
          true, "images:\n- name: app\n  newTag: v3\n");
    /* imageTags (deprecated) entries are updated where they are. */
    check(PR_EDIT_SET_IMAGE, ARGS("app:v2"), "imageTags:\n- name: app\n  newTag: v1\n",
          true, "imageTags:\n- name: app\n  newTag: v2\n");
    /* Nothing to change: the same bytes. */
    check(PR_EDIT_SET_IMAGE, ARGS("app:v1"), "images:\n- name: app\n  newTag: \"v1\"\n",
          true, "images:\n- name: app\n  newTag: \"v1\"\n");
}

static void test_flow(void **state)
{
    (void)state;
    check(PR_EDIT_SET_IMAGE, ARGS("app@sha256:ab"),
          "images: [{name: app, newTag: v1, newName: x}]\n", true,
          "images: [{name: app, digest: sha256:ab}]\n");
    check(PR_EDIT_SET_IMAGE, ARGS("b:2"), "images: [ { name: a, newTag: v1 } ]\n", true,
          "images: [ { name: a, newTag: v1 }, { name: b, newTag: \"2\" } ]\n");
    /* In a flow collection, a comma needs quotes. */
    check(PR_EDIT_ADD_RESOURCE, ARGS("a,b.yaml"), "resources: [x.yaml]\n", true,
          "resources: [x.yaml, \"a,b.yaml\"]\n");
    /* A trailing comma stays trailing. */
    check(PR_EDIT_ADD_RESOURCE, ARGS("c.yaml"), "resources: [\n  a.yaml,\n  b.yaml,\n]\n", true,
          "resources: [\n  a.yaml,\n  b.yaml,\n  c.yaml,\n]\n");
    check(PR_EDIT_REMOVE_RESOURCE, ARGS("b.yaml"), "resources: [a.yaml, b.yaml, c.yaml]\n", true,
          "resources: [a.yaml, c.yaml]\n");
    check(PR_EDIT_REMOVE_RESOURCE, ARGS("*"), "resources: [a.yaml, b.yaml]\n", true,
          "resources: []\n");
    /* A list over several lines: an item goes with its line and the
     * comment beside it; comment lines belong to the items around them
     * and stay, as in block lists. No trailing comma appears. */
    check(PR_EDIT_REMOVE_TRANSFORMER, ARGS("tr/labels.yaml"),
          "transformers: [\n  tr/labels.yaml,  # one\n  # between\n  \"tr/ann.yaml\",\n]\n", true,
          "transformers: [\n  # between\n  \"tr/ann.yaml\",\n]\n");
    check(PR_EDIT_REMOVE_TRANSFORMER, ARGS("b"), "transformers: [\n  a,  # one\n  # two\n  b\n]\n",
          true, "transformers: [\n  a  # one\n  # two\n]\n");
    check(PR_EDIT_REMOVE_TRANSFORMER, ARGS("b"), "transformers: [\n  a, # one\n  b]\n", true,
          "transformers: [\n  a # one\n]\n");
    check(PR_EDIT_REMOVE_TRANSFORMER, ARGS("b"), "transformers: [a, b, # b's\n  c]\n", true,
          "transformers: [a,\n  c]\n");
    check(PR_EDIT_REMOVE_TRANSFORMER, ARGS("a"), "transformers: [ a, b ] # x\n", true,
          "transformers: [ b ] # x\n");
    check(PR_EDIT_REMOVE_TRANSFORMER, ARGS("b"), "transformers: [ a, b ] # x\n", true,
          "transformers: [ a ] # x\n");
    /* Found by fuzz_edit: a single pair without braces is one item. */
    check(PR_EDIT_SET_IMAGE, ARGS("c:v1"), "images: [\n  {name: a},\n  name : b\n]\n", true,
          "images: [\n  {name: a},\n  name : b,\n  {name: c, newTag: v1}\n]\n");
    char msg[256];
    pr_edit_options path_a = {.patch_path = "a"};
    char *out = apply_opts(PR_EDIT_REMOVE_PATCH, ARGS(NULL), &path_a,
                           "patches: [{path: a}, path: b]\n", msg, sizeof msg);
    assert_non_null(out);
    assert_string_equal(out, "patches: [path: b]\n");
    free(out);
    /* A flow mapping at the top. */
    check(PR_EDIT_SET_NAMESPACE, ARGS("prod"), "{resources: [a.yaml]}\n", true,
          "{resources: [a.yaml], namespace: prod}\n");
    check(PR_EDIT_SET_IMAGE, ARGS("app:v1"), "{}\n", true,
          "{images: [{name: app, newTag: v1}]}\n");
}

static void test_new_fields(void **state)
{
    (void)state;
    /* Empty file, comments only, a bare `---`. */
    check(PR_EDIT_SET_NAMESPACE, ARGS("prod"), "", true, "namespace: prod\n");
    check(PR_EDIT_ADD_RESOURCE, ARGS("a.yaml"), "# nothing yet\n", true,
          "# nothing yet\nresources:\n- a.yaml\n");
    check(PR_EDIT_SET_NAMESPACE, ARGS("prod"), "---\n", true, "---\nnamespace: prod\n");
    /* A null value becomes a list; a comment on its line stays. */
    check(PR_EDIT_SET_IMAGE, ARGS("app:v1"), "images: # none yet\nkind: Kustomization\n", true,
          "images: # none yet\n- name: app\n  newTag: v1\nkind: Kustomization\n");
    check(PR_EDIT_SET_IMAGE, ARGS("app:v1"), "images: ~\n", true,
          "images:\n- name: app\n  newTag: v1\n");
    /* A new list copies the indentation of the file's other lists. */
    check(PR_EDIT_SET_REPLICAS, ARGS("app=2"), "resources:\n  -  a.yaml\n", true,
          "resources:\n  -  a.yaml\nreplicas:\n  -  name: app\n     count: 2\n");
    /* Found by fuzz_edit: a template whose content sits under its '-'. */
    check(PR_EDIT_SET_IMAGE, ARGS("b:v2"), "replicas:\n-\n name: z", true,
          "replicas:\n-\n name: z\nimages:\n- name: b\n  newTag: v2");
    check(PR_EDIT_SET_IMAGE, ARGS("b:v2"), "images:\n  -\n      name: a\n      newTag: v1\n", true,
          "images:\n  -\n      name: a\n      newTag: v1\n  -   name: b\n      newTag: v2\n");
    /* Found by fuzz_edit: a value that is only a tag or an anchor ends
     * where they do, not at its key. */
    check(PR_EDIT_ADD_RESOURCE, ARGS("a"), "namePrefix:\n  # c\n !!str\n", true,
          "namePrefix:\n  # c\n !!str\nresources:\n- a\n");
    check(PR_EDIT_ADD_RESOURCE, ARGS("a"), "namePrefix: &y !!str\n", true,
          "namePrefix: &y !!str\nresources:\n- a\n");
    check(PR_EDIT_ADD_RESOURCE, ARGS("a"), "resources: !!seq [a]\n", false, "'resources' uses an anchor, alias or tag");
    /* An empty value gets one. */
    check(PR_EDIT_SET_NAMESPACE, ARGS("prod"), "namespace:\nkind: Kustomization\n", true,
          "namespace: prod\nkind: Kustomization\n");
    check(PR_EDIT_SET_NAMESPACE, ARGS("prod"), "namespace: # set me\n", true,
          "namespace: prod # set me\n");
    /* An all-digit namespace is quoted. */
    check(PR_EDIT_SET_NAMESPACE, ARGS("2024"), "namespace: old\n", true, "namespace: \"2024\"\n");
    /* A block scalar at the end is not cut short. */
    check(PR_EDIT_SET_NAMESPACE, ARGS("prod"), "namePrefix: |+\n  keep\n\n", true,
          "namePrefix: |+\n  keep\n\nnamespace: prod\n");
}

static void test_line_endings(void **state)
{
    (void)state;
    check(PR_EDIT_SET_REPLICAS, ARGS("app=3", "web=1"),
          "replicas:\r\n- name: app\r\n  count: 1\r\n", true,
          "replicas:\r\n- name: app\r\n  count: 3\r\n- name: web\r\n  count: 1\r\n");
    check(PR_EDIT_REMOVE_RESOURCE, ARGS("b.yaml"), "resources:\n- a.yaml\n- b.yaml", true,
          "resources:\n- a.yaml");
    check(PR_EDIT_ADD_RESOURCE, ARGS("b.yaml"), "resources:\n- a.yaml", true,
          "resources:\n- a.yaml\n- b.yaml");
}

static void test_resources(void **state)
{
    (void)state;
    /* Duplicates (with bases too) are skipped with kustomize's message,
     * and the kustomization never lists itself. */
    check_notes(PR_EDIT_ADD_RESOURCE, ARGS("a.yaml", "c.yaml", "kustomization.yaml", "d", "d"),
                "resources:\n- a.yaml\nbases:\n- c.yaml\n", true,
                "resources:\n- a.yaml\n- d\nbases:\n- c.yaml\n",
                "resource a.yaml already in kustomization file\n"
                "resource c.yaml already in kustomization file\n"
                "resource d already in kustomization file\n");
    /* Patterns match as Go's filepath.Match: '*' stops at '/'. */
    check(PR_EDIT_REMOVE_RESOURCE, ARGS("*.yaml"),
          "resources:\n- a.yaml # a\n- sub/b.yaml\n- c.yaml\nbases: [d.yaml]\n", true,
          "resources:\n- sub/b.yaml\nbases: []\n");
    /* The last entry leaves an empty list; comments stay. */
    check(PR_EDIT_REMOVE_RESOURCE, ARGS("a.yaml"),
          "resources: # list\n  # the only one\n  - a.yaml\nnamespace: x\n", true,
          "resources: [] # list\n  # the only one\nnamespace: x\n");
    check_notes(PR_EDIT_REMOVE_RESOURCE, ARGS("zzz"), "resources:\n- a.yaml\n", true,
                "resources:\n- a.yaml\n",
                "no entry of resources or bases matches zzz; nothing removed\n");
}

/* Found by fuzz_edit: an empty item at the end of a list has no position
 * of its own; a new key must still go after its '-' line. */
static void test_empty_items(void **state)
{
    (void)state;
    check(PR_EDIT_SET_NAMESPACE, ARGS("prod"), "resources:\n  - a\n  -\n", true,
          "resources:\n  - a\n  -\nnamespace: prod\n");
    check(PR_EDIT_SET_NAMESPACE, ARGS("prod"), "resources:\n  -\n  -  # c\n", true,
          "resources:\n  -\n  -  # c\nnamespace: prod\n");
    check(PR_EDIT_REMOVE_RESOURCE, ARGS("b"), "resources:\n  -\n  - b\n  -", true,
          "resources:\n  -\n  -");
}

static void test_replicas(void **state)
{
    (void)state;
    /* A quoted count is a string, which kustomize refuses to read. */
    check(PR_EDIT_SET_REPLICAS, ARGS("app=-1"), "replicas:\n- name: app\n  count: \"2\"\n", false,
          "kustomization.yaml:3:10: invalid Kustomization: json: cannot unmarshal string into Go "
          "struct field Replica.replicas.count of type int64");
    check(PR_EDIT_SET_REPLICAS, ARGS("app=-1"), "replicas:\n- name: app\n  count: 2\n", true,
          "replicas:\n- name: app\n  count: -1\n");
    check(PR_EDIT_SET_REPLICAS, ARGS("app=+5"), "replicas:\n- {name: app}\n", true,
          "replicas:\n- {name: app, count: 5}\n");
}

static void test_errors(void **state)
{
    (void)state;
    check(PR_EDIT_SET_NAMESPACE, ARGS("x"), "resources: [1\n", false, "kustomization.yaml:2:1:");
    check(PR_EDIT_SET_NAMESPACE, ARGS("x"), "namespace: a\n---\nnamespace: b\n", false, "found 2");
    check(PR_EDIT_SET_NAMESPACE, ARGS("x"), "- a\n", false,
          "kustomization.yaml:1:1: a kustomization must be a mapping");
    /* Found by fuzz_edit: an anchored empty document is no mapping. */
    check(PR_EDIT_ADD_RESOURCE, ARGS("a"), " &x\n", false, "must be a mapping");
    check(PR_EDIT_SET_NAMESPACE, ARGS("x"), "~\n", false, "must be a mapping");
    check(PR_EDIT_SET_NAMESPACE, ARGS("x"), "namespace: |\n  a\n", false, "block scalar");
    check(PR_EDIT_SET_NAMESPACE, ARGS("x"), "namespace: [a]\n", false,
          "kustomization.yaml:1:12: invalid Kustomization: json: cannot unmarshal array into Go "
          "struct field Kustomization.namespace of type string");
    /* Unknown and misspelled fields, at the top or inside, with the
     * build's words; kustomize's kustfile.Read refuses them too. */
    check(PR_EDIT_SET_NAMESPACE, ARGS("x"), "resources:\n- a.yaml\nresource:\n- b.yaml\n", false,
          "kustomization.yaml:3:1: invalid Kustomization: json: unknown field \"resource\"");
    check(PR_EDIT_ADD_RESOURCE, ARGS("b.yaml"), "resources:\n- a.yaml\nbogusField: 1\n", false,
          "kustomization.yaml:3:1: invalid Kustomization: json: unknown field \"bogusField\"");
    check(PR_EDIT_SET_REPLICAS, ARGS("app=2"), "replicas:\n- name: app\n  replica: 2\n", false,
          "kustomization.yaml:3:3: invalid Kustomization: json: unknown field \"replica\"");
    /* Field names match ignoring case, as encoding/json matches them. */
    check(PR_EDIT_SET_NAMESPACE, ARGS("x"), "Resources:\n- a.yaml\n", true,
          "Resources:\n- a.yaml\nnamespace: x\n");
    /* An edit that would add `resources` beside `Resources` (kustomize
     * would read one and drop the other) refuses and says what to do. */
    check(PR_EDIT_ADD_RESOURCE, ARGS("b.yaml"), "Resources:\n- a.yaml\n", false,
          "the edit would write 'resources' beside 'Resources', which kustomize reads as the "
          "same field (names match ignoring case): rename 'Resources' to 'resources'");
    check(PR_EDIT_SET_IMAGE, ARGS("app:v2"), "images:\n- name: app\n  newTag: !!str v1\n", false,
          "kustomization.yaml:3:11: 'newTag' has an explicit tag");
    check(PR_EDIT_SET_IMAGE, ARGS("app:v2"), "namespace: &t v1\nimages:\n- name: app\n  newTag: *t\n",
          false, "kustomization.yaml:4:11: 'newTag' is an alias");
    check(PR_EDIT_SET_IMAGE, ARGS("app:v2"), "images: {name: app}\n", false,
          "kustomization.yaml:1:9: invalid Kustomization: json: cannot unmarshal object into Go "
          "struct field Kustomization.images of type []types.Image");
    check(PR_EDIT_SET_IMAGE, ARGS("app:v2"), "images:\n- name: app\n  newTag: v1\n  newTag: v2\n",
          false, "kustomization.yaml:4:3: key 'newTag' appears twice");
    check(PR_EDIT_SET_REPLICAS, ARGS("app=2"), "replicas:\n- name: app\n  replicas: 2\n", false,
          "kustomization.yaml:3:3: invalid Kustomization: json: unknown field \"replicas\"");
    check(PR_EDIT_SET_IMAGE, ARGS("app:v2"), "images: &i\n- name: app\n", false,
          "'images' uses an anchor");
    check(PR_EDIT_REMOVE_RESOURCE, ARGS("a"), "resources:\n- &r a\nbases:\n- *r\n", false,
          "anchored");
    /* Found by fuzz_edit: libfyaml 0.7.12 reads `resources` as the text of
     * the empty block scalar; the build reads two keys. Such a file is
     * refused, and no edit writes one. */
    check(PR_EDIT_SET_NAMESPACE, ARGS("x"), " namePrefix: |\n resources:\n - net\n", false,
          "reads this file differently from kustomize");
    check(PR_EDIT_SET_NAMESPACE, ARGS("x"), " namePrefix: |\n", false,
          "would be misread by the next edit");
    /* Entries that the edit does not touch are not its business. */
    check(PR_EDIT_SET_IMAGE, ARGS("app:v2"),
          "namespace: &t v0\nimages:\n- name: app\n  newTag: v1\n- name: other\n  newTag: *t\n",
          true,
          "namespace: &t v0\nimages:\n- name: app\n  newTag: v2\n- name: other\n  newTag: *t\n");
}

/* The edit engine reads single-quoted scalars itself (libfyaml 0.7.12 leaks
 * on some); its reading must be libfyaml's. Inputs keep to four `''` or
 * fewer, where libfyaml does not leak. */
static void test_single_quoted_as_libfyaml_reads_them(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "k: ''\n", "k: 'a'\n", "k: 'it''s'\n", "k: ''''\n", "k: '  lead and trail  '\n",
        "k: 'a\n  b'\n", "k: 'a  \n   b'\n", "k: 'a\n\n  b'\n", "k: 'a\n\n\n  b'\n",
        "k: 'a\n  \n  b'\n", "k: 'a\t\n  \tb\t'\n", "k: 'a\r\n  b'\n", "k: 'a\r\n\r\n  b'\n",
        "k: 'x''\n  ''y'\n", "k: '\n  a'\n", "k: 'a\n  '\n", "k: 'a\n\n  '\n",
        "k: '\n\n  '\n", "k: ' # not a comment '\n", "- 'one'\n- 'two\n  lines'\n",
        "k: '\\n stays \\t'\n", "k: '\xc3\xbc" "n\n  c\xc3\xb6" "de'\n", "k: 'a b  c'\n",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        pr_arena *a = pr_arena_new();
        pe_doc doc;
        pr_error err;
        pr_error_init(&err);
        if (!pe_parse(a, "t.yaml", docs[i], strlen(docs[i]), &doc, &err))
            fail_msg("%s: %s", docs[i], pr_error_text(&err));
        const pe_node *v = doc.root->kids[1];
        assert_int_equal(v->style, PE_SINGLE);

        struct fy_parse_cfg quiet = {.flags = FYPCF_QUIET};
        struct fy_document *fyd = fy_document_build_from_string(&quiet, docs[i], strlen(docs[i]));
        if (!fyd)
            fail_msg("libfyaml cannot read %s", docs[i]);
        struct fy_node *root = fy_document_root(fyd);
        struct fy_node *fv = fy_node_is_mapping(root)
                                 ? fy_node_mapping_lookup_by_string(root, "k", 1)
                                 : fy_node_sequence_get_by_index(root, 1);
        size_t want_len = 0;
        const char *want = fy_node_get_scalar(fv, &want_len);
        if (v->len != want_len || memcmp(v->text, want, want_len) != 0)
            fail_msg("%s: read as [%s], libfyaml reads [%.*s]", docs[i], v->text,
                     (int)want_len, want);
        fy_document_destroy(fyd);
        pr_error_release(&err);
        pr_arena_free(a);
    }
}


static void test_pairs(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_error err;
    pr_error_init(&err);
    const char **k, **v;
    size_t n;
    pr_edit_request req = {.kind = PR_EDIT_ADD_LABEL, .args = ARGS("a:b,c:\"d\"", "e", "a:z"), .nargs = 3};
    assert_true(pr_edit_parse_pairs(a, &req, &k, &v, &n, &err));
    assert_int_equal(n, 3);
    assert_string_equal(k[0], "a");
    assert_string_equal(v[0], "z"); /* the last value of a key wins */
    assert_string_equal(k[1], "c");
    assert_string_equal(v[1], "d");
    assert_string_equal(k[2], "e");
    assert_string_equal(v[2], "");
    /* Annotation values keep their commas and colons. */
    req = (pr_edit_request){.kind = PR_EDIT_ADD_ANNOTATION, .args = ARGS("x:1,2:3"), .nargs = 1};
    assert_true(pr_edit_parse_pairs(a, &req, &k, &v, &n, &err));
    assert_int_equal(n, 1);
    assert_string_equal(v[0], "1,2:3");
    req.args = ARGS(":v");
    assert_false(pr_edit_parse_pairs(a, &req, &k, &v, &n, &err));
    assert_non_null(strstr(pr_error_text(&err), "need k:v pair"));
    pr_error_release(&err);
    pr_arena_free(a);
}

static void test_metadata(void **state)
{
    (void)state;
    check(PR_EDIT_SET_LABEL, ARGS("v:1.0"), "commonLabels:\n  a: b\n", true,
          "commonLabels:\n  a: b\n  v: \"1.0\"\n");
    check(PR_EDIT_ADD_LABEL, ARGS("a:c"), "commonLabels:\n  a: b\n", false,
          "label a already in kustomization file");
    check(PR_EDIT_SET_ANNOTATION, ARGS("a:c"), "commonAnnotations:\n", true,
          "commonAnnotations:\n  a: c\n");
    char msg[256];
    char *gone = apply_opts(PR_EDIT_REMOVE_ANNOTATION, ARGS("a"), NULL,
                            "namespace: a\ncommonAnnotations: {a: b}\n", msg, sizeof msg);
    assert_non_null(gone);
    assert_string_equal(gone, "namespace: a\n");
    /* Again: the field is gone, an error unless -i. */
    assert_null(apply_opts(PR_EDIT_REMOVE_ANNOTATION, ARGS("a"), NULL, gone, msg, sizeof msg));
    assert_non_null(strstr(msg, "commonAnnotations is not defined"));
    pr_edit_options ign = {.ignore_missing = true};
    char *same = apply_opts(PR_EDIT_REMOVE_ANNOTATION, ARGS("a"), &ign, gone, msg, sizeof msg);
    assert_string_equal(same, gone);
    free(same);
    free(gone);
    check(PR_EDIT_REMOVE_LABEL, ARGS("a,"), "commonLabels: {a: b}\n", false, "name is empty");
    pr_edit_options o = {.force = true};
    char *out = apply_opts(PR_EDIT_ADD_LABEL, ARGS("a:c"), &o, "commonLabels:\n  a: b # kept\n",
                           msg, sizeof msg);
    assert_non_null(out);
    assert_string_equal(out, "commonLabels:\n  a: c # kept\n");
    free(out);
}

static void test_patches_and_generators(void **state)
{
    (void)state;
    char msg[256];
    pr_edit_options o = {.patch_text = "- op: remove\n  path: /spec/replicas\n", .kind = "Deployment"};
    char *out = apply_opts(PR_EDIT_ADD_PATCH, ARGS(NULL), &o, "resources:\n- a.yaml\n", msg, sizeof msg);
    assert_non_null(out);
    assert_string_equal(out, "resources:\n- a.yaml\npatches:\n- patch: |\n    - op: remove\n"
                             "      path: /spec/replicas\n  target:\n    kind: Deployment\n");
    /* An equal patch is not added twice; remove takes it out. */
    char *again = apply_opts(PR_EDIT_ADD_PATCH, ARGS(NULL), &o, out, msg, sizeof msg);
    assert_string_equal(again, out);
    free(again);
    again = apply_opts(PR_EDIT_REMOVE_PATCH, ARGS(NULL), &o, out, msg, sizeof msg);
    assert_string_equal(again, "resources:\n- a.yaml\npatches: []\n");
    free(again);
    free(out);
    pr_edit_options g = {.literals = ARGS("k=2"), .nliterals = 1};
    out = apply_opts(PR_EDIT_SET_CONFIGMAP, ARGS("c"), &g,
                     "configMapGenerator:\n- name: c\n  namespace: default\n  literals: [k=1, j=0]\n",
                     msg, sizeof msg);
    assert_non_null(out); /* no namespace given matches `default` */
    assert_string_equal(out, "configMapGenerator:\n- name: c\n  namespace: default\n  literals: [k=2, j=0]\n");
    free(out);
    /* An entry that cannot be rewritten in place says why. */
    assert_null(apply_opts(PR_EDIT_SET_CONFIGMAP, ARGS("c"), &g,
                           "configMapGenerator:\n- name: c\n  literals:\n  - !!str k=1\n", msg,
                           sizeof msg));
    assert_non_null(strstr(msg, "kustomization.yaml:4:5: this literal has an explicit tag (!!str)"));
    g.literals = ARGS("q=2");
    assert_null(apply_opts(PR_EDIT_SET_CONFIGMAP, ARGS("c"), &g,
                           "configMapGenerator:\n- name: c\n  literals: [k=1]\n", msg, sizeof msg));
    assert_non_null(strstr(msg, "key 'q' not found"));
}

static void test_fix(void **state)
{
    (void)state;
    check(PR_EDIT_FIX, ARGS(NULL), "kind: Component\nbases: [a]\nresources: [b]\n", true,
          "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [b, a]\n");
    check(PR_EDIT_FIX, ARGS(NULL), "commonLabels: {}\nresources: [b]\n", true,
          "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [b]\n");
}

/* kustomize's add generator|transformer, remove transformer and
 * set|remove buildmetadata (kustomize/commands/edit/{add,set,remove}). */
static void test_plugins_and_build_metadata(void **state)
{
    (void)state;
    /* Duplicates are skipped with kustomize's message; the kustomization
     * never lists itself. */
    check_notes(PR_EDIT_ADD_GENERATOR, ARGS("g1.yaml", "kustomization.yaml", "g2.yaml", "g2.yaml"),
                "generators:\n- g1.yaml # first\n", true,
                "generators:\n- g1.yaml # first\n- g2.yaml\n",
                "generator g1.yaml already in kustomization file\n"
                "generator g2.yaml already in kustomization file\n");
    check(PR_EDIT_ADD_TRANSFORMER, ARGS("t.yaml"), "resources: [a]\n", true,
          "resources: [a]\ntransformers:\n- t.yaml\n");
    /* An empty flow list loses the blanks between its brackets. */
    check(PR_EDIT_ADD_TRANSFORMER, ARGS("t.yaml"), "transformers: [ ]  # none\n", true,
          "transformers: [t.yaml]  # none\n");
    /* remove transformer: Go's filepath.Match, '*' stops at '/'. */
    check_notes(PR_EDIT_REMOVE_TRANSFORMER, ARGS("t/*.yaml"),
                "transformers:\n- t/a.yaml\n- t/sub/b.yaml\n- c.yaml\n", true,
                "transformers:\n- t/sub/b.yaml\n- c.yaml\n", "");
    check_notes(PR_EDIT_REMOVE_TRANSFORMER, ARGS("x"), "transformers: [a]\n", true,
                "transformers: [a]\n", "no entry of transformers matches x; nothing removed\n");
    /* set buildmetadata replaces the list. Entries that stay keep their
     * lines and comments (the longest run already in the order given);
     * those that go leave with the comments beside them; new ones go
     * where the order puts them, above the comment lines of the entry
     * they precede. */
    check(PR_EDIT_SET_BUILDMETADATA, ARGS("originAnnotations"),
          "buildMetadata:\n- managedByLabel # needed by dashboards\n- originAnnotations\n", true,
          "buildMetadata:\n- originAnnotations\n");
    check(PR_EDIT_SET_BUILDMETADATA, ARGS("transformerAnnotations,managedByLabel,originAnnotations"),
          "buildMetadata:\n- managedByLabel # needed by dashboards\n- originAnnotations\n", true,
          "buildMetadata:\n- transformerAnnotations\n- managedByLabel # needed by dashboards\n"
          "- originAnnotations\n");
    check(PR_EDIT_SET_BUILDMETADATA, ARGS("originAnnotations,managedByLabel"),
          "buildMetadata:\n  # why\n  - managedByLabel # m\n  - originAnnotations # o\n", true,
          "buildMetadata:\n  # why\n  - originAnnotations # o\n  - managedByLabel\n");
    check(PR_EDIT_SET_BUILDMETADATA, ARGS("managedByLabel"),
          "buildMetadata:\n  # why\n  - originAnnotations # here\n  - transformerAnnotations\n", true,
          "buildMetadata:\n  # why\n  - managedByLabel\n");
    check(PR_EDIT_SET_BUILDMETADATA, ARGS("transformerAnnotations,managedByLabel"),
          "buildMetadata:\n- originAnnotations # o\n# about m\n- managedByLabel # m\n", true,
          "buildMetadata:\n- transformerAnnotations\n# about m\n- managedByLabel # m\n");
    check(PR_EDIT_SET_BUILDMETADATA, ARGS("transformerAnnotations,originAnnotations"),
          "buildMetadata: [\n  managedByLabel,  # m\n  originAnnotations\n]\n", true,
          "buildMetadata: [\n  transformerAnnotations,\n  originAnnotations\n]\n");
    check(PR_EDIT_SET_BUILDMETADATA, ARGS("originAnnotations,managedByLabel"),
          "buildMetadata: ['originAnnotations']\n", true,
          "buildMetadata: ['originAnnotations', managedByLabel]\n");
    check(PR_EDIT_SET_BUILDMETADATA, ARGS("managedByLabel"), "resources: [a]\nbuildMetadata:\n", true,
          "resources: [a]\nbuildMetadata:\n- managedByLabel\n");
    check(PR_EDIT_SET_BUILDMETADATA, ARGS("managedByLabel"), "resources:\n  - a\n", true,
          "resources:\n  - a\nbuildMetadata:\n  - managedByLabel\n");
    /* Tagged and aliased entries are never rewritten: they stay or go. */
    check(PR_EDIT_SET_BUILDMETADATA, ARGS("managedByLabel,originAnnotations"),
          "buildMetadata:\n- !!str managedByLabel\n", true,
          "buildMetadata:\n- !!str managedByLabel\n- originAnnotations\n");
    check(PR_EDIT_SET_BUILDMETADATA, ARGS("managedByLabel"),
          "namespace: &o originAnnotations\nbuildMetadata: [*o]\n", true,
          "namespace: &o originAnnotations\nbuildMetadata: [managedByLabel]\n");
    check(PR_EDIT_SET_BUILDMETADATA, ARGS("managedByLabel"),
          "buildMetadata: [&o originAnnotations]\nnamespace: *o\n", false, "anchored");
    /* remove buildmetadata: an option that is not there is no error. */
    check_notes(PR_EDIT_REMOVE_BUILDMETADATA, ARGS("managedByLabel,originAnnotations"),
                "buildMetadata:\n- originAnnotations\n- transformerAnnotations\n", true,
                "buildMetadata:\n- transformerAnnotations\n", "");
    check_notes(PR_EDIT_REMOVE_BUILDMETADATA, ARGS("managedByLabel"), "resources: [a]\n", true,
                "resources: [a]\n", "buildMetadata has none of managedByLabel; nothing removed\n");
    /* Argument errors, with kustomize's messages. */
    check(PR_EDIT_ADD_GENERATOR, ARGS(NULL), "{}\n", false,
          "must specify a yaml file which contains a generator plugin resource");
    check(PR_EDIT_REMOVE_TRANSFORMER, ARGS(NULL), "{}\n", false, "must specify a transformer file");
    check(PR_EDIT_SET_BUILDMETADATA, ARGS("managedByLabel,"), "{}\n", false,
          "invalid buildMetadata option: ");
    check(PR_EDIT_REMOVE_BUILDMETADATA, ARGS("a", "b"), "{}\n", false,
          "too many arguments: [a b]; to provide multiple buildMetadata options");
}

/* kustomize's remove configmap|secret: names in one comma-separated
 * argument, matched in --namespace (none is default). A second run fails
 * (nothing left to remove), so check_notes does not apply. */
static void test_remove_generators(void **state)
{
    (void)state;
    const char *cms = "configMapGenerator:\n"
                      "- name: a\n  literals: [k=1]\n"
                      "- name: a\n  namespace: prod\n  literals: [k=2]\n"
                      "- name: b\n  namespace: default\n  literals: [k=3]\n";
    const char *names[] = {"a,b,c"};
    pr_edit_request req = {.kind = PR_EDIT_REMOVE_CONFIGMAP, .args = names, .nargs = 1};
    pr_strbuf got, notes;
    pr_error err;
    pr_sb_init(&got);
    pr_sb_init(&notes);
    pr_error_init(&err);
    assert_true(pr_edit_apply(&req, "kustomization.yaml", cms, strlen(cms), &got, &notes, &err));
    assert_string_equal(got.buf, "configMapGenerator:\n- name: a\n  namespace: prod\n  literals: [k=2]\n");
    assert_string_equal(notes.buf, "configmap c doesn't exist in kustomization file\n");
    pr_sb_release(&got);
    pr_sb_release(&notes);
    pr_error_release(&err);
    pr_edit_options o = {.namespace = "prod"};
    char msg[512];
    char *out = apply_opts(PR_EDIT_REMOVE_CONFIGMAP, ARGS("a"), &o, cms, msg, sizeof msg);
    assert_non_null(out);
    assert_string_equal(out, "configMapGenerator:\n- name: a\n  literals: [k=1]\n"
                             "- name: b\n  namespace: default\n  literals: [k=3]\n");
    free(out);
    /* None found is kustomize's error, and nothing changes. */
    assert_null(apply_opts(PR_EDIT_REMOVE_CONFIGMAP, ARGS("b"), &o, cms, msg, sizeof msg));
    assert_non_null(strstr(msg, "no specified configmap(s) were found"));
    check(PR_EDIT_REMOVE_SECRET, ARGS("s"), "secretGenerator: []\n", false,
          "no specified secret(s) were found");
    check(PR_EDIT_REMOVE_SECRET, ARGS("s"), "secretGenerator:\n- &s {name: s}\n", false, "anchored");
    out = apply_opts(PR_EDIT_REMOVE_SECRET, ARGS("s"),  NULL,
                     "secretGenerator:\n- {name: s, type: Opaque}\n- {name: t}\n", msg, sizeof msg);
    assert_non_null(out);
    assert_string_equal(out, "secretGenerator:\n- {name: t}\n");
    free(out);
    check(PR_EDIT_REMOVE_SECRET, ARGS("s", "t"), "{}\n", false,
          "too many arguments: [s t]; to provide multiple secrets to remove, please separate "
          "secret names by commas");
    check(PR_EDIT_REMOVE_CONFIGMAP, ARGS(NULL), "{}\n", false,
          "at least one configmap name must be specified");
}

/* kustomize reads a file without a document (empty, only comments, only
 * `---`) as an empty Kustomization: every command that adds writes its
 * field after what the file has, comments kept; the remove commands that
 * find nothing leave it alone. Each edit runs twice: the second changes
 * nothing. */
static void test_empty_kustomizations(void **state)
{
    (void)state;
    static const char *const files[] = {"", "# only a comment\n", "---\n",
                                        "# c\n---\n# d\n", "# c\n---\n...\n"};
    static const char *const literal[] = {"k=v", NULL};
    const struct {
        pr_edit_kind kind;
        const char *arg; /* NULL: none */
        pr_edit_options opts;
        const char *field; /* what the edit writes; NULL: nothing */
        bool again_fails;  /* as kustomize's does: the key is there now */
    } edits[] = {
        {PR_EDIT_ADD_LABEL, "a:b", {0}, "commonLabels:\n  a: b\n", true},
        {PR_EDIT_ADD_LABEL, "a:b", {.without_selector = true}, "labels:\n- pairs:\n    a: b\n", false},
        {PR_EDIT_SET_LABEL, "a:b", {0}, "commonLabels:\n  a: b\n", false},
        {PR_EDIT_ADD_ANNOTATION, "a:b", {0}, "commonAnnotations:\n  a: b\n", true},
        {PR_EDIT_SET_ANNOTATION, "a:b", {0}, "commonAnnotations:\n  a: b\n", false},
        {PR_EDIT_ADD_CONFIGMAP, "c", {.literals = literal, .nliterals = 1},
         "configMapGenerator:\n- literals:\n  - k=v\n  name: c\n", true},
        {PR_EDIT_ADD_SECRET, "s", {.literals = literal, .nliterals = 1,
                                   .secret_type = "Opaque"},
         "secretGenerator:\n- literals:\n  - k=v\n  name: s\n  type: Opaque\n", true},
        {PR_EDIT_ADD_COMPONENT, "x", {0}, "components:\n- x\n", false},
        {PR_EDIT_ADD_GENERATOR, "g.yaml", {0}, "generators:\n- g.yaml\n", false},
        {PR_EDIT_ADD_TRANSFORMER, "t.yaml", {0}, "transformers:\n- t.yaml\n", false},
        {PR_EDIT_ADD_RESOURCE, "r.yaml", {0}, "resources:\n- r.yaml\n", false},
        {PR_EDIT_ADD_BASE, "x", {0}, "resources:\n- x\n", true},
        {PR_EDIT_ADD_PATCH, NULL, {.patch_path = "p.yaml"}, "patches:\n- path: p.yaml\n", false},
        {PR_EDIT_ADD_BUILDMETADATA, "managedByLabel", {0}, "buildMetadata:\n- managedByLabel\n", true},
        {PR_EDIT_SET_BUILDMETADATA, "managedByLabel", {0}, "buildMetadata:\n- managedByLabel\n", false},
        {PR_EDIT_SET_NAMEPREFIX, "p-", {0}, "namePrefix: p-\n", false},
        {PR_EDIT_SET_NAMESUFFIX, "-s", {0}, "nameSuffix: -s\n", false},
        {PR_EDIT_SET_NAMESPACE, "ns", {0}, "namespace: ns\n", false},
        {PR_EDIT_SET_IMAGE, "a:1", {0}, "images:\n- name: a\n  newTag: \"1\"\n", false},
        {PR_EDIT_SET_REPLICAS, "a=1", {0}, "replicas:\n- count: 1\n  name: a\n", false},
        {PR_EDIT_REMOVE_RESOURCE, "x", {0}, NULL, false},
        {PR_EDIT_REMOVE_COMPONENT, "x", {0}, NULL, false},
        {PR_EDIT_REMOVE_TRANSFORMER, "x", {0}, NULL, false},
        {PR_EDIT_REMOVE_PATCH, NULL, {.patch_path = "p.yaml"}, NULL, false},
        {PR_EDIT_REMOVE_BUILDMETADATA, "managedByLabel", {0}, NULL, false},
        {PR_EDIT_REMOVE_LABEL, "a", {.ignore_missing = true}, NULL, false},
    };
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
            const char *args[] = {edits[i].arg, NULL};
            char msg[512];
            char *out = apply_opts(edits[i].kind, edits[i].arg ? args : ARGS(NULL), &edits[i].opts,
                                   files[f], msg, sizeof msg);
            if (!out)
                fail_msg("edit %zu of [%s]: %s", i, files[f], msg);
            /* What the file had stays first (before an explicit `...`). */
            const char *end = strstr(files[f], "...\n");
            size_t keep = end ? (size_t)(end - files[f]) : strlen(files[f]);
            if (strncmp(out, files[f], keep) != 0)
                fail_msg("edit %zu of [%s] lost what was there:\n%s", i, files[f], out);
            if (!edits[i].field) {
                assert_string_equal(out, files[f]);
            } else if (strncmp(out + keep, edits[i].field, strlen(edits[i].field)) != 0) {
                /* The field as kustomize orders keys is not how the edit
                 * writes them; compare what it means instead. */
                pr_arena *a = pr_arena_new();
                pr_doclist got = {0}, want = {0};
                pr_error err;
                pr_error_init(&err);
                assert_true(pr_yaml_parse(a, "got", out, strlen(out), &got, &err));
                assert_true(pr_yaml_parse(a, "want", edits[i].field, strlen(edits[i].field), &want,
                                          &err));
                if (got.len != 1 || !pr_node_equal(got.docs[0], want.docs[0]))
                    fail_msg("edit %zu of [%s] wrote:\n%s", i, files[f], out);
                pr_error_release(&err);
                pr_arena_free(a);
            }
            char *again = apply_opts(edits[i].kind, edits[i].arg ? args : ARGS(NULL),
                                     &edits[i].opts, out, msg, sizeof msg);
            if (edits[i].again_fails ? again != NULL : !again || strcmp(again, out) != 0)
                fail_msg("edit %zu of [%s] again: %s", i, files[f], again ? again : msg);
            free(again);
            free(out);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_image), cmocka_unit_test(test_parse_replica),
        cmocka_unit_test(test_check_args),  cmocka_unit_test(test_set_image),
        cmocka_unit_test(test_flow),        cmocka_unit_test(test_new_fields),
        cmocka_unit_test(test_line_endings), cmocka_unit_test(test_resources),
        cmocka_unit_test(test_replicas),    cmocka_unit_test(test_empty_items),
        cmocka_unit_test(test_errors),      cmocka_unit_test(test_pairs),
        cmocka_unit_test(test_metadata),    cmocka_unit_test(test_patches_and_generators),
        cmocka_unit_test(test_fix),
        cmocka_unit_test(test_plugins_and_build_metadata),
        cmocka_unit_test(test_remove_generators),
        cmocka_unit_test(test_empty_kustomizations),
        cmocka_unit_test(test_single_quoted_as_libfyaml_reads_them),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
