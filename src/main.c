/*
 * main.c: the command line. Options -> read the inputs into one document ->
 * write each requested format into the output folder.
 */
#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"
#include "doc/doc.h"
#include "epub/epub.h"
#include "pdf/pdf.h"
#include "read/manifest.h"
#include "read/read.h"
#include "typeset/pagemap.h"
#include "typeset/typeset.h"

#ifndef QUIRE_VERSION
#define QUIRE_VERSION "0.0.0"
#endif
#ifndef QUIRE_DATADIR
#define QUIRE_DATADIR "/usr/local/share/quire"
#endif

enum { FORMAT_EPUB = 1 << 0, FORMAT_PDF = 1 << 1 };
enum {
    OPT_STATS = 256,
    OPT_TRIM,
    OPT_MARGINS,
    OPT_FONT,
    OPT_FONT_SIZE,
    OPT_LEADING,
    OPT_RECTO,
    OPT_BREAK,
    OPT_NO_PAGE_LIST,
};

/*
 * --break NAME=VALUE,...: TeX's line-breaking parameters, by TeX's names
 * (tolerance=200,pretolerance=100,linepenalty=10,hyphenpenalty=50, ...).
 */
static int S_parse_break(const char *arg, qr_print_options *p)
{
    static const struct {
        const char *name;
        int is_int;
        size_t offset;
    } keys[] = {
        {"tolerance", 0, offsetof(qr_break_params, tolerance)},
        {"pretolerance", 0, offsetof(qr_break_params, pretolerance)},
        {"linepenalty", 1, offsetof(qr_break_params, line_penalty)},
        {"hyphenpenalty", 1, offsetof(qr_break_params, hyphen_penalty)},
        {"exhyphenpenalty", 1, offsetof(qr_break_params, ex_hyphen_penalty)},
        {"doublehyphendemerits", 1, offsetof(qr_break_params, double_hyphen_demerits)},
        {"finalhyphendemerits", 1, offsetof(qr_break_params, final_hyphen_demerits)},
        {"adjdemerits", 1, offsetof(qr_break_params, adj_demerits)},
        {"looseness", 1, offsetof(qr_break_params, looseness)},
        {"emergencystretch", 0, offsetof(qr_break_params, emergency_stretch)},
    };
    char *copy = xstrdup(arg), *save = NULL;
    int rc = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        rc = -1;
        if (!eq)
            break;
        *eq = '\0';
        for (size_t i = 0; i < QR_ARRAY_LEN(keys); i++) {
            if (strcmp(tok, keys[i].name) != 0)
                continue;
            char *end;
            double v = strcmp(tok, "emergencystretch") == 0 ? qr_print_parse_length(eq + 1)
                                                            : strtod(eq + 1, &end);
            if (strcmp(tok, "emergencystretch") != 0 && (*end || end == eq + 1))
                break;
            if (v < -10000 || v > 100000 || (strcmp(tok, "emergencystretch") == 0 && v < 0))
                break;
            char *field = (char *)&p->breaking + keys[i].offset;
            if (keys[i].is_int)
                *(int *)field = (int)v;
            else
                *(double *)field = v;
            rc = 0;
            break;
        }
    }
    free(copy);
    return rc;
}

/* --margins inner,outer,top,bottom (each a length: 20mm, 0.75in, 54pt). */
static int S_parse_margins(const char *arg, qr_print_options *p)
{
    double v[4];
    char *copy = xstrdup(arg), *save = NULL;
    int n = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (n == 4 || (v[n++] = qr_print_parse_length(tok)) < 0) {
            n = -1;
            break;
        }
    }
    free(copy);
    if (n != 4)
        return -1;
    p->inner = v[0];
    p->outer = v[1];
    p->top = v[2];
    p->bottom = v[3];
    return 0;
}

/* A size in points, from 4 to 72. */
static int S_parse_points(const char *arg, double *out)
{
    double v = qr_print_parse_length(arg);
    if (v < 4 || v > 72)
        return -1;
    *out = v;
    return 0;
}

/* The print options the command line gave: they beat the manifest's. */
enum {
    CLI_TRIM = 1 << 0,
    CLI_MARGINS = 1 << 1,
    CLI_FONT = 1 << 2,
    CLI_FONT_SIZE = 1 << 3,
    CLI_LEADING = 1 << 4,
    CLI_EMERGENCY = 1 << 5, /* --break emergencystretch=... */
};

typedef struct options {
    const char *out_dir; /* NULL: DIR/dist, or ./dist with FILEs */
    int formats;
    int progress; /* show a progress line on stderr */
    int stats;    /* print the layout's statistics */
    /* the EPUB without the print edition's pages (--no-page-list) */
    int no_page_list;
    unsigned cli; /* CLI_* */
    qr_print_options print;
} options;

/* The inputs of one book, in reading order. Owned strings. */
typedef struct inputs {
    char **paths;
    int n;
    char *project; /* the project folder, or NULL when FILEs were given */
    time_t newest; /* the newest modification time of the manifest and its files */
} inputs;

static void S_usage(FILE *f)
{
    fputs(
        "Usage: quire build [OPTIONS] [DIR | FILE...]\n"
        "       quire dump [DIR | FILE...]\n"
        "       quire trace [OPTIONS] [DIR | FILE...]\n"
        "       quire --help | --version\n"
        "\n"
        "Packages a manuscript into an EPUB 3 e-book and a print-ready PDF.\n"
        "\n"
        "With a DIR (default: the current folder), reads DIR/seeds/* in name order\n"
        "and writes DIR/dist/<slug>.epub and .pdf; DIR/book.yaml, when there is one,\n"
        "gives the book's metadata, its chapters, cover and print settings (the options\n"
        "below beat it). With FILEs, builds one book from them, in the order given,\n"
        "into ./dist/.\n"
        "\n"
        "Commands:\n"
        "  build             build the book\n"
        "  dump              print the document model (for tests and debugging)\n"
        "  trace             print the PDF's layout as text (for tests and debugging)\n"
        "\n"
        "Options:\n"
        "  -o, --out DIR     write the book into DIR\n"
        "  -f, --format LIST formats to write, comma-separated: epub, pdf (default: both)\n"
        "      --stats       print the layout's quality: lines, spacing, hyphens, widows\n"
        "      --no-page-list  no print page numbers in the EPUB (an EPUB-only build then\n"
        "                    does not lay out the print edition)\n"
        "\n"
        "Print options (the PDF edition):\n"
        "      --trim SIZE   page size: a5 (default), a4, letter, 5.5x8.5in, 6x9in, WxH\n"
        "      --margins I,O,T,B  inner, outer, top, bottom margins (default 20mm,16mm,18mm,22mm)\n"
        "      --font FAMILY body font (default EB Garamond 12)\n"
        "      --font-size PT, --leading PT   size and baseline distance (default 11, 14)\n"
        "      --recto-chapters   open chapters on a right-hand page\n"
        "      --break NAME=VALUE,...  line breaking, with TeX's parameters: tolerance (400),\n"
        "                    pretolerance (100), linepenalty (10), hyphenpenalty (500),\n"
        "                    exhyphenpenalty (50), doublehyphendemerits (100000),\n"
        "                    finalhyphendemerits (5000), adjdemerits (10000),\n"
        "                    looseness (0), emergencystretch (1.5em)\n"
        "\n"
        "Other options:\n"
        "  -q, --quiet       print errors only\n"
        "  -v, --verbose     say what is done, step by step\n"
        "  -h, --help        show this help\n"
        "  -V, --version     show the version\n"
        "\n"
        "Exit status: 0 success, 64 usage error, 65 bad input, 66 missing input,\n"
        "73 cannot create output, 74 I/O error.\n",
        f);
}

static int S_parse_formats(const char *arg, int *formats)
{
    int f = 0;
    char *copy = xstrdup(arg);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (strcmp(tok, "epub") == 0)
            f |= FORMAT_EPUB;
        else if (strcmp(tok, "pdf") == 0)
            f |= FORMAT_PDF;
        else {
            fprintf(stderr, "quire: error: unknown format '%s' (expected epub or pdf)\n", tok);
            free(copy);
            return -1;
        }
    }
    free(copy);
    if (!f) {
        fprintf(stderr, "quire: error: --format needs at least one format\n");
        return -1;
    }
    *formats = f;
    return 0;
}

/* Signals ----------------------------------------------------------------- */

static void S_on_signal(int sig)
{
    qr_tmp_cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void S_install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = S_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    /* A file-size limit (ulimit -f) must fail the write with EFBIG, not
     * kill the process with a half-written temporary file. */
    signal(SIGXFSZ, SIG_IGN);
}

/* Inputs ------------------------------------------------------------------ */

static int S_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void S_inputs_add(inputs *in, const char *path)
{
    in->paths = xrealloc(in->paths, sizeof(char *) * (size_t)(in->n + 1));
    in->paths[in->n++] = xstrdup(path);
}

static void S_inputs_free(inputs *in)
{
    for (int i = 0; i < in->n; i++)
        free(in->paths[i]);
    free(in->paths);
    free(in->project);
}

/* Whether a folder entry is a manuscript: not hidden, not a backup. */
static int S_is_manuscript_name(const char *name)
{
    size_t len = strlen(name);
    if (name[0] == '.' || len == 0 || name[len - 1] == '~')
        return 0;
    return 1;
}

static int S_collect_dir(const char *dir, inputs *in, qr_error *err)
{
    qr_buf seeds = QR_BUF_INIT;
    qr_buf_addf(&seeds, "%s/seeds", dir);
    DIR *d = opendir(seeds.ptr);
    if (!d) {
        qr_error_sys(err, QR_EX_NOINPUT, errno, seeds.ptr, "cannot open the manuscript folder");
        qr_buf_release(&seeds);
        return -1;
    }
    char **names = NULL;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!S_is_manuscript_name(e->d_name))
            continue;
        names = xrealloc(names, sizeof(char *) * (size_t)(n + 1));
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof(char *), S_cmp_str);
    qr_buf path = QR_BUF_INIT;
    for (int i = 0; i < n; i++) {
        qr_buf_reset(&path);
        qr_buf_addf(&path, "%s/%s", seeds.ptr, names[i]);
        struct stat st;
        if (stat(path.ptr, &st) == 0 && S_ISREG(st.st_mode))
            S_inputs_add(in, path.ptr);
        free(names[i]);
    }
    free(names);
    qr_buf_release(&path);
    int rc = 0;
    if (in->n == 0)
        rc =
            qr_error_set(err, QR_EX_NOINPUT, seeds.ptr, 0, 0, "no manuscript files in this folder");
    qr_buf_release(&seeds);
    return rc;
}

static void S_newer(time_t *newest, const char *path)
{
    struct stat st;
    if (path && stat(path, &st) == 0 && st.st_mtime > *newest)
        *newest = st.st_mtime;
}

/*
 * A project folder's manifest, DIR/book.yaml, when there is one (man is
 * left zeroed when there is none). Its strings live in the arena `a`.
 */
static int S_read_manifest(const char *dir, inputs *in, qr_manifest *man, qr_arena *a,
                           qr_error *err)
{
    qr_buf path = QR_BUF_INIT;
    struct stat st;
    int rc = 0;
    if (strcmp(dir, ".") == 0)
        qr_buf_adds(&path, "book.yaml");
    else
        qr_buf_addf(&path, "%s/book.yaml", dir);
    if (lstat(path.ptr, &st) == 0) {
        qr_note("reading %s", path.ptr);
        rc = qr_manifest_read(dir, path.ptr, man, a, err);
        S_newer(&in->newest, path.ptr);
        S_newer(&in->newest, man->cover.path);
        S_newer(&in->newest, man->stylesheet.path);
    }
    qr_buf_release(&path);
    return rc;
}

static int S_collect(int argc, char **argv, inputs *in, qr_manifest *man, qr_arena *a,
                     qr_error *err)
{
    struct stat st;
    if (argc == 0 || (argc == 1 && stat(argv[0], &st) == 0 && S_ISDIR(st.st_mode))) {
        const char *dir = argc ? argv[0] : ".";
        in->project = xstrdup(dir);
        if (S_read_manifest(dir, in, man, a, err) < 0)
            return -1;
        /* chapters: in the manifest replaces the listing of seeds/ */
        for (int i = 0; i < man->n_chapters; i++)
            S_inputs_add(in, man->chapters[i].path);
        if (in->n > 0)
            return 0;
        return S_collect_dir(dir, in, err);
    }
    for (int i = 0; i < argc; i++) {
        if (stat(argv[i], &st) < 0)
            return qr_error_sys(err, QR_EX_NOINPUT, errno, argv[i], "cannot open");
        if (S_ISDIR(st.st_mode))
            return qr_error_set(err, QR_EX_NOINPUT, argv[i], 0, 0,
                                "is a directory; give one project folder, or manuscript files");
        S_inputs_add(in, argv[i]);
    }
    return 0;
}

/* Reading ----------------------------------------------------------------- */

/* Whether path names a Markdown manuscript: .md or .markdown, any case. */
static int S_is_markdown(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return 0;
    char ext[10];
    size_t n = 0;
    for (const char *p = dot + 1; *p && n + 1 < sizeof ext; p++)
        ext[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    ext[n] = '\0';
    return strlen(dot + 1) == n && (strcmp(ext, "md") == 0 || strcmp(ext, "markdown") == 0);
}

/* Reads every input, in order, into doc (Markdown or plain text by the
 * file's name), then resolves the images. Returns 0, or -1 with err set. */
static int S_read_book(const inputs *in, qr_doc *doc, time_t *newest, qr_error *err)
{
    qr_buf data = QR_BUF_INIT;
    *newest = 0;
    for (int i = 0; i < in->n; i++) {
        const char *path = in->paths[i];
        qr_note("reading %s", path);
        qr_buf_reset(&data);
        if (qr_read_file(path, &data, err) < 0)
            goto fail;
        struct stat st;
        if (stat(path, &st) == 0 && st.st_mtime > *newest)
            *newest = st.st_mtime;
        const char *file = qr_arena_strdup(qr_doc_arena(doc), path);
        int flags = (i == 0 ? QR_READ_FIRST : 0) | (in->n == 1 ? QR_READ_SINGLE : 0);
        if (S_is_markdown(path)) {
            if (qr_read_markdown(doc, file, data.ptr, data.len, flags, err) < 0)
                goto fail;
        } else if (qr_read_text(doc, file, data.ptr, data.len, flags, err) < 0) {
            goto fail;
        }
    }
    qr_buf_release(&data);
    /* images: relative to their manuscript, inside the project (or, for
     * files given one by one, inside each manuscript's folder) */
    return qr_resolve_images(doc, in->project, err);
fail:
    qr_buf_release(&data);
    return -1;
}

/*
 * The manifest's print: settings, each where the command line did not set
 * it. Every value is checked, overridden or not: one the typesetter does
 * not understand is an error at its line:col in the manifest.
 */
static int S_apply_print(const qr_manifest *man, options *o, qr_error *err)
{
    const qr_manifest_print *p = &man->print;
    qr_print_options given = o->print; /* what the manifest's values make */
    if (p->trim.s && qr_print_set_trim(&given, p->trim.s) < 0)
        return qr_error_set(err, QR_EX_DATAERR, man->file, p->trim.line, p->trim.col,
                            "print.trim: unknown trim size '%s' (a5, a4, letter, 5.5x8.5in, "
                            "6x9in, or WxH with a unit)",
                            p->trim.s);
    const qr_manifest_value *margin[4] = {&p->inner, &p->outer, &p->top, &p->bottom};
    double *slot[4] = {&given.inner, &given.outer, &given.top, &given.bottom};
    static const char *const name[4] = {"inner", "outer", "top", "bottom"};
    for (int i = 0; i < 4; i++) {
        if (!margin[i]->s)
            continue;
        double v = qr_print_parse_length(margin[i]->s);
        if (v < 0)
            return qr_error_set(err, QR_EX_DATAERR, man->file, margin[i]->line, margin[i]->col,
                                "print.margins.%s: expected a length such as 20mm, 0.75in or "
                                "54pt, not '%s'",
                                name[i], margin[i]->s);
        *slot[i] = v;
    }
    const qr_manifest_value *size[2] = {&p->size, &p->leading};
    double *dst[2] = {&given.font_size, &given.leading};
    for (int i = 0; i < 2; i++)
        if (size[i]->s && S_parse_points(size[i]->s, dst[i]) < 0)
            return qr_error_set(err, QR_EX_DATAERR, man->file, size[i]->line, size[i]->col,
                                "print.%s: expected a size from 4 to 72 pt, not '%s'",
                                i == 0 ? "size" : "leading", size[i]->s);
    if (p->font.s)
        given.font_family = p->font.s;
    /* the command line's own settings stay */
    if (!(o->cli & CLI_TRIM)) {
        o->print.page_w = given.page_w;
        o->print.page_h = given.page_h;
    }
    if (!(o->cli & CLI_MARGINS)) {
        o->print.inner = given.inner;
        o->print.outer = given.outer;
        o->print.top = given.top;
        o->print.bottom = given.bottom;
    }
    if (!(o->cli & CLI_FONT))
        o->print.font_family = given.font_family;
    if (!(o->cli & CLI_FONT_SIZE))
        o->print.font_size = given.font_size;
    if (!(o->cli & CLI_LEADING))
        o->print.leading = given.leading;
    return 0;
}

/* Output ------------------------------------------------------------------ */

/* Appends a file-name slug of the title: lower-case ASCII words joined by '-'. */
static void S_slug(const qr_doc *doc, const inputs *in, qr_buf *out)
{
    const char *title = qr_doc_meta_const(doc)->title;
    size_t start = out->len;
    int dash = 0;
    for (const char *p = title ? title : ""; *p && out->len - start < 60; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && out->len > start)
                qr_buf_addc(out, '-');
            qr_buf_addc(out, (char)c);
            dash = 0;
        } else if (c >= 'A' && c <= 'Z') {
            if (dash && out->len > start)
                qr_buf_addc(out, '-');
            qr_buf_addc(out, (char)(c - 'A' + 'a'));
            dash = 0;
        } else if (c == '\'' || (c == 0xE2 && p[1] == '\x80' && p[2] == '\x99')) {
            /* apostrophes join: "Keeper's" -> "keepers" */
            if (c == 0xE2)
                p += 2;
        } else {
            dash = 1;
        }
    }
    if (out->len == start) {
        /* No Latin letters in the title: fall back on the first file's name. */
        const char *base = strrchr(in->paths[0], '/');
        base = base ? base + 1 : in->paths[0];
        for (const char *p = base; *p && *p != '.'; p++) {
            unsigned char c = (unsigned char)*p;
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
                qr_buf_addc(out, (char)c);
            else if (c >= 'A' && c <= 'Z')
                qr_buf_addc(out, (char)(c - 'A' + 'a'));
        }
    }
    if (out->len == start)
        qr_buf_adds(out, "book");
}

/* The progress line: only on a terminal, overwritten in place. */
static void S_progress(void *ctx, int done, int total)
{
    const char *what = ctx;
    fprintf(stderr, "\r%s: %d/%d chapters", what, done, total);
    if (done == total)
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

/* Reads a whole file from the data folder; *res points into out. */
static int S_load_resource(const char *datadir, const char *rel, const char *name,
                           const char *media_type, qr_buf *out, qr_resource *res, qr_error *err)
{
    qr_buf path = QR_BUF_INIT;
    qr_buf_addf(&path, "%s/%s", datadir, rel);
    int rc = qr_read_file(path.ptr, out, err);
    qr_buf_release(&path);
    res->name = name;
    res->data = out->ptr;
    res->len = out->len;
    res->media_type = media_type;
    return rc;
}

/*
 * Where fonts/ and styles/ are: $QUIRE_DATADIR, else beside the executable
 * (a build tree), else the installed data folder.
 */
static void S_datadir(qr_buf *out)
{
    const char *env = getenv("QUIRE_DATADIR");
    if (env && *env) {
        qr_buf_adds(out, env);
        return;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            qr_buf probe = QR_BUF_INIT;
            qr_buf_addf(&probe, "%s/styles/epub.css", exe);
            int ok = access(probe.ptr, R_OK) == 0;
            qr_buf_release(&probe);
            if (ok) {
                qr_buf_adds(out, exe);
                return;
            }
        }
    }
    qr_buf_adds(out, QUIRE_DATADIR);
}

static const char *const font_files[] = {
    "EBGaramond12-Regular.otf",
    "EBGaramond12-Italic.otf",
    "EBGaramond12-Bold.otf",
};

/* The manifest's accessibility: for the EPUB writer (pointers shared). */
static void S_a11y(const qr_manifest_a11y *m, qr_epub_a11y *a)
{
    a->summary = m->summary;
    a->features = m->features;
    a->n_features = m->n_features;
    a->hazards = m->hazards;
    a->n_hazards = m->n_hazards;
    a->modes = m->modes;
    a->n_modes = m->n_modes;
    a->sufficient = m->sufficient;
    a->n_sufficient = m->n_sufficient;
    a->conforms_to = m->conforms_to;
}

/* Owned (free()): where each page of the layout that carries body text
 * begins, labelled with its folio (borrowed from lay), for the EPUB. */
static qr_epub_page *S_pages(const qr_layout *lay, const qr_doc *doc, int *n)
{
    size_t count;
    qr_page_start *st = qr_layout_page_starts(lay, doc, &count);
    qr_epub_page *pages = count ? xmalloc(count * sizeof *pages) : NULL;
    for (size_t i = 0; i < count; i++) {
        pages[i].node = st[i].node;
        pages[i].off = st[i].off;
        pages[i].label = lay->pages[st[i].page].folio;
    }
    free(st);
    *n = (int)count;
    return pages;
}

/* css_path: the stylesheet to use instead of styles/epub.css, or NULL.
 * lay: the print edition, whose pages the EPUB marks, or NULL. */
static int S_write_epub(const qr_doc *doc, time_t modified, const char *path, int progress,
                        const char *css_path, const qr_layout *lay, const qr_epub_a11y *a11y,
                        qr_error *err)
{
    qr_buf dd = QR_BUF_INIT, css = QR_BUF_INIT, out = QR_BUF_INIT;
    qr_buf fontbuf[QR_ARRAY_LEN(font_files)];
    qr_resource fonts[QR_ARRAY_LEN(font_files)], style, mono;
    qr_buf monobuf = QR_BUF_INIT;
    int rc = -1, n_pages = 0;
    qr_epub_page *pages = lay ? S_pages(lay, doc, &n_pages) : NULL;
    for (size_t i = 0; i < QR_ARRAY_LEN(font_files); i++)
        qr_buf_init(&fontbuf[i]);
    S_datadir(&dd);
    if (css_path) {
        if (qr_read_file(css_path, &css, err) < 0)
            goto done;
        style.name = "book.css";
        style.data = css.ptr;
        style.len = css.len;
        style.media_type = "text/css";
    } else if (S_load_resource(dd.ptr, "styles/epub.css", "book.css", "text/css", &css, &style,
                               err) < 0) {
        goto done;
    }
    for (size_t i = 0; i < QR_ARRAY_LEN(font_files); i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "fonts/%s", font_files[i]);
        if (S_load_resource(dd.ptr, rel, font_files[i], "font/otf", &fontbuf[i], &fonts[i], err) <
            0)
            goto done;
    }
    /* the code face: the writer embeds it only in a book that has code */
    if (S_load_resource(dd.ptr, "fonts/NotoSansMono-Regular.ttf", "NotoSansMono-Regular.ttf",
                        "font/ttf", &monobuf, &mono, err) < 0)
        goto done;
    qr_epub_options opt = {
        .stylesheet = &style,
        .fonts = fonts,
        .n_fonts = (int)QR_ARRAY_LEN(font_files),
        .code_font = &mono,
        .modified = modified,
        .pages = pages,
        .n_pages = n_pages,
        .a11y = a11y,
        .progress = progress ? S_progress : NULL,
        .progress_ctx = (void *)path,
    };
    if (qr_epub_write(doc, &opt, &out, err) < 0)
        goto done;
    if (qr_write_file_atomic(path, out.ptr, out.len, err) < 0)
        goto done;
    rc = 0;
done:
    free(pages);
    for (size_t i = 0; i < QR_ARRAY_LEN(font_files); i++)
        qr_buf_release(&fontbuf[i]);
    qr_buf_release(&monobuf);
    qr_buf_release(&dd);
    qr_buf_release(&css);
    qr_buf_release(&out);
    return rc;
}

/* The time stamp of the build: SOURCE_DATE_EPOCH, else the newest input. */
static int S_build_time(time_t newest, time_t *t, qr_error *err)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end;
        errno = 0;
        long long v = strtoll(sde, &end, 10);
        if (errno || *end || v < 0 || v > 253402300799LL)
            return qr_error_set(err, QR_EX_USAGE, NULL, 0, 0,
                                "SOURCE_DATE_EPOCH must be a number of seconds since 1970, "
                                "not '%s'",
                                sde);
        *t = (time_t)v;
        return 0;
    }
    *t = newest;
    return 0;
}

static int S_make_dir(const char *dir, qr_error *err)
{
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return qr_error_set(err, QR_EX_CANTCREAT, dir, 0, 0, "output path is not a folder");
        return 0;
    }
    if (mkdir(dir, 0777) < 0)
        return qr_error_sys(err, QR_EX_CANTCREAT, errno, dir, "cannot create the output folder");
    return 0;
}

/* Commands ---------------------------------------------------------------- */

enum { CMD_BUILD, CMD_DUMP, CMD_TRACE };

/* Owned: the book laid out for print, or NULL with err set. */
static qr_layout *S_typeset(const qr_doc *doc, const options *opt, qr_error *err)
{
    qr_buf dd = QR_BUF_INIT;
    S_datadir(&dd);
    qr_buf_adds(&dd, "/fonts");
    qr_print_options po = opt->print;
    po.fonts_dir = dd.ptr;
    if (opt->progress) {
        po.progress = S_progress;
        po.progress_ctx = (void *)"typesetting";
    }
    qr_note("typesetting");
    qr_layout *lay = qr_typeset(doc, &po, err);
    qr_buf_release(&dd);
    return lay;
}

/* Owned: S_typeset for S_cmd. A font the typesetter cannot find that
 * book.yaml named (print.font) is an error at its line:col there. */
static qr_layout *S_typeset_book(const qr_doc *doc, const options *opt, const qr_manifest *man,
                                 qr_error *err)
{
    qr_layout *lay = S_typeset(doc, opt, err);
    const qr_manifest_value *font = &man->print.font;
    if (!lay && !err->file[0] && font->s && !(opt->cli & CLI_FONT) &&
        strncmp(err->msg, "font '", 6) == 0) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "print.%.1000s", err->msg);
        qr_error_set(err, err->code, man->file, font->line, font->col, "%s", msg);
    }
    return lay;
}

/* Writes the PDF of the book laid out in lay. */
static int S_write_pdf(const qr_layout *lay, const qr_doc *doc, const options *opt, time_t date,
                       const char *path, qr_error *err)
{
    qr_buf out = QR_BUF_INIT;
    int rc = qr_pdf_write(lay, doc, date, &out, err);
    if (rc == 0)
        rc = qr_write_file_atomic(path, out.ptr, out.len, err);
    if (rc == 0 && opt->stats) {
        qr_buf s = QR_BUF_INIT;
        qr_layout_stats_print(lay, &s);
        fprintf(stdout, "%s:\n%s", path, s.ptr);
        qr_buf_release(&s);
    }
    qr_buf_release(&out);
    return rc;
}

static int S_cmd(int cmd, int argc, char **argv, const options *cli_opt)
{
    qr_error err;
    qr_error_clear(&err);
    inputs in = {0};
    qr_manifest man;
    memset(&man, 0, sizeof man);
    options o = *cli_opt;
    const options *opt = &o;
    /* The manifest's strings live in the document's arena: the metadata
     * points to them. */
    qr_doc *doc = qr_doc_new();
    qr_buf out_dir = QR_BUF_INIT, path = QR_BUF_INIT;
    time_t newest = 0, modified = 0;
    qr_layout *lay = NULL; /* the print edition, laid out once */

    if (S_collect(argc, argv, &in, &man, qr_doc_arena(doc), &err) < 0)
        goto fail;
    if (S_apply_print(&man, &o, &err) < 0)
        goto fail;
    if (!(o.cli & CLI_EMERGENCY))
        o.print.breaking.emergency_stretch = 1.5 * o.print.font_size;
    if (S_read_book(&in, doc, &newest, &err) < 0)
        goto fail;
    /* the manifest's metadata beats what the readers found */
    qr_manifest_apply_meta(&man, qr_doc_meta(doc));
    qr_read_smarten_meta(doc);
    if (in.newest > newest)
        newest = in.newest;
    if (cmd == CMD_TRACE) {
        lay = S_typeset_book(doc, opt, &man, &err);
        if (!lay)
            goto fail;
        qr_buf d = QR_BUF_INIT;
        qr_trace_write(lay, &d);
        if (opt->stats)
            qr_layout_stats_print(lay, &d);
        fwrite(d.ptr, 1, d.len, stdout);
        qr_buf_release(&d);
        if (fflush(stdout) != 0) {
            qr_error_sys(&err, QR_EX_IOERR, errno, NULL, "cannot write the trace");
            goto fail;
        }
        goto done;
    }
    if (cmd == CMD_DUMP) {
        qr_buf d = QR_BUF_INIT;
        qr_doc_dump(doc, &d);
        fwrite(d.ptr, 1, d.len, stdout);
        qr_buf_release(&d);
        if (fflush(stdout) != 0) {
            qr_error_sys(&err, QR_EX_IOERR, errno, NULL, "cannot write the dump");
            goto fail;
        }
        goto done;
    }
    if (S_build_time(newest, &modified, &err) < 0)
        goto fail;
    if (opt->out_dir)
        qr_buf_adds(&out_dir, opt->out_dir);
    else if (in.project)
        qr_buf_addf(&out_dir, "%s/dist", in.project);
    else
        qr_buf_adds(&out_dir, "dist");
    /* One layout for both editions: the PDF's pages are the ones the EPUB
     * marks, so an EPUB alone is laid out too, unless --no-page-list. */
    if ((opt->formats & FORMAT_PDF) || ((opt->formats & FORMAT_EPUB) && !opt->no_page_list)) {
        lay = S_typeset_book(doc, opt, &man, &err);
        if (!lay)
            goto fail;
    }
    /* made once the book is laid out: a book that cannot be (an unknown
     * font) leaves no empty output folder behind */
    if (S_make_dir(out_dir.ptr, &err) < 0)
        goto fail;
    if (opt->formats & FORMAT_EPUB) {
        qr_epub_a11y a11y;
        S_a11y(&man.a11y, &a11y);
        qr_buf_addf(&path, "%s/", out_dir.ptr);
        S_slug(doc, &in, &path);
        qr_buf_adds(&path, ".epub");
        qr_note("writing %s", path.ptr);
        if (S_write_epub(doc, modified, path.ptr, opt->progress, man.stylesheet.path,
                         opt->no_page_list ? NULL : lay, &a11y, &err) < 0)
            goto fail;
        if (qr_log_level() >= QR_LOG_NORMAL && opt->progress)
            fprintf(stderr, "quire: wrote %s\n", path.ptr);
        else
            qr_note("wrote %s", path.ptr);
    }
    if (opt->formats & FORMAT_PDF) {
        qr_buf_reset(&path);
        qr_buf_addf(&path, "%s/", out_dir.ptr);
        S_slug(doc, &in, &path);
        qr_buf_adds(&path, ".pdf");
        qr_note("writing %s", path.ptr);
        if (S_write_pdf(lay, doc, opt, modified, path.ptr, &err) < 0)
            goto fail;
        if (qr_log_level() >= QR_LOG_NORMAL && opt->progress)
            fprintf(stderr, "quire: wrote %s\n", path.ptr);
        else
            qr_note("wrote %s", path.ptr);
    }
done:
    qr_layout_free(lay);
    qr_doc_free(doc);
    S_inputs_free(&in);
    qr_buf_release(&out_dir);
    qr_buf_release(&path);
    return QR_EX_OK;
fail:
    qr_error_print(&err);
    qr_layout_free(lay);
    qr_doc_free(doc);
    S_inputs_free(&in);
    qr_buf_release(&out_dir);
    qr_buf_release(&path);
    return err.code ? err.code : QR_EX_SOFTWARE;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"stats", no_argument, NULL, OPT_STATS},
        {"trim", required_argument, NULL, OPT_TRIM},
        {"margins", required_argument, NULL, OPT_MARGINS},
        {"font", required_argument, NULL, OPT_FONT},
        {"font-size", required_argument, NULL, OPT_FONT_SIZE},
        {"leading", required_argument, NULL, OPT_LEADING},
        {"recto-chapters", no_argument, NULL, OPT_RECTO},
        {"break", required_argument, NULL, OPT_BREAK},
        {"no-page-list", no_argument, NULL, OPT_NO_PAGE_LIST},
        {NULL, 0, NULL, 0},
    };
    options opt = {.out_dir = NULL, .formats = FORMAT_EPUB | FORMAT_PDF, .progress = 0};
    qr_print_options_default(&opt.print);
    int level = QR_LOG_NORMAL;

    S_install_signals();
    int c;
    /* '+': stop at the command word; its options are parsed after it. */
    while ((c = getopt_long(argc, argv, "+o:f:qvhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': S_usage(stdout); return QR_EX_OK;
        case 'V': printf("quire %s\n", QUIRE_VERSION); return QR_EX_OK;
        default: S_usage(stderr); return QR_EX_USAGE;
        }
    }
    if (optind >= argc) {
        S_usage(stderr);
        return QR_EX_USAGE;
    }
    const char *cmd = argv[optind];
    int dump;
    if (strcmp(cmd, "build") == 0)
        dump = CMD_BUILD;
    else if (strcmp(cmd, "dump") == 0)
        dump = CMD_DUMP;
    else if (strcmp(cmd, "trace") == 0)
        dump = CMD_TRACE;
    else {
        fprintf(stderr, "quire: error: unknown command '%s' (try 'quire --help')\n", cmd);
        return QR_EX_USAGE;
    }
    argc -= optind;
    argv += optind;
    /* 0, not 1: glibc then starts afresh, permuting again, so that options
     * may follow the folder or files (quire build DIR -o OUT) */
    optind = 0;
    while ((c = getopt_long(argc, argv, "o:f:qvhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': opt.out_dir = optarg; break;
        case 'f':
            if (S_parse_formats(optarg, &opt.formats) < 0)
                return QR_EX_USAGE;
            break;
        case OPT_STATS: opt.stats = 1; break;
        case OPT_NO_PAGE_LIST: opt.no_page_list = 1; break;
        case OPT_TRIM:
            if (qr_print_set_trim(&opt.print, optarg) < 0) {
                fprintf(stderr,
                        "quire: error: unknown trim size '%s' (a5, a4, letter, "
                        "5.5x8.5in, 6x9in, or WxH with a unit)\n",
                        optarg);
                return QR_EX_USAGE;
            }
            opt.cli |= CLI_TRIM;
            break;
        case OPT_MARGINS:
            if (S_parse_margins(optarg, &opt.print) < 0) {
                fprintf(stderr,
                        "quire: error: --margins takes four lengths, inner,outer,top,"
                        "bottom (e.g. 20mm,16mm,18mm,22mm), not '%s'\n",
                        optarg);
                return QR_EX_USAGE;
            }
            opt.cli |= CLI_MARGINS;
            break;
        case OPT_FONT:
            opt.print.font_family = optarg;
            opt.cli |= CLI_FONT;
            break;
        case OPT_FONT_SIZE:
        case OPT_LEADING:
            if (S_parse_points(optarg, c == OPT_FONT_SIZE ? &opt.print.font_size
                                                          : &opt.print.leading) < 0) {
                fprintf(stderr, "quire: error: %s takes a size from 4 to 72 pt, not '%s'\n",
                        c == OPT_FONT_SIZE ? "--font-size" : "--leading", optarg);
                return QR_EX_USAGE;
            }
            opt.cli |= c == OPT_FONT_SIZE ? CLI_FONT_SIZE : CLI_LEADING;
            break;
        case OPT_RECTO: opt.print.recto_chapters = 1; break;
        case OPT_BREAK:
            if (S_parse_break(optarg, &opt.print) < 0) {
                fprintf(stderr,
                        "quire: error: --break takes NAME=VALUE pairs, comma-separated, "
                        "with TeX's names (tolerance, pretolerance, linepenalty, "
                        "hyphenpenalty, exhyphenpenalty, doublehyphendemerits, "
                        "finalhyphendemerits, adjdemerits, looseness, "
                        "emergencystretch), not '%s'\n",
                        optarg);
                return QR_EX_USAGE;
            }
            if (strstr(optarg, "emergencystretch"))
                opt.cli |= CLI_EMERGENCY;
            break;
        case 'q': level = QR_LOG_QUIET; break;
        case 'v': level = QR_LOG_VERBOSE; break;
        case 'h': S_usage(stdout); return QR_EX_OK;
        case 'V': printf("quire %s\n", QUIRE_VERSION); return QR_EX_OK;
        default: S_usage(stderr); return QR_EX_USAGE;
        }
    }
    qr_log_set_level(level);
    opt.progress = level >= QR_LOG_NORMAL && isatty(STDERR_FILENO);
    return S_cmd(dump, argc - optind, argv + optind, &opt);
}
