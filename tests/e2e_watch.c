/*
 * e2e_watch.c: quire watch rebuilds with what the earlier builds set (issue
 * 13: "rebuild only what changed"). After each edit the watched book must
 * be, byte for byte, the book a fresh `quire build` makes of the same
 * files, and the rebuild line must say how many paragraphs came from the
 * layout cache: all but the one edited after a one-word change, so the
 * test fails when the cache gives nothing back as when it gives back too
 * much. Each wait is bounded (60 s).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

static const char *S_quire(void)
{
    const char *q = getenv("QUIRE");
    return q && *q ? q : "./quire";
}

/* The book's time stamp, for the watched and the fresh builds alike. */
#define S_EPOCH "SOURCE_DATE_EPOCH=1700000000"

/* Replaces the first `from` in the file with `to`; 0 when it did. */
static int S_edit(const char *path, const char *from, const char *to)
{
    qr_buf s = QR_BUF_INIT, t = QR_BUF_INIT;
    int rc = -1;
    const char *at;
    if (qt_read(path, &s) == 0 && (at = strstr(s.ptr, from)) != NULL) {
        qr_buf_add(&t, s.ptr, (size_t)(at - s.ptr));
        qr_buf_adds(&t, to);
        qr_buf_adds(&t, at + strlen(from));
        rc = qt_write(path, t.ptr, t.len);
    }
    qr_buf_release(&s);
    qr_buf_release(&t);
    return rc;
}

/* The counts of the log's n-th build line ("... built in 0.12 s (R of T
 * paragraphs reused)", 0 the first); 0 when it has them. */
static int S_counts(const char *log, int n, long *reused, long *total)
{
    qr_buf b = QR_BUF_INIT;
    int rc = -1;
    const char *p = NULL;
    if (qt_read(log, &b) == 0) {
        p = b.ptr;
        for (int i = 0; i <= n && p; i++)
            if ((p = strstr(p, "] ")) != NULL && (p = strstr(p, "built in")) != NULL && i < n)
                p++;
    }
    const char *eol = p ? strchr(p, '\n') : NULL, *paren = p ? strchr(p, '(') : NULL;
    if (paren && eol && paren < eol &&
        sscanf(paren, "(%ld of %ld paragraphs reused)", reused, total) == 2)
        rc = 0;
    qr_buf_release(&b);
    return rc;
}

/* The paragraphs the layout cache keeps after the log's n-th build (-v:
 * "the layout cache keeps K paragraphs"), or -1. */
static long S_kept(const char *log, int n)
{
    qr_buf b = QR_BUF_INIT;
    long kept = -1;
    const char *p = NULL;
    if (qt_read(log, &b) == 0) {
        p = b.ptr;
        for (int i = 0; i <= n && p; i++)
            if ((p = strstr(p, "the layout cache keeps ")) != NULL && i < n)
                p++;
    }
    if (p && sscanf(p, "the layout cache keeps %ld", &kept) != 1)
        kept = -1;
    qr_buf_release(&b);
    return kept;
}

/* Whether the watched book (EPUB and PDF) is what a fresh build makes. */
static int S_same_as_fresh(const char *book, const char *fresh)
{
    const char *env[] = {S_EPOCH, NULL};
    const char *argv[] = {S_quire(), "build", "-q", book, "-o", fresh, NULL};
    if (qt_run(argv, env, NULL, NULL) != 0)
        return 0;
    int same = 1;
    static const char *const ext[] = {"epub", "pdf"};
    for (size_t i = 0; i < QR_ARRAY_LEN(ext); i++) {
        qr_buf a = QR_BUF_INIT, f = QR_BUF_INIT;
        qr_buf_addf(&a, "%s/dist/reused.%s", book, ext[i]);
        qr_buf_addf(&f, "%s/reused.%s", fresh, ext[i]);
        if (!qt_same_file(a.ptr, f.ptr)) {
            qt_fail(__FILE__, __LINE__, "%s differs from a fresh build's %s", a.ptr, f.ptr);
            same = 0;
        }
        qr_buf_release(&a);
        qr_buf_release(&f);
    }
    return same;
}

/*
 * A book of two chapters (quire init's, with links, notes, lists and a
 * table; A Christmas Carol, 94 pages) watched in both formats, then: one
 * word changed; emphasis added around words whose text stays (the
 * markup, not the text, makes a paragraph); new paragraphs with a new
 * link, a new note and a character no font has (warned of on every
 * build); the word back; another font in book.yaml (nothing reusable).
 */
static void test_watch_reuse(void)
{
    qr_buf dir = QR_BUF_INIT, log = QR_BUF_INIT, fresh = QR_BUF_INIT, ch1 = QR_BUF_INIT;
    qr_buf carol = QR_BUF_INIT, yaml = QR_BUF_INIT, text = QR_BUF_INIT;
    qt_scratch("watch-reuse", &dir);
    qr_buf_addf(&log, "%s/watch.log", dir.ptr);
    qr_buf_addf(&fresh, "%s/fresh", dir.ptr);
    qr_buf_adds(&dir, "/book");
    const char *init[] = {S_quire(), "init", "-q", "--title", "Reused", dir.ptr, NULL};
    CHECK_INT_EQ(qt_run(init, NULL, NULL, NULL), 0);
    qr_buf_addf(&ch1, "%s/seeds/01-first-chapter.md", dir.ptr);
    qr_buf_addf(&carol, "%s/seeds/02-carol.txt", dir.ptr);
    qr_buf_addf(&yaml, "%s/book.yaml", dir.ptr);
    CHECK_INT_EQ(qt_read("tests/corpus/christmas-carol.txt", &text), 0);
    CHECK_INT_EQ(qt_write(carol.ptr, text.ptr, text.len), 0);
    long reused = -1, total = -1;
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log.ptr, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        dup2(fd, 1);
        dup2(fd, 2);
        int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        putenv(S_EPOCH);
        execl(S_quire(), S_quire(), "watch", "-v", dir.ptr, (char *)NULL);
        _exit(127);
    }
    if (!qt_wait_for(log.ptr, "Ctrl-C stops", 1, 60)) {
        qt_fail(__FILE__, __LINE__, "watch did not start");
        goto stop;
    }
    CHECK(S_same_as_fresh(dir.ptr, fresh.ptr));
    /* the first build: only the paragraphs the book repeats ("* * *") */
    long repeated = -1;
    CHECK_INT_EQ(S_counts(log.ptr, 0, &repeated, &total), 0);
    CHECK(total > 500 && repeated >= 0 && repeated < total / 20);

    /* one word: every paragraph but its own comes from the cache */
    CHECK_INT_EQ(S_edit(carol.ptr, "to begin with", "to start with"), 0);
    if (!qt_wait_for(log.ptr, "changed: built in", 1, 60)) {
        qt_fail(__FILE__, __LINE__, "no rebuild after a one-word edit");
        goto stop;
    }
    CHECK_INT_EQ(S_counts(log.ptr, 1, &reused, &total), 0);
    CHECK(total > 500);
    CHECK_INT_EQ(reused, total - 1);
    CHECK(S_same_as_fresh(dir.ptr, fresh.ptr));
    /* what the build did not use is dropped: the edited paragraph's old
     * text is not kept, each paragraph the book repeats is kept once */
    CHECK_INT_EQ(S_kept(log.ptr, 1), total - repeated);

    /* the same text, emphasised: that paragraph is set anew */
    CHECK_INT_EQ(S_edit(ch1.ptr, "Write in plain", "Write *in plain*"), 0);
    if (!qt_wait_for(log.ptr, "changed: built in", 2, 60)) {
        qt_fail(__FILE__, __LINE__, "no rebuild after an emphasis");
        goto stop;
    }
    CHECK_INT_EQ(S_counts(log.ptr, 2, &reused, &total), 0);
    CHECK_INT_EQ(reused, total - 1);
    CHECK(S_same_as_fresh(dir.ptr, fresh.ptr));

    /* new words, a new link and a new note; a character no font has
     * (an Egyptian hieroglyph) */
    CHECK_INT_EQ(S_edit(ch1.ptr, "> A block quote",
                        "Quite unheard-of words: zymurgical [quiddities](https://example.net/q) "
                        "and a second note.[^2]\n\n[^2]: Set at the foot, numbered 2.\n\n"
                        "The sign \xF0\x93\x80\x80 stands for a man.\n\n> A block quote"),
                 0);
    if (!qt_wait_for(log.ptr, "changed: built in", 3, 60)) {
        qt_fail(__FILE__, __LINE__, "no rebuild after new text");
        goto stop;
    }
    CHECK_INT_EQ(S_counts(log.ptr, 3, &reused, &total), 0);
    CHECK(reused > 0 && reused + 3 <= total);
    CHECK(S_same_as_fresh(dir.ptr, fresh.ptr));
    CHECK(qt_wait_for(log.ptr, "U+13000", 1, 0));

    /* a word back: the paragraph with the hieroglyph is set again too, so
     * that each build warns of it as a fresh one does */
    CHECK_INT_EQ(S_edit(carol.ptr, "to start with", "to begin with"), 0);
    if (!qt_wait_for(log.ptr, "changed: built in", 4, 60)) {
        qt_fail(__FILE__, __LINE__, "no rebuild after a word back");
        goto stop;
    }
    CHECK_INT_EQ(S_counts(log.ptr, 4, &reused, &total), 0);
    CHECK_INT_EQ(reused, total - 2);
    CHECK(qt_wait_for(log.ptr, "U+13000", 2, 0));
    CHECK(S_same_as_fresh(dir.ptr, fresh.ptr));

    /* another font: nothing set in the old one is reused, only what the
     * book repeats */
    CHECK_INT_EQ(S_edit(yaml.ptr, "font: EB Garamond 12", "font: Noto Sans Mono"), 0);
    if (!qt_wait_for(log.ptr, "changed: built in", 5, 60)) {
        qt_fail(__FILE__, __LINE__, "no rebuild after a font change");
        goto stop;
    }
    CHECK_INT_EQ(S_counts(log.ptr, 5, &reused, &total), 0);
    CHECK_INT_EQ(reused, repeated);
    /* the old font's paragraphs are dropped; the hieroglyph's is not kept */
    CHECK_INT_EQ(S_kept(log.ptr, 5), total - repeated - 1);
    CHECK(S_same_as_fresh(dir.ptr, fresh.ptr));
stop:;
    qt_stop_watch(pid, log.ptr);
    qr_buf_release(&dir);
    qr_buf_release(&log);
    qr_buf_release(&fresh);
    qr_buf_release(&ch1);
    qr_buf_release(&carol);
    qr_buf_release(&yaml);
    qr_buf_release(&text);
}

void suite_watch(void)
{
    qt_case("watch/reuse", test_watch_reuse);
}
