/* runner.c: runs every suite and prints `N passed, N failed`. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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
    {"install", suite_install},
    {"print", suite_print},
    {"corpus", suite_corpus},
};

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0)
            verbose = 1;
        else
            filter = argv[i];
    }
    /* progress on a terminal: a line per suite that ran a case */
    int progress = isatty(STDOUT_FILENO);
    for (size_t i = 0; i < QR_ARRAY_LEN(suites); i++) {
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
    if (skipped)
        printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    else
        printf("%d passed, %d failed\n", passed, failed);
    return failed || passed == 0 ? 1 : 0;
}
