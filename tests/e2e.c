/*
 * e2e.c: end-to-end tests of the quire command, as a user runs it: exit
 * codes and diagnostics, what lands in the output folder, EPUBCheck on every
 * book built, byte-identical rebuilds, and the words of the source in the
 * book.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

/* The program under test: $QUIRE (a sanitizer build, say), else ./quire. */
static const char *S_quire_path(void)
{
    const char *q = getenv("QUIRE");
    return q && *q ? q : "./quire";
}
#define QUIRE S_quire_path()

/* Runs quire with the arguments up to a NULL; returns its exit status. */
static int S_quire(qr_buf *out, qr_buf *err, const char *const env[], ...)
{
    const char *argv[16] = {QUIRE};
    int n = 1;
    va_list ap;
    va_start(ap, env);
    const char *a;
    while (n < 15 && (a = va_arg(ap, const char *)))
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    return qt_run(argv, env, out, err);
}

#define RUN(out, err, ...) S_quire(out, err, NULL, __VA_ARGS__, (const char *)NULL)

static int S_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Number of entries in a folder, less . and .. */
static int S_count_files(const char *dir)
{
    qr_buf out = QR_BUF_INIT;
    const char *argv[] = {"ls", "-A", dir, NULL};
    qt_run(argv, NULL, &out, NULL);
    int n = 0;
    for (size_t i = 0; i < out.len; i++)
        n += out.ptr[i] == '\n';
    qr_buf_release(&out);
    return n;
}

static void test_version_help(void)
{
    qr_buf out = QR_BUF_INIT, err = QR_BUF_INIT;
    CHECK_INT_EQ(RUN(&out, &err, "--version"), 0);
    CHECK(strncmp(out.ptr, "quire ", 6) == 0);
    qr_buf_reset(&out);
    CHECK_INT_EQ(RUN(&out, &err, "--help"), 0);
    CHECK_CONTAINS(out.ptr, "Usage: quire build");
    qr_buf_reset(&out);
    CHECK_INT_EQ(RUN(&out, &err, "build", "--help"), 0);
    CHECK_CONTAINS(out.ptr, "--format");
    qr_buf_release(&out);
    qr_buf_release(&err);
}

static void test_usage_errors(void)
{
    qr_buf err = QR_BUF_INIT;
    CHECK_INT_EQ(RUN(NULL, &err, NULL), 64);
    CHECK_CONTAINS(err.ptr, "Usage");
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "frobnicate"), 64);
    CHECK_CONTAINS(err.ptr, "unknown command");
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "build", "--bogus"), 64);
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "build", "--format", "docx", "."), 64);
    CHECK_CONTAINS(err.ptr, "unknown format 'docx'");
    qr_buf_reset(&err);
    const char *env[] = {"SOURCE_DATE_EPOCH=yesterday", NULL};
    CHECK_INT_EQ(S_quire(NULL, &err, env, "build", "-o", "tests/out/usage", "seeds/000_5b71d4f8b3bd2c5d.txt", (const char *)NULL), 64);
    CHECK_CONTAINS(err.ptr, "SOURCE_DATE_EPOCH");
    qr_buf_release(&err);
}

static void test_missing_input(void)
{
    qr_buf dir = QR_BUF_INIT, err = QR_BUF_INIT;
    qt_scratch("missing", &dir);
    CHECK_INT_EQ(RUN(NULL, &err, "build", "tests/out/missing/nothing.txt"), 66);
    CHECK_CONTAINS(err.ptr, "tests/out/missing/nothing.txt: error: cannot open");
    qr_buf_reset(&err);
    /* a project folder without seeds/ */
    CHECK_INT_EQ(RUN(NULL, &err, "build", dir.ptr), 66);
    CHECK_CONTAINS(err.ptr, "seeds: error:");
    qr_buf_reset(&err);
    /* a folder among files */
    CHECK_INT_EQ(RUN(NULL, &err, "build", "seeds/000_5b71d4f8b3bd2c5d.txt", dir.ptr), 66);
    CHECK_CONTAINS(err.ptr, "is a directory");
    qr_buf_release(&dir);
    qr_buf_release(&err);
}

/* Bad manuscripts: a gcc-style message naming file, line and column, exit
 * 65, and nothing in the output folder. */
static void test_bad_input(void)
{
    qr_buf dir = QR_BUF_INIT, err = QR_BUF_INIT, path = QR_BUF_INIT, out = QR_BUF_INIT;
    qt_scratch("bad", &dir);
    qr_buf_addf(&out, "%s/dist", dir.ptr);
    static const struct {
        const char *name, *data;
        size_t len;
        const char *message;
    } cases[] = {
        {"utf8.txt", "Title\n\nGood text here.\nbad \xFF byte\n", 30,
         "utf8.txt:4:5: error: invalid UTF-8"},
        {"nul.txt", "Title\n\nA NUL\0 inside\n", 22, "nul.txt:3:6: error: NUL byte"},
        {"empty.txt", "", 0, "empty.txt: error: empty manuscript"},
        {"blank.txt", "\n\n   \n", 6, "blank.txt: error: empty manuscript"},
    };
    for (size_t i = 0; i < QR_ARRAY_LEN(cases); i++) {
        qr_buf_reset(&path);
        qr_buf_addf(&path, "%s/%s", dir.ptr, cases[i].name);
        qt_write(path.ptr, cases[i].data, cases[i].len);
        qr_buf_reset(&err);
        CHECK_INT_EQ(RUN(NULL, &err, "build", "-o", out.ptr, path.ptr), 65);
        CHECK_CONTAINS(err.ptr, cases[i].message);
        CHECK(!S_exists(out.ptr) || S_count_files(out.ptr) == 0);
    }
    qr_buf_release(&dir);
    qr_buf_release(&err);
    qr_buf_release(&path);
    qr_buf_release(&out);
}

static void test_output_errors(void)
{
    qr_buf err = QR_BUF_INIT, dir = QR_BUF_INIT, path = QR_BUF_INIT;
    qt_scratch("outerr", &dir);
    qr_buf_addf(&path, "%s/file", dir.ptr);
    qt_write(path.ptr, "x", 1);
    /* the output folder is a file */
    CHECK_INT_EQ(RUN(NULL, &err, "build", "-o", path.ptr, "seeds/000_5b71d4f8b3bd2c5d.txt"), 73);
    CHECK_CONTAINS(err.ptr, "error: output path is not a folder");
    /* the output folder cannot be made */
    qr_buf_addc(&path, '/');
    qr_buf_adds(&path, "sub");
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "build", "-o", path.ptr, "seeds/000_5b71d4f8b3bd2c5d.txt"), 73);
    CHECK_CONTAINS(err.ptr, "cannot create the output folder");
    qr_buf_release(&err);
    qr_buf_release(&dir);
    qr_buf_release(&path);
}

/*
 * A write that fails half-way (a file-size limit, as a full disk would)
 * exits 74, leaves no temporary file, and leaves the older book as it was.
 */
static void test_failed_write_keeps_old_book(void)
{
    qr_buf dir = QR_BUF_INIT, err = QR_BUF_INIT, book = QR_BUF_INIT, copy = QR_BUF_INIT;
    qt_scratch("atomic", &dir);
    CHECK_INT_EQ(RUN(NULL, &err, "build", "-o", dir.ptr, "."), 0);
    qr_buf_addf(&book, "%s/who-hacked-sony.epub", dir.ptr);
    CHECK(qt_read(book.ptr, &copy) == 0 && copy.len > 50000);
    qr_buf pdf = QR_BUF_INIT, pdf_copy = QR_BUF_INIT;
    qr_buf_addf(&pdf, "%s/who-hacked-sony.pdf", dir.ptr);
    CHECK(qt_read(pdf.ptr, &pdf_copy) == 0 && pdf_copy.len > 20 * 1024);
    qr_buf cmd = QR_BUF_INIT;
    qr_buf_addf(&cmd, "ulimit -f 20; exec %s build -o %s tests/corpus/moby-dick.txt "
                      "seeds/000_5b71d4f8b3bd2c5d.txt",
                QUIRE, dir.ptr);
    const char *argv[] = {"sh", "-c", cmd.ptr, NULL};
    qr_buf_reset(&err);
    /* Moby-Dick first: the book takes its title and file name */
    int rc = qt_run(argv, NULL, NULL, &err);
    CHECK_INT_EQ(rc, 74);
    CHECK_CONTAINS(err.ptr, "error: write error: File too large");
    CHECK_INT_EQ(S_count_files(dir.ptr), 2); /* the old books, no temporary file */
    /* and the same with the old book's own name */
    qr_buf_reset(&cmd);
    qr_buf_addf(&cmd, "ulimit -f 20; exec %s build -o %s tests/corpus/moby-dick.txt",
                QUIRE, dir.ptr);
    qr_buf_reset(&err);
    CHECK_INT_EQ(qt_run(argv, NULL, NULL, &err), 74);
    qr_buf_reset(&cmd);
    qr_buf_addf(&cmd, "ulimit -f 20; exec %s build -o %s .", QUIRE, dir.ptr);
    const char *argv2[] = {"sh", "-c", cmd.ptr, NULL};
    /* the seed book is larger than 20 KB too: its rebuild fails, the old stays */
    qr_buf_reset(&err);
    CHECK_INT_EQ(qt_run(argv2, NULL, NULL, &err), 74);
    qr_buf now = QR_BUF_INIT;
    CHECK(qt_read(book.ptr, &now) == 0 && now.len == copy.len &&
          memcmp(now.ptr, copy.ptr, now.len) == 0);
    qr_buf_reset(&now);
    CHECK(qt_read(pdf.ptr, &now) == 0 && now.len == pdf_copy.len &&
          memcmp(now.ptr, pdf_copy.ptr, now.len) == 0);
    CHECK_INT_EQ(S_count_files(dir.ptr), 2);
    qr_buf_release(&pdf);
    qr_buf_release(&pdf_copy);
    qr_buf_release(&now);
    qr_buf_release(&cmd);
    qr_buf_release(&dir);
    qr_buf_release(&err);
    qr_buf_release(&book);
    qr_buf_release(&copy);
}

/* `quire build DIR` reads the files in DIR/seeds in name order into DIR/dist. */
static void test_project_folder(void)
{
    qr_buf dir = QR_BUF_INIT, path = QR_BUF_INIT, err = QR_BUF_INIT, text = QR_BUF_INIT;
    qt_scratch("project", &dir);
    qr_buf_addf(&path, "%s/seeds", dir.ptr);
    mkdir(path.ptr, 0777);
    static const char *const files[][2] = {
        {"02-second.txt", "The Second Chapter\n\nSecond words.\n"},
        {"01-first.txt", "The First Chapter\n\nFirst words.\n"},
        {".hidden.txt", "Hidden\n\nNever read.\n"},
        {"03-third.txt~", "Backup\n\nNever read either.\n"},
    };
    for (size_t i = 0; i < QR_ARRAY_LEN(files); i++) {
        qr_buf_reset(&path);
        qr_buf_addf(&path, "%s/seeds/%s", dir.ptr, files[i][0]);
        qt_write(path.ptr, files[i][1], strlen(files[i][1]));
    }
    qr_buf out = QR_BUF_INIT;
    CHECK_INT_EQ(RUN(&out, &err, "build", dir.ptr), 0);
    CHECK_STR_EQ(err.ptr, ""); /* silent when not on a terminal */
    CHECK_STR_EQ(out.ptr, "");
    qr_buf_reset(&path);
    qr_buf_addf(&path, "%s/dist/the-first-chapter.epub", dir.ptr);
    CHECK(S_exists(path.ptr));
    qt_epubcheck(path.ptr);
    int docs = 0;
    CHECK_INT_EQ(qt_epub_spine_text(path.ptr, &text, &text, NULL, &docs), 0);
    const char *first = strstr(text.ptr, "First words");
    const char *second = strstr(text.ptr, "Second words");
    CHECK(first && second && first < second);
    CHECK(!strstr(text.ptr, "Never read"));
    /* -v says what it does */
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "build", "-v", dir.ptr), 0);
    CHECK_CONTAINS(err.ptr, "reading");
    CHECK_CONTAINS(err.ptr, "wrote");
    /* options may follow the folder, as with GNU tools */
    qr_buf out_dir = QR_BUF_INIT;
    qr_buf_addf(&out_dir, "%s/elsewhere", dir.ptr);
    CHECK_INT_EQ(RUN(NULL, NULL, "build", dir.ptr, "-f", "epub", "-o", out_dir.ptr), 0);
    qr_buf_reset(&path);
    qr_buf_addf(&path, "%s/the-first-chapter.epub", out_dir.ptr);
    CHECK(S_exists(path.ptr));
    qr_buf_release(&out_dir);
    qr_buf_release(&out);
    qr_buf_release(&dir);
    qr_buf_release(&path);
    qr_buf_release(&err);
    qr_buf_release(&text);
}

/* Line k of the source: [*s, *s + *len), trimmed. */
typedef struct src_line {
    const char *s;
    size_t len;
} src_line;

static void S_norm(const char *s, size_t len, qr_buf *out)
{
    qr_buf_reset(out);
    int space = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t') {
            space = out->len > 0;
            continue;
        }
        if (space)
            qr_buf_addc(out, ' ');
        space = 0;
        qr_buf_addc(out, (char)(c >= 'a' && c <= 'z' ? c - 32 : c));
    }
}

/*
 * Finds the printed contents list: from a line "Contents" to the last of
 * the lines after it that each stand again, as a heading, later in the
 * text, before three blank lines in a row. Sets [*from, *to) in bytes; 0 if there is none.
 */
static int S_find_contents(const qr_buf *src, size_t *from, size_t *to)
{
    src_line *lines = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < src->len;) {
        size_t e = i;
        while (e < src->len && src->ptr[e] != '\n')
            e++;
        size_t b = i, f = e;
        while (b < f && (src->ptr[b] == ' ' || src->ptr[b] == '\t'))
            b++;
        while (f > b && (src->ptr[f - 1] == '\r' || src->ptr[f - 1] == ' '))
            f--;
        if (n == cap)
            lines = xrealloc(lines, (cap = cap ? cap * 2 : 1024) * sizeof *lines);
        lines[n].s = src->ptr + b;
        lines[n].len = f - b;
        n++;
        i = e + 1;
    }
    int found = 0;
    qr_buf a = QR_BUF_INIT, b = QR_BUF_INIT;
    for (size_t k = 0; k < n / 5 && !found; k++) {
        S_norm(lines[k].s, lines[k].len, &a);
        if (strcmp(a.ptr, "CONTENTS") != 0 && strcmp(a.ptr, "CONTENTS.") != 0)
            continue;
        size_t last = k;
        int blank = 0;
        for (size_t j = k + 1; j < n; j++) {
            if (lines[j].len == 0) {
                if (++blank >= 3 && last > k)
                    break; /* the list ends at a wide gap */
                continue;
            }
            blank = 0;
            S_norm(lines[j].s, lines[j].len, &a);
            int again = 0;
            for (size_t m = j + 1; m < n && !again; m++) {
                if (lines[m].len == 0)
                    continue;
                S_norm(lines[m].s, lines[m].len, &b);
                /* "I.     A Scandal" in the list is "I. A SCANDAL" in the text;
                 * "EXTRACTS (Supplied by...)." may stand as "EXTRACTS." */
                size_t bl = b.len;
                int dot = bl && b.ptr[bl - 1] == '.';
                if (dot)
                    bl--;
                again = strcmp(a.ptr, b.ptr) == 0 ||
                        (dot && bl >= 4 && !memchr(b.ptr, ' ', bl) && strncmp(a.ptr, b.ptr, bl) == 0 &&
                         a.ptr[bl] == ' ');
            }
            if (!again)
                break;
            last = j;
        }
        if (last > k) {
            *from = (size_t)(lines[k].s - src->ptr);
            *to = (size_t)(lines[last].s + lines[last].len - src->ptr);
            found = 1;
        }
    }
    qr_buf_release(&a);
    qr_buf_release(&b);
    free(lines);
    return found;
}

/* Checks that the words of src[from, to) are in text, in order. */
static void S_check_words(const char *what, const char *src, size_t from, size_t to,
                          const qr_buf *text)
{
    char missing[256];
    long words = qt_words_in_order(src + from, to - from, text->ptr, text->len, missing,
                                   sizeof missing);
    if (words < 0)
        qt_fail(__FILE__, __LINE__, "%s: a word is missing or out of order: %s", what, missing);
    else if (qt_verbose())
        fprintf(stderr, "  %s: %ld words in order\n", what, words);
}

/*
 * Builds a book from `src`, then checks what every book must be: EPUBCheck
 * clean, the same bytes when built again, every word of the source in the
 * book in order. Appends the book's text and package document.
 */
static void S_check_book(const char *name, const char *src, const char *epub_name,
                         qr_buf *text, qr_buf *opf)
{
    qr_buf dir = QR_BUF_INIT, err = QR_BUF_INIT, epub = QR_BUF_INIT, again = QR_BUF_INIT;
    qr_buf source = QR_BUF_INIT, nav = QR_BUF_INIT, what = QR_BUF_INIT;
    qt_scratch(name, &dir);
    if (RUN(NULL, &err, "build", "-f", "epub", "-o", dir.ptr, src) != 0) {
        qt_fail(__FILE__, __LINE__, "build %s failed: %s", src, err.ptr);
        goto done;
    }
    qr_buf_addf(&epub, "%s/%s", dir.ptr, epub_name);
    qr_buf_addf(&again, "%s/again", dir.ptr);
    mkdir(again.ptr, 0777);
    CHECK_INT_EQ(RUN(NULL, &err, "build", "-f", "epub", "-o", again.ptr, src), 0);
    qr_buf_addf(&again, "/%s", epub_name);
    if (!qt_same_file(epub.ptr, again.ptr))
        qt_fail(__FILE__, __LINE__, "%s: two builds differ", src);
    qt_epubcheck(epub.ptr);
    int docs = 0;
    CHECK_INT_EQ(qt_epub_spine_text(epub.ptr, &nav, text, opf, &docs), 0);
    CHECK(docs >= 2);

    /*
     * Every word, in order. A Gutenberg header moves to the back matter, and
     * a printed contents list becomes the navigation: each is checked on its
     * own, the rest of the book as one run.
     */
    CHECK_INT_EQ(qt_read(src, &source), 0);
    const char *start = strstr(source.ptr, "*** START OF");
    const char *body = start ? strchr(start, '\n') : NULL;
    /* a header of fields alone ends at its first blank line */
    const char *s0 = source.ptr + (strncmp(source.ptr, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0);
    if (!body && strncmp(s0, "Title:", 6) == 0) {
        const char *lf = strstr(s0, "\n\n"), *crlf = strstr(s0, "\r\n\r\n");
        body = crlf && (!lf || crlf < lf) ? crlf : lf;
    }
    size_t split = body ? (size_t)(body - source.ptr) : 0;
    split = qt_past_credits(source.ptr, source.len, split);
    size_t cfrom = 0, cto = 0;
    if (S_find_contents(&source, &cfrom, &cto) && cfrom >= split) {
        qr_buf_addf(&what, "%s (its contents list, in the navigation)", src);
        S_check_words(what.ptr, source.ptr, cfrom, cto, &nav);
        /* the book without its contents list */
        qr_buf rest = QR_BUF_INIT;
        qr_buf_add(&rest, source.ptr + split, cfrom - split);
        qr_buf_addc(&rest, '\n');
        qr_buf_add(&rest, source.ptr + cto, source.len - cto);
        qr_buf_reset(&what);
        qr_buf_addf(&what, "%s (the book)", src);
        S_check_words(what.ptr, rest.ptr, 0, rest.len, text);
        qr_buf_release(&rest);
    } else {
        qr_buf_reset(&what);
        qr_buf_addf(&what, "%s (the book)", src);
        S_check_words(what.ptr, source.ptr, split, source.len, text);
    }
    if (split) {
        qr_buf_reset(&what);
        qr_buf_addf(&what, "%s (the Gutenberg header)", src);
        S_check_words(what.ptr, source.ptr, 0, split, text);
    }
done:
    qr_buf_release(&dir);
    qr_buf_release(&err);
    qr_buf_release(&epub);
    qr_buf_release(&again);
    qr_buf_release(&source);
    qr_buf_release(&nav);
    qr_buf_release(&what);
}

/*
 * The books the tests build: the seed and the corpus. Each must pass
 * S_check_book, and its package and text must hold what is listed.
 */
static const struct book_case {
    const char *name, *src, *epub;
    const char *in_opf[3];
    const char *in_text[3];
} books[] = {
    {"seed", "seeds/000_5b71d4f8b3bd2c5d.txt", "who-hacked-sony.epub",
     {"<dc:title>Who Hacked Sony?</dc:title>", "urn:uuid:"},
     {"Who Hacked Sony?"}},
    {"moby-dick", "tests/corpus/moby-dick.txt", "moby-dick-or-the-whale.epub",
     {"Herman Melville", "https://www.gutenberg.org/ebooks/2701"},
     {"CHAPTER 135. The Chase.—Third Day.", "Call me Ishmael."}},
    {"pride-and-prejudice", "tests/corpus/pride-and-prejudice.txt", "pride-and-prejudice.epub",
     {"Jane Austen"},
     {"Chapter 61"}},
    {"war-and-peace", "tests/corpus/war-and-peace.txt", "war-and-peace.epub",
     {"Louise and Aylmer Maude"},
     {"SECOND EPILOGUE"}},
    {"japanese", "tests/corpus/kasei-no-kioku-ja.txt", "kasei-no-kioku-the-memory-of-mars.epub",
     {"<dc:language>ja</dc:language>"},
     {"火星の記憶"}},
    {"frankenstein", "tests/corpus/frankenstein.txt",
     "frankenstein-or-the-modern-prometheus.epub",
     {"Mary Wollstonecraft (Godwin) Shelley"},
     {"Letter 4"}},
    {"sherlock-holmes", "tests/corpus/sherlock-holmes.txt",
     "the-adventures-of-sherlock-holmes.epub",
     {"Arthur Conan Doyle"},
     {"XII. THE ADVENTURE OF THE COPPER BEECHES"}},
};

static const struct book_case *current_book;

static void test_book(void)
{
    const struct book_case *bc = current_book;
    qr_buf text = QR_BUF_INIT, opf = QR_BUF_INIT;
    S_check_book(bc->name, bc->src, bc->epub, &text, &opf);
    for (size_t i = 0; i < QR_ARRAY_LEN(bc->in_opf) && bc->in_opf[i]; i++)
        CHECK_CONTAINS(opf.ptr, bc->in_opf[i]);
    for (size_t i = 0; i < QR_ARRAY_LEN(bc->in_text) && bc->in_text[i]; i++)
        CHECK_CONTAINS(text.ptr, bc->in_text[i]);
    qr_buf_release(&text);
    qr_buf_release(&opf);
}

static void test_source_date_epoch(void)
{
    qr_buf dir = QR_BUF_INIT, opf = QR_BUF_INIT, path = QR_BUF_INIT;
    qt_scratch("sde", &dir);
    const char *env[] = {"SOURCE_DATE_EPOCH=1609556645", NULL};
    CHECK_INT_EQ(S_quire(NULL, NULL, env, "build", "-o", dir.ptr, ".", (const char *)NULL), 0);
    qr_buf_addf(&path, "%s/who-hacked-sony.epub", dir.ptr);
    int docs;
    qr_buf text = QR_BUF_INIT;
    CHECK_INT_EQ(qt_epub_spine_text(path.ptr, &text, &text, &opf, &docs), 0);
    CHECK_CONTAINS(opf.ptr, ">2021-01-02T03:04:05Z<");
    qr_buf_release(&dir);
    qr_buf_release(&opf);
    qr_buf_release(&path);
    qr_buf_release(&text);
}

void suite_e2e(void)
{
    qt_case("cli/version-help", test_version_help);
    qt_case("cli/usage-errors", test_usage_errors);
    qt_case("cli/missing-input", test_missing_input);
    qt_case("cli/bad-input", test_bad_input);
    qt_case("cli/output-errors", test_output_errors);
    qt_case("cli/failed-write-keeps-old-book", test_failed_write_keeps_old_book);
    qt_case("cli/project-folder", test_project_folder);
    qt_case("book/source-date-epoch", test_source_date_epoch);
    for (size_t i = 0; i < QR_ARRAY_LEN(books); i++) {
        char name[64];
        snprintf(name, sizeof name, "book/%s", books[i].name);
        current_book = &books[i];
        qt_case(name, test_book);
    }
}
