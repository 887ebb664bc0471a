/* UTF-8 decoding; see utf8.h. */
#include "pleo/utf8.h"

size_t pr_utf8_decode(const char *str, size_t n, size_t i, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char c = s[i];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        if (cp)
            *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (i + len > n)
        return 0;
    for (size_t k = 1; k < len; k++) {
        if ((s[i + k] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i + k] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    if (cp)
        *cp = v;
    return len;
}

bool pr_utf8_valid(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t len = pr_utf8_decode(s, n, i, NULL);
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

bool pr_go_is_space(uint32_t cp)
{
    switch (cp) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
        return true;
    default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
}

void pr_go_trim_space(const char *s, size_t n, size_t *from, size_t *to)
{
    /* Forward only: the end is just past the last character that is not
     * white space, so trailing bytes are never decoded backwards. */
    size_t start = n, end = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t w = pr_utf8_decode(s, n, i, &cp);
        bool space = w > 0 && pr_go_is_space(cp);
        if (w == 0)
            w = 1;
        if (!space) {
            if (start == n)
                start = i;
            end = i + w;
        }
        i += w;
    }
    *from = start == n ? n : start;
    *to = start == n ? n : end;
}
