/*
 * e2e_cli.c: the command line as a new user meets it (issue 13): quire
 * init then build, -o naming a file or nested folders, -M over book.yaml,
 * a manuscript on standard input, one-line hints for typos and unknown
 * fonts, --check writing nothing, and diagnostics with colour and a caret.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

static const char *S_quire(void)
{
    const char *q = getenv("QUIRE");
    return q && *q ? q : "./quire";
}

/* Runs quire with the arguments up to a NULL, env (may be NULL) added. */
static int S_run(qr_buf *out, qr_buf *err, const char *const env[], ...)
{
    const char *argv[24] = {S_quire()};
    int n = 1;
    va_list ap;
    va_start(ap, env);
    const char *a;
    while (n < 23 && (a = va_arg(ap, const char *)))
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    return qt_run(argv, env, out, err);
}
#define RUN(out, err, ...) S_run(out, err, NULL, __VA_ARGS__, (const char *)NULL)

/* Runs a shell command line with $QUIRE set (for pipes into quire). */
static int S_sh(const char *script, qr_buf *out, qr_buf *err)
{
    char q[4096];
    snprintf(q, sizeof q, "QUIRE=%s", S_quire());
    const char *env[] = {q, NULL};
    const char *argv[] = {"sh", "-c", script, NULL};
    return qt_run(argv, env, out, err);
}

static int S_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static int S_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_init_then_build(void)
{
    qr_buf dir = QR_BUF_INIT, p = QR_BUF_INIT, out = QR_BUF_INIT, err = QR_BUF_INIT;
    qr_buf yaml = QR_BUF_INIT;
    qt_scratch("cli-init", &dir);
    qr_buf_adds(&dir, "/my-book");
    CHECK_INT_EQ(RUN(&out, &err, "init", dir.ptr, "--title", "Harbour \"Lights\"", "--author",
                     "Ada Quill"),
                 0);
    static const char *const made[] = {"book.yaml", "seeds/01-first-chapter.md",
                                       "styles/epub.css", ".gitignore", "images"};
    for (size_t i = 0; i < QR_ARRAY_LEN(made); i++) {
        qr_buf_reset(&p);
        qr_buf_addf(&p, "%s/%s", dir.ptr, made[i]);
        if (!S_exists(p.ptr))
            qt_fail(__FILE__, __LINE__, "quire init made no %s", p.ptr);
    }
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/book.yaml", dir.ptr);
    CHECK_INT_EQ(qt_read(p.ptr, &yaml), 0);
    /* every key the manifest knows is there, set or commented out */
    static const char *const keys[] = {
        "title:",  "subtitle:", "author:",   "language:", "isbn:",    "identifier:",
        "publisher:", "date:",  "rights:",   "description:", "subjects:", "series:",
        "cover:",  "chapters:", "print:",    "trim:",     "margins:", "font:",
        "size:",   "leading:",  "epub:",     "stylesheet:", "accessibility:", "summary:",
        "features:", "hazards:", "access_modes:", "access_modes_sufficient:", "conforms_to:", "headings:", "pattern:", "lines:",
        "level:",  "rules:"};
    for (size_t i = 0; i < QR_ARRAY_LEN(keys); i++)
        CHECK_CONTAINS(yaml.ptr, keys[i]);
    CHECK_CONTAINS(yaml.ptr, "title: \"Harbour \\\"Lights\\\"\"");
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/.gitignore", dir.ptr);
    qr_buf_reset(&out);
    CHECK_INT_EQ(qt_read(p.ptr, &out), 0);
    CHECK_CONTAINS(out.ptr, "/dist/");

    /* it builds at once, with no warning, and the EPUB is valid */
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "build", dir.ptr), 0);
    CHECK_STR_EQ(err.ptr, "");
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/dist/harbour-lights.epub", dir.ptr);
    CHECK(S_exists(p.ptr));
    qt_epubcheck(p.ptr);
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/dist/harbour-lights.pdf", dir.ptr);
    CHECK(S_exists(p.ptr));
    /* the title and author are the book's */
    qr_buf_reset(&out);
    CHECK_INT_EQ(RUN(&out, NULL, "dump", dir.ptr), 0);
    CHECK_CONTAINS(out.ptr, "Harbour “Lights”");
    CHECK_CONTAINS(out.ptr, "Ada Quill");

    /* nothing is overwritten: exit 73, naming the file, the file as it was */
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "init", dir.ptr, "--title", "Other"), 73);
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/book.yaml: error: already exists", dir.ptr);
    CHECK_CONTAINS(err.ptr, p.ptr);
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/book.yaml", dir.ptr);
    qr_buf_reset(&out);
    CHECK_INT_EQ(qt_read(p.ptr, &out), 0);
    CHECK_STR_EQ(out.ptr, yaml.ptr);

    /* one file there is enough to stop it, before anything is written */
    qt_scratch("cli-init2", &dir);
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/.gitignore", dir.ptr);
    CHECK_INT_EQ(qt_write(p.ptr, "x\n", 2), 0);
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "init", dir.ptr), 73);
    CHECK_CONTAINS(err.ptr, ".gitignore: error: already exists");
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/book.yaml", dir.ptr);
    CHECK(!S_exists(p.ptr));
    /* placeholders without --title */
    qt_scratch("cli-init2", &dir);
    CHECK_INT_EQ(RUN(NULL, NULL, "init", dir.ptr), 0);
    CHECK_INT_EQ(RUN(NULL, NULL, "build", "-f", "epub", dir.ptr), 0);
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/dist/the-title-of-the-book.epub", dir.ptr);
    CHECK(S_exists(p.ptr));
    qr_buf_release(&dir);
    qr_buf_release(&p);
    qr_buf_release(&out);
    qr_buf_release(&err);
    qr_buf_release(&yaml);
}

static void test_out_names(void)
{
    qr_buf dir = QR_BUF_INIT, p = QR_BUF_INIT, err = QR_BUF_INIT;
    qt_scratch("cli-out", &dir);
    const char *seed = "seeds/000_5b71d4f8b3bd2c5d.txt";
    /* nested folders are made */
    qr_buf_addf(&p, "%s/a/b/c", dir.ptr);
    CHECK_INT_EQ(RUN(NULL, &err, "build", "-o", p.ptr, seed), 0);
    qr_buf_adds(&p, "/who-hacked-sony.epub");
    CHECK(S_exists(p.ptr));
    /* a file name picks the format and the path */
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/x/y/book.epub", dir.ptr);
    CHECK_INT_EQ(RUN(NULL, &err, "build", "-o", p.ptr, seed), 0);
    CHECK(S_exists(p.ptr));
    qt_epubcheck(p.ptr);
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/x/y/who-hacked-sony.pdf", dir.ptr);
    CHECK(!S_exists(p.ptr));
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/Book.PDF", dir.ptr);
    CHECK_INT_EQ(RUN(NULL, &err, "build", seed, "-o", p.ptr), 0);
    qr_buf out = QR_BUF_INIT;
    CHECK_INT_EQ(qt_read(p.ptr, &out), 0);
    CHECK(strncmp(out.ptr, "%PDF-", 5) == 0);
    qr_buf_release(&out);
    /* a file name and a format that disagree */
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "build", "-f", "epub", "-o", p.ptr, seed), 64);
    CHECK_CONTAINS(err.ptr, "writes the PDF alone");
    /* a file where a folder should be */
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/Book.PDF/deeper", dir.ptr);
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "build", "-o", p.ptr, seed), 73);
    qr_buf_release(&dir);
    qr_buf_release(&p);
    qr_buf_release(&err);
}

static void test_metadata(void)
{
    qr_buf dir = QR_BUF_INIT, p = QR_BUF_INIT, out = QR_BUF_INIT, err = QR_BUF_INIT;
    qt_scratch("cli-meta", &dir);
    CHECK_INT_EQ(RUN(NULL, NULL, "init", dir.ptr, "--title", "From Yaml", "--author", "Y. Aml"),
                 0);
    /* -M and --metadata beat book.yaml */
    CHECK_INT_EQ(RUN(&out, &err, "dump", dir.ptr, "-M", "title=From the Command Line",
                     "--metadata", "author=C. Line", "-M", "date=2026-05-01"),
                 0);
    CHECK_CONTAINS(out.ptr, "From the Command Line");
    CHECK(!strstr(out.ptr, "From Yaml"));
    CHECK_CONTAINS(out.ptr, "C. Line");
    CHECK(!strstr(out.ptr, "Y. Aml"));
    /* the file name follows the title */
    CHECK_INT_EQ(RUN(NULL, NULL, "build", "-f", "epub", dir.ptr, "-M", "title=Renamed"), 0);
    qr_buf_addf(&p, "%s/dist/renamed.epub", dir.ptr);
    CHECK(S_exists(p.ptr));
    qt_epubcheck(p.ptr);
    /* a key it does not know, a bad date, no '=' */
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "dump", dir.ptr, "-M", "titel=X"), 64);
    CHECK_CONTAINS(err.ptr, "unknown metadata key 'titel'; did you mean title?");
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "dump", dir.ptr, "-M", "date=yesterday"), 64);
    CHECK_CONTAINS(err.ptr, "'yesterday' is not a date");
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "dump", dir.ptr, "-M", "title"), 64);
    qr_buf_release(&dir);
    qr_buf_release(&p);
    qr_buf_release(&out);
    qr_buf_release(&err);
}

static void test_stdin(void)
{
    qr_buf out = QR_BUF_INIT, err = QR_BUF_INIT, dir = QR_BUF_INIT, p = QR_BUF_INIT;
    /* plain text by default: the asterisks stay */
    CHECK_INT_EQ(S_sh("printf 'Fog Signals\\n\\nA *plain* line.\\n' | \"$QUIRE\" dump -", &out,
                      &err),
                 0);
    CHECK_CONTAINS(out.ptr, "text \"A *plain* line.\"");
    /* Markdown with --from markdown */
    qr_buf_reset(&out);
    CHECK_INT_EQ(S_sh("printf '# Fog Signals\\n\\nA *marked* line.\\n' | "
                      "\"$QUIRE\" dump --from markdown -",
                      &out, &err),
                 0);
    CHECK_CONTAINS(out.ptr, "emph");
    CHECK_CONTAINS(out.ptr, "marked");
    /* a book from stdin, a diagnostic naming it */
    qt_scratch("cli-stdin", &dir);
    char script[1024];
    snprintf(script, sizeof script,
             "printf '# Fog\\n\\nWords.\\n' | \"$QUIRE\" build --from markdown "
             "-M title=Piped -o %s/piped.epub -",
             dir.ptr);
    CHECK_INT_EQ(S_sh(script, NULL, NULL), 0);
    qr_buf_addf(&p, "%s/piped.epub", dir.ptr);
    qt_epubcheck(p.ptr);
    qr_buf_reset(&err);
    CHECK_INT_EQ(S_sh("printf 'ok\\n\\nbad \\001 byte\\n' | \"$QUIRE\" dump -", NULL, &err), 65);
    CHECK_CONTAINS(err.ptr, "<stdin>:3:5: error:");
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "dump", "--from", "docx", "-"), 64);
    qr_buf_release(&out);
    qr_buf_release(&err);
    qr_buf_release(&dir);
    qr_buf_release(&p);
}

static void test_hints(void)
{
    qr_buf out = QR_BUF_INIT, err = QR_BUF_INIT, dir = QR_BUF_INIT;
    /* a typo: one line, the closest option, not the help */
    CHECK_INT_EQ(RUN(NULL, &err, "build", "--fromat", "epub", "."), 64);
    CHECK_CONTAINS(err.ptr, "did you mean --format?");
    CHECK_INT_EQ(S_lines(err.ptr), 1);
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "build", "--no-pagelist", "."), 64);
    CHECK_CONTAINS(err.ptr, "did you mean --no-page-list?");
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "build", "--zzzzzzzz", "."), 64);
    CHECK(!strstr(err.ptr, "did you mean"));
    CHECK_INT_EQ(S_lines(err.ptr), 1);
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "biuld"), 64);
    CHECK_CONTAINS(err.ptr, "did you mean build?");
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "build", "-o"), 64);
    CHECK_CONTAINS(err.ptr, "'-o' needs a value");
    /* a folder without seeds/ says what to do */
    qt_scratch("cli-noseeds", &dir);
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "build", dir.ptr), 66);
    CHECK_CONTAINS(err.ptr, "quire build FILE...");
    CHECK_CONTAINS(err.ptr, "chapters:");
    /* a font fontconfig lacks: 64, the near families, never a CJK face */
    qr_buf reset = QR_BUF_INIT;
    qr_buf_release(&reset);
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "build", "--font", "EB Garamnd", "-f", "pdf", "-o", dir.ptr,
                     "seeds/000_5b71d4f8b3bd2c5d.txt"),
                 64);
    CHECK_CONTAINS(err.ptr, "'EB Garamond 12'");
    CHECK(!strstr(err.ptr, "CJK"));
    CHECK_INT_EQ(S_lines(err.ptr), 1);
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "build", "--font", "Noto Serif", "-f", "pdf", "-o", dir.ptr,
                     "seeds/000_5b71d4f8b3bd2c5d.txt"),
                 64);
    CHECK(!strstr(err.ptr, "CJK"));
    /* --list-fonts: all of them, quire's own among them */
    CHECK_INT_EQ(RUN(&out, NULL, "--list-fonts"), 0);
    CHECK_CONTAINS(out.ptr, "EB Garamond 12\n");
    CHECK(S_lines(out.ptr) >= 3);
    qr_buf_release(&out);
    qr_buf_release(&err);
    qr_buf_release(&dir);
}

static void test_check_and_quiet(void)
{
    qr_buf dir = QR_BUF_INIT, p = QR_BUF_INIT, err = QR_BUF_INIT;
    qt_scratch("cli-check", &dir);
    CHECK_INT_EQ(RUN(NULL, NULL, "init", dir.ptr), 0);
    /* --check writes nothing, not even the folder */
    qr_buf_addf(&p, "%s/dist", dir.ptr);
    CHECK_INT_EQ(RUN(NULL, &err, "build", "--check", dir.ptr), 0);
    CHECK(!S_exists(p.ptr));
    CHECK_CONTAINS(err.ptr, "not written");
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "build", "--check", "-q", dir.ptr), 0);
    CHECK_STR_EQ(err.ptr, "");
    /* and fails as the build would */
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/book.yaml", dir.ptr);
    CHECK_INT_EQ(qt_write(p.ptr, "title: Fog\nprint: {trim: b7}\n", 29), 0);
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "build", "--check", dir.ptr), 65);
    CHECK_CONTAINS(err.ptr, "book.yaml:2:15: error: print.trim");
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/dist", dir.ptr);
    CHECK(!S_exists(p.ptr));
    qr_buf_release(&dir);
    qr_buf_release(&p);
    qr_buf_release(&err);
}

static void test_diagnostics(void)
{
    qr_buf dir = QR_BUF_INIT, p = QR_BUF_INIT, err = QR_BUF_INIT;
    qt_scratch("cli-diag", &dir);
    qr_buf_addf(&p, "%s/bad.txt", dir.ptr);
    CHECK_INT_EQ(qt_write(p.ptr, "Title\n\nsome \tx\001y words\n", 24), 0);
    /* the line and a caret under the column, as gcc shows them */
    CHECK_INT_EQ(RUN(NULL, &err, "dump", p.ptr), 65);
    CHECK_CONTAINS(err.ptr, ":3:8: error: ");
    CHECK_CONTAINS(err.ptr, "\n    3 | some \tx?y words\n      |      \t ^\n");
    CHECK(!strstr(err.ptr, "\033["));
    /* colour when asked, or on a terminal; never with NO_COLOR or never */
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "--color=always", "dump", p.ptr), 65);
    CHECK_CONTAINS(err.ptr, "\033[1;31merror:\033[0m");
    qr_buf_reset(&err);
    const char *nocolor[] = {"NO_COLOR=1", NULL};
    CHECK_INT_EQ(S_run(NULL, &err, nocolor, "dump", p.ptr, (const char *)NULL), 65);
    CHECK(!strstr(err.ptr, "\033["));
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "dump", "--color=never", p.ptr), 65);
    CHECK(!strstr(err.ptr, "\033["));
    qr_buf_reset(&err);
    CHECK_INT_EQ(RUN(NULL, &err, "dump", "--color=often", p.ptr), 64);
    /* on a terminal (script(1) gives one), unless NO_COLOR */
    if (access("/usr/bin/script", X_OK) == 0) {
        char cmd[2048];
        snprintf(cmd, sizeof cmd, "script -qec '\"$QUIRE\" dump %s' /dev/null", p.ptr);
        qr_buf out = QR_BUF_INIT;
        S_sh(cmd, &out, NULL);
        CHECK_CONTAINS(out.ptr, "\033[1;31merror:");
        qr_buf_reset(&out);
        snprintf(cmd, sizeof cmd, "NO_COLOR=1 script -qec '\"$QUIRE\" dump %s' /dev/null", p.ptr);
        S_sh(cmd, &out, NULL);
        CHECK_CONTAINS(out.ptr, "error:");
        CHECK(!strstr(out.ptr, "\033[1;31m"));
        qr_buf_release(&out);
    }
    qr_buf_release(&dir);
    qr_buf_release(&p);
    qr_buf_release(&err);
}

/* Whether the EPUB at path has `word` in its text. */
static int S_epub_has(const char *path, const char *word)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' 'EPUB/*.xhtml' | grep -c '%s'", path, word);
    qr_buf out = QR_BUF_INIT;
    S_sh(cmd, &out, NULL);
    int has = atoi(out.ptr) > 0;
    qr_buf_release(&out);
    return has;
}

/*
 * quire watch: a build at the start, one line per rebuild after an edit,
 * the last good book kept when a rebuild fails, a burst of saves built
 * once, and Ctrl-C ending it with status 0. Each wait is bounded (60 s).
 */
static void test_watch(void)
{
    qr_buf dir = QR_BUF_INIT, log = QR_BUF_INIT, ch = QR_BUF_INIT, epub = QR_BUF_INIT;
    qr_buf good = QR_BUF_INIT, now = QR_BUF_INIT, text = QR_BUF_INIT;
    qt_scratch("cli-watch", &dir);
    /* the log in the fresh scratch folder, beside (not in) the book: no
     * older run's lines */
    qr_buf_addf(&log, "%s/watch.log", dir.ptr);
    qr_buf_adds(&dir, "/book");
    CHECK_INT_EQ(RUN(NULL, NULL, "init", dir.ptr, "-q", "--title", "Watched"), 0);
    qr_buf_addf(&ch, "%s/seeds/01-first-chapter.md", dir.ptr);
    qr_buf_addf(&epub, "%s/dist/watched.epub", dir.ptr);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log.ptr, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        dup2(fd, 1);
        dup2(fd, 2);
        int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        execl(S_quire(), S_quire(), "watch", "-f", "epub", dir.ptr, (char *)NULL);
        _exit(127);
    }
    if (!qt_wait_for(log.ptr, "Ctrl-C stops", 1, 60)) {
        qt_fail(__FILE__, __LINE__, "watch did not start");
        goto stop;
    }
    CHECK(qt_wait_for(log.ptr, "] built in", 1, 1));
    CHECK(!S_epub_has(epub.ptr, "Moonrakers"));
    /* an edit: a rebuild line naming the file, the word in the book */
    CHECK_INT_EQ(qt_read(ch.ptr, &text), 0);
    qr_buf_adds(&text, "\nThe Moonrakers sailed at dawn.\n");
    CHECK_INT_EQ(qt_write(ch.ptr, text.ptr, text.len), 0);
    if (!qt_wait_for(log.ptr, "01-first-chapter.md changed: built in", 1, 60)) {
        qt_fail(__FILE__, __LINE__, "no rebuild line after an edit");
        goto stop;
    }
    CHECK(S_epub_has(epub.ptr, "Moonrakers"));
    CHECK_INT_EQ(qt_read(epub.ptr, &good), 0);
    /* a bad edit: the diagnostic, a failed line, the last good book kept */
    qr_buf_adds(&text, "A \001 control character.\n");
    CHECK_INT_EQ(qt_write(ch.ptr, text.ptr, text.len), 0);
    if (!qt_wait_for(log.ptr, "build failed (exit 65)", 1, 60)) {
        qt_fail(__FILE__, __LINE__, "no failure line after a bad edit");
        goto stop;
    }
    CHECK(qt_wait_for(log.ptr, "01-first-chapter.md:", 1, 1));
    CHECK_INT_EQ(qt_read(epub.ptr, &now), 0);
    CHECK(now.len == good.len && memcmp(now.ptr, good.ptr, now.len) == 0);
    /* a burst of saves (a stylesheet, book.yaml, the chapter) is one build */
    qr_buf_truncate(&text, text.len - strlen("A \001 control character.\n"));
    qr_buf p = QR_BUF_INIT;
    qr_buf_addf(&p, "%s/styles/epub.css", dir.ptr);
    qr_buf css = QR_BUF_INIT;
    qt_read(p.ptr, &css);
    qr_buf_adds(&css, "\n/* edited */\n");
    qt_write(p.ptr, css.ptr, css.len);
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/book.yaml", dir.ptr);
    qr_buf yaml = QR_BUF_INIT;
    qt_read(p.ptr, &yaml);
    qr_buf_adds(&yaml, "# edited\n");
    qt_write(p.ptr, yaml.ptr, yaml.len);
    qt_write(ch.ptr, text.ptr, text.len);
    CHECK(qt_wait_for(log.ptr, "changed: built in", 2, 60));
    struct timespec ts = {1, 0};
    nanosleep(&ts, NULL);
    CHECK(!qt_wait_for(log.ptr, "changed: built in", 3, 0));
    /* a save by rename (sed -i, many editors): the manuscript is named,
     * not the temporary file */
    char sed[2048];
    snprintf(sed, sizeof sed, "sed -i 's/Moonrakers/Moonrunners/' '%s'", ch.ptr);
    CHECK_INT_EQ(S_sh(sed, NULL, NULL), 0);
    CHECK(qt_wait_for(log.ptr, "01-first-chapter.md changed: built in", 3, 60));
    CHECK(S_epub_has(epub.ptr, "Moonrunners"));
    qr_buf_release(&p);
    qr_buf_release(&css);
    qr_buf_release(&yaml);
stop:;
    /* Ctrl-C: status 0, within 10 s */
    qt_stop_watch(pid, log.ptr);
    qr_buf_release(&dir);
    qr_buf_release(&log);
    qr_buf_release(&ch);
    qr_buf_release(&epub);
    qr_buf_release(&good);
    qr_buf_release(&now);
    qr_buf_release(&text);
}

void suite_cli(void)
{
    qt_case("cli/init-then-build", test_init_then_build);
    qt_case("cli/out-names", test_out_names);
    qt_case("cli/metadata", test_metadata);
    qt_case("cli/stdin", test_stdin);
    qt_case("cli/hints", test_hints);
    qt_case("cli/check-and-quiet", test_check_and_quiet);
    qt_case("cli/diagnostics", test_diagnostics);
    qt_case("cli/watch", test_watch);
}
