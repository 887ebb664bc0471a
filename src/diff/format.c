/*
 * The three reports of `pleo-render diff`: text for a terminal or a log,
 * markdown for a pull-request comment, JSON for other tools. All three
 * list the same roots and objects in the same order, and all are
 * deterministic: the same two renders give the same bytes.
 */
#include <stdio.h>
#include <string.h>

#include "pleo/diff.h"

static const char *const status_words[] = {"added", "removed", "changed"};

static const char *root_note(pr_root_status s)
{
    switch (s) {
    case PR_ROOT_ADDED: return " (new root)";
    case PR_ROOT_REMOVED: return " (removed root)";
    case PR_ROOT_FAILED: return " (failed to render)";
    default: return "";
    }
}

static void add_counts(pr_strbuf *out, const pr_diff_root *r)
{
    size_t n[3] = {0, 0, 0};
    for (size_t i = 0; i < r->len; i++)
        n[r->entries[i].status]++;
    pr_sb_addf(out, "%zu added, %zu removed, %zu changed", n[0], n[1], n[2]);
}

static bool shown(const pr_diff_root *r)
{
    return r->status != PR_ROOT_UNCHANGED;
}

/* ---- text ---- */

#define C_BOLD "\033[1m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_CYAN "\033[36m"
#define C_RESET "\033[m"

/* Whether `root` is printed in pass `pass` of a report: roots that
 * rendered first, then those that failed, so a broken root does not hide
 * what the rest of a change does (pass 0, then 1). */
static bool in_pass(const pr_diff_root *root, int pass)
{
    return shown(root) && (root->status == PR_ROOT_FAILED) == (pass == 1);
}

static void add_colored_diff(pr_strbuf *out, const char *diff, bool color)
{
    if (!color) {
        pr_sb_adds(out, diff);
        return;
    }
    for (const char *p = diff; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        const char *c = !strncmp(p, "--- ", 4) || !strncmp(p, "+++ ", 4) ? C_BOLD
                        : *p == '@' ? C_CYAN
                        : *p == '-' ? C_RED
                        : *p == '+' ? C_GREEN
                                    : NULL;
        if (c)
            pr_sb_adds(out, c);
        pr_sb_add(out, p, n);
        if (c)
            pr_sb_adds(out, C_RESET);
        pr_sb_addc(out, '\n');
        p += nl ? n + 1 : n;
    }
}

void pr_diff_format_text(const pr_diff_root *roots, size_t len, bool color, pr_strbuf *out)
{
    for (size_t at = 0; at < 2 * len; at++) {
        const pr_diff_root *root = &roots[at % len];
        if (!in_pass(root, (int)(at / len)))
            continue;
        pr_sb_addf(out, "%s=== %s%s: ", color ? C_BOLD : "", root->root,
                   root_note(root->status));
        if (root->status == PR_ROOT_FAILED)
            pr_sb_adds(out, root->old_error && root->new_error ? "both sides"
                            : root->old_error                  ? "old side"
                                                               : "new side");
        else
            add_counts(out, root);
        pr_sb_adds(out, color ? C_RESET "\n" : "\n");
        /* the cause belongs in the report, which CI jobs keep */
        if (root->old_error)
            pr_sb_addf(out, "old side: %s\n", root->old_error);
        if (root->new_error)
            pr_sb_addf(out, "new side: %s\n", root->new_error);
        for (size_t i = 0; i < root->len; i++)
            add_colored_diff(out, root->entries[i].diff, color);
    }
}

/* ---- markdown ---- */

static void add_html(pr_strbuf *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': pr_sb_adds(out, "&lt;"); break;
        case '>': pr_sb_adds(out, "&gt;"); break;
        case '&': pr_sb_adds(out, "&amp;"); break;
        default: pr_sb_addc(out, *s); break;
        }
    }
}

/* Markdown code spans cannot escape a backtick; names never hold one in
 * practice, but a fence or span must not be broken by one: use the HTML
 * form, which can. */
static void add_code(pr_strbuf *out, const char *s)
{
    pr_sb_adds(out, "<code>");
    add_html(out, s);
    pr_sb_adds(out, "</code>");
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* A fence longer than any run of backticks in the text, so nothing in a
 * manifest can close it early. */
static size_t fence_length(const char *s)
{
    size_t longest = 0, run = 0;
    for (; *s; s++) {
        run = *s == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    return longest < 3 ? 3 : longest + 1;
}

static void add_fenced(pr_strbuf *out, const char *lang, const char *text)
{
    size_t n = fence_length(text);
    for (size_t i = 0; i < n; i++)
        pr_sb_addc(out, '`');
    pr_sb_addf(out, "%s\n", lang);
    pr_sb_adds(out, text);
    if (*text && text[strlen(text) - 1] != '\n')
        pr_sb_addc(out, '\n');
    for (size_t i = 0; i < n; i++)
        pr_sb_addc(out, '`');
    pr_sb_addc(out, '\n');
}

static void add_entry_title(pr_strbuf *out, pr_arena *a, const pr_diff_entry *e)
{
    pr_sb_addf(out, "<b>%s</b> ", status_words[e->status]);
    add_code(out, pr_diff_identity(a, e->group, e->kind, e->namespace, e->name));
    if (e->old_name) {
        pr_sb_adds(out, " (was ");
        add_code(out, e->old_name);
        pr_sb_adds(out, ")");
    }
}

void pr_diff_format_markdown(const pr_diff_root *roots, size_t len, pr_strbuf *out)
{
    pr_arena *a = pr_arena_new();
    pr_diff_summary s = pr_diff_summarize(roots, len);
    pr_sb_adds(out, "## Rendered manifests\n\n");
    if (s.roots_changed == 0 && s.roots_failed == 0) {
        pr_sb_addf(out, "No changes in %zu root%s.\n", s.roots, s.roots == 1 ? "" : "s");
        pr_arena_free(a);
        return;
    }
    pr_sb_addf(out, "%zu of %zu root%s changed: %zu added, %zu removed, %zu changed.", s.roots_changed,
               s.roots, s.roots == 1 ? "" : "s", s.added, s.removed, s.changed);
    if (s.roots_failed)
        pr_sb_addf(out, " **%zu root%s failed to render.**", s.roots_failed,
                   s.roots_failed == 1 ? "" : "s");
    pr_sb_addc(out, '\n');
    for (size_t at = 0; at < 2 * len; at++) {
        const pr_diff_root *root = &roots[at % len];
        if (!in_pass(root, (int)(at / len)))
            continue;
        pr_sb_adds(out, "\n### ");
        add_code(out, root->root);
        pr_sb_addf(out, "%s\n\n", root_note(root->status));
        if (root->status == PR_ROOT_FAILED) {
            const char *side[2] = {root->old_error, root->new_error};
            for (int k = 0; k < 2; k++) {
                if (!side[k])
                    continue;
                pr_sb_addf(out, "The %s side failed:\n\n", k ? "new" : "old");
                add_fenced(out, "text", side[k]);
            }
            continue;
        }
        add_counts(out, root);
        pr_sb_adds(out, "\n");
        for (size_t i = 0; i < root->len; i++) {
            const pr_diff_entry *e = &root->entries[i];
            size_t lines = count_lines(e->diff);
            pr_sb_addc(out, '\n');
            if (lines > PR_DIFF_MARKDOWN_FOLD) {
                pr_sb_adds(out, "<details>\n<summary>");
                add_entry_title(out, a, e);
                pr_sb_addf(out, ", %zu lines</summary>\n\n", lines);
                add_fenced(out, "diff", e->diff);
                pr_sb_adds(out, "\n</details>\n");
            } else {
                add_entry_title(out, a, e);
                pr_sb_adds(out, "\n\n");
                add_fenced(out, "diff", e->diff);
            }
        }
    }
    pr_arena_free(a);
}

/* ---- JSON ---- */

static void add_json_string(pr_strbuf *out, const char *s)
{
    if (!s) {
        pr_sb_adds(out, "null");
        return;
    }
    pr_sb_addc(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': pr_sb_adds(out, "\\\""); break;
        case '\\': pr_sb_adds(out, "\\\\"); break;
        case '\n': pr_sb_adds(out, "\\n"); break;
        case '\t': pr_sb_adds(out, "\\t"); break;
        case '\r': pr_sb_adds(out, "\\r"); break;
        default:
            if (*p < 0x20)
                pr_sb_addf(out, "\\u%04x", *p);
            else
                pr_sb_addc(out, (char)*p);
        }
    }
    pr_sb_addc(out, '"');
}

static void add_json_opt(pr_strbuf *out, const char *s)
{
    add_json_string(out, s && *s ? s : NULL);
}

static const char *const root_status_words[] = {"unchanged", "changed", "added", "removed",
                                                 "failed"};

void pr_diff_format_json(const pr_diff_root *roots, size_t len, pr_strbuf *out)
{
    pr_sb_adds(out, "{\n  \"roots\": [");
    for (size_t r = 0; r < len; r++) {
        const pr_diff_root *root = &roots[r];
        pr_sb_adds(out, r ? ",\n    {" : "\n    {");
        pr_sb_adds(out, "\"root\": ");
        add_json_string(out, root->root);
        pr_sb_addf(out, ", \"status\": \"%s\", \"errors\": ", root_status_words[root->status]);
        if (root->old_error || root->new_error) {
            pr_sb_addc(out, '{');
            if (root->old_error) {
                pr_sb_adds(out, "\"old\": ");
                add_json_string(out, root->old_error);
            }
            if (root->new_error) {
                pr_sb_adds(out, root->old_error ? ", \"new\": " : "\"new\": ");
                add_json_string(out, root->new_error);
            }
            pr_sb_addc(out, '}');
        } else {
            pr_sb_adds(out, "null");
        }
        pr_sb_adds(out, ", \"resources\": [");
        for (size_t i = 0; i < root->len; i++) {
            const pr_diff_entry *e = &root->entries[i];
            pr_sb_adds(out, i ? ",\n      {" : "\n      {");
            pr_sb_addf(out, "\"status\": \"%s\", \"apiVersion\": ", status_words[e->status]);
            add_json_string(out, e->api_version);
            pr_sb_adds(out, ", \"kind\": ");
            add_json_string(out, e->kind);
            pr_sb_adds(out, ", \"namespace\": ");
            add_json_opt(out, e->namespace);
            pr_sb_adds(out, ", \"name\": ");
            add_json_string(out, e->name);
            pr_sb_adds(out, ", \"old_name\": ");
            add_json_string(out, e->old_name);
            pr_sb_adds(out, ", \"diff\": ");
            add_json_string(out, e->diff);
            pr_sb_addc(out, '}');
        }
        pr_sb_adds(out, root->len ? "\n    ]}" : "]}");
    }
    pr_diff_summary s = pr_diff_summarize(roots, len);
    pr_sb_addf(out,
               "%s],\n  \"summary\": {\"added\": %zu, \"removed\": %zu, \"changed\": %zu, "
               "\"roots\": %zu, \"roots_changed\": %zu, \"roots_failed\": %zu}\n}\n",
               len ? "\n  " : "", s.added, s.removed, s.changed, s.roots, s.roots_changed,
               s.roots_failed);
}
