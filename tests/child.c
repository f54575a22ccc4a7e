/*
 * child.c: runs the quire command as a child process for the end-to-end
 * tests of bad and hostile inputs (e2e_bad.c, e2e_hostile.c): a time limit
 * (a hang fails the case, not the suite), its exit status, wall-clock time,
 * peak memory (getrusage of the child) and what it printed on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

/* The program under test: $QUIRE (a sanitizer build, say), else ./quire. */
const char *qt_quire_path(void)
{
    const char *q = getenv("QUIRE");
    return q && *q ? q : "./quire";
}

double qt_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void qt_sleep_ms(double ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)((ms - 1000.0 * (time_t)(ms / 1000)) * 1e6)};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/*
 * Runs quire with args (NULL-terminated, after argv[0]), stdin from
 * /dev/null, stdout discarded, stderr kept in r->err. With sig > 0, sends
 * sig delay_ms after the start. A run longer than timeout_s is killed and
 * fails the case. Returns r->status.
 */
int qt_child_run(const char *const args[], int flags, int sig, double delay_ms, int timeout_s,
                 qt_child *r)
{
    const char *argv[16] = {qt_quire_path()};
    int n = 1;
    for (; args[n - 1] && n < 15; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    r->status = -1;
    r->seconds = 0;
    r->cpu = 0;
    r->max_rss_kb = 0;
    qr_buf_reset(&r->err);
    mkdir("tests/out", 0777);
    const char *errfile = "tests/out/e2e-bad.stderr";
    double start = qt_now();
    pid_t pid = fork();
    if (pid < 0) {
        qt_fail(__FILE__, __LINE__, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
        int out = open("/dev/null", O_WRONLY | O_CLOEXEC);
        int er = open(errfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        dup2(in, 0);
        dup2(out, 1);
        dup2(er, 2);
        if ((flags & QT_RUN_NOBODY) &&
            (setgroups(0, NULL) < 0 || setgid(QT_NOBODY_UID) < 0 || setuid(QT_NOBODY_UID) < 0)) {
            fprintf(stderr, "cannot become nobody: %s\n", strerror(errno));
            _exit(QT_NOBODY_FAILED);
        }
        execv(argv[0], (char *const *)argv);
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (sig > 0) {
        qt_sleep_ms(delay_ms);
        kill(pid, sig); /* a finished child is a zombie until waited: no harm */
    }
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    for (;;) {
        pid_t w = wait4(pid, &status, WNOHANG, &ru);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR) {
            qt_fail(__FILE__, __LINE__, "wait: %s", strerror(errno));
            return -1;
        }
        if (qt_now() - start > timeout_s) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            qt_read(errfile, &r->err);
            qt_fail(__FILE__, __LINE__, "%s %s: no result after %d s: killed", argv[1], argv[n - 1],
                    timeout_s);
            return -1;
        }
        qt_sleep_ms(2);
    }
    r->seconds = qt_now() - start;
    r->max_rss_kb = ru.ru_maxrss;
    r->cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
             (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    qt_read(errfile, &r->err);
    if (WIFEXITED(status))
        r->status = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        r->status = 128 + WTERMSIG(status);
    return r->status;
}
