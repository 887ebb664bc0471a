/* Output helpers shared by subcommands: errors and atomic file writes. */
#include <errno.h>
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
