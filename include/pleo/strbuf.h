/*
 * A growable, always NUL-terminated byte buffer on the heap. Used for
 * output, file contents and messages: anything whose size is not known up
 * front and that must outlive (or exist without) an arena.
 */
#ifndef PLEO_STRBUF_H
#define PLEO_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
    char *buf;  /* NUL-terminated; never NULL after pr_sb_init */
    size_t len; /* bytes in use, excluding the NUL */
    size_t cap; /* bytes allocated */
} pr_strbuf;

/* Initializes an empty buffer. The caller releases it with pr_sb_release. */
void pr_sb_init(pr_strbuf *sb);

/* Frees the buffer's memory and leaves it empty and reusable. */
void pr_sb_release(pr_strbuf *sb);

/* Empties the buffer, keeping its allocation. */
void pr_sb_reset(pr_strbuf *sb);

/* Appends `len` bytes. */
void pr_sb_add(pr_strbuf *sb, const void *data, size_t len);

/* Makes room for `extra` more bytes and the NUL after them, contents
 * unchanged, so a reader can fill buf + len directly (then add to len and
 * write the NUL itself). Aborts when out of memory. */
void pr_sb_reserve(pr_strbuf *sb, size_t extra);

/* Appends a NUL-terminated string. */
void pr_sb_adds(pr_strbuf *sb, const char *s);

/* Appends one byte. */
void pr_sb_addc(pr_strbuf *sb, char c);

/* Appends printf-style formatted text. */
void pr_sb_addf(pr_strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* va_list form of pr_sb_addf. */
void pr_sb_vaddf(pr_strbuf *sb, const char *fmt, va_list ap);

/* Hands the buffer's memory to the caller (free() it) and empties `sb`. */
char *pr_sb_detach(pr_strbuf *sb, size_t *len);

#endif
