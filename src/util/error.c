/* Error messages built outward: the innermost failure sets the text and
 * each caller prefixes where it was when the failure surfaced. */
#include "pleo/error.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void pr_error_init(pr_error *err)
{
    pr_sb_init(&err->msg);
    err->src_path = NULL;
    err->line = err->col = 0;
}

void pr_error_release(pr_error *err)
{
    pr_sb_release(&err->msg);
    free(err->src_path);
    err->src_path = NULL;
}

void pr_error_locate(pr_error *err, const char *path, int line, int col)
{
    if (!err)
        return;
    free(err->src_path);
    err->src_path = strdup(path);
    err->line = line;
    err->col = col;
}

bool pr_error_set(pr_error *err, const char *fmt, ...)
{
    if (!err)
        return false;
    pr_sb_reset(&err->msg);
    free(err->src_path);
    err->src_path = NULL;
    va_list ap;
    va_start(ap, fmt);
    pr_sb_vaddf(&err->msg, fmt, ap);
    va_end(ap);
    return false;
}

bool pr_error_at(pr_error *err, const char *path, int line, int col,
                 const char *fmt, ...)
{
    if (!err)
        return false;
    pr_sb_reset(&err->msg);
    pr_sb_addf(&err->msg, "%s:%d:%d: ", path, line, col);
    va_list ap;
    va_start(ap, fmt);
    pr_sb_vaddf(&err->msg, fmt, ap);
    va_end(ap);
    pr_error_locate(err, path, line, col);
    return false;
}

bool pr_error_prefix(pr_error *err, const char *fmt, ...)
{
    if (!err)
        return false;
    pr_strbuf head;
    pr_sb_init(&head);
    va_list ap;
    va_start(ap, fmt);
    pr_sb_vaddf(&head, fmt, ap);
    va_end(ap);
    if (err->msg.len) {
        pr_sb_adds(&head, ": ");
        pr_sb_add(&head, err->msg.buf, err->msg.len);
    }
    pr_sb_release(&err->msg);
    err->msg = head;
    return false;
}

bool pr_error_isset(const pr_error *err)
{
    return err && err->msg.len > 0;
}

const char *pr_error_text(const pr_error *err)
{
    return err ? err->msg.buf : "";
}
