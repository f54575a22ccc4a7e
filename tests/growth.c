/*
 * growth.c: time and memory grow at most linearly with the input.
 *
 * In the manner of cmark's test/pathological_tests.py: each shape below
 * generates a manuscript of n units (words, chapters, markers...), quire
 * builds it in a child process (./quire, or $QUIRE: a sanitizer build), and
 * GNU time reports its CPU time (user + system) and peak resident memory. Nothing is asserted about
 * absolute times, which differ from one machine to the next and several fold under sanitizers; only
 * growth is:
 *
 *   1. the shape at n = 1 gives the cost of a book at all (start-up, fonts);
 *   2. n is doubled from the shape's start until the run costs at least
 *      S_MIN_CPU seconds more than that (or reaches the shape's cap), so
 *      that the measure is well above the noise;
 *   3. the input of 4n must then cost less than S_MAX_RATIO times as much
 *      (above the base) as the input of n, in CPU time and in memory
 *      (memory below S_MEM_FLOOR counts as S_MEM_FLOOR). Linear growth
 *      gives 4, n log n a little more; quadratic gives 16.
 *
 * A ratio over the limit is measured twice more, keeping the cheapest runs,
 * before the case fails: a busy machine slows one run, not three. A run that
 * takes longer than S_HANG_SECONDS is killed (a hang, not a slow machine).
 * `tests/runner -v growth` prints every measure.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

#define S_MAX_RATIO 8.0
#define S_MIN_CPU 0.15     /* seconds above the base, for n */
#define S_CPU_FLOOR 0.05   /* seconds: extra time below this counts as this */
#define S_MEM_FLOOR 8192.0 /* KB: extra memory below this counts as this */
#define S_HANG_SECONDS 300

/* The program under test: $QUIRE (a sanitizer build, say), else ./quire. */
static const char *S_quire(void)
{
    const char *q = getenv("QUIRE");
    return q && *q ? q : "./quire";
}

/* Inputs ------------------------------------------------------------------ */

typedef void (*S_gen)(qr_buf *out, long n);

static const char *const S_words[] = {"the",   "whale",   "sea",     "ship", "of",
                                      "and",   "Ishmael", "harpoon", "a",    "captain",
                                      "white", "long",    "voyage"};

static void S_add_words(qr_buf *out, long n)
{
    for (long i = 0; i < n; i++) {
        if (i > 0)
            qr_buf_addc(out, ' ');
        qr_buf_adds(out, S_words[(i * 7) % (long)QR_ARRAY_LEN(S_words)]);
    }
}

/* A title line, so that every shape is a book with a title. */
static void S_title(qr_buf *out)
{
    qr_buf_adds(out, "GROWTH\n\n\n");
}

/* One paragraph of n words on one line. */
static void S_long_paragraph(qr_buf *out, long n)
{
    S_title(out);
    S_add_words(out, n);
    qr_buf_adds(out, ".\n");
}

/* n chapters of one short paragraph each. */
static void S_many_chapters(qr_buf *out, long n)
{
    S_title(out);
    for (long i = 1; i <= n; i++) {
        qr_buf_addf(out, "CHAPTER %ld.\n\n", i);
        S_add_words(out, 12);
        qr_buf_adds(out, ".\n\n\n");
    }
}

/* n paragraphs of one word. */
static void S_tiny_paragraphs(qr_buf *out, long n)
{
    S_title(out);
    for (long i = 0; i < n; i++)
        qr_buf_addf(out, "%s\n\n", S_words[i % (long)QR_ARRAY_LEN(S_words)]);
}

/* One word of n letters. */
static void S_long_word(qr_buf *out, long n)
{
    S_title(out);
    for (long i = 0; i < n; i++)
        qr_buf_addc(out, (char)('a' + i % 26));
    qr_buf_addc(out, '\n');
}

/* n emphasis openers that never close: `_a _a _a ...`. */
static void S_open_underscores(qr_buf *out, long n)
{
    S_title(out);
    for (long i = 0; i < n; i++)
        qr_buf_adds(out, "_a ");
    qr_buf_adds(out, "b\n");
}

/* n emphasised words and n runs of bare underscores in one paragraph. */
static void S_underscore_runs(qr_buf *out, long n)
{
    S_title(out);
    for (long i = 0; i < n; i++)
        qr_buf_adds(out, i % 2 ? "_word_ " : "a__b___ ");
    qr_buf_adds(out, "end\n");
}

/* Lines of growing runs of '>' (n lines of up to 64 marks, repeating). */
static void S_quote_marks(qr_buf *out, long n)
{
    S_title(out);
    for (long i = 0; i < n; i++) {
        for (long j = 0; j <= i % 64; j++)
            qr_buf_addc(out, '>');
        qr_buf_adds(out, " quoted words\n");
    }
}

/* A Project Gutenberg book whose CONTENTS lists its n chapters. */
static void S_gutenberg_contents(qr_buf *out, long n)
{
    qr_buf_adds(out, "The Project Gutenberg eBook of Growth, by Ada Quill\n\n"
                     "Title: Growth\n\nAuthor: Ada Quill\n\nLanguage: English\n\n"
                     "*** START OF THE PROJECT GUTENBERG EBOOK GROWTH ***\n\n\n\nGROWTH\n\n\n\n"
                     "CONTENTS\n\n");
    for (long i = 1; i <= n; i++)
        qr_buf_addf(out, "CHAPTER %ld. The Voyage of Day %ld.\n\n", i, i);
    qr_buf_adds(out, "\n\n");
    for (long i = 1; i <= n; i++) {
        qr_buf_addf(out, "CHAPTER %ld. The Voyage of Day %ld.\n\n", i, i);
        S_add_words(out, 10);
        qr_buf_adds(out, ".\n\n\n");
    }
    qr_buf_adds(out, "*** END OF THE PROJECT GUTENBERG EBOOK GROWTH ***\n");
}

/* Markdown: `[[[[...` n brackets, never closed, then as many closed. */
static void S_md_brackets(qr_buf *out, long n)
{
    qr_buf_adds(out, "# Growth\n\n");
    for (long i = 0; i < n; i++)
        qr_buf_addc(out, '[');
    qr_buf_adds(out, "a\n\n");
    for (long i = 0; i < n; i++)
        qr_buf_adds(out, "[a](");
    qr_buf_adds(out, "\n");
}

/* Markdown: `*a **a *a **a ...`, openers of both kinds that never match. */
static void S_md_emphasis(qr_buf *out, long n)
{
    qr_buf_adds(out, "# Growth\n\n");
    for (long i = 0; i < n; i++)
        qr_buf_adds(out, i % 2 ? "**a " : "*a ");
    qr_buf_adds(out, "\n");
}

/* Markdown: a list nested n deep on one line each (`- - - a`), chunked. */
static void S_md_nested_lists(qr_buf *out, long n)
{
    qr_buf_adds(out, "# Growth\n\n");
    for (long i = 0; i < n; i += 100) {
        for (long j = 0; j < 100 && i + j < n; j++)
            qr_buf_adds(out, "- ");
        qr_buf_adds(out, "item\n\n");
    }
}

/* Markdown: n block quotes, nested 100 deep at a time (`> > > a`). */
static void S_md_quotes(qr_buf *out, long n)
{
    qr_buf_adds(out, "# Growth\n\n");
    for (long i = 0; i < n; i += 100) {
        for (long j = 0; j < 100 && i + j < n; j++)
            qr_buf_adds(out, "> ");
        qr_buf_adds(out, "quoted\n\n");
    }
}

/* Markdown: n link reference definitions, each used once. */
static void S_md_link_refs(qr_buf *out, long n)
{
    qr_buf_adds(out, "# Growth\n\n");
    for (long i = 0; i < n; i++)
        qr_buf_addf(out, "See [link %ld][r%ld].\n", i, i);
    qr_buf_adds(out, "\n");
    for (long i = 0; i < n; i++)
        qr_buf_addf(out, "[r%ld]: https://example.org/%ld \"Title %ld\"\n", i, i, i);
}

/* Markdown: a table of n rows. */
static void S_md_table(qr_buf *out, long n)
{
    qr_buf_adds(out, "# Growth\n\n| name | ship | voyage |\n| --- | :-: | --: |\n");
    for (long i = 0; i < n; i++)
        qr_buf_addf(out, "| row %ld | *Pequod* | %ld |\n", i, i * 3);
}

/* Measuring ---------------------------------------------------------------- */

typedef struct S_cost {
    double cpu;  /* user + system seconds */
    long rss_kb; /* peak resident memory */
} S_cost;

static double S_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Runs quire on path (`build -f FORMAT -o OUTDIR`, or `trace` when format
 * is "trace") with stdout and stderr discarded, under GNU time, and fills c
 * from what it reports. Not from our own wait4: a child's peak memory
 * starts at its parent's (the pages fork copies count until exec), and the
 * runner is large and grows as the suite goes; time(1) is a small process
 * between the two. Returns quire's exit status, or -1 after failing the
 * case when it could not run or was killed as hung.
 */
static int S_run(const char *format, const char *path, const char *outdir, const char *report,
                 S_cost *c)
{
    const char *build[] = {
        "/usr/bin/time", "-f", "%U %S %M", "-o", report, S_quire(), "build", "-q", "-f",
        format,          "-o", outdir,     path, NULL};
    const char *trace[] = {"/usr/bin/time", "-f",    "%U %S %M", "-o", report,
                           S_quire(),       "trace", "-q",       path, NULL};
    const char *const *argv = strcmp(format, "trace") == 0 ? trace : build;
    if (access(argv[0], X_OK) != 0) {
        qt_fail(__FILE__, __LINE__, "%s is missing (Debian package time; .ci/deps installs it)",
                argv[0]);
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        qt_fail(__FILE__, __LINE__, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0); /* so that a hang kills time and quire together */
        int in = open("/dev/null", O_RDONLY);
        int out = open("/dev/null", O_WRONLY);
        dup2(in, 0);
        dup2(out, 1);
        dup2(out, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    double start = S_now();
    int status = 0;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR) {
            qt_fail(__FILE__, __LINE__, "waitpid: %s", strerror(errno));
            return -1;
        }
        if (S_now() - start > S_HANG_SECONDS) {
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            qt_fail(__FILE__, __LINE__, "%s: no result after %d s: killed", path, S_HANG_SECONDS);
            return -1;
        }
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
    /* "Command exited with non-zero status N" may come first: the numbers
     * are on the last line */
    qr_buf rep = QR_BUF_INIT;
    int ok = qt_read(report, &rep) == 0 && rep.len > 0;
    if (ok) {
        while (rep.len > 0 && rep.ptr[rep.len - 1] == '\n')
            rep.ptr[--rep.len] = '\0';
        const char *last = strrchr(rep.ptr, '\n');
        double user, sys;
        long kb;
        ok = sscanf(last ? last + 1 : rep.ptr, "%lf %lf %ld", &user, &sys, &kb) == 3;
        c->cpu = user + sys;
        c->rss_kb = kb;
    }
    if (!ok)
        qt_fail(__FILE__, __LINE__, "%s: no measure from time(1): \"%s\"", path,
                rep.ptr ? rep.ptr : "");
    qr_buf_release(&rep);
    if (!ok)
        return -1;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

typedef struct S_shape {
    const char *name;
    const char *ext;    /* ".txt" or ".md" */
    const char *format; /* "epub", "pdf" or "trace" */
    S_gen gen;
    long start, cap; /* n: the first tried, the largest tried */
} S_shape;

/* Writes the shape at n to DIR/NAME-N.EXT and measures a build of it
 * (exit 0 required). Returns 0, or -1 after failing the case. */
static int S_measure(const S_shape *s, const char *dir, long n, S_cost *c)
{
    qr_buf path = QR_BUF_INIT, data = QR_BUF_INIT, out = QR_BUF_INIT, report = QR_BUF_INIT;
    qr_buf_addf(&path, "%s/%s-%ld%s", dir, s->name, n, s->ext);
    qr_buf_addf(&out, "%s/out", dir);
    qr_buf_addf(&report, "%s/time.txt", dir);
    s->gen(&data, n);
    int rc = -1;
    if (qt_write(path.ptr, data.ptr, data.len) != 0) {
        qt_fail(__FILE__, __LINE__, "cannot write %s", path.ptr);
    } else {
        int status = S_run(s->format, path.ptr, out.ptr, report.ptr, c);
        if (status == 0)
            rc = 0;
        else if (status > 0)
            qt_fail(__FILE__, __LINE__, "%s (%zu bytes): quire %s exit %d", path.ptr, data.len,
                    s->format, status);
        if (qt_verbose())
            fprintf(stderr, "  %-24s n=%-8ld %9zu bytes  %7.3f s  %7ld KB\n", s->name, n, data.len,
                    c->cpu, c->rss_kb);
    }
    unlink(path.ptr);
    qr_buf_release(&path);
    qr_buf_release(&data);
    qr_buf_release(&out);
    qr_buf_release(&report);
    return rc;
}

/* The cheaper of two measures, in each dimension. */
static void S_keep_min(S_cost *best, const S_cost *c)
{
    if (c->cpu < best->cpu)
        best->cpu = c->cpu;
    if (c->rss_kb < best->rss_kb)
        best->rss_kb = c->rss_kb;
}

static double S_cpu_ratio(const S_cost *base, const S_cost *a, const S_cost *b)
{
    double ea = a->cpu - base->cpu, eb = b->cpu - base->cpu;
    return (eb > 0 ? eb : 0) / (ea > S_CPU_FLOOR ? ea : S_CPU_FLOOR);
}

static double S_mem_ratio(const S_cost *base, const S_cost *a, const S_cost *b)
{
    double ea = (double)(a->rss_kb - base->rss_kb), eb = (double)(b->rss_kb - base->rss_kb);
    return (eb > 0 ? eb : 0) / (ea > S_MEM_FLOOR ? ea : S_MEM_FLOOR);
}

/* The books of 4n run to megabytes each: they are not kept. */
static void S_remove_books(qr_buf *dir)
{
    qr_buf_adds(dir, "/out");
    const char *argv[] = {"rm", "-rf", dir->ptr, NULL};
    qt_run(argv, NULL, NULL, NULL);
}

static void S_check_shape(const S_shape *s)
{
    qr_buf dir = QR_BUF_INIT, name = QR_BUF_INIT;
    qr_buf_addf(&name, "growth-%s", s->name);
    qt_scratch(name.ptr, &dir);
    S_cost base, one, four, c;
    if (S_measure(s, dir.ptr, 1, &base) < 0)
        goto done;
    long n = s->start;
    for (;;) {
        if (S_measure(s, dir.ptr, n, &one) < 0)
            goto done;
        if (one.cpu - base.cpu >= S_MIN_CPU || n * 2 > s->cap)
            break;
        n *= 2;
    }
    if (S_measure(s, dir.ptr, 4 * n, &four) < 0)
        goto done;
    double rt = S_cpu_ratio(&base, &one, &four), rm = S_mem_ratio(&base, &one, &four);
    for (int again = 0; again < 2 && (rt >= S_MAX_RATIO || rm >= S_MAX_RATIO); again++) {
        if (S_measure(s, dir.ptr, n, &c) < 0)
            goto done;
        S_keep_min(&one, &c);
        if (S_measure(s, dir.ptr, 4 * n, &c) < 0)
            goto done;
        S_keep_min(&four, &c);
        rt = S_cpu_ratio(&base, &one, &four);
        rm = S_mem_ratio(&base, &one, &four);
    }
    if (qt_verbose())
        fprintf(stderr, "  %-24s n=%ld -> 4n: time x%.2f, memory x%.2f (over %.3f s, %ld KB)\n",
                s->name, n, rt, rm, base.cpu, base.rss_kb);
    if (rt >= S_MAX_RATIO)
        qt_fail(__FILE__, __LINE__,
                "%s (%s): CPU time grows x%.1f from n=%ld to 4n (%.3f s -> %.3f s, %.3f s for "
                "n=1); at most x%.0f allowed",
                s->name, s->format, rt, n, one.cpu, four.cpu, base.cpu, S_MAX_RATIO);
    if (rm >= S_MAX_RATIO)
        qt_fail(__FILE__, __LINE__,
                "%s (%s): peak memory grows x%.1f from n=%ld to 4n (%ld KB -> %ld KB, %ld KB "
                "for n=1); at most x%.0f allowed",
                s->name, s->format, rm, n, one.rss_kb, four.rss_kb, base.rss_kb, S_MAX_RATIO);
done:
    S_remove_books(&dir);
    qr_buf_release(&dir);
    qr_buf_release(&name);
}

/* Shapes ------------------------------------------------------------------ */

static const S_shape S_shapes[] = {
    {"long-paragraph", ".txt", "epub", S_long_paragraph, 20000, 4000000},
    {"many-chapters", ".txt", "epub", S_many_chapters, 1000, 200000},
    {"tiny-paragraphs", ".txt", "epub", S_tiny_paragraphs, 5000, 1000000},
    {"long-word", ".txt", "epub", S_long_word, 50000, 16000000},
    {"open-underscores", ".txt", "epub", S_open_underscores, 10000, 4000000},
    {"underscore-runs", ".txt", "epub", S_underscore_runs, 10000, 2000000},
    {"quote-marks", ".txt", "epub", S_quote_marks, 2000, 400000},
    {"gutenberg-contents", ".txt", "epub", S_gutenberg_contents, 500, 100000},
    {"pdf-long-paragraph", ".txt", "pdf", S_long_paragraph, 2000, 200000},
    {"pdf-many-chapters", ".txt", "pdf", S_many_chapters, 50, 5000},
    {"pdf-tiny-paragraphs", ".txt", "pdf", S_tiny_paragraphs, 500, 50000},
    {"pdf-long-word", ".txt", "pdf", S_long_word, 2000, 200000},
    {"trace-underscore-runs", ".txt", "trace", S_underscore_runs, 1000, 100000},
    {"md-brackets", ".md", "epub", S_md_brackets, 10000, 2000000},
    {"md-emphasis", ".md", "epub", S_md_emphasis, 10000, 2000000},
    {"md-nested-lists", ".md", "epub", S_md_nested_lists, 2000, 400000},
    {"md-quotes", ".md", "epub", S_md_quotes, 2000, 400000},
    {"md-link-refs", ".md", "epub", S_md_link_refs, 2000, 400000},
    {"md-table", ".md", "epub", S_md_table, 2000, 400000},
};

static const S_shape *S_current;

static void S_case(void)
{
    S_check_shape(S_current);
}

void suite_growth(void)
{
    qr_buf name = QR_BUF_INIT;
    for (size_t i = 0; i < QR_ARRAY_LEN(S_shapes); i++) {
        S_current = &S_shapes[i];
        qr_buf_reset(&name);
        qr_buf_addf(&name, "growth/%s", S_shapes[i].name);
        qt_case(name.ptr, S_case);
    }
    qr_buf_release(&name);
}
