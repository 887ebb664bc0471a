/*
 * Child processes for helm and git: fork and exec with the environment
 * extended, stdout and stderr drained together with poll() so a chatty
 * program never blocks on a full pipe, an optional timeout, and exec
 * failures reported back through a close-on-exec pipe so the caller can
 * say "executable file not found" instead of a bare exit status.
 */
#include "pleo/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The environment the child gets: ours, minus variables an extra entry
 * sets, then the extra entries (Go lets the later duplicate win; dropping
 * the earlier one gives programs that read the first match the same). */
static char **child_env(const char *const *extra)
{
    size_t n = 0, m = 0;
    while (environ[n])
        n++;
    while (extra && extra[m])
        m++;
    char **env = calloc(n + m + 1, sizeof *env);
    if (!env)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool overridden = false;
        for (size_t j = 0; j < m && !overridden; j++) {
            const char *eq = strchr(extra[j], '=');
            size_t len = eq ? (size_t)(eq - extra[j]) : strlen(extra[j]);
            overridden = !strncmp(environ[i], extra[j], len) && environ[i][len] == '=';
        }
        if (!overridden)
            env[k++] = environ[i];
    }
    for (size_t j = 0; j < m; j++)
        env[k++] = (char *)extra[j];
    env[k] = NULL;
    return env;
}

static void drain(int *fd, pr_strbuf *sb)
{
    char buf[65536];
    ssize_t r = read(*fd, buf, sizeof buf);
    if (r > 0) {
        pr_sb_add(sb, buf, (size_t)r);
    } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
        close(*fd);
        *fd = -1;
    }
}

bool pr_proc_run(const pr_proc *p, pr_strbuf *out, pr_strbuf *errout,
                 int *exit_code, bool *timed_out, pr_error *err)
{
    const char *cmd = p->argv[0];
    *timed_out = false;
    *exit_code = -1;
    int opipe[2], epipe[2], xpipe[2];
    if (pipe(opipe) != 0)
        return pr_error_set(err, "exec: %s: pipe: %s", cmd, strerror(errno));
    if (pipe(epipe) != 0) {
        close(opipe[0]), close(opipe[1]);
        return pr_error_set(err, "exec: %s: pipe: %s", cmd, strerror(errno));
    }
    if (pipe2(xpipe, O_CLOEXEC) != 0) {
        close(opipe[0]), close(opipe[1]), close(epipe[0]), close(epipe[1]);
        return pr_error_set(err, "exec: %s: pipe: %s", cmd, strerror(errno));
    }
    char **env = child_env(p->extra_env);
    fflush(NULL);
    pid_t pid = env ? fork() : -1;
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        dup2(opipe[1], 1);
        dup2(epipe[1], 2);
        close(opipe[0]), close(epipe[0]), close(xpipe[0]);
        int e = 0;
        if (p->cwd && chdir(p->cwd) != 0)
            e = errno;
        if (!e) {
            environ = env;
            execvp(cmd, (char *const *)p->argv);
            e = errno;
        }
        ssize_t w = write(xpipe[1], &e, sizeof e);
        (void)w;
        _exit(127);
    }
    int saved = errno;
    close(opipe[1]), close(epipe[1]), close(xpipe[1]);
    free(env);
    if (pid < 0) {
        close(opipe[0]), close(epipe[0]), close(xpipe[0]);
        return pr_error_set(err, "exec: %s: fork: %s", cmd, strerror(saved));
    }
    int child_errno = 0;
    ssize_t got;
    do
        got = read(xpipe[0], &child_errno, sizeof child_errno);
    while (got < 0 && errno == EINTR);
    close(xpipe[0]);

    int fds[2] = {opipe[0], epipe[0]};
    pr_strbuf *bufs[2] = {out, errout};
    long deadline = p->timeout_ms > 0 ? now_ms() + p->timeout_ms : 0;
    while (fds[0] >= 0 || fds[1] >= 0) {
        struct pollfd pfd[2];
        nfds_t n = 0;
        int which[2];
        for (int i = 0; i < 2; i++)
            if (fds[i] >= 0) {
                pfd[n].fd = fds[i];
                pfd[n].events = POLLIN;
                which[n++] = i;
            }
        int wait_ms = -1;
        if (deadline) {
            long left = deadline - now_ms();
            wait_ms = left > 0 ? (int)left : 0;
        }
        int r = poll(pfd, n, wait_ms);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0 && deadline) {
            kill(pid, SIGKILL);
            *timed_out = true;
            break;
        }
        for (nfds_t i = 0; i < n; i++)
            if (pfd[i].revents)
                drain(&fds[which[i]], bufs[which[i]]);
    }
    for (int i = 0; i < 2; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (got == (ssize_t)sizeof child_errno && child_errno) {
        if (child_errno == ENOENT && !strchr(cmd, '/'))
            return pr_error_set(err, "exec: \"%s\": executable file not found in $PATH", cmd);
        return pr_error_set(err, "fork/exec %s: %s", cmd, strerror(child_errno));
    }
    *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return true;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *f)
{
    (void)st, (void)type, (void)f;
    remove(path);
    return 0;
}

void pr_remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
