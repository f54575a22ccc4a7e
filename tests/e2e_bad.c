/*
 * e2e_bad.c: the quire command against bad and extreme inputs, as a user
 * (or an attacker) could give them: special files, a 50 MB paragraph, a
 * 100,000-letter word, 100,000 chapters, 10,000 nested-looking lines, a
 * paragraph of underscores, a build interrupted by SIGINT or SIGTERM, a
 * read-only output folder, and titles that look like paths. Whatever the
 * input: no crash, no hang, no partial or lost book, nothing written
 * outside the output folder.
 *
 * Each run has a time limit (a hang fails the case instead of the suite);
 * with -v the runner prints the time and peak memory of the large builds.
 * The builds ask for the EPUB only (-f epub): the PDF edition is under way.
 */
#include <dirent.h>
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
#include <zlib.h>

#include "test.h"

/* Declared in test.h too; repeated so this file builds warning-free alone. */
void suite_bad(void);

static void S_report(const char *what, const qt_child *r)
{
    if (qt_verbose())
        fprintf(stderr, "  %s: exit %d, %.2f s, %ld MB peak memory\n", what, r->status, r->seconds,
                r->max_rss_kb / 1024);
}

static int S_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* Number of entries in a folder, less . and .., and whether any is a
 * temporary file (*.tmp.*). -1 if it cannot be read. */
static int S_count_files(const char *dir, int *tmp)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    if (tmp)
        *tmp = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        n++;
        if (tmp && strstr(e->d_name, ".tmp."))
            *tmp = 1;
    }
    closedir(d);
    return n;
}

/* Writes text to path, failing the case if it cannot. */
static void S_write(const char *path, const char *text, size_t len)
{
    if (qt_write(path, text, len) != 0)
        qt_fail(__FILE__, __LINE__, "cannot write %s", path);
}

/* Special files where a manuscript is expected: refused at once (66). ------ */

static void test_special_files(void)
{
    qr_buf dir = QR_BUF_INIT, path = QR_BUF_INIT, out = QR_BUF_INIT;
    qt_child r = {0};
    qt_scratch("bad-special", &dir);
    qr_buf_addf(&out, "%s/out", dir.ptr);
    /* a named pipe: opening it for reading must not wait for a writer */
    qr_buf_addf(&path, "%s/pipe.txt", dir.ptr);
    if (mkfifo(path.ptr, 0666) < 0) {
        qt_fail(__FILE__, __LINE__, "mkfifo %s: %s", path.ptr, strerror(errno));
    } else {
        const char *a[] = {"build", "-f", "epub", "-o", out.ptr, path.ptr, NULL};
        CHECK_INT_EQ(qt_child_run(a, 0, 0, 0, 20, &r), 66);
        CHECK_CONTAINS(r.err.ptr, "pipe.txt: error: not a regular file");
    }
    /* a device */
    const char *dev[] = {"build", "-f", "epub", "-o", out.ptr, "/dev/null", NULL};
    CHECK_INT_EQ(qt_child_run(dev, 0, 0, 0, 20, &r), 66);
    CHECK_CONTAINS(r.err.ptr, "/dev/null: error: not a regular file");
    /* a project whose seeds/ holds only a folder named like a manuscript */
    qr_buf_reset(&path);
    qr_buf_addf(&path, "%s/project/seeds/chapter.txt", dir.ptr);
    const char *mk[] = {"mkdir", "-p", path.ptr, NULL};
    qt_run(mk, NULL, NULL, NULL);
    qr_buf_reset(&path);
    qr_buf_addf(&path, "%s/project", dir.ptr);
    const char *proj[] = {"build", "-f", "epub", path.ptr, NULL};
    CHECK_INT_EQ(qt_child_run(proj, 0, 0, 0, 20, &r), 66);
    CHECK_CONTAINS(r.err.ptr, "error: no manuscript files in this folder");
    CHECK(!S_exists(out.ptr));
    qr_buf_release(&dir);
    qr_buf_release(&path);
    qr_buf_release(&out);
    qr_buf_release(&r.err);
}

/* Extremes of size: each must build, in bounded time. --------------------- */

/* Builds src into dir/out and checks the book: exit 0, one file named
 * `epub`, and the entry `entry` of it containing `needle` (may be NULL). */
static void S_build_big(const char *what, const char *dir, const char *src, const char *epub,
                        const char *entry, const char *needle)
{
    qr_buf out = QR_BUF_INIT, book = QR_BUF_INIT, text = QR_BUF_INIT;
    qt_child r = {0};
    qr_buf_addf(&out, "%s/out", dir);
    /* the reader and the EPUB writer at scale: --no-page-list, as laying
     * out 50 MB of one paragraph takes minutes and gigabytes (the
     * typesetter's growth is the growth suite's, its long words
     * bad/long-word-pdf's) */
    const char *a[] = {"build", "-f", "epub", "--no-page-list", "-o", out.ptr, src, NULL};
    if (qt_child_run(a, 0, 0, 0, 600, &r) != 0)
        qt_fail(__FILE__, __LINE__, "%s: exit %d: %s", what, r.status, r.err.ptr);
    S_report(what, &r);
    qr_buf_addf(&book, "%s/%s", out.ptr, epub);
    int tmp = 0;
    CHECK_INT_EQ(S_count_files(out.ptr, &tmp), 1);
    CHECK(!tmp);
    if (entry && r.status == 0) {
        if (qt_epub_entry(book.ptr, entry, &text) != 0)
            qt_fail(__FILE__, __LINE__, "%s: %s has no %s", what, book.ptr, entry);
        else if (needle && !strstr(text.ptr, needle))
            qt_fail(__FILE__, __LINE__, "%s: %s lacks \"%.60s\"", what, entry, needle);
    }
    qr_buf_release(&out);
    qr_buf_release(&book);
    qr_buf_release(&text);
    qr_buf_release(&r.err);
}

/* A paragraph of 50 MB on one line. */
static void test_huge_line(void)
{
    qr_buf dir = QR_BUF_INIT, src = QR_BUF_INIT, data = QR_BUF_INIT;
    qt_scratch("bad-huge-line", &dir);
    qr_buf_addf(&src, "%s/huge.txt", dir.ptr);
    static const char words[] = "lorem ipsum dolor sit amet, consectetur adipiscing elit; ";
    qr_buf_adds(&data, "Huge Line\n\n");
    while (data.len < 50u * 1024 * 1024)
        qr_buf_add(&data, words, sizeof words - 1);
    qr_buf_adds(&data, "the-last-words.\n");
    S_write(src.ptr, data.ptr, data.len);
    S_build_big("50 MB line", dir.ptr, src.ptr, "huge-line.epub", "EPUB/text/chapter-001.xhtml",
                "elit; the-last-words.</p>");
    qr_buf_release(&dir);
    qr_buf_release(&src);
    qr_buf_release(&data);
}

/* One word of 100,000 letters. */
static void test_long_word(void)
{
    qr_buf dir = QR_BUF_INIT, src = QR_BUF_INIT, data = QR_BUF_INIT, word = QR_BUF_INIT;
    qt_scratch("bad-long-word", &dir);
    qr_buf_addf(&src, "%s/word.txt", dir.ptr);
    for (int i = 0; i < 100000; i++)
        qr_buf_addc(&word, 'a' + i % 26);
    qr_buf_addf(&data, "Long Word\n\n%s\n", word.ptr);
    S_write(src.ptr, data.ptr, data.len);
    S_build_big("100,000-letter word", dir.ptr, src.ptr, "long-word.epub",
                "EPUB/text/chapter-001.xhtml", word.ptr);
    qr_buf_release(&dir);
    qr_buf_release(&src);
    qr_buf_release(&data);
    qr_buf_release(&word);
}

/* 100,000 chapters, a line of text each. */
static void test_many_chapters(void)
{
    qr_buf dir = QR_BUF_INIT, src = QR_BUF_INIT, data = QR_BUF_INIT;
    qt_scratch("bad-many-chapters", &dir);
    qr_buf_addf(&src, "%s/many.txt", dir.ptr);
    qr_buf_adds(&data, "Many Chapters\n\n");
    for (int i = 1; i <= 100000; i++)
        qr_buf_addf(&data, "CHAPTER %d\n\nThe text of chapter %d.\n\n", i, i);
    S_write(src.ptr, data.ptr, data.len);
    /* the title block is the book's title page (text/titlepage.xhtml), not
     * a chapter: chapter 100000 is chapter-100000 */
    S_build_big("100,000 chapters", dir.ptr, src.ptr, "many-chapters.epub",
                "EPUB/text/chapter-100000.xhtml", "The text of chapter 100000.");
    qr_buf_release(&dir);
    qr_buf_release(&src);
    qr_buf_release(&data);
}

/* 10,000 lines of '>' marks, one more on each line: what a deeply nested
 * block quote would look like in Markdown; in plain text, only text. */
static void test_nested_lines(void)
{
    qr_buf dir = QR_BUF_INIT, src = QR_BUF_INIT, data = QR_BUF_INIT;
    qt_scratch("bad-nested", &dir);
    qr_buf_addf(&src, "%s/nested.txt", dir.ptr);
    qr_buf_adds(&data, "Nested Quotes\n\n");
    for (int i = 1; i <= 10000; i++) {
        qr_buf_grow(&data, (size_t)i);
        memset(data.ptr + data.len, '>', (size_t)i);
        data.len += (size_t)i;
        qr_buf_addf(&data, " level %d\n", i);
    }
    S_write(src.ptr, data.ptr, data.len);
    S_build_big("10,000 nested lines", dir.ptr, src.ptr, "nested-quotes.epub",
                "EPUB/text/chapter-001.xhtml", "&gt; level 10000");
    qr_buf_release(&dir);
    qr_buf_release(&src);
    qr_buf_release(&data);
}

/* 400,000 underscores opening emphasis, and as many closing it: each once
 * nested one level deeper (a stack overflow), and the openers without a
 * closer took time growing with the square of their number. */
static void test_underscores(void)
{
    qr_buf dir = QR_BUF_INIT, src = QR_BUF_INIT, data = QR_BUF_INIT;
    qt_scratch("bad-underscores", &dir);
    qr_buf_addf(&src, "%s/under.txt", dir.ptr);
    qr_buf_adds(&data, "Underscores\n\n");
    for (int i = 0; i < 400000; i++)
        qr_buf_adds(&data, "_a ");
    qr_buf_addc(&data, 'b');
    for (int i = 0; i < 400000; i++)
        qr_buf_addc(&data, '_');
    qr_buf_adds(&data, "\n\n");
    for (int i = 0; i < 400000; i++)
        qr_buf_adds(&data, "_a ");
    qr_buf_adds(&data, "the end.\n");
    S_write(src.ptr, data.ptr, data.len);
    S_build_big("800,000 underscores", dir.ptr, src.ptr, "underscores.epub",
                "EPUB/text/chapter-001.xhtml", "_a _a the end.</p>");
    qr_buf_release(&dir);
    qr_buf_release(&src);
    qr_buf_release(&data);
}

/* Interrupted builds. ------------------------------------------------------ */

/*
 * SIGINT or SIGTERM while War and Peace is built over an older book of
 * the same name: the exit is by the signal (or non-zero), no temporary file
 * is left, and the book is the older one, whole, or (if the signal came
 * after the rename) the new one, whole. The signal is sent at 50 ms, then
 * at points spread over a build's time, up to and past its end (the
 * writing); the case passes only if at least one build was interrupted.
 */
static void S_interrupt(int sig, const char *name)
{
    qr_buf dir = QR_BUF_INIT, ref = QR_BUF_INIT, out = QR_BUF_INIT, book = QR_BUF_INIT;
    qr_buf refbook = QR_BUF_INIT, refdata = QR_BUF_INIT, now = QR_BUF_INIT;
    qt_child r = {0};
    const char *src = "tests/corpus/war-and-peace.txt";
    static const char old[] = "an older book of the same name";
    qr_buf_addf(&ref, "tests/out/bad-signal-%s", name);
    qt_scratch(ref.ptr + strlen("tests/out/"), &dir);
    qr_buf_reset(&ref);
    qr_buf_addf(&ref, "%s/ref", dir.ptr);
    qr_buf_addf(&out, "%s/out", dir.ptr);
    mkdir(out.ptr, 0777);
    qr_buf_addf(&book, "%s/war-and-peace.epub", out.ptr);
    qr_buf_addf(&refbook, "%s/war-and-peace.epub", ref.ptr);
    /* the whole build, uninterrupted: its bytes and its time */
    const char *a[] = {"build", "-f", "epub", "-o", ref.ptr, src, NULL};
    if (qt_child_run(a, 0, 0, 0, 300, &r) != 0 || qt_read(refbook.ptr, &refdata) != 0) {
        qt_fail(__FILE__, __LINE__, "%s: the reference build failed: %s", src, r.err.ptr);
        goto done;
    }
    double whole_ms = r.seconds * 1000;
    static const double at[] = {-50, 0.3, 0.6, 0.8, 0.9, 0.95, 0.98, 1.0, 1.02, 1.05};
    int interrupted = 0, finished = 0;
    for (size_t i = 0; i < QR_ARRAY_LEN(at); i++) {
        S_write(book.ptr, old, sizeof old - 1);
        double delay = at[i] < 0 ? -at[i] : at[i] * whole_ms;
        const char *b[] = {"build", "-f", "epub", "-o", out.ptr, src, NULL};
        int rc = qt_child_run(b, 0, sig, delay, 300, &r);
        if (rc == 0)
            finished++;
        else if (rc > 0)
            interrupted++;
        if (rc > 0 && rc != 128 + sig && qt_verbose())
            fprintf(stderr, "  %s at %.0f ms: exit %d: %s", name, delay, rc, r.err.ptr);
        int tmp = 0;
        CHECK_INT_EQ(S_count_files(out.ptr, &tmp), 1);
        if (tmp)
            qt_fail(__FILE__, __LINE__, "%s at %.0f ms: a temporary file is left", name, delay);
        qr_buf_reset(&now);
        CHECK_INT_EQ(qt_read(book.ptr, &now), 0);
        int is_old = now.len == sizeof old - 1 && memcmp(now.ptr, old, now.len) == 0;
        int is_new = now.len == refdata.len && memcmp(now.ptr, refdata.ptr, now.len) == 0;
        if (rc == 0 ? !is_new : !(is_old || is_new))
            qt_fail(__FILE__, __LINE__, "%s at %.0f ms (exit %d): the book is %s", name, delay, rc,
                    is_old ? "the old one" : "neither the old nor a whole new one");
    }
    if (qt_verbose())
        fprintf(stderr, "  %s: a build takes %.0f ms; %d of %zu runs interrupted\n", name, whole_ms,
                interrupted, QR_ARRAY_LEN(at));
    if (interrupted == 0)
        qt_fail(__FILE__, __LINE__, "%s: no build was interrupted (%d finished first)", name,
                finished);
done:
    qr_buf_release(&dir);
    qr_buf_release(&ref);
    qr_buf_release(&out);
    qr_buf_release(&book);
    qr_buf_release(&refbook);
    qr_buf_release(&refdata);
    qr_buf_release(&now);
    qr_buf_release(&r.err);
}

static void test_sigint(void)
{
    S_interrupt(SIGINT, "SIGINT");
}

static void test_sigterm(void)
{
    S_interrupt(SIGTERM, "SIGTERM");
}

/* A read-only output folder: 73, nothing written. ------------------------- */

static void test_readonly_output(void)
{
    qr_buf dir = QR_BUF_INIT, out = QR_BUF_INIT, sub = QR_BUF_INIT;
    qt_child r = {0};
    qt_scratch("bad-readonly", &dir);
    qr_buf_addf(&out, "%s/out", dir.ptr);
    qr_buf_addf(&sub, "%s/sub", out.ptr);
    mkdir(out.ptr, 0777);
    chmod(dir.ptr, 0755);
    chmod(out.ptr, 0555);
    /* Root writes through any mode bits: the build runs as nobody then. */
    int flags = geteuid() == 0 ? QT_RUN_NOBODY : 0;
    const char *seed = "seeds/000_5b71d4f8b3bd2c5d.txt";
    const char *a[] = {"build", "-f", "epub", "-o", out.ptr, seed, NULL};
    int rc = qt_child_run(a, flags, 0, 0, 60, &r);
    if (rc == QT_NOBODY_FAILED && strstr(r.err.ptr, "cannot become nobody")) {
        qt_skip("running as root, and cannot switch to the user nobody to make a read-only "
                "folder read-only");
        goto done;
    }
    if (rc == 127 || (flags && strstr(r.err.ptr, "cannot run"))) {
        qt_skip("running as root, and the user nobody cannot run quire from here");
        goto done;
    }
    CHECK_INT_EQ(rc, 73);
    CHECK_CONTAINS(r.err.ptr, "who-hacked-sony.epub: error: cannot create: Permission denied");
    CHECK_INT_EQ(S_count_files(out.ptr, NULL), 0);
    /* an output folder to be made inside it */
    const char *b[] = {"build", "-f", "epub", "-o", sub.ptr, seed, NULL};
    CHECK_INT_EQ(qt_child_run(b, flags, 0, 0, 60, &r), 73);
    CHECK_CONTAINS(r.err.ptr, "error: cannot create the output folder: Permission denied");
    CHECK_INT_EQ(S_count_files(out.ptr, NULL), 0);
done:
    chmod(out.ptr, 0755);
    qr_buf_release(&dir);
    qr_buf_release(&out);
    qr_buf_release(&sub);
    qr_buf_release(&r.err);
}

/* Titles that look like paths: the book stays in the output folder. ------- */

static void test_title_paths(void)
{
    static const struct {
        const char *file, *text, *epub;
    } cases[] = {
        {"a.txt", "../../evil/../name\n\nText.\n", "evil-name.epub"},
        {"b.txt", "/tmp/x\n\nText.\n", "tmp-x.epub"},
        {"dotdot.txt", "..\n\nText.\n", "dotdot.epub"},
        {"c.txt", "Title: ../../../etc/passwd\nAuthor: Nobody\n\nText.\n", "etc-passwd.epub"},
        {"d.txt", "\\..\\..\\windows\\evil.epub\n\nText.\n", "windows-evil-epub.epub"},
    };
    qr_buf dir = QR_BUF_INIT, src = QR_BUF_INIT, out = QR_BUF_INIT, path = QR_BUF_INIT;
    qr_buf data = QR_BUF_INIT;
    qt_child r = {0};
    qt_scratch("bad-paths", &dir);
    for (size_t i = 0; i < QR_ARRAY_LEN(cases); i++) {
        qr_buf_reset(&src);
        qr_buf_addf(&src, "%s/%s", dir.ptr, cases[i].file);
        S_write(src.ptr, cases[i].text, strlen(cases[i].text));
        qr_buf_reset(&out);
        qr_buf_addf(&out, "%s/out%zu/deeper", dir.ptr, i);
        const char *mk[] = {"mkdir", "-p", out.ptr, NULL};
        qt_run(mk, NULL, NULL, NULL);
        const char *a[] = {"build", "-f", "epub", "-o", out.ptr, src.ptr, NULL};
        CHECK_INT_EQ(qt_child_run(a, 0, 0, 0, 60, &r), 0);
        qr_buf_reset(&path);
        qr_buf_addf(&path, "%s/%s", out.ptr, cases[i].epub);
        if (!S_exists(path.ptr))
            qt_fail(__FILE__, __LINE__, "%s: expected %s", cases[i].file, path.ptr);
        CHECK_INT_EQ(S_count_files(out.ptr, NULL), 1);
        /* nothing beside the output folder, nor above it */
        qr_buf_reset(&path);
        qr_buf_addf(&path, "%s/out%zu", dir.ptr, i);
        CHECK_INT_EQ(S_count_files(path.ptr, NULL), 1);
    }
    CHECK_INT_EQ(S_count_files(dir.ptr, NULL), 2 * (int)QR_ARRAY_LEN(cases));
    CHECK(!S_exists("tests/out/evil") && !S_exists("tests/evil") && !S_exists("evil"));

    /* The book's name is a symbolic link to a file outside: the link is
     * replaced, the file it pointed to is left alone. */
    qr_buf_reset(&out);
    qr_buf_addf(&out, "%s/out0/deeper", dir.ptr);
    qr_buf_reset(&path);
    qr_buf_addf(&path, "%s/evil-name.epub", out.ptr);
    unlink(path.ptr);
    qr_buf outside = QR_BUF_INIT;
    qr_buf_addf(&outside, "%s/outside.txt", dir.ptr);
    S_write(outside.ptr, "outside", 7);
    if (symlink("../../outside.txt", path.ptr) < 0)
        qt_fail(__FILE__, __LINE__, "symlink: %s", strerror(errno));
    qr_buf_reset(&src);
    qr_buf_addf(&src, "%s/a.txt", dir.ptr);
    const char *a[] = {"build", "-f", "epub", "-o", out.ptr, src.ptr, NULL};
    CHECK_INT_EQ(qt_child_run(a, 0, 0, 0, 60, &r), 0);
    struct stat st;
    CHECK(lstat(path.ptr, &st) == 0 && S_ISREG(st.st_mode));
    CHECK(qt_read(outside.ptr, &data) == 0 && strcmp(data.ptr, "outside") == 0);
    qr_buf_release(&outside);
    qr_buf_release(&dir);
    qr_buf_release(&src);
    qr_buf_release(&out);
    qr_buf_release(&path);
    qr_buf_release(&data);
    qr_buf_release(&r.err);
}

/* The whole book, EPUB and PDF: a word longer than the measure. ---------- */

/* A 300-letter word and a 100,000-letter word: the PDF comes out, with the
 * words cut at the measure (no overfull line, no warning), every letter
 * kept. */
static void test_long_word_pdf(void)
{
    qr_buf dir = QR_BUF_INIT, src = QR_BUF_INIT, data = QR_BUF_INIT, out = QR_BUF_INIT;
    qr_buf pdf = QR_BUF_INIT, text = QR_BUF_INIT;
    qt_child r = {0};
    qt_scratch("bad-long-word-pdf", &dir);
    qr_buf_addf(&src, "%s/word.txt", dir.ptr);
    qr_buf_addf(&out, "%s/out", dir.ptr);
    qr_buf_adds(&data, "Long Word\n\nBefore the word ");
    for (int i = 0; i < 300; i++)
        qr_buf_addc(&data, 'a' + i % 26);
    qr_buf_adds(&data, " between the words ");
    for (int i = 0; i < 100000; i++)
        qr_buf_addc(&data, 'a' + i % 26);
    qr_buf_adds(&data, " after the words.\n");
    S_write(src.ptr, data.ptr, data.len);
    const char *a[] = {"build", "-o", out.ptr, src.ptr, NULL};
    if (qt_child_run(a, 0, 0, 0, 300, &r) != 0)
        qt_fail(__FILE__, __LINE__, "exit %d: %s", r.status, r.err.ptr);
    S_report("300- and 100,000-letter words, EPUB and PDF", &r);
    CHECK(!strstr(r.err.ptr, "overfull"));
    int tmp = 0;
    CHECK_INT_EQ(S_count_files(out.ptr, &tmp), 2);
    CHECK(!tmp);
    qr_buf_addf(&pdf, "%s/long-word.pdf", out.ptr);
    const char *pt[] = {"pdftotext", pdf.ptr, "-", NULL};
    if (qt_run(pt, NULL, &text, NULL) != 0) {
        qt_fail(__FILE__, __LINE__, "pdftotext %s failed", pdf.ptr);
    } else {
        CHECK_CONTAINS(text.ptr, "Before the word abcdefghij");
        CHECK_CONTAINS(text.ptr, "words.");
        /* every letter is there: the text less hyphens and line ends
         * holds both words whole */
        size_t k = 0;
        for (size_t i = 0; i < text.len; i++)
            if (text.ptr[i] != '-' && text.ptr[i] != '\n' && text.ptr[i] != '\f')
                text.ptr[k++] = text.ptr[i];
        text.ptr[k] = '\0';
        const char *w = strstr(data.ptr, "between the words ");
        if (w) {
            w += strlen("between the words ");
            CHECK(strstr(text.ptr, "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"));
            /* the long word's last letters (letter 99,999 is a 'd'), then
             * the text after it (a line end, left out above, may part them) */
            CHECK(strstr(text.ptr, "qrstuvwxyzabcd after the") ||
                  strstr(text.ptr, "qrstuvwxyzabcdafter the"));
            size_t letters = 0;
            for (const char *q = text.ptr; *q; q++)
                letters += *q >= 'a' && *q <= 'z';
            CHECK(letters >= 100300);
        }
    }
    qr_buf_release(&dir);
    qr_buf_release(&src);
    qr_buf_release(&data);
    qr_buf_release(&out);
    qr_buf_release(&pdf);
    qr_buf_release(&text);
    qr_buf_release(&r.err);
}

/* Images too large to decode: refused before decoding (65). -------------- */

/* Writes a grey PNG of w x h pixels, all black: a valid IHDR and zlib data
 * of zero rows, deflated (20000 x 20000 is about 390 KB). */
static void S_write_png(const char *path, unsigned w, unsigned h)
{
    qr_buf png = QR_BUF_INIT;
    static const char sig[] = "\x89PNG\r\n\x1a\n";
    qr_buf_add(&png, sig, 8);
    unsigned char ihdr[13] = {(unsigned char)(w >> 24), (unsigned char)(w >> 16),
                              (unsigned char)(w >> 8),  (unsigned char)w,
                              (unsigned char)(h >> 24), (unsigned char)(h >> 16),
                              (unsigned char)(h >> 8),  (unsigned char)h,
                              8, 0, 0, 0, 0};
    /* the deflated rows: each a filter byte and w zero bytes */
    z_stream z;
    memset(&z, 0, sizeof z);
    deflateInit(&z, 9);
    unsigned char *row = calloc(1, (size_t)w + 1);
    size_t cap = (size_t)w * h / 500 + 65536;
    unsigned char *idat = malloc(cap);
    z.next_out = idat;
    z.avail_out = (uInt)cap;
    for (unsigned y = 0; y < h; y++) {
        z.next_in = row;
        z.avail_in = w + 1;
        deflate(&z, y + 1 == h ? Z_FINISH : Z_NO_FLUSH);
    }
    size_t idat_len = cap - z.avail_out;
    deflateEnd(&z);
    const struct {
        const char *type;
        const unsigned char *data;
        size_t len;
    } chunks[] = {{"IHDR", ihdr, sizeof ihdr}, {"IDAT", idat, idat_len}, {"IEND", NULL, 0}};
    for (size_t i = 0; i < QR_ARRAY_LEN(chunks); i++) {
        unsigned char be[4] = {(unsigned char)(chunks[i].len >> 24),
                               (unsigned char)(chunks[i].len >> 16),
                               (unsigned char)(chunks[i].len >> 8), (unsigned char)chunks[i].len};
        qr_buf_add(&png, (const char *)be, 4);
        qr_buf_add(&png, chunks[i].type, 4);
        if (chunks[i].len)
            qr_buf_add(&png, (const char *)chunks[i].data, chunks[i].len);
        uLong crc = crc32(0, (const Bytef *)chunks[i].type, 4);
        if (chunks[i].len)
            crc = crc32(crc, chunks[i].data, (uInt)chunks[i].len);
        unsigned char c[4] = {(unsigned char)(crc >> 24), (unsigned char)(crc >> 16),
                              (unsigned char)(crc >> 8), (unsigned char)crc};
        qr_buf_add(&png, (const char *)c, 4);
    }
    S_write(path, png.ptr, png.len);
    free(row);
    free(idat);
    qr_buf_release(&png);
}

/* A 20000 x 20000 PNG (too long a side) and an 8000 x 8000 one (too many
 * pixels), each a few hundred KB: refused at the image's line:col in
 * bounded time and memory, nothing in the output folder. */
static void test_huge_image(void)
{
    static const struct {
        unsigned w, h;
        const char *message;
    } cases[] = {
        {20000, 20000,
         "seeds/ch.md:5:8: error: image 'images/huge.png' is 20000x20000 pixels; an image may "
         "have at most 10000 pixels a side and 40 million in all"},
        {8000, 8000, "seeds/ch.md:5:8: error: image 'images/huge.png' is 8000x8000 pixels"},
    };
    qr_buf dir = QR_BUF_INIT, path = QR_BUF_INIT, out = QR_BUF_INIT;
    qt_child r = {0};
    qt_scratch("bad-huge-image", &dir);
    qr_buf_addf(&path, "%s/seeds/images", dir.ptr);
    const char *mk[] = {"mkdir", "-p", path.ptr, NULL};
    qt_run(mk, NULL, NULL, NULL);
    qr_buf_reset(&path);
    qr_buf_addf(&path, "%s/seeds/ch.md", dir.ptr);
    static const char md[] = "# Chapter\n\nText.\n\n![alt](images/huge.png)\n";
    S_write(path.ptr, md, sizeof md - 1);
    qr_buf_addf(&out, "%s/dist", dir.ptr);
    /* the memory of the same build failing on a missing image: a decoded
     * 8000 x 8000 image would add 256 MB, a 20000 x 20000 one 1.6 GB
     * (relative, so that a sanitizer's own memory does not count) */
    const char *a0[] = {"build", dir.ptr, NULL};
    CHECK_INT_EQ(qt_child_run(a0, 0, 0, 0, 60, &r), 66);
    long base_kb = r.max_rss_kb;
    for (size_t i = 0; i < QR_ARRAY_LEN(cases); i++) {
        qr_buf_reset(&path);
        qr_buf_addf(&path, "%s/seeds/images/huge.png", dir.ptr);
        S_write_png(path.ptr, cases[i].w, cases[i].h);
        const char *a[] = {"build", dir.ptr, NULL};
        CHECK_INT_EQ(qt_child_run(a, 0, 0, 0, 60, &r), 65);
        S_report("a huge PNG", &r);
        CHECK_CONTAINS(r.err.ptr, cases[i].message);
        if (r.max_rss_kb > base_kb + 64 * 1024)
            qt_fail(__FILE__, __LINE__, "a %ux%u PNG took %ld KB, %ld KB more than a missing image",
                    cases[i].w, cases[i].h, (long)r.max_rss_kb, (long)(r.max_rss_kb - base_kb));
        CHECK(!S_exists(out.ptr));
    }
    qr_buf_release(&dir);
    qr_buf_release(&path);
    qr_buf_release(&out);
    qr_buf_release(&r.err);
}

/* An unknown font: 64 from the command line, 65 at book.yaml's line:col
 * when it named it, and no output folder. ------------------------------ */

static void test_unknown_font(void)
{
    qr_buf dir = QR_BUF_INIT, path = QR_BUF_INIT, out = QR_BUF_INIT;
    qt_child r = {0};
    qt_scratch("bad-font", &dir);
    qr_buf_addf(&path, "%s/seeds", dir.ptr);
    mkdir(path.ptr, 0777);
    qr_buf_adds(&path, "/01.txt");
    S_write(path.ptr, "Title\n\nText.\n", 13);
    qr_buf_addf(&out, "%s/dist", dir.ptr);
    const char *a[] = {"build", "--font", "No Such Font", dir.ptr, NULL};
    CHECK_INT_EQ(qt_child_run(a, 0, 0, 0, 60, &r), 64);
    CHECK_CONTAINS(r.err.ptr, "quire: error: font 'No Such Font' not found");
    CHECK(!S_exists(out.ptr));
    qr_buf_reset(&path);
    qr_buf_addf(&path, "%s/book.yaml", dir.ptr);
    static const char yaml[] = "title: X\nprint: {font: No Such Font}\n";
    S_write(path.ptr, yaml, sizeof yaml - 1);
    const char *b[] = {"build", dir.ptr, NULL};
    CHECK_INT_EQ(qt_child_run(b, 0, 0, 0, 60, &r), 65);
    CHECK_CONTAINS(r.err.ptr, "book.yaml:2:15: error: print.font 'No Such Font' not found");
    CHECK(!S_exists(out.ptr));
    /* the trace too */
    const char *c[] = {"trace", dir.ptr, NULL};
    CHECK_INT_EQ(qt_child_run(c, 0, 0, 0, 60, &r), 65);
    CHECK_CONTAINS(r.err.ptr, "book.yaml:2:15: error: print.font");
    qr_buf_release(&dir);
    qr_buf_release(&path);
    qr_buf_release(&out);
    qr_buf_release(&r.err);
}

void suite_bad(void)
{
    qt_case("bad/special-files", test_special_files);
    qt_case("bad/huge-line", test_huge_line);
    qt_case("bad/long-word", test_long_word);
    qt_case("bad/many-chapters", test_many_chapters);
    qt_case("bad/nested-lines", test_nested_lines);
    qt_case("bad/underscores", test_underscores);
    qt_case("bad/sigint", test_sigint);
    qt_case("bad/sigterm", test_sigterm);
    qt_case("bad/readonly-output", test_readonly_output);
    qt_case("bad/title-paths", test_title_paths);
    qt_case("bad/long-word-pdf", test_long_word_pdf);
    qt_case("bad/huge-image", test_huge_image);
    qt_case("bad/unknown-font", test_unknown_font);
}
