/*
 * test.h: quire's test runner. Every suite is a function that runs its
 * cases with qt_case(); the runner (runner.c) calls the suites listed in its
 * table and prints one summary line, `N passed, N failed`, exiting non-zero
 * on any failure.
 *
 * A case fails when any CHECK inside it fails; the failing check is printed
 * with its file and line. Cases are independent: state is not shared.
 */
#ifndef QR_TEST_H
#define QR_TEST_H

#include <stddef.h>
#include <string.h>
#include <sys/types.h>

#include "base/base.h"

void qt_case(const char *name, void (*fn)(void));
void qt_fail(const char *file, int line, const char *fmt, ...) QR_PRINTF(3, 4);
/* Marks the current case as skipped, with the reason printed. */
void qt_skip(const char *reason);
/* Non-zero when the runner was asked for verbose output (-v). */
int qt_verbose(void);

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond))                                                                       \
            qt_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);                               \
    } while (0)

#define CHECK_INT_EQ(a, b)                                                                 \
    do {                                                                                   \
        long long qt_a_ = (long long)(a), qt_b_ = (long long)(b);                          \
        if (qt_a_ != qt_b_)                                                                \
            qt_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, qt_a_, qt_b_);   \
    } while (0)

#define CHECK_STR_EQ(a, b)                                                                 \
    do {                                                                                   \
        const char *qt_a_ = (a), *qt_b_ = (b);                                             \
        if (!qt_a_ || !qt_b_ || strcmp(qt_a_, qt_b_) != 0)                                 \
            qt_fail(__FILE__, __LINE__, "%s == %s:\n  got:      \"%s\"\n  expected: \"%s\"", \
                    #a, #b, qt_a_ ? qt_a_ : "(null)", qt_b_ ? qt_b_ : "(null)");           \
    } while (0)

#define CHECK_CONTAINS(hay, needle)                                                        \
    do {                                                                                   \
        const char *qt_h_ = (hay), *qt_n_ = (needle);                                      \
        if (!qt_h_ || !strstr(qt_h_, qt_n_))                                               \
            qt_fail(__FILE__, __LINE__, "%s contains \"%s\"", #hay, qt_n_);                \
    } while (0)

/* Helpers for end-to-end tests (util.c). -------------------------------- */

/*
 * Runs argv (argv[0] looked up in PATH unless it has a '/'), with stdin
 * from /dev/null, capturing stdout and stderr (either may be NULL).
 * Returns the exit status, 128+N for a signal, or -1 if it could not run.
 * `env` adds "NAME=value" entries to the environment (NULL-terminated, may
 * be NULL).
 */
int qt_run(const char *const argv[], const char *const env[], qr_buf *out, qr_buf *err);

/* The test scratch folder (tests/out/NAME), emptied and made anew. */
const char *qt_scratch(const char *name, qr_buf *path);
/* Reads a whole file; 0 on success. */
int qt_read(const char *path, qr_buf *out);
int qt_write(const char *path, const char *data, size_t len);
/* Where a Gutenberg book starts when the body (from `at`, just after the
 * START line) opens with the producers' credit ("Produced by ..."): after
 * that block, which the reader moves to the back with the header. */
size_t qt_past_credits(const char *s, size_t len, size_t at);
/* Waits up to `secs` (polling) for the file to hold `needle` `count`
 * times; returns whether it did. A log a child process writes (watch). */
int qt_wait_for(const char *path, const char *needle, int count, int secs);
/* Whether two files have the same bytes. */
int qt_same_file(const char *a, const char *b);
/* Entries in a folder less . and .. (-1: no folder); *tmp (may be NULL)
 * tells whether a temporary (NAME.tmp.*) is among them. */
int qt_entries(const char *dir, int *tmp);
/* Character protrusion: the right-hand amount of cp in the body font's
 * table (fonts/EBGaramond12.protrusion, thousandths of the character's
 * width), in points at `size` (the width from the font file); 0 when it
 * is not in the table. */
double qt_protrusion_right(uint32_t cp, double size);
/* The last character of a word pdftotext -bbox wrote (XML-escaped) in
 * [p, end). */
uint32_t qt_last_char(const char *p, const char *end);
/* Joins the parts of each word hyphenated at a line's end in an
 * extractor's text: U+00AD and the newline after it are taken out, as a
 * reader's copy does (pdftotext joins only "-"). Returns how many. */
int qt_join_soft_hyphens(qr_buf *text);
/* Stops a `quire watch` started as pid with Ctrl-C's signal: it must exit
 * with status 0 within 10 s; with -v its log (at path log) is shown. */
void qt_stop_watch(pid_t pid, const char *log);

/*
 * Runs EPUBCheck on path. Returns 0 when its own summary line shows
 * 0 fatals / 0 errors / 0 warnings; otherwise fails the current case with
 * the messages and returns -1. A check that did not run is a failure.
 */
int qt_epubcheck(const char *path);

/*
 * Golden files: for each DIR/NAME.txt, make() turns its bytes into text
 * that must equal DIR/NAME<ext> (make returns 0, or -1 after failing the
 * case). With QUIRE_UPDATE_GOLDEN=1 the files are rewritten instead: read
 * the diff before committing it. Returns the number compared.
 */
int qt_golden(const char *dir, const char *ext,
              int (*make)(const char *name, const qr_buf *in, qr_buf *got));

/* Reading EPUBs back (epubread.c). -------------------------------------- */

/* Appends the bytes of one entry of the zip; 0 on success. */
int qt_epub_entry(const char *epub, const char *name, qr_buf *out);
/*
 * Appends the text of the navigation document to nav and of every other
 * spine document, in order, to text (elements separated by spaces, <br/> by
 * newlines), and the package document to opf (may be NULL). *n_docs counts
 * the documents read.
 */
int qt_epub_spine_text(const char *epub, qr_buf *nav, qr_buf *text, qr_buf *opf, int *n_docs);
/*
 * Whether every word of src (runs of letters and digits, in any script)
 * appears in text as a whole word, in the same order (ignoring ASCII case). Returns the number of
 * words, or -1 with the first missing word described in `missing`.
 */
/* Whether c belongs to a word: letters and digits of any script. */
int qt_word_cp(uint32_t c);
long qt_words_in_order(const char *src, size_t src_len, const char *text, size_t text_len,
                       char *missing, size_t missing_size);

/* The same for the text pdftotext gives back of a PDF: words split by
 * hyphenation at a line's end, or by a page's running head and folio, count
 * as whole (e2e_pdf.c). */
long qt_words_in_pdf_text(const char *src, size_t src_len, const char *text, size_t text_len,
                          char *missing, size_t msize);

/* Suites, one per file. ------------------------------------------------- */
/* Children: quire run under a time limit, measured (child.c). ---------- */

/* How a run of quire went. */
typedef struct qt_child {
    int status;      /* exit status, 128+N for signal N, -1: did not run or timed out */
    double seconds;  /* wall-clock time */
    double cpu;      /* CPU time, user and system */
    long max_rss_kb; /* peak resident memory */
    qr_buf err;      /* what it printed on stderr */
} qt_child;

enum { QT_RUN_NOBODY = 1 << 0 }; /* run as the user nobody (only as root) */
#define QT_NOBODY_UID 65534
#define QT_NOBODY_FAILED 125 /* the child could not become nobody */

/* The program under test: $QUIRE (a sanitizer build, say), else ./quire. */
const char *qt_quire_path(void);
double qt_now(void);
void qt_sleep_ms(double ms);
/*
 * Runs quire with args (NULL-terminated, after argv[0]), stdin from
 * /dev/null, stdout discarded, stderr kept in r->err. With sig > 0, sends
 * sig delay_ms after the start. A run longer than timeout_s is killed and
 * fails the case. Returns r->status.
 */
int qt_child_run(const char *const args[], int flags, int sig, double delay_ms, int timeout_s,
                 qt_child *r);

void suite_base(void);
void suite_text(void);
void suite_epub(void);
void suite_e2e(void);
void suite_pdf(void);
void suite_linebreak(void);
void suite_manifest(void);
void suite_bad(void);
void suite_links(void);
void suite_hostile(void);
void suite_markdown(void);
void suite_epub_rich(void);
void suite_pdf_rich(void);
void suite_growth(void);
void suite_quality(void);
void suite_rich(void);
void suite_regress(void);
void suite_pagelist(void);
void suite_tagged(void);
void suite_cli(void);
void suite_watch(void);
void suite_install(void);
void suite_print(void);
void suite_corpus(void);
void suite_front(void);

#endif
