/* runner.c: runs every suite and prints `N passed, N failed`. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

static int passed, failed, skipped;
static int case_failed, case_skipped, case_messages;
static const char *case_name;
static int verbose;
static const char *filter;

void qt_fail(const char *file, int line, const char *fmt, ...)
{
    if (!case_failed)
        fprintf(stderr, "FAIL %s\n", case_name);
    case_failed = 1;
    if (++case_messages > 10) {
        if (case_messages == 11)
            fprintf(stderr, "  (more failures in this case not shown)\n");
        return;
    }
    fprintf(stderr, "  %s:%d: ", file, line);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void qt_skip(const char *reason)
{
    case_skipped = 1;
    fprintf(stderr, "SKIP %s: %s\n", case_name, reason);
}

int qt_verbose(void)
{
    return verbose;
}

void qt_case(const char *name, void (*fn)(void))
{
    if (filter && !strstr(name, filter))
        return;
    case_name = name;
    case_failed = 0;
    case_skipped = 0;
    case_messages = 0;
    if (verbose)
        fprintf(stderr, "---- %s\n", name);
    fn();
    if (case_failed)
        failed++;
    else if (case_skipped)
        skipped++;
    else {
        passed++;
        if (verbose)
            fprintf(stderr, "ok   %s\n", name);
    }
}

static const struct {
    const char *name;
    void (*run)(void);
} suites[] = {
    {"base", suite_base},
    {"text", suite_text},
    {"linebreak", suite_linebreak},
    {"epub", suite_epub},
    {"e2e", suite_e2e},
    {"pdf", suite_pdf},
    {"manifest", suite_manifest},
    {"regress", suite_regress},
    {"bad", suite_bad},
    {"links", suite_links},
    {"hostile", suite_hostile},
    {"markdown", suite_markdown},
    {"epub_rich", suite_epub_rich},
    {"pdf_rich", suite_pdf_rich},
    {"growth", suite_growth},
    {"quality", suite_quality},
    {"rich", suite_rich},
    {"pagelist", suite_pagelist},
    {"tagged", suite_tagged},
    {"cli", suite_cli},
    {"watch", suite_watch},
    {"install", suite_install},
    {"print", suite_print},
    {"corpus", suite_corpus},
    {"front", suite_front},
};

/* Runs suite i, printing its progress line on a terminal. */
static void S_run_suite(size_t i, int progress)
{
    int p0 = passed, f0 = failed, s0 = skipped;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    suites[i].run();
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (progress && passed + failed + skipped > p0 + f0 + s0) {
        printf("%-10s %3d passed, %d failed%s (%.1f s)\n", suites[i].name, passed - p0,
               failed - f0, skipped > s0 ? ", some skipped" : "",
               (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
        fflush(stdout);
    }
}

/*
 * -j N: N worker processes take the suites from a queue (a pipe of suite
 * numbers, one byte each: a read of one byte is atomic), the longest
 * first; each worker's messages come out a suite at a time, and its counts
 * go back through a second pipe. The suites write only into their own
 * scratch folders (tests/out/NAME), so they may run side by side.
 */
static const char *const S_long_first[] = {"corpus", "pdf", "quality", "growth", "print",
                                           "hostile", "e2e", "pagelist", "tagged", "cli"};

static int S_parallel(int jobs, int progress)
{
    int queue[2], counts[2];
    if (pipe(queue) < 0 || pipe(counts) < 0)
        return -1;
    unsigned char order[QR_ARRAY_LEN(suites)];
    size_t n = 0;
    char taken[QR_ARRAY_LEN(suites)] = {0};
    for (size_t k = 0; k < QR_ARRAY_LEN(S_long_first); k++)
        for (size_t i = 0; i < QR_ARRAY_LEN(suites); i++)
            if (!taken[i] && strcmp(suites[i].name, S_long_first[k]) == 0)
                order[n++] = (unsigned char)i, taken[i] = 1;
    for (size_t i = 0; i < QR_ARRAY_LEN(suites); i++)
        if (!taken[i])
            order[n++] = (unsigned char)i;
    if (write(queue[1], order, n) != (ssize_t)n)
        return -1;
    close(queue[1]);
    fflush(stdout);
    fflush(stderr);
    for (int w = 0; w < jobs; w++) {
        pid_t pid = fork();
        if (pid < 0)
            return -1;
        if (pid == 0) {
            close(counts[0]);
            static char out_buf[1 << 20], err_buf[1 << 20];
            setvbuf(stdout, out_buf, _IOFBF, sizeof out_buf);
            setvbuf(stderr, err_buf, _IOFBF, sizeof err_buf);
            unsigned char i;
            while (read(queue[0], &i, 1) == 1) {
                /* each suite in a process of its own: no state passes from
                 * one to the next, and a crash costs one suite, named */
                int one[2];
                if (pipe(one) < 0)
                    _exit(2);
                pid_t sp = fork();
                if (sp == 0) {
                    close(one[0]);
                    passed = failed = skipped = 0; /* this suite's alone */
                    S_run_suite(i, progress);
                    fflush(stderr);
                    fflush(stdout);
                    int c[3] = {passed, failed, skipped};
                    _exit(write(one[1], c, sizeof c) == (ssize_t)sizeof c ? 0 : 2);
                }
                close(one[1]);
                int c[3], st = 0;
                ssize_t got = sp > 0 ? read(one[0], c, sizeof c) : -1;
                close(one[0]);
                if (sp > 0)
                    waitpid(sp, &st, 0);
                if (got == (ssize_t)sizeof c) {
                    passed += c[0];
                    failed += c[1];
                    skipped += c[2];
                } else {
                    fprintf(stderr, "FAIL %s: the suite's process ended without its counts (%s %d)\n",
                            suites[i].name, WIFSIGNALED(st) ? "signal" : "exit",
                            WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
                    failed++;
                }
                fflush(stderr);
                fflush(stdout);
            }
            int c[3] = {passed, failed, skipped};
            if (write(counts[1], c, sizeof c) != (ssize_t)sizeof c)
                _exit(2);
            _exit(0);
        }
    }
    close(queue[0]);
    close(counts[1]);
    int c[3], got = 0;
    while (read(counts[0], c, sizeof c) == (ssize_t)sizeof c) {
        passed += c[0];
        failed += c[1];
        skipped += c[2];
        got++;
    }
    int status;
    while (wait(&status) > 0)
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed++; /* a worker that crashed: its suite's cases are lost */
    return got == jobs ? 0 : -1;
}

int main(int argc, char **argv)
{
    int jobs = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0)
            verbose = 1;
        else if (strcmp(argv[i], "-j") == 0 && i + 1 < argc)
            jobs = atoi(argv[++i]);
        else
            filter = argv[i];
    }
    /* progress on a terminal: a line per suite that ran a case */
    int progress = isatty(STDOUT_FILENO);
    if (jobs > 1) {
        if (S_parallel(jobs, progress) < 0) {
            fprintf(stderr, "runner: a worker was lost\n");
            failed++;
        }
    } else {
        for (size_t i = 0; i < QR_ARRAY_LEN(suites); i++)
            S_run_suite(i, progress);
    }
    if (skipped)
        printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    else
        printf("%d passed, %d failed\n", passed, failed);
    return failed || passed == 0 ? 1 : 0;
}
