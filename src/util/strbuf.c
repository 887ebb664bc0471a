/* Heap string buffer; see strbuf.h. Allocation failure aborts. */
#include "pleo/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char empty_string[1];

void pr_sb_init(pr_strbuf *sb)
{
    sb->buf = empty_string;
    sb->len = 0;
    sb->cap = 0;
}

void pr_sb_release(pr_strbuf *sb)
{
    if (sb->cap)
        free(sb->buf);
    pr_sb_init(sb);
}

void pr_sb_reset(pr_strbuf *sb)
{
    sb->len = 0;
    if (sb->cap)
        sb->buf[0] = '\0';
}

static void reserve(pr_strbuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return;
    size_t ncap = sb->cap ? sb->cap : 64;
    while (ncap < need)
        ncap *= 2;
    char *nb = sb->cap ? realloc(sb->buf, ncap) : malloc(ncap);
    if (!nb) {
        fputs("pleo-render: out of memory\n", stderr);
        abort();
    }
    if (!sb->cap)
        nb[0] = '\0';
    sb->buf = nb;
    sb->cap = ncap;
}

void pr_sb_reserve(pr_strbuf *sb, size_t extra)
{
    reserve(sb, extra);
}

void pr_sb_add(pr_strbuf *sb, const void *data, size_t len)
{
    reserve(sb, len);
    if (len)
        memcpy(sb->buf + sb->len, data, len);
    sb->len += len;
    sb->buf[sb->len] = '\0';
}

void pr_sb_adds(pr_strbuf *sb, const char *s)
{
    pr_sb_add(sb, s, strlen(s));
}

void pr_sb_addc(pr_strbuf *sb, char c)
{
    pr_sb_add(sb, &c, 1);
}

void pr_sb_vaddf(pr_strbuf *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n > 0) {
        reserve(sb, (size_t)n);
        vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap2);
        sb->len += (size_t)n;
    }
    va_end(ap2);
}

void pr_sb_addf(pr_strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pr_sb_vaddf(sb, fmt, ap);
    va_end(ap);
}

char *pr_sb_detach(pr_strbuf *sb, size_t *len)
{
    reserve(sb, 0);
    char *p = sb->buf;
    if (len)
        *len = sb->len;
    pr_sb_init(sb);
    return p;
}
