/* build.c: the commands (build, dump, trace): the document read, laid out
 * for print and written in each requested format. */
#include <errno.h>
#include <stddef.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "epub/epub.h"
#include "pdf/pdf.h"
#include "pdf/pdfx.h"
#include "read/read.h"
#include "typeset/pagemap.h"

#ifndef QUIRE_DATADIR
#define QUIRE_DATADIR "/usr/local/share/quire"
#endif


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
        if (size[i]->s && qr_cli_parse_points(size[i]->s, dst[i]) < 0)
            return qr_error_set(err, QR_EX_DATAERR, man->file, size[i]->line, size[i]->col,
                                "print.%s: expected a size from 4 to 72 pt, not '%s'",
                                i == 0 ? "size" : "leading", size[i]->s);
    if (p->font.s)
        given.font_family = p->font.s;
    if (p->profile.s && !(o->cli & CLI_PROFILE)) {
        if (strcmp(p->profile.s, "pod") != 0 && strcmp(p->profile.s, "none") != 0)
            return qr_error_set(err, QR_EX_DATAERR, man->file, p->profile.line, p->profile.col,
                                "print.profile: unknown profile '%s' (pod or none)",
                                p->profile.s);
        o->pod = strcmp(p->profile.s, "pod") == 0;
    }
    if (p->paper.s && !(o->cli & CLI_PAPER)) {
        if ((o->paper = qr_paper_parse(p->paper.s)) < 0)
            return qr_error_set(err, QR_EX_DATAERR, man->file, p->paper.line, p->paper.col,
                                "print.paper: unknown paper '%s' (white, cream or colour)",
                                p->paper.s);
    }
    o->margins_given = (o->cli & CLI_MARGINS) || p->inner.s;
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
void qr_cli_datadir(qr_buf *out)
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
            /* a build tree: BIN/styles; installed: PREFIX/bin -> PREFIX/share/quire */
            static const char *const rel[] = {"", "/../share/quire"};
            for (size_t i = 0; i < QR_ARRAY_LEN(rel); i++) {
                qr_buf probe = QR_BUF_INIT;
                qr_buf_addf(&probe, "%s%s/styles/epub.css", exe, rel[i]);
                int ok = access(probe.ptr, R_OK) == 0;
                qr_buf_release(&probe);
                if (ok) {
                    qr_buf_addf(out, "%s%s", exe, rel[i]);
                    return;
                }
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
                        int dry, const char *project, const char *css_path, const qr_layout *lay,
                        const qr_epub_a11y *a11y, qr_error *err)
{
    qr_buf dd = QR_BUF_INIT, css = QR_BUF_INIT, out = QR_BUF_INIT;
    qr_buf fontbuf[QR_ARRAY_LEN(font_files)];
    qr_resource fonts[QR_ARRAY_LEN(font_files)], style, mono;
    qr_buf monobuf = QR_BUF_INIT;
    int rc = -1, n_pages = 0;
    qr_epub_page *pages = lay ? S_pages(lay, doc, &n_pages) : NULL;
    for (size_t i = 0; i < QR_ARRAY_LEN(font_files); i++)
        qr_buf_init(&fontbuf[i]);
    qr_cli_datadir(&dd);
    if (css_path) {
        if (qr_read_file_inside(project, css_path, SIZE_MAX, &css, err) < 0)
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
    if (!dry && qr_write_file_atomic(path, out.ptr, out.len, err) < 0)
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

/* Makes the folder dir and those above it that are missing (mkdir -p). */
static int S_make_dir(const char *dir, qr_error *err)
{
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return qr_error_set(err, QR_EX_CANTCREAT, dir, 0, 0, "output path is not a folder");
        return 0;
    }
    char *copy = xstrdup(dir);
    int rc = 0;
    for (char *p = copy + 1; rc == 0; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(copy, 0777) < 0 && errno != EEXIST)
            rc = qr_error_sys(err, QR_EX_CANTCREAT, errno, copy, "cannot create the output folder");
        else if (stat(copy, &st) < 0 || !S_ISDIR(st.st_mode))
            rc = qr_error_sys(err, QR_EX_CANTCREAT, ENOTDIR, dir,
                              "cannot create the output folder (%s is a file)", copy);
        *p = c;
        if (c == '\0')
            break;
    }
    free(copy);
    return rc;
}

/* Commands ---------------------------------------------------------------- */

/* Owned: the book laid out for print, or NULL with err set. */
static qr_layout *S_typeset(const qr_doc *doc, const options *opt, qr_error *err)
{
    qr_buf dd = QR_BUF_INIT;
    qr_cli_datadir(&dd);
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
    if (rc == 0 && !opt->check)
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

/* The path of the book in format ext (".epub"): -o's file name, else
 * OUT_DIR/<slug>.ext. */
static void S_book_path(const options *opt, const char *out_dir, const qr_doc *doc,
                        const inputs *in, const char *ext, qr_buf *path)
{
    qr_buf_reset(path);
    if (opt->out_file) {
        qr_buf_adds(path, opt->out_file);
        return;
    }
    qr_buf_addf(path, "%s/", out_dir);
    S_slug(doc, in, path);
    qr_buf_adds(path, ext);
}

/* Says a book was written (on a terminal, or with -v), or, with --check,
 * that it would have been. */
static void S_wrote(const options *opt, const char *path)
{
    if (opt->check) {
        if (qr_log_level() >= QR_LOG_NORMAL)
            fprintf(stderr, "quire: checked %s (not written)\n", path);
    } else if (qr_log_level() >= QR_LOG_NORMAL && opt->progress)
        fprintf(stderr, "quire: wrote %s\n", path);
    else
        qr_note("wrote %s", path);
}

/*
 * -M key=value (pandoc's --metadata): over the manifest's metadata and the
 * readers'. The text keys, author (one author) and language and date,
 * checked as book.yaml's are; anything else is a usage error.
 */
static int S_apply_cli_meta(const options *opt, qr_doc *doc, qr_error *err)
{
    static const struct {
        const char *key;
        size_t offset;
    } text[] = {
        {"title", offsetof(qr_meta, title)},         {"subtitle", offsetof(qr_meta, subtitle)},
        {"publisher", offsetof(qr_meta, publisher)}, {"rights", offsetof(qr_meta, rights)},
        {"description", offsetof(qr_meta, description)},
        {"identifier", offsetof(qr_meta, identifier)}, {"language", offsetof(qr_meta, language)},
        {"date", offsetof(qr_meta, date)},           {"source", offsetof(qr_meta, source)},
    };
    const char *names[QR_ARRAY_LEN(text) + 1];
    for (size_t i = 0; i < QR_ARRAY_LEN(text); i++)
        names[i] = text[i].key;
    names[QR_ARRAY_LEN(text)] = "author";
    qr_meta *m = qr_doc_meta(doc);
    qr_arena *a = qr_doc_arena(doc);
    for (int i = 0; i < opt->n_meta; i++) {
        const char *kv = opt->meta[i], *eq = strchr(kv, '=');
        if (!eq || eq == kv)
            return qr_error_set(err, QR_EX_USAGE, NULL, 0, 0,
                                "-M takes key=value (title=..., author=...), not '%s'", kv);
        const char *key = qr_arena_strndup(a, kv, (size_t)(eq - kv)), *value = eq + 1;
        if (strcmp(key, "language") == 0 && !qr_lang_tag_ok(value))
            return qr_error_set(err, QR_EX_USAGE, NULL, 0, 0,
                                "-M language: '%s' is not a language tag such as en, fr or "
                                "pt-BR",
                                value);
        if (strcmp(key, "date") == 0 && !qr_w3c_date_ok(value))
            return qr_error_set(err, QR_EX_USAGE, NULL, 0, 0,
                                "-M date: '%s' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)",
                                value);
        if (strcmp(key, "author") == 0) {
            memset(m->creators, 0, sizeof m->creators);
            m->creators[0].name = qr_arena_strdup(a, value);
            m->creators[0].role = "aut";
            m->n_creators = 1;
            continue;
        }
        size_t k = 0;
        while (k < QR_ARRAY_LEN(text) && strcmp(key, text[k].key) != 0)
            k++;
        if (k == QR_ARRAY_LEN(text)) {
            const char *near = qr_cli_nearest(key, names, (int)QR_ARRAY_LEN(names));
            return qr_error_set(err, QR_EX_USAGE, NULL, 0, 0,
                                "-M: unknown metadata key '%s'%s%s%s", key,
                                near ? "; did you mean " : "", near ? near : "", near ? "?" : "");
        }
        *(const char **)((char *)m + text[k].offset) = qr_arena_strdup(a, value);
        if (strcmp(key, "identifier") == 0)
            m->isbn = NULL;
    }
    return 0;
}

/* A family named by --font or print.font is checked before the layout:
 * one fontconfig lacks is a usage error (the command line's) or a data
 * error at its place in book.yaml, with the families near it. */
static int S_check_font(const options *opt, const qr_manifest *man, qr_error *err)
{
    const qr_manifest_value *font = &man->print.font;
    if (!(opt->cli & CLI_FONT) && !font->s)
        return 0;
    qr_buf dd = QR_BUF_INIT;
    qr_cli_datadir(&dd);
    qr_buf_adds(&dd, "/fonts");
    int rc = opt->cli & CLI_FONT
                 ? qr_cli_font_check(opt->print.font_family, dd.ptr, QR_EX_USAGE, NULL, 0, 0,
                                     "", err)
                 : qr_cli_font_check(font->s, dd.ptr, QR_EX_DATAERR, man->file, font->line,
                                     font->col, "print.", err);
    qr_buf_release(&dd);
    return rc;
}

/* The inner margin the print services ask for a book of `pages` pages
 * (KDP's table; IngramSpark's is within it). */
static double S_pod_inner(size_t pages)
{
    double in = pages <= 150 ? 0.375 : pages <= 300 ? 0.5 : pages <= 500 ? 0.625 : pages <= 700
                                                                                  ? 0.75
                                                                                  : 0.875;
    return in * QR_IN;
}

/* Checks a print file made in memory and writes it: nothing is written
 * when a print service would refuse it. */
static int S_write_print(const char *path, const qr_buf *pdf, int dry, qr_error *err)
{
    int problems = qr_pdfx_check(path, pdf->ptr, pdf->len, stderr, err);
    if (problems < 0)
        return -1;
    if (problems > 0)
        return qr_error_set(err, QR_EX_DATAERR, path, 0, 0,
                            "%d problem%s a print service would refuse (above); not written",
                            problems, problems == 1 ? "" : "s");
    return dry ? 0 : qr_write_file_atomic(path, pdf->ptr, pdf->len, err);
}

/* --print pod: <slug>-interior.pdf and <slug>-cover.pdf beside the rest. */
static int S_write_pod(const qr_doc *doc, const options *opt, const qr_manifest *man,
                       const qr_layout *lay, time_t date, const char *stem, qr_error *err)
{
    qr_layout *own = NULL;
    const qr_layout *il = lay;
    options o = *opt;
    /* the inner margin grows with the page count, unless the author set it;
     * the count may change with the margin, so again until it holds */
    for (int pass = 0; pass < 3 && !opt->margins_given; pass++) {
        double need = S_pod_inner(il->n_pages);
        if (o.print.inner >= need - 0.01)
            break;
        o.print.inner = need;
        qr_note("the interior's inner margin: %.3f in for %zu pages", need / QR_IN, il->n_pages);
        qr_layout *next = S_typeset_book(doc, &o, man, err);
        if (!next) {
            qr_layout_free(own);
            return -1;
        }
        qr_layout_free(own);
        own = next;
        il = own;
    }
    qr_buf pdf = QR_BUF_INIT, path = QR_BUF_INIT;
    int rc = qr_pdf_write_interior(il, doc, date, &pdf, err);
    qr_buf_addf(&path, "%s-interior.pdf", stem);
    if (rc == 0) {
        qr_note("writing %s", path.ptr);
        rc = S_write_print(path.ptr, &pdf, opt->check, err);
    }
    size_t pages = il->n_pages;
    qr_layout_free(own);
    if (rc == 0) {
        qr_buf_reset(&pdf);
        qr_buf_reset(&path);
        qr_buf_addf(&path, "%s-cover.pdf", stem);
        qr_buf dd = QR_BUF_INIT;
        qr_cli_datadir(&dd);
        qr_buf_adds(&dd, "/fonts");
        qr_print_options po = o.print;
        po.fonts_dir = dd.ptr;
        rc = qr_cover_write(doc, &po, (int)pages, (qr_paper)opt->paper, date, &pdf, err);
        qr_buf_release(&dd);
        if (rc == 0) {
            qr_note("writing %s", path.ptr);
            rc = S_write_print(path.ptr, &pdf, opt->check, err);
        }
    }
    if (rc == 0 && opt->stats) {
        qr_cover_box g;
        qr_cover_geometry(o.print.page_w, o.print.page_h, (int)pages, (qr_paper)opt->paper, &g);
        static const char *const paper[] = {"white", "cream", "colour"};
        printf("%s:\n  interior   %zu pages, inner margin %.3f in\n"
               "  spine      %.4f in (%s paper)%s\n  cover      %.4f x %.4f in, bleed included\n",
               path.ptr, pages, o.print.inner / QR_IN, g.spine / QR_IN, paper[opt->paper],
               g.spine_text ? "" : ", too narrow for its title", g.w / QR_IN, g.h / QR_IN);
    }
    qr_buf_release(&pdf);
    qr_buf_release(&path);
    return rc;
}

int qr_cli_run(int cmd, int argc, char **argv, const options *cli_opt)
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

    if (qr_cli_collect(argc, argv, &in, &man, qr_doc_arena(doc), &err) < 0)
        goto fail;
    if (S_apply_print(&man, &o, &err) < 0)
        goto fail;
    if (!(o.cli & CLI_EMERGENCY))
        o.print.breaking.emergency_stretch = 1.5 * o.print.font_size;
    if (qr_cli_read_book(&in, opt->from, &man.headings, doc, &newest, &err) < 0)
        goto fail;
    /* the manifest's metadata beats what the readers found, -M both */
    qr_manifest_apply_meta(&man, qr_doc_meta(doc));
    if (S_apply_cli_meta(opt, doc, &err) < 0)
        goto fail;
    qr_read_smarten_meta(doc);
    if (in.newest > newest)
        newest = in.newest;
    if (cmd == CMD_TRACE) {
        if (S_check_font(opt, &man, &err) < 0)
            goto fail;
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
    if (opt->out_file) {
        /* -o NAME.epub: the folder it is in */
        const char *slash = strrchr(opt->out_file, '/');
        if (slash)
            qr_buf_add(&out_dir, opt->out_file, slash == opt->out_file ? 1 : (size_t)(slash - opt->out_file));
        else
            qr_buf_adds(&out_dir, ".");
    } else if (opt->out_dir)
        qr_buf_adds(&out_dir, opt->out_dir);
    else if (in.project)
        qr_buf_addf(&out_dir, "%s/dist", in.project);
    else
        qr_buf_adds(&out_dir, "dist");
    /* One layout for both editions: the PDF's pages are the ones the EPUB
     * marks, so an EPUB alone is laid out too, unless --no-page-list. */
    if ((opt->formats & FORMAT_PDF) || opt->pod ||
        ((opt->formats & FORMAT_EPUB) && !opt->no_page_list)) {
        if (S_check_font(opt, &man, &err) < 0)
            goto fail;
        lay = S_typeset_book(doc, opt, &man, &err);
        if (!lay)
            goto fail;
    }
    /* made once the book is laid out: a book that cannot be (an unknown
     * font) leaves no empty output folder behind */
    struct stat dst;
    if (!opt->out_dir && in.project && lstat(out_dir.ptr, &dst) == 0 &&
        qr_path_check_dir_inside(in.project, out_dir.ptr, &err) < 0) {
        if (err.code == QR_EX_DATAERR) {
            char why[sizeof err.msg];
            snprintf(why, sizeof why, "%s", err.msg);
            qr_error_set(&err, QR_EX_DATAERR, out_dir.ptr, 0, 0, "the output folder %.900s", why);
        }
        goto fail;
    }
    if (!opt->check && S_make_dir(out_dir.ptr, &err) < 0)
        goto fail;
    if (opt->formats & FORMAT_EPUB) {
        qr_epub_a11y a11y;
        S_a11y(&man.a11y, &a11y);
        S_book_path(opt, out_dir.ptr, doc, &in, ".epub", &path);
        qr_note("writing %s", path.ptr);
        if (S_write_epub(doc, modified, path.ptr, opt->progress, opt->check, in.project,
                         man.stylesheet.path, opt->no_page_list ? NULL : lay, &a11y, &err) < 0)
            goto fail;
        S_wrote(opt, path.ptr);
    }
    if (opt->formats & FORMAT_PDF) {
        S_book_path(opt, out_dir.ptr, doc, &in, ".pdf", &path);
        qr_note("writing %s", path.ptr);
        if (S_write_pdf(lay, doc, opt, modified, path.ptr, &err) < 0)
            goto fail;
        S_wrote(opt, path.ptr);
    }
    if (opt->pod) {
        qr_buf_reset(&path);
        qr_buf_addf(&path, "%s/", out_dir.ptr);
        S_slug(doc, &in, &path);
        if (S_write_pod(doc, opt, &man, lay, modified, path.ptr, &err) < 0)
            goto fail;
    }
done:
    qr_layout_free(lay);
    qr_doc_free(doc);
    qr_cli_inputs_free(&in);
    qr_buf_release(&out_dir);
    qr_buf_release(&path);
    return QR_EX_OK;
fail:
    qr_error_print(&err);
    qr_layout_free(lay);
    qr_doc_free(doc);
    qr_cli_inputs_free(&in);
    qr_buf_release(&out_dir);
    qr_buf_release(&path);
    return err.code ? err.code : QR_EX_SOFTWARE;
}
