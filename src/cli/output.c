/* Output helpers shared by subcommands: errors and atomic file writes. */
#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"

void pr_cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("pleo-render: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void pr_cli_report(const pr_error *err)
{
    pr_cli_error("%s", pr_error_text(err));
    if (!err->src_path || err->line <= 0)
        return;
    FILE *f = fopen(err->src_path, "rb");
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0;
    int n = 0;
    bool found = false;
    while (getline(&line, &cap, f) >= 0)
        if (++n == err->line) {
            found = true;
            break;
        }
    fclose(f);
    if (!found) {
        free(line);
        return;
    }
    line[strcspn(line, "\r\n")] = '\0';
    /* Show at most a window of the line around the column. */
    int len = (int)strlen(line), col = err->col - 1, start = 0, width = 100;
    if (col > len)
        col = len;
    if (col > width - 20)
        start = col - (width - 20);
    int shown = len - start < width ? len - start : width;
    fprintf(stderr, "  %s%.*s%s\n  %s", start ? "..." : "", shown, line + start,
            start + shown < len ? "..." : "", start ? "   " : "");
    /* Keep tabs so the caret lines up under the same column. */
    for (int i = start; i < col; i++)
        fputc(line[i] == '\t' ? '\t' : ' ', stderr);
    fputs("^\n", stderr);
    free(line);
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

int pr_cli_write_output(const char *path, const char *data, size_t len)
{
    if (!path) {
        if (write_all(STDOUT_FILENO, data, len) != 0) {
            pr_cli_error("writing output: %s", strerror(errno));
            return 1;
        }
        return 0;
    }
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    snprintf(tmp, n + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        pr_cli_error("%s: %s", path, strerror(errno));
        free(tmp);
        return 1;
    }
    struct stat st;
    mode_t mode = stat(path, &st) == 0 ? st.st_mode & 07777 : 0644;
    int rc = 0;
    if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        pr_cli_error("%s: %s", path, strerror(errno));
        rc = 1;
    }
    if (close(fd) != 0 && rc == 0) {
        pr_cli_error("%s: %s", path, strerror(errno));
        rc = 1;
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        pr_cli_error("%s: %s", path, strerror(errno));
        rc = 1;
    }
    if (rc != 0)
        unlink(tmp);
    free(tmp);
    return rc;
}
