/* runner.c: runs every suite and prints `N passed, N failed`. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    {"markdown", suite_markdown},
    {"epub_rich", suite_epub_rich},
    {"pdf_rich", suite_pdf_rich},
    {"growth", suite_growth},
    {"quality", suite_quality},
    {"rich", suite_rich},
    {"pagelist", suite_pagelist},
    {"tagged", suite_tagged},
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
    for (size_t i = 0; i < QR_ARRAY_LEN(suites); i++)
        suites[i].run();
    if (skipped)
        printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    else
        printf("%d passed, %d failed\n", passed, failed);
    return failed || passed == 0 ? 1 : 0;
}
